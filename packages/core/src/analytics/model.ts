// Analytics (issue 11): the counters the bureau's dashboard reads, named once here. Counters are
// pre-aggregated by the streams function from facts (facts.ts): each fact adds integer deltas to
// the counter items of its scopes (city, street, community) and periods (day, month, and the
// since-ever totals for stocks), so a dashboard reads a bounded number of items at any volume.
import { chinaDate } from '../kernel/time';

/** Fixed bands for analytics (policy bands may change between versions; a series must not). */
export const AGE_BANDS = ['60-69', '70-79', '80-89', '90+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** The band of someone born on `birth_date` (yyyy-mm-dd) on `day` (yyyy-mm-dd, China date). Under 60 is '60-69'
 * (elders are 60+ by rule; a typo must not lose a count). */
export const ageBandOn = (birth_date: string, day: string): AgeBand => {
  const num = (s: string, from: number, to: number) => Number(s.slice(from, to));
  const before = num(day, 5, 7) * 100 + num(day, 8, 10) < num(birth_date, 5, 7) * 100 + num(birth_date, 8, 10);
  const age = num(day, 0, 4) - num(birth_date, 0, 4) - (before ? 1 : 0);
  return age >= 90 ? '90+' : age >= 80 ? '80-89' : age >= 70 ? '70-79' : '60-69';
};

/** A scope is where a counter is kept: the whole city, one street or one community. */
export type Scope = 'all' | `street:${string}` | `community:${string}`;
/** Area codes are 'district.street.community'; a street is the first two parts. */
export const streetOfCommunity = (community_code: string): string => community_code.split('.').slice(0, 2).join('.');
/** The scopes a fact in a community counts in (null community: city only, e.g. ledger totals). */
export const scopesOf = (community_code: string | null): Scope[] =>
  community_code === null
    ? ['all']
    : ['all', `street:${streetOfCommunity(community_code)}`, `community:${community_code}`];

/** Periods: a China day, a China month (days rolled up, so a year is 12 reads) and 'T' (since ever). */
export type Period = `D#${string}` | `M#${string}` | 'T';
export const dayPeriod = (day: string): Period => `D#${day}`;
export const monthPeriod = (day: string): Period => `M#${day.slice(0, 7)}`;
export const TOTAL: Period = 'T';
export const dayOf = (at: string): string => chinaDate(new Date(at));

/** Counter names: a metric, optionally split by one dimension: `orders.completed|cat=barber`. A dashboard
 * needs each metric in total and by each dimension alone (not every cross product): one attribute each. */
export type Dim = 'cat' | 'age' | 'care' | 'special' | 'm' | 'stars' | 'kind' | 'last';
export const counterName = (metric: Metric, dim?: Dim, value?: string): string =>
  dim === undefined ? metric : `${metric}|${dim}=${value}`;
export const parseCounterName = (name: string): { metric: string; dim: string | null; value: string | null } => {
  const bar = name.indexOf('|');
  if (bar < 0) return { metric: name, dim: null, value: null };
  const eq = name.indexOf('=', bar);
  return { metric: name.slice(0, bar), dim: name.slice(bar + 1, eq), value: name.slice(eq + 1) };
};

/** Per-merchant counters (dim 'm') are high-cardinality: kept beside the scope's item they would grow it by
 * ~14 attributes per merchant and overflow DynamoDB's 400 KB item at ~1,350 merchants a month (review H1).
 * So every `|m=` counter of a day or month lives in one of MERCHANT_BUCKETS bucket items `<period>#m<bucket>`,
 * bucket = a stable hash of the merchant id. Sizing: an attribute is ~40 bytes of name
 * (`orders.requested|m=m_` + 16 id characters) plus a number (<= 21 bytes), call it 60 B; 10,000 merchants
 * x 8 metrics x 60 B = 4.8 MB a month, / 64 buckets = 75 KB per bucket item on average (all 14 `m` metrics:
 * 131 KB), well below 400 KB; hash skew at ~156 merchants a bucket is a few percent. The merchants view reads
 * MERCHANT_BUCKETS items per period it reads (plan.ts MERCHANT_ITEMS_MAX). */
export const MERCHANT_BUCKETS = 64;
/** FNV-1a (32 bit) of the merchant id, mod MERCHANT_BUCKETS: stable across runtimes and deploys. */
export const merchantBucketOf = (merchant_id: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < merchant_id.length; i++) h = Math.imul(h ^ merchant_id.charCodeAt(i), 0x01000193) >>> 0;
  return h % MERCHANT_BUCKETS;
};
/** The bucket item of a day or month period: `D#2026-11-05#m17`, `M#2026-11#m17`. */
export const merchantPeriod = (period: Period, bucket: number): Period => `${period}#m${bucket}` as Period;
export const isMerchantPeriod = (period: string): boolean => /#m\d+$/.test(period);
/** The item a counter named `name` is kept in for the fact period `period` (a day, a month or 'T'). */
export const itemPeriodOf = (name: string, period: Period): Period => {
  const c = parseCounterName(name);
  return c.dim === 'm' && c.value !== null && period !== TOTAL
    ? merchantPeriod(period, merchantBucketOf(c.value))
    : period;
};

