// Server-rendered pages: every page route of the site in one list (site.tsx mounts it after the
// API routes) and the error page renderer. Elder pages follow 适老化 rules: large text, big
// targets, high contrast, Chinese first, no pop-ups, little script.
import type { RouteDef } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { staticRoutes } from './kit/static';
import { homePageRoutes } from './kit/home-pages';
import { authPageRoutes } from './signin/pages';
import { elderPageRoutes } from './elder/pages';
import { familyPageRoutes } from './family/pages';
import { topupPageRoutes } from './family/topup-pages';
import { bookingPageRoutes } from './elder/booking-pages';
import { orderPageRoutes } from './elder/order-pages';
import { merchantHomeRoutes } from './merchant/home-pages';
import { merchantOrderRoutes } from './merchant/order-pages';
import { merchantServiceRoutes } from './merchant/service-pages';
import { staffPageRoutes } from './staff/pages';
import { staffElderPageRoutes } from './staff/elder-pages';
import { staffPointsPageRoutes } from './staff/elder-points';
import { staffReversePageRoutes } from './staff/elder-reverse';
import { staffElderOrderPageRoutes } from './staff/elder-orders';
import { staffTopupPageRoutes } from './staff/elder-topups';
import { staffDisputePageRoutes } from './staff/dispute-pages';
import { staffBehalfPageRoutes } from './staff/behalf-pages';
import { staffImportPageRoutes } from './staff/import-pages';
import { staffIssuancePageRoutes } from './staff/issuance-pages';
import { staffAwardPageRoutes } from './staff/award-pages';
import { staffAwardCsvPageRoutes } from './staff/award-csv-pages';
import { cardSheetPageRoutes } from './staff/card-sheet-pages';
import { staffSettlementPageRoutes } from './staff/settlement-pages';
import { staffFlagPageRoutes } from './staff/flag-pages';
import { staffAuditPageRoutes } from './staff/audit-pages';
import { staffCoveragePageRoutes } from './staff/coverage-pages';
import { staffAnalyticsPageRoutes } from './staff/analytics-pages';
import { staffAccountListRoutes } from './staff/account-pages';
import { staffAccountEditRoutes } from './staff/account-edit';
import { staffMerchantPageRoutes } from './staff/merchant-pages';
import { staffCategoryPageRoutes } from './staff/category-pages';
import { staffPolicyEditRoutes } from './staff/policy-edit';
import { staffPolicyPageRoutes } from './staff/policy-pages';
import { chartsRoutes } from './kit/charts/asset';
import { merchantSettlementRoutes } from './merchant/settlement-pages';
import { wechatPageRoutes } from '@tmc/app/public';

export { renderErrorPage } from './kit/error-page';

export const pageRoutes = (deps: Deps): RouteDef[] => [
  ...staticRoutes(),
  ...chartsRoutes(), // the console's chart island: linked from the analytics pages only
  ...homePageRoutes(),
  ...wechatPageRoutes(), // the WeChat link round trip and switch-off: pages, so errors render as pages
  ...authPageRoutes(deps),
  ...elderPageRoutes(deps),
  ...familyPageRoutes(deps),
  ...topupPageRoutes(deps),
  // booking and orders, the elder's and then bound family's (the same handlers for both)
  ...bookingPageRoutes(deps, 'elder'),
  ...orderPageRoutes(deps, 'elder'),
  ...bookingPageRoutes(deps, 'family'),
  ...orderPageRoutes(deps, 'family'),
  ...merchantHomeRoutes(deps),
  ...merchantOrderRoutes(deps),
  ...merchantServiceRoutes(deps),
  ...merchantSettlementRoutes(deps),
  ...staffPageRoutes(deps),
  // '/staff/elders/new' is declared before '/staff/elders/:elder_id' inside this list
  ...staffElderPageRoutes(deps),
  // an elder's points, reversal, orders and top-ups (issue 12), and the disputes queue
  ...staffPointsPageRoutes(deps),
  ...staffReversePageRoutes(deps),
  ...staffElderOrderPageRoutes(deps),
  ...staffTopupPageRoutes(deps),
  ...staffDisputePageRoutes(deps),
  ...staffBehalfPageRoutes(deps), // 代下单: /staff/elders/:elder_id/book and its orders
  ...staffImportPageRoutes(deps),
  ...staffIssuancePageRoutes(deps),
  // '/staff/policies/new' is declared before '/staff/policies/:version'
  ...staffPolicyEditRoutes(deps),
  ...staffPolicyPageRoutes(deps),
  ...staffAwardPageRoutes(deps),
  ...staffAwardCsvPageRoutes(deps),
  ...cardSheetPageRoutes(deps),
  ...staffSettlementPageRoutes(deps),
  ...staffFlagPageRoutes(deps),
  ...staffAuditPageRoutes(deps),
  ...staffCoveragePageRoutes(deps),
  ...staffAnalyticsPageRoutes(deps),
  // '/staff/accounts/new' and '/export' are declared before '/staff/accounts/:username'
  ...staffAccountListRoutes(deps),
  ...staffAccountEditRoutes(deps),
  // '/staff/merchants.csv' and the payee pages (settlement) sit beside '/staff/merchants/:merchant_id'
  ...staffMerchantPageRoutes(deps),
  ...staffCategoryPageRoutes(deps),
];
