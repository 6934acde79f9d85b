// Settlement periods: a calendar month ('2026-11') or half of one ('2026-11a' is the 1st to the 15th,
// '2026-11b' the 16th to the month's end), in China time. A period is closed when its end has passed
// by CLOSE_GRACE_MS: a capture is stamped with the time its commit was planned, so one planned just
// before midnight may land a moment after it; the grace lets it land before the window is read.
import * as z from 'zod/mini';
import { chinaDate, chinaMidnightMs } from '../kernel/time';

export const CADENCES = ['monthly', 'biweekly'] as const;
export type Cadence = (typeof CADENCES)[number];

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])[ab]?$/;
export const PeriodId = z.string().check(z.regex(PERIOD_RE));

// A commit retries for well under a second; ten minutes is a wide margin and still settles at 00:10.
export const CLOSE_GRACE_MS = 10 * 60_000;

const nextMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};
const prevMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

export type PeriodBounds = { period: string; start: string; end: string; first_day: string; last_day: string };

/** The period's window as UTC instants [start, end) and its first and last China calendar days. */
export const periodBounds = (period: string): PeriodBounds => {
  if (!PERIOD_RE.test(period)) throw new Error(`bad period ${period}`);
  const month = period.slice(0, 7);
  const half = period.slice(7);
  const firstDay = half === 'b' ? `${month}-16` : `${month}-01`;
  const endDay = half === 'a' ? `${month}-16` : `${nextMonth(month)}-01`;
  const endMs = chinaMidnightMs(endDay);
  return {
    period,
    start: new Date(chinaMidnightMs(firstDay)).toISOString(),
    end: new Date(endMs).toISOString(),
    first_day: firstDay,
    last_day: chinaDate(new Date(endMs - 1)),
  };
};

/** The period an instant falls in. */
export const periodOf = (at: Date, cadence: Cadence): string => {
  const day = chinaDate(at);
  const month = day.slice(0, 7);
  if (cadence === 'monthly') return month;
  return Number(day.slice(8, 10)) <= 15 ? `${month}a` : `${month}b`;
};

/** The period before `period` under the same cadence. */
export const previousPeriod = (period: string): string => {
  const month = period.slice(0, 7);
  const half = period.slice(7);
  if (half === '') return prevMonth(month);
  return half === 'b' ? `${month}a` : `${prevMonth(month)}b`;
};

/** The latest period whose end (plus the grace) has passed at `now`. */
export const lastClosedPeriod = (now: Date, cadence: Cadence): string =>
  previousPeriod(periodOf(new Date(now.getTime() - CLOSE_GRACE_MS), cadence));

export const isClosed = (period: string, now: Date): boolean =>
  Date.parse(periodBounds(period).end) + CLOSE_GRACE_MS <= now.getTime();

/** Whole days from `from` to `to` (both instants), never negative: the age a statement shows. */
export const daysBetween = (from: string, to: Date): number =>
  Math.max(0, Math.floor((to.getTime() - Date.parse(from)) / 86_400_000));
