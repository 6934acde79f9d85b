// verify after an elder left (review H3): the orders' snapshots lost care and special, the counters keep
// what was counted then; verify checks those splits as bounds (at most one count per erased order) and
// everything else exactly.
import { describe, expect, it } from 'vitest';
import { diffCounters, expectedCounters } from './analytics-verify';

const order = (elder_dims: Record<string, unknown>) => ({
  pk: 'ORDER#o1',
  sk: 'ORDER',
  type: 'order',
  order_id: 'o1',
  elder_id: 'e1',
  mode: 'direct',
  category: 'canteen',
  merchant_id: 'm1',
  price_points: 30,
  offers: [{ merchant_id: 'm1', outcome: 'pending', offered_at: '2026-11-23T02:00:00.000Z' }],
  rating: null,
  dispute: null,
  completed_at: null,
  status: 'requested',
  elder_dims,
  created_at: '2026-11-23T02:00:00.000Z',
  updated_at: '2026-11-23T02:00:00.000Z',
  version: 1,
});
const snap = { community_code: 'zengdu.xicheng.a', age_band: '70-79', care: 'light', special: ['living_alone'] };
const elder = (status: string) => ({
  pk: 'ELDER#e1',
  sk: 'ELDER',
  type: 'elder',
  elder_id: 'e1',
  community_code: 'zengdu.xicheng.a',
  birth_date: '1950-01-01',
  care_level: null,
  special_categories: [],
  status,
  version: 3,
  created_at: '2026-11-01T02:00:00.000Z',
  updated_at: '2026-11-30T02:00:00.000Z',
});
const onlyOrders = (rows: ReturnType<typeof expectedCounters>) =>
  new Map(
    [...rows].map(([k, r]) => [k, Object.fromEntries(Object.entries(r).filter(([n]) => n.startsWith('orders.')))]),
  );

describe('verify after a leave', () => {
  // the counters as the stream applied them, before the leave (full snapshot)
  const counted = onlyOrders(expectedCounters([elder('active'), order(snap)]));
  const now = [elder('left'), order({ ...snap, care: null, special: [], erased: true })];

  it('care and special counted before the leave are within the bound; the rest is exact', () => {
    const erased = new Map();
    const expected = onlyOrders(expectedCounters(now, erased));
    expect(diffCounters(expected, counted)).not.toEqual([]); // without the bound the erased splits differ
    expect(diffCounters(expected, counted, false, erased)).toEqual([]);
  });

  it('more than the erased orders can explain, or a changed total, is still reported', () => {
    const erased = new Map();
    const expected = onlyOrders(expectedCounters(now, erased));
    const k = 'STAT#all|M#2026-11';
    const tampered = new Map(counted);
    tampered.set(k, { ...counted.get(k), 'orders.requested|care=heavy': 1 });
    expect(diffCounters(expected, tampered, false, erased)).toEqual([
      `${k} orders.requested|care=*: 2 more than recomputed, but only 1 counts were erased`,
    ]);
    tampered.set(k, { ...counted.get(k), 'orders.requested': 2 });
    expect(diffCounters(expected, tampered, false, erased)).toEqual([`${k} orders.requested: expected 1, found 2`]);
  });
});