/** Every metric the counters keep. Flow metrics are kept per day and month; stock metrics (marked
 * in STOCKS) also in 'T'. Dimensions in a comment are those the metric is split by. */
export const METRICS = [
  // elders (stock; by age at the fact's day, care, special; scope = the elder's community)
  'elders.registered', // +1 on joining, -1 on leaving; a move is -1 in the old scope and +1 in the new
  'elders.joined', // flow: registrations per day
  // active elders: 'active.last|last=<yyyy-mm-dd>' counts elders whose last order was that day, kept in
  // the month item of that day; active in a window = sum of the buckets in it (by age/care as
  // 'active.last_age|last=<day>' etc. is not kept: the dims below are `active.last.<dim>`)
  'active.last', // |last=<day>
  'active.last.age', // |last=<day>#<band>  (value is '<day>#<band>')
  'active.last.care', // |last=<day>#<care>
  'active.last.special', // |last=<day>#<special>
  // orders (flow; by cat, age, care, special, and per merchant 'm'); scope = the elder's community
  'orders.requested',
  'orders.accepted',
  'orders.completed',
  'orders.cancelled',
  'orders.rejected',
  'orders.expired',
  'orders.no_show',
  'orders.unmatched',
  'orders.points', // points captured by completed orders (by cat, m)
  // 帮我找 outcomes (flow; by cat)
  'find.matched_first',
  'find.cascaded',
  'find.unmatched',
  // satisfaction (flow; ratings.stars by stars=1..5 and cat; ratings.sum by cat and m)
  'ratings.count',
  'ratings.sum',
  'disputes.opened', // by cat, m
  'disputes.upheld',
  'disputes.dismissed',
  // points (flow, city scope only: the ledger does not know where an elder lives when it posts)
  'points.issued', // monthly allowance
  'points.awarded', // activity awards
  'points.topped_up', // family top-ups (points)
  'topups.count',
  'points.refunded', // top-up refunds (points taken back)
  'points.redeemed', // captured to merchants (net of releases: only captures)
  'points.reversed', // disputes upheld: back to the elder
  'points.expired',
  'points.adjusted', // signed: staff adjustments, reversals of grants, points returned on leaving the scheme
  'points.outstanding', // stock: sum of postings on elder wallets and holds = the bureau's liability
] as const;
export type Metric = (typeof METRICS)[number];
export const STOCKS: ReadonlySet<Metric> = new Set<Metric>(['elders.registered', 'points.outstanding']);

/** One source change turned into counter deltas. `id` is derived from the change (never random), so a
 * change delivered twice, or seen both by the backfill and the stream, is applied once. */
export type Fact = {
  id: string;
  day: string; // China date of the change
  community_code: string | null; // null: city scope only
  add: Record<string, number>; // counter name -> integer delta
};

/** A counter item as read: its scope, period and counters. */
export type CounterRow = { scope: Scope; period: Period; counters: Record<string, number> };

/** A change of one table item as the stream reports it, images unmarshalled to plain objects. Items
 * carry a `type` attribute ('order', 'elder', 'entry', ...) that reactors use to pick what they want. */
export type SourceChange = {
  event: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: { pk: string; sk: string };
  old: Record<string, unknown> | null;
  new: Record<string, unknown> | null;
};

/** Something the streams function runs for each change (counters, anomaly flags, the coverage trigger).
 * At-least-once and in any order: a reactor must give the same result for a change seen twice.
 * `prepare` (optional) sees the whole batch first, so a reactor can batch its reads (one BatchGet of the
 * elders a batch of orders needs instead of one GetItem each). */
export type ChangeReactor = {
  name: string;
  wants: (c: SourceChange) => boolean;
  prepare?: (cs: SourceChange[]) => Promise<void>;
  react: (c: SourceChange) => Promise<void>;
};

/** An elder's last order day moved forward: the active-elder buckets ('active.last|last=<day>' and its
 * dims, in the month item of the day) move with it. Max semantics, so delivery order does not matter. */
export type ActiveTouch = {
  elder_id: string;
  day: string; // China date of the order (its request)
  community_code: string;
  age: AgeBand;
  care: string | null;
  special: string[];
};

/** The active-elder bucket names of one elder's last order day (the counters moved by an ActiveTouch). */
export const activeCounters = (t: Pick<ActiveTouch, 'day' | 'age' | 'care' | 'special'>): string[] => [
  counterName('active.last', 'last', t.day),
  counterName('active.last.age', 'last', `${t.day}#${t.age}`),
  ...(t.care ? [counterName('active.last.care', 'last', `${t.day}#${t.care}`)] : []),
  ...t.special.map((s) => counterName('active.last.special', 'last', `${t.day}#${s}`)),
];

/** An elder's registered stock as of one version of its profile (facts.ts elderCountOf): the counters move
 * from what was last counted for the elder to this when `version` is newer (CounterStore.countElder). Kept
 * in the 'T' items only: the dashboard reads the registered stock there. */
export type ElderCount = {
  elder_id: string;
  version: number;
  community_code: string;
  stock: Record<string, number>; // counter name -> 1 ('elders.registered' and its splits); {} once left
};
