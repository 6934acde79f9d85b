// The anomaly-flag reactor wired from the dependency bag, for the streams function (and the local
// stream poller) to run beside the counters' reactor on each table change.
import { createFlagReactor } from '@tmc/core/analytics/flag-rules';
import type { ChangeReactor } from '@tmc/core/analytics/model';
import { DEFAULT_ANOMALY, policyOn, type AnomalyThresholds } from '@tmc/core/policy/model';
import type { Deps } from './deps-type';

/** Policies change a few times a year and a stream batch holds hundreds of orders: the thresholds of a
 * day are read once per this long (a new version is seen within it). */
const THRESHOLDS_CACHE_MS = 5 * 60_000;

export const flagReactor = (deps: Pick<Deps, 'flags' | 'policies' | 'merchants' | 'clock'>): ChangeReactor => {
  const cache = new Map<string, { at_ms: number; th: Promise<AnomalyThresholds> }>();
  const thresholdsOn = (day: string): Promise<AnomalyThresholds> => {
    const now_ms = deps.clock.now().getTime();
    const hit = cache.get(day);
    if (hit && now_ms - hit.at_ms < THRESHOLDS_CACHE_MS) return hit.th;
    if (cache.size > 62) cache.clear(); // a backfill walks many days: keep the cache small
    const th = deps.policies.versions().then((vs) => policyOn(vs, day)?.anomaly ?? DEFAULT_ANOMALY);
    th.catch(() => cache.delete(day)); // a failed read is retried by the next change, not cached
    cache.set(day, { at_ms: now_ms, th });
    return th;
  };
  return createFlagReactor({
    flags: deps.flags,
    thresholdsOn,
    merchant: (id) => deps.merchants.getMerchant(id),
    service: async (merchant_id, service_id) =>
      (await deps.merchants.services(merchant_id)).find((s) => s.service_id === service_id) ?? null,
  });
};
