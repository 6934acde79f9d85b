// Building and driving the app outside its Lambda functions, for tests of pages and the local
// runner: a dependency bag from an env, a logger that keeps its lines, jobs run to the end, and
// which paths API Gateway sends to the API function. Never imported by page code (it loads the
// job code, which the deployed functions load only when a job starts).
export { buildDeps } from './compose/deps';
export { parseEnv } from './compose/env';
export { captureLogger } from './http/logger';
export { runJob } from './compose/jobs';
export { servedByApi } from './http/api-paths';
export { orderDeps } from './compose/order-deps';
export { policyNow } from './compose/policy-now';
export { settlementDeps } from './compose/settlement-deps';
// the anomaly-flag reactor, for the streams function's local poller and for tests that feed it changes
export { flagReactor } from './compose/flag-reactor';
export type { Deps } from './compose/deps-type';
