// The read plan: exact (a range's sum from months, days and months less days equals the sum of its days)
// and bounded (no range of up to a year reads more than PLAN_ITEMS_MAX items a scope).
import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  daysOf,
  MERCHANT_PLAN_PERIODS_MAX,
  merchantPlan,
  PLAN_ITEMS_MAX,
  RANGE_MAX_DAYS,
  readPlan,
} from './plan';

// a value per day that a month item holds the sum of
const valueOf = (day: string) => (Number(day.slice(8, 10)) * 7 + Number(day.slice(5, 7)) * 3) % 11;
const itemValue = (period: string): number => {
  if (period.startsWith('D#')) return valueOf(period.slice(2));
  const month = period.slice(2);
  return daysOf(`${month}-01`, addDays(`${month}-28`, 5))
    .filter((d) => d.startsWith(month))
    .reduce((n, d) => n + valueOf(d), 0);
};

describe('readPlan', () => {
  it('the merchants plan sums every range exactly in at most MERCHANT_PLAN_PERIODS_MAX periods', () => {
    let most = 0;
    for (const from of daysOf('2024-01-01', '2024-12-31'))
      for (const len of [1, 31, 62, 63, 200, 335, 365, RANGE_MAX_DAYS]) {
        const to = addDays(from, len - 1);
        const parts = merchantPlan(from, to);
        most = Math.max(most, new Set(parts.map((p) => p.period)).size);
        const got = parts.reduce((n, p) => n + p.sign * itemValue(p.period), 0);
        expect(got).toBe(daysOf(from, to).reduce((n, d) => n + valueOf(d), 0));
      }
    expect(most).toBeLessThanOrEqual(MERCHANT_PLAN_PERIODS_MAX);
    expect(most).toBeGreaterThan(MERCHANT_PLAN_PERIODS_MAX - 4); // the bound is close, not loose
  });

  it('sums every range exactly and reads at most PLAN_ITEMS_MAX items (every start in a leap year)', () => {
    let most = 0;
    for (const from of daysOf('2024-01-01', '2024-12-31')) {
      for (const len of [1, 2, 15, 31, 45, 62, 63, 100, 200, 365, RANGE_MAX_DAYS]) {
        const to = addDays(from, len - 1);
        const plan = readPlan(from, to);
        most = Math.max(most, plan.periods.length);
        const got = plan.parts.reduce((n, p) => n + p.sign * itemValue(p.period), 0);
        expect(got).toBe(daysOf(from, to).reduce((n, d) => n + valueOf(d), 0));
      }
    }
    expect(most).toBeLessThanOrEqual(PLAN_ITEMS_MAX);
  });

  it('a year reads its whole months and a few edge items, by month; up to 62 days by day', () => {
    const year = readPlan('2025-01-01', '2025-12-31');
    expect(year.series).toBe('month');
    expect(year.parts.map((p) => p.period)).toEqual(
      Array.from({ length: 12 }, (_, i) => `M#2025-${String(i + 1).padStart(2, '0')}`),
    );
    expect(year.periods).toHaveLength(13); // 12 months + T (the active window's months are among them)
    const edge = readPlan('2025-01-30', '2025-12-02');
    expect(edge.parts.filter((p) => p.period.startsWith('D#')).map((p) => p.period)).toEqual([
      'D#2025-01-30',
      'D#2025-01-31',
      'D#2025-12-01',
      'D#2025-12-02',
    ]);
    const mostOfMonth = readPlan('2025-03-02', '2025-12-31').parts.filter((p) => p.bucket === '2025-03');
    expect(mostOfMonth).toEqual([
      { period: 'M#2025-03', sign: 1, bucket: '2025-03' },
      { period: 'D#2025-03-01', sign: -1, bucket: '2025-03' },
    ]);
    const month = readPlan('2025-02-01', '2025-03-31');
    expect(month.series).toBe('day');
    expect(month.parts).toHaveLength(daysBetween('2025-02-01', '2025-03-31'));
  });

  it('the active window is the 30 days to the range end, read from its month items', () => {
    expect(readPlan('2025-01-01', '2025-03-10').active).toEqual({
      from: '2025-02-09',
      to: '2025-03-10',
      periods: ['M#2025-02', 'M#2025-03'],
    });
  });
});
