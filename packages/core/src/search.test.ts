// Slot capacity in search results and the 帮我找 ranking, against an in-memory slot port.
import { describe, expect, it } from 'vitest';
import { rankForFind, SLOT_LOOKAHEAD, slotKey, toHit, withFreeSlots, type SearchHit, type SlotPort, type SlotRef } from './search';
import type { ServiceCard } from './merchants';

const MON_9 = new Date('2026-11-23T01:00:00Z'); // Monday 09:00 in China
const card = (service_id: string, over: Partial<ServiceCard> = {}): ServiceCard => ({
  service_id, merchant_id: `m_${service_id}`, merchant_name: `店${service_id}`, merchant_phone: '13800000000', name: '理发', category: 'barber',
  price_points: 20, ref_price_fen: 2000, duration_min: 30, mode: 'onsite', radius_m: null, location: { lat: 31.7, lng: 113.37 }, address: '',
  hours: { mon: [['08:00', '12:00']] }, closed_dates: [], slot_minutes: 60, capacity_per_slot: 2, rating_avg: null, rating_count: 0, ...over,
});
const hit = (c: ServiceCard, walking_minutes = 5): SearchHit => ({ ...toHit(c, walking_minutes * 48, { walking_m_per_min: 48, detour_factor: 1 }, MON_9) });

/** Slot port over a map of taken places; records each batch it was asked. */
const slotsOf = (taken: Record<string, number>): SlotPort & { batches: SlotRef[][] } => {
  const batches: SlotRef[][] = [];
  return {
    batches,
    async slotsTaken(slots) {
      batches.push([...slots]);
      return new Map(slots.filter((r) => slotKey(r) in taken).map((r) => [slotKey(r), taken[slotKey(r)] ?? 0]));
    },
  };
};

describe('withFreeSlots', () => {
  it('keeps the first slot when it has room, in one batch for the whole page', async () => {
    const port = slotsOf({ 'a#2026-11-23T01:00:00.000Z': 1 });
    const [a, b] = await withFreeSlots(port, [hit(card('a')), hit(card('b'))], MON_9);
    expect(a?.next_slot).toBe('2026-11-23T01:00:00.000Z');
    expect(b?.next_slot).toBe('2026-11-23T01:00:00.000Z');
    expect(port.batches).toHaveLength(1);
  });

  it('moves past full slots, asking again only for the services still looking', async () => {
    const port = slotsOf({ 'a#2026-11-23T01:00:00.000Z': 2, 'a#2026-11-23T02:00:00.000Z': 2 });
    const [a, b] = await withFreeSlots(port, [hit(card('a')), hit(card('b'))], MON_9);
    expect(a?.next_slot).toBe('2026-11-23T03:00:00.000Z');
    expect(a?.slots_full).toBe(false);
    expect(b?.next_slot).toBe('2026-11-23T01:00:00.000Z');
    expect(port.batches.map((x) => x.length)).toEqual([2, 1, 1]);
  });

  it('gives up after the lookahead: no slot, marked full; a service with no hours is not "full"', async () => {
    const full: Record<string, number> = {};
    const starts = ['2026-11-23T01:00:00.000Z', '2026-11-23T02:00:00.000Z', '2026-11-23T03:00:00.000Z'];
    for (let w = 0; w < 3; w++) for (const s of starts) full[`a#${new Date(Date.parse(s) + w * 7 * 86_400_000).toISOString()}`] = 1;
    const port = slotsOf(full);
    const [a, none] = await withFreeSlots(port, [hit(card('a', { capacity_per_slot: 1, hours: { mon: [['09:00', '12:00']] } })), hit(card('z', { hours: {} }))], MON_9);
    expect(a?.next_slot).toBeNull();
    expect(a?.slots_full).toBe(true);
    expect(none?.next_slot).toBeNull();
    expect(none?.slots_full).toBe(false);
    expect(port.batches.length).toBeLessThanOrEqual(SLOT_LOOKAHEAD);
  });
});

describe('rankForFind', () => {
  it('offers open services with room, nearest first, one per merchant', () => {
    const near = { ...hit(card('near'), 2), slots_full: true, next_slot: null };
    const closed = { ...hit(card('closed'), 1), open_now: false };
    const twice = hit(card('x', { merchant_id: 'm_same' }), 3);
    const again = hit(card('y', { merchant_id: 'm_same' }), 4);
    const far = hit(card('far'), 9);
    expect(rankForFind([far, again, twice, closed, near], 5).map((h) => h.service_id)).toEqual(['x', 'far']);
  });
});
