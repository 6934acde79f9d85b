// The coverage job's work (issue 11, part 3): read every active elder and every matchable service by key
// (elders community by community, approved merchants by status and their services), compute coverage
// (coverage.ts) and store a snapshot the page reads. A run is a whole new snapshot switched in by one
// write of its summary, so a page never sees half of one run and half of another; running it twice
// only computes the same thing twice (the job is idempotent, and the reactor debounces it).
import type { Area } from '../areas/model';
import type { AreaStore } from '../areas/ports';
import { communitiesUnder } from '../areas/tree';
import type { ElderRecord } from '../elders/model';
import type { Page } from '../kernel/page';
import type { Merchant, Service } from '../merchants/model';
import type { Walking } from '../search/geo';
import {
  computeCoverage,
  coverageElders,
  coverageServices,
  rankGaps,
  type CommunityCoverage,
  type CoverageElder,
  type CoverageGap,
  type CoverageService,
} from './coverage';

/** The ranking item keeps this many gaps: 200 rows of ~100 bytes stay far below DynamoDB's 400 KB item
 * limit, and is more than a recruiting plan reads; a filtered page ranks its own rows. */
export const COVERAGE_GAPS_MAX = 200;
/** Page size of the elder and merchant reads (the store's page limit). */
export const COVERAGE_PAGE = 100;

export type CoverageRow = CommunityCoverage & { name: string; centroid: { lat: number; lng: number } | null };

export type CoverageSummary = {
  run_id: string;
  computed_at: string;
  by: string; // 'system:coverage' or the staff member who asked
  categories: string[];
  walking: Walking;
  inputs: { communities: number; elders: number; unlocated: number; merchants: number; services: number };
};

/** Merchants with a matchable service, for the map: [lat, lng] rounded to 1e-4 degree (~11 m, plenty for a
 * district map), at most MAP_MERCHANTS_MAX so the map item stays ~200 KB (DynamoDB items hold 400 KB). */
export type MapPoint = [number, number];
export const MAP_MERCHANTS_MAX = 8_000;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export type CoverageSnapshot = {
  summary: CoverageSummary;
  rows: CoverageRow[];
  gaps: CoverageGap[];
  merchants: MapPoint[];
};

export type CoverageStore = {
  /** Writes the rows and the ranking under the run, then makes it current (unless a newer run already is). */
  save: (s: CoverageSnapshot) => Promise<void>;
  /** The current run's summary, its rows under an area code prefix ('' = all), and its ranking. */
  current: (prefix: string) => Promise<CoverageSnapshot | null>;
};

export type CoverageSource = {
  areas: AreaStore;
  eldersOf: (community_code: string, limit: number, cursor?: string) => Promise<Page<ElderRecord>>;
  approvedMerchants: (limit: number, cursor?: string) => Promise<Page<Merchant>>;
  servicesOf: (merchant_id: string) => Promise<Service[]>;
  categories: () => Promise<string[]>;
};

const allPages = async <T>(read: (cursor?: string) => Promise<Page<T>>, each: (items: T[]) => Promise<void> | void) => {
  let cursor: string | undefined;
  do {
    const p = await read(cursor);
    await each(p.items);
    cursor = p.cursor ?? undefined;
  } while (cursor);
};

export const runId = (at: Date): string => at.toISOString().replace(/[-:.]/g, '');

export const runCoverage = async (
  src: CoverageSource,
  store: CoverageStore,
  args: { now: Date; walking: Walking; by: string },
): Promise<CoverageSummary> => {
  const communities: Area[] = await communitiesUnder(src.areas, null);
  const elders: CoverageElder[] = [];
  for (const c of communities)
    await allPages(
      (cur) => src.eldersOf(c.code, COVERAGE_PAGE, cur),
      (page) => void elders.push(...coverageElders(page)),
    );
  const services: CoverageService[] = [];
  const points: MapPoint[] = [];
  let merchants = 0;
  await allPages(
    (cur) => src.approvedMerchants(COVERAGE_PAGE, cur),
    async (page) => {
      merchants += page.length;
      // a page's merchants in parallel: one Query each, at most COVERAGE_PAGE at once
      const lists = await Promise.all(page.map((m) => src.servicesOf(m.merchant_id)));
      page.forEach((m, i) => {
        const own = coverageServices(m, lists[i] ?? []);
        services.push(...own);
        if (own.length > 0 && points.length < MAP_MERCHANTS_MAX)
          points.push([round4(m.location.lat), round4(m.location.lng)]);
      });
    },
  );
  const categories = await src.categories();
  const computed = computeCoverage(elders, services, categories, args.walking);
  const byCode = new Map(computed.map((r) => [r.community_code, r]));
  // every community of the tree has a row, an empty one too (0 elders: nothing to recruit for yet)
  const rows: CoverageRow[] = communities.map((a) => ({
    ...(byCode.get(a.code) ?? {
      community_code: a.code,
      elders: 0,
      unlocated: 0,
      covered: Object.fromEntries(categories.map((c) => [c, 0])),
    }),
    name: a.name,
    centroid: a.centroid,
  }));
  // elders filed under a community missing from the tree still count (a data error shown, not hidden)
  const inTree = new Set(communities.map((a) => a.code));
  for (const r of computed)
    if (!inTree.has(r.community_code)) rows.push({ ...r, name: r.community_code, centroid: null });
  const summary: CoverageSummary = {
    run_id: runId(args.now),
    computed_at: args.now.toISOString(),
    by: args.by,
    categories,
    walking: args.walking,
    inputs: {
      communities: rows.length,
      elders: elders.length,
      unlocated: elders.filter((e) => e.location === null).length,
      merchants,
      services: services.length,
    },
  };
  await store.save({ summary, rows, gaps: rankGaps(rows, COVERAGE_GAPS_MAX), merchants: points });
  return summary;
};
