// The bureau's dashboard (issue 11 part 2), computed from counter items only: the read plan (plan.ts) says
// which items, this module sums them. No order, ledger or elder item is read, so a dashboard costs at most
// PLAN_ITEMS_MAX items per counter scope whatever the volume (bench/analytics-dashboard.ts measures it).
import { AGE_BANDS, parseCounterName, type CounterRow, type Period, type Scope } from './model';
import type { CounterStore } from './ports';
import type { AreaStore } from '../areas/ports';
import { readPlan, type ReadPlan } from './plan';
import type { DashboardQuery, Target } from './dashboard-query';

export type CounterReader = Pick<CounterStore, 'read'>;
type Sums = Record<string, number>;

/** The counters of the target's scopes, summed per period. `items_read` is the number of keys asked for. */
export type Loaded = { plan: ReadPlan; byPeriod: Map<Period, Sums>; items_read: number };

const addInto = (into: Sums, from: Sums, sign = 1) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + sign * v;
};

export const loadCounters = async (counters: CounterReader, scopes: Scope[], plan: ReadPlan): Promise<Loaded> => {
  const wanted = scopes.flatMap((scope) => plan.periods.map((period) => ({ scope, period })));
  const rows: CounterRow[] = wanted.length ? await counters.read(wanted) : [];
  const byPeriod = new Map<Period, Sums>();
  for (const r of rows) addInto(byPeriod.get(r.period) ?? byPeriod.set(r.period, {}).get(r.period)!, r.counters);
  return { plan, byPeriod, items_read: wanted.length };
};

/** Flows over the range (months plus days, less the days taken out of a month). */
export const rangeSums = (l: Loaded): Sums => {
  const out: Sums = {};
  for (const p of l.plan.parts) addInto(out, l.byPeriod.get(p.period) ?? {}, p.sign);
  return out;
};
/** Flows per series bucket (a day or a month), in order. */
export const seriesSums = (l: Loaded): { bucket: string; sums: Sums }[] => {
  const out = new Map<string, Sums>();
  for (const p of l.plan.parts)
    addInto(out.get(p.bucket) ?? out.set(p.bucket, {}).get(p.bucket)!, l.byPeriod.get(p.period) ?? {}, p.sign);
  return [...out.entries()].map(([bucket, sums]) => ({ bucket, sums }));
};
/** Elders whose last order fell in the active window, by `active.last*` buckets (value '<day>' or '<day>#<x>'). */
const activeSums = (l: Loaded): Sums => {
  const out: Sums = {};
  for (const period of l.plan.active.periods) {
    for (const [name, v] of Object.entries(l.byPeriod.get(period) ?? {})) {
      const c = parseCounterName(name);
      if (!c.metric.startsWith('active.last') || c.value === null) continue;
      const [day, x] = c.value.split('#') as [string, string | undefined];
      if (day < l.plan.active.from || day > l.plan.active.to) continue;
      const key = x === undefined ? c.metric : `${c.metric}|${x}`;
      out[key] = (out[key] ?? 0) + v;
    }
  }
  return out;
};

