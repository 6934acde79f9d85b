// The merchant entity's keys and access patterns (docs/DATA_MODEL.md is generated from these): the
// profile, services and rating items under MERCHANT#, the status index, categories and the geo index.
// Split from merchants.ts (the store) the way ledger-keys.ts is from ledger.ts.
import type { AccessPattern } from '../access-pattern';

export const SERVICES_PER_MERCHANT_MAX = 30;

export const merchantKeys = {
  merchant: (merchantId: string) => ({ pk: `MERCHANT#${merchantId}`, sk: 'PROFILE' }),
  merchantPk: (merchantId: string) => `MERCHANT#${merchantId}`,
  service: (merchantId: string, serviceId: string) => ({ pk: `MERCHANT#${merchantId}`, sk: `SERVICE#${serviceId}` }),
  serviceSkPrefix: () => 'SERVICE#',
  // a merchant's rating totals (ADD per rating), read by key for the search page
  merchantRating: (merchantId: string) => ({ pk: `MERCHANT#${merchantId}`, sk: 'RATING' }),
  merchantStatusIndex: (status: string, at: string, merchantId: string) => ({
    gsi1pk: `MERCHANTS_BY_STATUS#${status}`,
    gsi1sk: `${at}#${merchantId}`,
  }),
  merchantStatusPk: (status: string) => `MERCHANTS_BY_STATUS#${status}`,
  category: (code: string) => ({ pk: 'CATEGORIES', sk: code }),
  categoriesPk: () => 'CATEGORIES',
  geoStrip: (category: string, level: number, strip: number, latKey: string, serviceId: string) => ({
    pk: `GEO#${category}#L${level}#${strip}`,
    sk: `${latKey}#${serviceId}`,
  }),
  geoStripPk: (category: string, level: number, strip: number) => `GEO#${category}#L${level}#${strip}`,
  /** The sk bounds of a latitude range within a strip: every service at `lo` up to every one at `hi`. */
  geoStripFrom: (latLo: string) => `${latLo}#`,
  geoStripTo: (latHi: string) => `${latHi}#\uffff`,
  geoHomeVisit: (category: string, cell: string, serviceId: string) => ({
    pk: `GEOHV#${category}#${cell}`,
    sk: serviceId,
  }),
  geoHomeVisitPk: (category: string, cell: string) => `GEOHV#${category}#${cell}`,
} as const;

export const merchantPatterns = (): AccessPattern[] => [
  {
    name: 'merchantById',
    index: 'table',
    operation: ['GetItem', 'BatchGetItem'],
    pk: 'MERCHANT#{merchant_id}',
    sk: 'PROFILE',
    used_by: 'merchants, orders, search',
    about: '',
  },
  {
    name: 'servicesOfMerchant',
    index: 'table',
    operation: ['Query', 'BatchGetItem'],
    pk: 'MERCHANT#{merchant_id}',
    sk: 'SERVICE#{service_id}',
    used_by: 'merchants, orders',
    about: `begins_with \`SERVICE#\`; at most ${SERVICES_PER_MERCHANT_MAX}; one by key with its merchant (booking)`,
  },
  {
    name: 'merchantRating',
    index: 'table',
    operation: ['UpdateItem', 'BatchGetItem'],
    pk: 'MERCHANT#{merchant_id}',
    sk: 'RATING',
    used_by: 'orders (rating), search',
    about: "one ADD per rating; search BatchGets the page's",
  },
  {
    name: 'merchantsByStatus',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'MERCHANTS_BY_STATUS#{status}',
    sk: '{updated_at}#{merchant_id}',
    used_by: 'merchants (staff review queue)',
    about: 'review queue',
  },
  {
    name: 'categories',
    index: 'table',
    operation: ['Query'],
    pk: 'CATEGORIES',
    sk: '{code}',
    used_by: 'merchants, search',
    about: '',
  },
  {
    name: 'servicesInStrip',
    index: 'table',
    operation: ['Query'],
    pk: 'GEO#{category}#L{level}#{strip}',
    sk: '{lat key}#{service_id}',
    used_by: 'search',
    about: 'latitude range (sk BETWEEN)',
  },
  {
    name: 'homeVisitsInCell',
    index: 'table',
    operation: ['Query'],
    pk: 'GEOHV#{category}#{cell}',
    sk: '{service_id}',
    used_by: 'search',
    about: '',
  },
];
