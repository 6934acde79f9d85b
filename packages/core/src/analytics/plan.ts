// Which counter items a dashboard reads for a date range (issue 11): whole months inside the range read
// their `M#` item, a partial edge month reads its days (`D#`) or, when fewer, its month minus the days
// outside the range (counters are sums, so a month less some days is exact). A year therefore costs about
// 12 month items and a few edge items per scope, whatever the number of orders behind them.
import { MERCHANT_BUCKETS, type Period } from './model';

/** The longest range a dashboard shows: a year, leap day included. */
export const RANGE_MAX_DAYS = 366;
/** Up to this many days the series are by day (one `D#` item each); longer ranges are by month, so a
 * year's series still reads month items and not 365 day items. */
export const DAILY_SERIES_MAX_DAYS = 62;
/** Active elders: an order in the last 30 days up to the range's end (PRODUCT.md). */
export const ACTIVE_WINDOW_DAYS = 30;
/** The most items one scope's plan reads: a 366-day range touches at most 13 months, 11 of them whole;
 * each of the two edge months costs at most 16 items (min(days in, 1 + days out) for a 31-day month);
 * the active window adds at most 2 month items and the stock totals 1 ('T'): 11 + 2 x 16 + 2 + 1 = 46.
 * A daily series (ranges up to 62 days) reads at most 62 day items + 2 + 1. So: at most 65 per scope. */
export const PLAN_ITEMS_MAX = 65;
/** The merchants view reads per-merchant bucket items (model.ts MERCHANT_BUCKETS) by month whatever the range
 * (no daily series): 13 months at most, 11 whole, two edges of at most 16 items each: 11 + 2 x 16 = 43 periods,
 * each MERCHANT_BUCKETS items: 43 x 64 = 2,752 keys (28 BatchGetItems), bounded whatever the volume. */
export const MERCHANT_PLAN_PERIODS_MAX = 43;
export const MERCHANT_ITEMS_MAX = MERCHANT_PLAN_PERIODS_MAX * MERCHANT_BUCKETS;

const DAY_MS = 86_400_000;
const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, n: number): string => new Date(ms(day) + n * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string): number => Math.round((ms(to) - ms(from)) / DAY_MS) + 1;
const daysInMonth = (month: string): number => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};
const monthStart = (month: string) => `${month}-01`;
const monthEnd = (month: string) => `${month}-${String(daysInMonth(month)).padStart(2, '0')}`;
const nextMonth = (month: string): string => addDays(monthEnd(month), 1).slice(0, 7);
/** Every day from `from` to `to`, both included. */
export const daysOf = (from: string, to: string): string[] =>
  Array.from({ length: Math.max(0, daysBetween(from, to)) }, (_, i) => addDays(from, i));

/** One read of the plan: a period and whether it adds to the range or is taken out of a month. */
export type PlanPart = { period: Period; sign: 1 | -1; bucket: string };
/** The flow reads (with the series bucket each belongs to: a day or a month), the active window's month
 * items and the totals item. */
export type ReadPlan = {
  from: string;
  to: string;
  series: 'day' | 'month';
  parts: PlanPart[];
  active: { from: string; to: string; periods: Period[] };
  periods: Period[]; // every distinct period read: at most PLAN_ITEMS_MAX
};

const monthParts = (month: string, from: string, to: string): PlanPart[] => {
  const lo = from > monthStart(month) ? from : monthStart(month);
  const hi = to < monthEnd(month) ? to : monthEnd(month);
  const inside = daysBetween(lo, hi);
  const total = daysInMonth(month);
  const day = (d: string, sign: 1 | -1): PlanPart => ({ period: `D#${d}`, sign, bucket: month });
  if (inside === total) return [{ period: `M#${month}`, sign: 1, bucket: month }];
  if (inside <= 1 + total - inside) return daysOf(lo, hi).map((d) => day(d, 1));
  const outside = [...daysOf(monthStart(month), addDays(lo, -1)), ...daysOf(addDays(hi, 1), monthEnd(month))];
  return [{ period: `M#${month}`, sign: 1, bucket: month }, ...outside.map((d) => day(d, -1))];
};

/** The plan for a range (from <= to, at most RANGE_MAX_DAYS days; the query schema checks both). */
export const readPlan = (from: string, to: string): ReadPlan => {
  const series = daysBetween(from, to) <= DAILY_SERIES_MAX_DAYS ? 'day' : 'month';
  const parts: PlanPart[] = [];
  if (series === 'day') {
    parts.push(...daysOf(from, to).map((d): PlanPart => ({ period: `D#${d}`, sign: 1, bucket: d })));
  } else {
    for (let m = from.slice(0, 7); m <= to.slice(0, 7); m = nextMonth(m)) parts.push(...monthParts(m, from, to));
  }
  const activeFrom = addDays(to, 1 - ACTIVE_WINDOW_DAYS);
  const activePeriods: Period[] = [...new Set([activeFrom.slice(0, 7), to.slice(0, 7)])].map((m): Period => `M#${m}`);
  const periods = [...new Set<Period>([...parts.map((p) => p.period), ...activePeriods, 'T'])];
  return { from, to, series, parts, active: { from: activeFrom, to, periods: activePeriods }, periods };
};

/** The merchants view's plan: whole months as `M#` items, edge months as days or month less days. */
export const merchantPlan = (from: string, to: string): PlanPart[] => {
  const parts: PlanPart[] = [];
  for (let m = from.slice(0, 7); m <= to.slice(0, 7); m = nextMonth(m)) parts.push(...monthParts(m, from, to));
  return parts;
};
