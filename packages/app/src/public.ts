// What the pages (packages/web) may use of the app: the one surface they share with it, so the app's
// files can move without touching a page. Pages declare routes the same way the API does (defineRoute:
// access, typed principal, validation), run in the same Hono app (createApp, AppEnv, Ctx, Deps) and
// answer errors in the same shape (ErrorBody, zodFields, setRetryAfter); sign-in pages start sessions
// as the sign-in API does; booking pages read the policy and the order wiring the API uses.
// Not here, on purpose: compose/production-deps (reads the environment and Secrets Manager at import:
// only the pages function's entry takes it) and the job runner (loaded only when a job starts); tests
// and the local runner build and drive the app through harness.ts. The elder-access rule is core's
// (@tmc/core/elders/access), imported from there.
export type { Deps } from './compose/deps-type';
export type { AppEnv, Ctx } from './http/context';
export type { ErrorBody } from './http/error-body';
export { CSV_MAX_BYTES, defineRoute, queryInt, type RouteDef } from './http/route';
export { setRetryAfter, zodFields } from './http/http-error';
export { clientKey } from './http/client-address';
export { clearSessionCookies, setSessionCookies } from './http/session';
export { requestLoginCode, verifyLoginCode } from './compose/login-codes';
export { startStaffSession } from './compose/staff-session';
export { wechatPageRoutes } from './compose/wechat-link';
export { policyForOrders, policyNow } from './compose/policy-now';
export { orderDeps } from './compose/order-deps';
export { createApp } from './compose/app';
// Settlement pages (issue 10) pay and review through the same bag and helpers as the API routes.
export { settlementDeps } from './compose/settlement-deps';
export { csvResponse, FINANCE, reviewerOf, SETTLEMENT_READERS, statementView } from './api/settlement';
export { allLines, ownStatement } from './api/merchant-settlement';
// Anomaly flag pages (issue 11) list, show and decide flags as the API routes do.
export { FLAG_READERS, flagDeciderOf, FlagListQuery, flagListStreet, listFlagsFor, ordersOfFlag } from './api/flags';
// The audit log page (issue 11) reads with the same filter, range and readers as GET /api/audit.
export { AUDIT_READERS, AuditFilter, auditQueryOf, withoutBlanks } from './api/audit';
// Coverage (issue 11): the page reads and recomputes through the same functions as the API.
export { COVERAGE_READERS, readCoverage, requestCoverageRun, type CoverageQuery } from './api/analytics-coverage';
// The analytics console pages (issue 11) read the same views as the API.
export { ANALYTICS_READERS, analyticsTables, type AnalyticsView } from './api/analytics';
// Staff accounts (issue 12): the pages manage accounts under the API's declared roles.
export { STAFF_ADMINS, STAFF_SELF, staffActorOf } from './api/staff';
// The staff workbench (issue 12): merchants and categories under the API's role lists and scope rule.
export {
  MERCHANT_DECISIONS,
  MERCHANT_STAFF,
  MerchantListQuery,
  merchantDetail,
  merchantForStaff,
  merchantOrders,
  merchantsFor,
  type MerchantDecision,
  type MerchantOrderRow,
} from './api/merchant-review';
export { DECISION_REASON_MAX, DECISION_REASON_MIN } from './api/merchants';
export { CATEGORY_ADMINS, CATEGORY_READERS } from './api/categories';
// The staff workbench (issue 12): an elder's points, freeze, reversal, top-ups and refunds, orders and
// the disputes queue, through the same functions and role lists as the API routes.
export {
  EntryIdParam,
  HISTORY_PAGE_DEFAULT,
  historyOf,
  pointsOf,
  REVERSERS,
  reverseEntryAudited,
  STAFF_POINTS_READERS,
  WALLET_FREEZERS,
  type PointsView,
} from './api/points';
export { idempotencyOfForm } from './http/idempotency';
export { REFUNDERS, refundTopupAs, STAFF_READERS as TOPUP_STAFF_READERS, topupsOfElder } from './api/topups';
export { OFFICERS } from './api/order-access';
export { decideDisputeAs, openDisputesFor } from './api/order-steps';
// Booking on behalf (issue 12, 代下单): the staff pages search, book and act on an order with the API's
// declared roles and its visibility and code rules.
export { SEARCHERS } from './api/merchants';
export { BOOKERS, DISPUTERS, RATERS, Reason, loadVisible, seesCode } from './api/order-access';
export { RateBody } from './api/order-steps';
// Points policy pages (issue 12): versions read and saved under the API's role lists.
export { POLICY_READERS, POLICY_WRITERS } from './api/issuance';
// Monthly issuance and activity awards (issue 12): the pages start a run and award points through the
// same functions and role lists as the API routes.
export { AWARD_OFFICERS, awardToElder, ISSUANCE_COMMITTERS, ISSUANCE_READERS, startIssuance } from './api/issuance';
