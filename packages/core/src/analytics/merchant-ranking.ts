// Merchant rankings and merchants with no orders (issue 11 part 2), from the city's `|m=` counters (kept in
// MERCHANT_BUCKETS bucket items per day and month, model.ts; at most MERCHANT_ITEMS_MAX keys a view): orders,
// ratings and complaints (disputes opened) per merchant. A merchant is ranked in the area where it is (its
// community), with everything its customers ordered there, so a street officer sees their street's shops.
import { isWithin } from '../areas/model';
import { byDim, pct, type CounterReader } from './dashboard';
import type { DashboardQuery, Target } from './dashboard-query';
import { MERCHANT_BUCKETS, merchantPeriod, type Period } from './model';
import { merchantPlan } from './plan';

/** Shops one dashboard read looks at (20 index pages of 100): a city has hundreds; past this the lists are
 * cut (the most-ordered shops kept, `truncated` set) rather than the read growing with the alliance. */
export const MERCHANT_LIST_MAX = 2_000;
/** Rankings show the top of each list: a longer table is the CSV's job. */
export const RANKING_TOP = 20;

export type MerchantRef = { merchant_id: string; business_name: string; community_code: string; status: string };
export type MerchantDirectory = {
  /** Approved merchants (the status index, paged), the first `max` of them. */
  approved: (max: number) => Promise<MerchantRef[]>;
  /** Merchants read by key (those with counters that are no longer approved). */
  byIds: (ids: readonly string[]) => Promise<MerchantRef[]>;
};

/** The city's per-merchant counters over the range: every bucket item of every period of the plan, summed
 * with the period's sign (a month less its days outside the range). */
const merchantSums = async (counters: CounterReader, from: string, to: string) => {
  const sign = new Map<Period, number>();
  for (const p of merchantPlan(from, to))
    for (let b = 0; b < MERCHANT_BUCKETS; b++) sign.set(merchantPeriod(p.period, b), p.sign);
  const wanted = [...sign.keys()].map((period) => ({ scope: 'all' as const, period }));
  const s: Record<string, number> = {};
  for (const r of await counters.read(wanted))
    for (const [k, v] of Object.entries(r.counters)) s[k] = (s[k] ?? 0) + (sign.get(r.period) ?? 0) * v;
  return { s, items_read: wanted.length };
};

export const dashboardMerchants = async (
  deps: { counters: CounterReader; merchants: MerchantDirectory },
  q: DashboardQuery,
  target: Target,
) => {
  const { s, items_read } = await merchantSums(deps.counters, q.from, q.to);
  const requested = byDim(s, 'orders.requested', 'm');
  const completed = byDim(s, 'orders.completed', 'm');
  const points = byDim(s, 'orders.points', 'm');
  const ratings = byDim(s, 'ratings.count', 'm');
  const ratingSum = byDim(s, 'ratings.sum', 'm');
  const complaints = byDim(s, 'disputes.opened', 'm');
  const approved = await deps.merchants.approved(MERCHANT_LIST_MAX);
  const known = new Map(approved.map((m) => [m.merchant_id, m]));
  const counted = [...new Set([...Object.keys(requested), ...Object.keys(ratings), ...Object.keys(complaints)])];
  const truncated = counted.length > MERCHANT_LIST_MAX || approved.length >= MERCHANT_LIST_MAX;
  if (counted.length > MERCHANT_LIST_MAX) {
    counted.sort((a, b) => (requested[b] ?? 0) - (requested[a] ?? 0) || a.localeCompare(b));
    counted.length = MERCHANT_LIST_MAX;
  }
  const missing = counted.filter((id) => !known.has(id));
  for (const m of missing.length ? await deps.merchants.byIds(missing) : []) known.set(m.merchant_id, m);
  const inArea = (m: MerchantRef) => target.code === null || isWithin(m.community_code, target.code);
  const rows = counted
    .map((id) => known.get(id))
    .filter((m): m is MerchantRef => m !== undefined && inArea(m))
    .map((m) => {
      const id = m.merchant_id;
      const count = ratings[id] ?? 0;
      return {
        merchant_id: id,
        business_name: m.business_name,
        community_code: m.community_code,
        status: m.status,
        requested: requested[id] ?? 0,
        completed: completed[id] ?? 0,
        completion_pct: pct(completed[id] ?? 0, requested[id] ?? 0),
        points: points[id] ?? 0,
        ratings: count,
        rating_average: count > 0 ? Math.round(((ratingSum[id] ?? 0) * 100) / count) / 100 : null,
        complaints: complaints[id] ?? 0,
      };
    });
  type Row = (typeof rows)[number];
  const top = (key: (r: Row) => number) =>
    [...rows].sort((a, b) => key(b) - key(a) || a.merchant_id.localeCompare(b.merchant_id)).slice(0, RANKING_TOP);
  const no_orders = approved
    .filter((m) => inArea(m) && !(requested[m.merchant_id] ?? 0))
    .sort((a, b) => a.community_code.localeCompare(b.community_code) || a.merchant_id.localeCompare(b.merchant_id))
    .map((m) => ({ merchant_id: m.merchant_id, business_name: m.business_name, community_code: m.community_code }));
  return {
    range: { from: q.from, to: q.to },
    area: { code: target.code, level: target.level },
    items_read,
    /** More shops than one read looks at: the lists hold the most-ordered ones (the page says so). */
    truncated,
    all: rows.sort((a, b) => b.requested - a.requested || a.merchant_id.localeCompare(b.merchant_id)),
    by_orders: top((r) => r.requested),
    by_rating: top((r) => (r.rating_average ?? -1) * 1e6 + r.ratings),
    by_complaints: top((r) => r.complaints).filter((r) => r.complaints > 0),
    no_orders,
  };
};
export type MerchantsDashboard = Awaited<ReturnType<typeof dashboardMerchants>>;
