import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NEVER_EXPIRES, pickLots, type Lot } from './lots';
import { assertBalanced } from './entry';
import { shardOf } from './accounts';

const lot = (id: string, remaining: number, expires_on: string, subsidy = true): Lot => ({
  lot_id: id,
  wallet: 'wallet:e',
  source: subsidy ? 'allowance' : 'top_up',
  subsidy,
  original_points: remaining,
  remaining_points: remaining,
  expires_on,
  entry_id: id,
});

describe('pickLots', () => {
  it('takes the soonest-expiring first, paid (never-expiring) last', () => {
    const r = pickLots(
      [lot('paid', 100, NEVER_EXPIRES, false), lot('dec', 30, '2026-12-31'), lot('nov', 20, '2026-11-30')],
      60,
      { today: '2026-11-23', subsidyAllowed: true },
    );
    expect(r).toEqual({
      takes: [
        { lot_id: 'nov', expires_on: '2026-11-30', amount_points: 20, subsidy: true },
        { lot_id: 'dec', expires_on: '2026-12-31', amount_points: 30, subsidy: true },
        { lot_id: 'paid', expires_on: NEVER_EXPIRES, amount_points: 10, subsidy: false },
      ],
    });
  });

  it('never takes expired lots, and subsidy lots only where allowed', () => {
    expect(pickLots([lot('old', 50, '2026-10-31')], 10, { today: '2026-11-23', subsidyAllowed: true })).toEqual({
      short_points: 10,
    });
    expect(
      pickLots([lot('s', 50, '2026-12-31'), lot('p', 5, NEVER_EXPIRES, false)], 10, {
        today: '2026-11-23',
        subsidyAllowed: false,
      }),
    ).toEqual({ short_points: 5 });
  });

  it('takes exactly the amount when enough is there, never more than a lot holds (property)', () => {
    const arb = fc.array(
      fc.record({
        remaining: fc.integer({ min: 0, max: 500 }),
        day: fc.integer({ min: 1, max: 28 }),
        subsidy: fc.boolean(),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 3000 }), fc.boolean(), (spec, amount, allowed) => {
        const lots = spec.map((s, i) =>
          lot(`l${i}`, s.remaining, `2026-12-${String(s.day).padStart(2, '0')}`, s.subsidy),
        );
        const eligible = lots.filter((l) => allowed || !l.subsidy).reduce((s, l) => s + l.remaining_points, 0);
        const r = pickLots(lots, amount, { today: '2026-11-23', subsidyAllowed: allowed });
        if ('takes' in r) {
          expect(r.takes.reduce((s, t) => s + t.amount_points, 0)).toBe(amount);
          for (const t of r.takes)
            expect(t.amount_points).toBeLessThanOrEqual(lots.find((l) => l.lot_id === t.lot_id)?.remaining_points ?? 0);
          const days = r.takes.map((t) => t.expires_on);
          expect([...days].sort()).toEqual(days);
        } else {
          expect(eligible).toBeLessThan(amount);
          expect(r.short_points).toBe(amount - eligible);
        }
      }),
    );
  });
});

describe('entries and shards', () => {
  it('refuses unbalanced, fractional or duplicate-account entries', () => {
    expect(() =>
      assertBalanced({
        entry_id: 'x',
        postings: [
          { account: 'a:1', amount_points: 5 },
          { account: 'b:1', amount_points: -4 },
        ],
      }),
    ).toThrow();
    expect(() =>
      assertBalanced({
        entry_id: 'x',
        postings: [
          { account: 'a:1', amount_points: 0.5 },
          { account: 'b:1', amount_points: -0.5 },
        ],
      }),
    ).toThrow();
    expect(() =>
      assertBalanced({
        entry_id: 'x',
        postings: [
          { account: 'a:1', amount_points: 5 },
          { account: 'a:1', amount_points: -5 },
        ],
      }),
    ).toThrow();
    expect(() =>
      assertBalanced({
        entry_id: 'x',
        postings: [
          { account: 'a:1', amount_points: 5 },
          { account: 'b:1', amount_points: -5 },
        ],
      }),
    ).not.toThrow();
  });

  it('spreads keys evenly over shards', () => {
    const counts = new Array<number>(128).fill(0);
    for (let i = 0; i < 100_000; i++) counts[shardOf(`e_${i}`)] = (counts[shardOf(`e_${i}`)] ?? 0) + 1;
    expect(Math.max(...counts)).toBeLessThan(1000); // <1% of 100,000 on any shard
  });
});
