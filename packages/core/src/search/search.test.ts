// Slot capacity in search results and the 帮我找 ranking, against an in-memory slot port.
import { describe, expect, it } from 'vitest';
import {
  rankForFind,
  readPages,
  searchServices,
  SLOT_LOOKAHEAD,
  slotKey,
  toHit,
  withFreeSlots,
  type MerchantRating,
  type PageReader,
  type SearchHit,
  type SearchPort,
  type SlotPort,
  type SlotRef,
} from './search';
import type { ServiceCard } from '../merchants/model';

const MON_9 = new Date('2026-11-23T01:00:00Z'); // Monday 09:00 in China
const card = (service_id: string, over: Partial<ServiceCard> = {}): ServiceCard => ({
  service_id,
  merchant_id: `m_${service_id}`,
  merchant_name: `店${service_id}`,
  merchant_phone: '13800000000',
  name: '理发',
  category: 'barber',
  price_points: 20,
  ref_price_fen: 2000,
  duration_min: 30,
  mode: 'onsite',
  radius_m: null,
  location: { lat: 31.7, lng: 113.37 },
  address: '',
  hours: { mon: [['08:00', '12:00']] },
  closed_dates: [],
  slot_minutes: 60,
  capacity_per_slot: 2,
  ...over,
});
const hit = (c: ServiceCard, walking_minutes = 5): SearchHit => ({
  ...toHit(c, walking_minutes * 48, { walking_m_per_min: 48, detour_factor: 1 }, MON_9),
});

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
    for (let w = 0; w < 3; w++)
      for (const s of starts) full[`a#${new Date(Date.parse(s) + w * 7 * 86_400_000).toISOString()}`] = 1;
    const port = slotsOf(full);
    const [a, none] = await withFreeSlots(
      port,
      [hit(card('a', { capacity_per_slot: 1, hours: { mon: [['09:00', '12:00']] } })), hit(card('z', { hours: {} }))],
      MON_9,
    );
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

/** Queries over in-memory lists of items, `sizes[q]` items each, paged like DynamoDB (a next key
 * whenever the page was full); records every page asked. */
const pagedQueries = (sizes: readonly number[]) => {
  const asked: { q: number; limit: number; start: number }[] = [];
  const page: PageReader<number, string> = async (q, limit, start) => {
    const from = start ?? 0;
    asked.push({ q, limit, start: from });
    const all = Array.from({ length: sizes[q] ?? 0 }, (_, i) => `${q}:${i}`);
    const items = all.slice(from, from + limit);
    return { items, scanned: items.length, next: items.length === limit ? from + limit : undefined };
  };
  return { page, asked };
};

describe('readPages', () => {
  it('follows every page of every Query until all are read', async () => {
    const p = pagedQueries([1_234, 0, 7, 600]);
    const r = await readPages(4, { page_items: 500, items_max: 20_000 }, p.page);
    expect(r.items).toHaveLength(1_234 + 7 + 600);
    expect(new Set(r.items).size).toBe(r.items.length);
    expect(r.truncated).toBe(false);
    expect(r.items_read).toBe(r.items.length);
    expect(r.pages).toBe(p.asked.length);
    expect(p.asked.every((a) => a.limit <= 500)).toBe(true);
  });

  it('stops at the bound exactly, says it was cut, and never asks more than the budget left', async () => {
    const p = pagedQueries([5_000, 5_000, 30]);
    const r = await readPages(3, { page_items: 500, items_max: 2_000 }, p.page);
    expect(r.truncated).toBe(true);
    expect(r.items_read).toBeLessThanOrEqual(2_000);
    expect(r.items_read).toBeGreaterThan(2_000 - 3); // the budget is used, not left idle
    expect(r.items).toContain('2:29'); // the small Query was read whole
  });

  it('is not cut when everything fits the bound exactly', async () => {
    const r = await readPages(2, { page_items: 10, items_max: 40 }, pagedQueries([15, 15]).page);
    expect(r).toMatchObject({ truncated: false, items_read: 30 });
  });
});

describe('searchServices', () => {
  const port = (
    cards: ServiceCard[],
    ratings: Map<string, MerchantRating>,
    truncated = false,
  ): SearchPort & { ratingBatches: string[][] } => {
    const ratingBatches: string[][] = [];
    return {
      ratingBatches,
      searchIndex: async () => ({ cards, queries: 2, items_read: cards.length, truncated }),
      slotsTaken: async () => new Map(),
      ratingsOf: async (ids) => {
        ratingBatches.push([...ids]);
        return new Map(
          ids.flatMap((id) => {
            const r = ratings.get(id);
            return r ? [[id, r] as const] : [];
          }),
        );
      },
    };
  };
  const walking = { minutes: 10, walking_m_per_min: 48, detour_factor: 1.3 };
  const origin = { lat: 31.7, lng: 113.37 };

  it('reads the ratings of the page shown in one batch, one key per merchant, and shows them', async () => {
    const cards = [
      card('a', { merchant_id: 'm1' }),
      card('b', { merchant_id: 'm1' }),
      card('c', { merchant_id: 'm2' }),
      card('d', { merchant_id: 'm3' }),
    ];
    const p = port(
      cards,
      new Map([
        ['m1', { rating_sum: 14, rating_count: 3 }],
        ['m2', { rating_sum: 0, rating_count: 0 }],
      ]),
    );
    const r = await searchServices(p, { category: 'barber', origin, walking, now: MON_9, limit: 3, offset: 0 });
    expect(p.ratingBatches).toEqual([['m1', 'm2']]); // d is not on this page
    expect(r.items.map((h) => [h.service_id, h.rating_avg, h.rating_count])).toEqual([
      ['a', 4.7, 3],
      ['b', 4.7, 3],
      ['c', null, 0],
    ]);
    expect(r.truncated).toBe(false);
  });

  it('passes on that the index read was cut', async () => {
    const r = await searchServices(port([card('a')], new Map(), true), {
      category: 'barber',
      origin,
      walking,
      now: MON_9,
      limit: 3,
      offset: 0,
    });
    expect(r).toMatchObject({ truncated: true, total: 1 });
  });
});
