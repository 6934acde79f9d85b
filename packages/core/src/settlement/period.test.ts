// Settlement periods in China time: months and half-months, their bounds, which one an instant is
// in, the one before, and when one counts as closed (its end plus the grace).
import { describe, expect, it } from 'vitest';
import {
  CLOSE_GRACE_MS,
  daysBetween,
  isClosed,
  lastClosedPeriod,
  periodBounds,
  periodOf,
  PERIOD_RE,
  previousPeriod,
} from './period';

const at = (iso: string) => new Date(iso);

describe('periodBounds', () => {
  it('a month runs from the 1st to the next 1st, midnight in China (16:00 UTC the day before)', () => {
    expect(periodBounds('2026-11')).toEqual({
      period: '2026-11',
      start: '2026-10-31T16:00:00.000Z',
      end: '2026-11-30T16:00:00.000Z',
      first_day: '2026-11-01',
      last_day: '2026-11-30',
    });
    expect(periodBounds('2026-12')).toMatchObject({ end: '2026-12-31T16:00:00.000Z', last_day: '2026-12-31' });
  });

  it('half-months: a is the 1st to the 15th, b the 16th to the month end (February included)', () => {
    expect(periodBounds('2026-11a')).toEqual({
      period: '2026-11a',
      start: '2026-10-31T16:00:00.000Z',
      end: '2026-11-15T16:00:00.000Z',
      first_day: '2026-11-01',
      last_day: '2026-11-15',
    });
    expect(periodBounds('2026-11b')).toEqual({
      period: '2026-11b',
      start: '2026-11-15T16:00:00.000Z',
      end: '2026-11-30T16:00:00.000Z',
      first_day: '2026-11-16',
      last_day: '2026-11-30',
    });
    expect(periodBounds('2026-02b')).toMatchObject({ first_day: '2026-02-16', last_day: '2026-02-28' });
    expect(periodBounds('2028-02b')).toMatchObject({ last_day: '2028-02-29' });
    expect(periodBounds('2026-12b')).toMatchObject({ end: '2026-12-31T16:00:00.000Z', last_day: '2026-12-31' });
  });

  it('the two halves tile the month: a ends where b starts, b ends where the month ends', () => {
    for (const month of ['2026-01', '2026-02', '2026-06', '2026-12']) {
      expect(periodBounds(`${month}a`).start).toBe(periodBounds(month).start);
      expect(periodBounds(`${month}a`).end).toBe(periodBounds(`${month}b`).start);
      expect(periodBounds(`${month}b`).end).toBe(periodBounds(month).end);
    }
  });

  it('refuses what is not a period', () => {
    for (const bad of ['2026-13', '2026-00', '2026-1', '2026-11c', '2026-11ab', '26-11', ''])
      expect(() => periodBounds(bad), bad).toThrow('bad period');
    expect(PERIOD_RE.test('2026-11b')).toBe(true);
  });
});

describe('periodOf and previousPeriod', () => {
  it('puts an instant in its China calendar day’s period', () => {
    expect(periodOf(at('2026-11-15T15:59:59.999Z'), 'biweekly')).toBe('2026-11a'); // 15th, 23:59 in China
    expect(periodOf(at('2026-11-15T16:00:00.000Z'), 'biweekly')).toBe('2026-11b'); // 16th, 00:00 in China
    expect(periodOf(at('2026-11-30T16:00:00.000Z'), 'biweekly')).toBe('2026-12a');
    expect(periodOf(at('2026-11-30T15:59:59.999Z'), 'monthly')).toBe('2026-11');
    expect(periodOf(at('2026-12-31T16:00:00.000Z'), 'monthly')).toBe('2027-01');
  });

  it('steps back a half or a month, across the year', () => {
    expect(previousPeriod('2026-11b')).toBe('2026-11a');
    expect(previousPeriod('2026-11a')).toBe('2026-10b');
    expect(previousPeriod('2026-01a')).toBe('2025-12b');
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(previousPeriod('2026-11')).toBe('2026-10');
  });

  it('every instant lies in the bounds of its own period', () => {
    for (const iso of ['2026-01-01T00:00:00Z', '2026-02-14T16:00:00Z', '2026-02-28T15:59:59Z', '2026-07-15T12:00:00Z'])
      for (const cadence of ['monthly', 'biweekly'] as const) {
        const b = periodBounds(periodOf(at(iso), cadence));
        expect(Date.parse(b.start) <= Date.parse(iso) && Date.parse(iso) < Date.parse(b.end), iso).toBe(true);
      }
  });
});

describe('closing', () => {
  const end = Date.parse('2026-11-15T16:00:00.000Z'); // the end of 2026-11a

  it('a period is closed once its end plus the grace has passed, not a millisecond before', () => {
    expect(isClosed('2026-11a', new Date(end))).toBe(false);
    expect(isClosed('2026-11a', new Date(end + CLOSE_GRACE_MS - 1))).toBe(false);
    expect(isClosed('2026-11a', new Date(end + CLOSE_GRACE_MS))).toBe(true);
    expect(isClosed('2026-11', new Date(end + CLOSE_GRACE_MS))).toBe(false);
  });

  it('lastClosedPeriod agrees with isClosed', () => {
    expect(lastClosedPeriod(new Date(end + CLOSE_GRACE_MS - 1), 'biweekly')).toBe('2026-10b');
    expect(lastClosedPeriod(new Date(end + CLOSE_GRACE_MS), 'biweekly')).toBe('2026-11a');
    expect(lastClosedPeriod(new Date(end + CLOSE_GRACE_MS), 'monthly')).toBe('2026-10');
    for (const t of [end - 1, end, end + CLOSE_GRACE_MS - 1, end + CLOSE_GRACE_MS, end + 7 * 86_400_000])
      for (const cadence of ['monthly', 'biweekly'] as const) {
        const p = lastClosedPeriod(new Date(t), cadence);
        expect(isClosed(p, new Date(t))).toBe(true);
        // the next one is not closed yet: p is the latest
        const next = periodOf(new Date(Date.parse(periodBounds(p).end)), cadence);
        expect(isClosed(next, new Date(t))).toBe(false);
      }
  });

  it('daysBetween counts whole days and never goes negative', () => {
    expect(daysBetween('2026-11-30T16:00:00.000Z', at('2026-12-01T15:59:59Z'))).toBe(0);
    expect(daysBetween('2026-11-30T16:00:00.000Z', at('2026-12-16T16:00:00Z'))).toBe(16);
    expect(daysBetween('2026-11-30T16:00:00.000Z', at('2026-11-01T00:00:00Z'))).toBe(0);
  });
});