/** Values of one metric split by one dimension, e.g. byDim(s, 'orders.completed', 'cat') -> {barber: 3}. */
export const byDim = (s: Sums, metric: string, dim: string): Record<string, number> => {
  const out: Record<string, number> = {};
  const prefix = `${metric}|${dim}=`;
  for (const [k, v] of Object.entries(s)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
};
const n = (s: Sums, k: string) => s[k] ?? 0;
/** A share in percent with one decimal; null when there is nothing to divide by. */
export const pct = (part: number, whole: number): number | null =>
  whole > 0 ? Math.round((part * 1000) / whole) / 10 : null;
/** An average rating with two decimals from integer sums. */
const avg = (sum: number, count: number): number | null => (count > 0 ? Math.round((sum * 100) / count) / 100 : null);
const keysOf = (...rs: Record<string, number>[]) => [...new Set(rs.flatMap((r) => Object.keys(r)))].sort();

export const ORDER_STATES = [
  'requested',
  'accepted',
  'completed',
  'cancelled',
  'rejected',
  'expired',
  'no_show',
  'unmatched',
] as const;
type OrderState = (typeof ORDER_STATES)[number];

export const overviewOf = (l: Loaded, target: Target) => {
  const s = rangeSums(l);
  const t = l.byPeriod.get('T') ?? {};
  const act = activeSums(l);
  const registered = n(t, 'elders.registered');
  const active = n(act, 'active.last');
  const split = (dim: 'age' | 'care' | 'special', keys: readonly string[] = []) => {
    const reg = byDim(t, 'elders.registered', dim);
    const a: Record<string, number> = {};
    for (const [k, v] of Object.entries(act)) if (k.startsWith(`active.last.${dim}|`)) a[k.split('|')[1]!] = v;
    return [...new Set([...keys, ...keysOf(reg, a)])].map((key) => ({
      key,
      registered: reg[key] ?? 0,
      active: a[key] ?? 0,
      active_pct: pct(a[key] ?? 0, reg[key] ?? 0),
    }));
  };
  const orders = Object.fromEntries(ORDER_STATES.map((k) => [k, n(s, `orders.${k}`)])) as Record<OrderState, number>;
  const req = n(s, 'orders.requested');
  const cat = (m: string) => byDim(s, m, 'cat');
  const byCat = {
    requested: cat('orders.requested'),
    completed: cat('orders.completed'),
    cancelled: cat('orders.cancelled'),
    points: cat('orders.points'),
    ratings: cat('ratings.count'),
    rating_sum: cat('ratings.sum'),
    disputes: cat('disputes.opened'),
  };
  const stars = byDim(s, 'ratings.count', 'stars');
  return {
    range: { from: l.plan.from, to: l.plan.to, series: l.plan.series },
    area: { code: target.code, level: target.level },
    items_read: l.items_read,
    elders: {
      registered,
      active,
      active_pct: pct(active, registered),
      active_window: l.plan.active,
      by_age: split('age', AGE_BANDS),
      by_care: split('care'),
      by_special: split('special'),
    },
    orders: {
      ...orders,
      points: n(s, 'orders.points'),
      completion_pct: pct(n(s, 'orders.completed'), req),
      cancellation_pct: pct(n(s, 'orders.cancelled'), req),
      no_show_pct: pct(n(s, 'orders.no_show'), req),
      rejection_pct: pct(n(s, 'orders.rejected'), req),
      by_category: keysOf(byCat.requested, byCat.completed, byCat.points).map((category) => ({
        category,
        requested: byCat.requested[category] ?? 0,
        completed: byCat.completed[category] ?? 0,
        cancelled: byCat.cancelled[category] ?? 0,
        points: byCat.points[category] ?? 0,
      })),
      series: seriesSums(l).map(({ bucket, sums }) => ({
        bucket,
        requested: n(sums, 'orders.requested'),
        completed: n(sums, 'orders.completed'),
        points: n(sums, 'orders.points'),
      })),
    },
    find: {
      matched_first: n(s, 'find.matched_first'),
      cascaded: n(s, 'find.cascaded'),
      unmatched: n(s, 'find.unmatched'),
    },
    // the ledger posts without knowing where an elder lives: points are kept for the city only
    points: target.level === 'city' ? pointsOf(s, t) : null,
    ratings: {
      count: n(s, 'ratings.count'),
      average: avg(n(s, 'ratings.sum'), n(s, 'ratings.count')),
      by_stars: [1, 2, 3, 4, 5].map((k) => ({ stars: k, count: stars[String(k)] ?? 0 })),
      by_category: keysOf(byCat.ratings).map((category) => ({
        category,
        count: byCat.ratings[category] ?? 0,
        average: avg(byCat.rating_sum[category] ?? 0, byCat.ratings[category] ?? 0),
      })),
    },
    disputes: {
      opened: n(s, 'disputes.opened'),
      upheld: n(s, 'disputes.upheld'),
      dismissed: n(s, 'disputes.dismissed'),
      by_category: keysOf(byCat.disputes).map((category) => ({ category, opened: byCat.disputes[category] ?? 0 })),
    },
  };
};
export type Overview = ReturnType<typeof overviewOf>;

const pointsOf = (s: Sums, t: Sums) => ({
  issued: n(s, 'points.issued'),
  awarded: n(s, 'points.awarded'),
  topped_up: n(s, 'points.topped_up'),
  topups: n(s, 'topups.count'),
  refunded: n(s, 'points.refunded'),
  redeemed: n(s, 'points.redeemed'),
  reversed: n(s, 'points.reversed'),
  expired: n(s, 'points.expired'),
  outstanding_now: n(t, 'points.outstanding'), // a stock: the liability today, not at the range's end
});

/** The dashboard for one target: reads its plan and sums it. */
export const dashboardOverview = async (counters: CounterReader, q: DashboardQuery, target: Target) =>
  overviewOf(await loadCounters(counters, target.scopes, readPlan(q.from, q.to)), target);

/** One line per child area (the city's streets, a district's streets, a street's communities): each child's
 * counters read with the same plan, so the cost is children x PLAN_ITEMS_MAX, bounded by the area tree. */
export const dashboardByArea = async (
  deps: { counters: CounterReader; areas: AreaStore },
  q: DashboardQuery,
  target: Target,
) => {
  const plan = readPlan(q.from, q.to);
  const children =
    target.level === 'community'
      ? []
      : target.level === 'city'
        ? (await Promise.all((await deps.areas.children(null)).map((d) => deps.areas.children(d.code)))).flat()
        : await deps.areas.children(target.code!);
  let items_read = 0;
  const rows = [];
  for (const a of children.sort((x, y) => x.code.localeCompare(y.code))) {
    const scope: Scope = a.level === 'street' ? `street:${a.code}` : `community:${a.code}`;
    const l = await loadCounters(deps.counters, [scope], plan);
    items_read += l.items_read;
    const o = overviewOf(l, { code: a.code, level: a.level === 'street' ? 'street' : 'community', scopes: [scope] });
    rows.push({
      code: a.code,
      name: a.name,
      level: a.level,
      registered: o.elders.registered,
      active: o.elders.active,
      active_pct: o.elders.active_pct,
      requested: o.orders.requested,
      completed: o.orders.completed,
      completion_pct: o.orders.completion_pct,
      points: o.orders.points,
      rating_average: o.ratings.average,
      disputes: o.disputes.opened,
    });
  }
  return { range: { from: q.from, to: q.to }, area: { code: target.code, level: target.level }, items_read, rows };
};
export type ByArea = Awaited<ReturnType<typeof dashboardByArea>>;
