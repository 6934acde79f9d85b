// Facts are read from the image alone: every image of an order gives the facts of the milestones it
// shows, with the same ids and the same deltas whichever image, so duplicates and any delivery order
// count once. Ledger entries classify by kind; outstanding is the change of what elders hold.
import { describe, expect, it } from 'vitest';
import {
  activeTouchOf,
  elderCountOf,
  erasedOrderDims,
  factsOf,
  insertOf,
  orderElderDims,
  type ElderDims,
} from './facts';
import type { Fact, SourceChange } from './model';

const dims: ElderDims = {
  community_code: 'zengdu.xicheng.a',
  birth_date: '1950-03-01',
  care_level: 'self_care',
  special_categories: ['living_alone'],
};
const base = {
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
  elder_dims: dims,
  created_at: '2026-11-23T02:00:00.000Z',
  updated_at: '2026-11-23T02:00:00.000Z',
  version: 1,
};
const images = [
  base,
  {
    ...base,
    status: 'accepted',
    accepted_at: '2026-11-23T02:01:00.000Z',
    offers: [{ ...base.offers[0], outcome: 'accepted' }],
  },
  {
    ...base,
    status: 'completed',
    accepted_at: '2026-11-23T02:01:00.000Z',
    offers: [{ ...base.offers[0], outcome: 'accepted' }],
    completed_at: '2026-11-23T03:00:00.000Z',
  },
  {
    ...base,
    status: 'rated',
    accepted_at: '2026-11-23T02:01:00.000Z',
    offers: [{ ...base.offers[0], outcome: 'accepted' }],
    completed_at: '2026-11-23T03:00:00.000Z',
    rating: { stars: 4, tags: [], comment: '', at: '2026-11-24T01:00:00.000Z' },
  },
];
const modify = (old: Record<string, unknown> | null, now: Record<string, unknown>): SourceChange => ({
  event: old ? 'MODIFY' : 'INSERT',
  keys: { pk: 'ORDER#o1', sk: 'ORDER' },
  old,
  new: now,
});
const none = () => null;
const byId = (fs: Fact[]) => new Map(fs.map((f) => [f.id, f]));

describe('order facts', () => {
  it('each image repeats the facts of the milestones it shows, identically', () => {
    const seen = new Map<string, Fact>();
    images.forEach((img, i) => {
      for (const f of factsOf(modify(images[i - 1] ?? null, img), none)) {
        const was = seen.get(f.id);
        if (was) expect(f).toEqual(was);
        seen.set(f.id, f);
      }
    });
    expect([...seen.keys()].sort()).toEqual([
      'order:o1:accepted',
      'order:o1:completed',
      'order:o1:rated',
      'order:o1:requested',
    ]);
    // the backfill sees only the last image, and gets the same facts
    expect(byId(factsOf(insertOf(images[3] as Record<string, unknown>), none))).toEqual(seen);
    const rated = seen.get('order:o1:rated');
    expect(rated?.day).toBe('2026-11-24');
    expect(rated?.add).toMatchObject({
      'ratings.count': 1,
      'ratings.sum': 4,
      'ratings.count|stars=4': 1,
      'ratings.sum|m=m1': 4,
    });
    expect(seen.get('order:o1:requested')?.add).toMatchObject({
      'orders.requested': 1,
      'orders.requested|cat=canteen': 1,
      'orders.requested|age=70-79': 1,
      'orders.requested|care=self_care': 1,
      'orders.requested|special=living_alone': 1,
      'orders.requested|m=m1': 1,
    });
    expect(seen.get('order:o1:completed')?.add).toMatchObject({ 'orders.completed': 1, 'orders.points': 30 });
  });

  it('an order without a snapshot takes the elder from the lookup; an unknown elder gives no facts', () => {
    const { elder_dims: _, ...bare } = base;
    expect(factsOf(insertOf(bare), () => dims)[0]?.community_code).toBe('zengdu.xicheng.a');
    expect(factsOf(insertOf(bare), none)).toEqual([]);
  });

  it('the booking snapshot is derived (age band, no birth date) and counts as the raw one did', () => {
    const snap = orderElderDims(dims, new Date(base.created_at));
    expect(snap).toEqual({
      community_code: 'zengdu.xicheng.a',
      age_band: '70-79',
      care: 'self_care',
      special: ['living_alone'],
    });
    expect(JSON.stringify(snap)).not.toContain('1950');
    const derived = images.map((i) => ({ ...i, elder_dims: snap }));
    const facts = (xs: Record<string, unknown>[]) => xs.flatMap((i) => factsOf(insertOf(i), none));
    expect(facts(derived)).toEqual(facts(images));
    expect(activeTouchOf(insertOf(derived[0]!), none)).toEqual(activeTouchOf(insertOf(images[0]!), none));
  });

  it('leaving erases care and special from a snapshot of either shape, keeps community and age band', () => {
    const fromLegacy = erasedOrderDims(base as never);
    const fromDerived = erasedOrderDims({
      ...base,
      elder_dims: orderElderDims(dims, new Date(base.created_at)),
    } as never);
    const want = { community_code: 'zengdu.xicheng.a', age_band: '70-79', care: null, special: [], erased: true };
    expect(fromLegacy).toEqual(want);
    expect(fromDerived).toEqual(want);
    expect(erasedOrderDims({ ...base, elder_dims: want } as never)).toBeNull(); // done already
    const { elder_dims: _, ...bare } = base;
    expect(erasedOrderDims(bare as never)).toBeNull(); // nothing kept on the order
    const add = byId(factsOf(insertOf({ ...base, elder_dims: fromLegacy }), none)).get('order:o1:requested')?.add;
    expect(add).toMatchObject({ 'orders.requested': 1, 'orders.requested|age=70-79': 1 });
    expect(Object.keys(add ?? {}).filter((n) => n.includes('care=') || n.includes('special='))).toEqual([]);
  });

  it('帮我找: accepted at the second offer is cascaded; exhausted is unmatched', () => {
    const f = {
      ...base,
      mode: 'find_for_me',
      status: 'accepted',
      offers: [
        { merchant_id: 'm1', outcome: 'rejected', offered_at: base.created_at },
        { merchant_id: 'm2', outcome: 'accepted', offered_at: '2026-11-23T02:03:00.000Z' },
      ],
    };
    expect(byId(factsOf(insertOf(f), none)).get('order:o1:accepted')?.add).toMatchObject({
      'find.cascaded': 1,
      'orders.accepted|m=m2': 1,
    });
    const u = {
      ...base,
      mode: 'find_for_me',
      status: 'unmatched',
      offers: [{ ...base.offers[0], outcome: 'expired' }],
    };
    expect(byId(factsOf(insertOf(u), none)).get('order:o1:unmatched')?.add).toMatchObject({
      'orders.unmatched': 1,
      'find.unmatched': 1,
    });
  });
});

describe('entry and elder facts', () => {
  const entry = (kind: string, postings: { account: string; amount_points: number }[]) =>
    factsOf(
      insertOf({
        pk: 'ENTRY#x',
        sk: 'ENTRY',
        type: 'entry',
        entry_id: 'x',
        kind,
        postings,
        created_at: base.created_at,
      }),
      none,
    )[0];

  it('classifies ledger entries and moves outstanding by what elders hold', () => {
    expect(
      entry('allowance', [
        { account: 'issuance:01', amount_points: -100 },
        { account: 'wallet:e1', amount_points: 100 },
      ])?.add,
    ).toEqual({
      'points.issued': 100,
      'points.outstanding': 100,
    });
    expect(
      entry('capture', [
        { account: 'hold:o1', amount_points: -30 },
        { account: 'merchant:m1', amount_points: 30 },
      ])?.add,
    ).toEqual({
      'points.redeemed': 30,
      'points.outstanding': -30,
    });
    expect(
      entry('reversal', [
        { account: 'merchant:m1', amount_points: -30 },
        { account: 'wallet:e1', amount_points: 30 },
      ])?.add,
    ).toEqual({
      'points.reversed': 30,
      'points.outstanding': 30,
    });
    expect(
      entry('hold', [
        { account: 'wallet:e1', amount_points: -30 },
        { account: 'hold:o1', amount_points: 30 },
      ])?.add,
    ).toEqual({});
    expect(entry('hold', [])?.community_code).toBeNull();
  });

  it('elders: joining is a city flow by registration day; the registered stock is state by version', () => {
    const e = {
      pk: 'ELDER#e1',
      sk: 'PROFILE',
      type: 'elder',
      elder_id: 'e1',
      status: 'active',
      version: 1,
      ...dims,
      created_at: base.created_at,
      updated_at: base.created_at,
    };
    const change = (old: typeof e, now: typeof e): SourceChange => ({
      event: 'MODIFY',
      keys: { pk: 'ELDER#e1', sk: 'PROFILE' },
      old,
      new: now,
    });
    expect(factsOf(insertOf(e), none)).toEqual([
      { id: 'elder:e1:joined', day: '2026-11-23', community_code: null, add: { 'elders.joined': 1 } },
    ]);
    expect(elderCountOf(insertOf(e))).toMatchObject({
      version: 1,
      community_code: 'zengdu.xicheng.a',
      stock: {
        'elders.registered': 1,
        'elders.registered|age=70-79': 1,
        'elders.registered|care=self_care': 1,
        'elders.registered|special=living_alone': 1,
      },
    });
    const moved = { ...e, version: 2, community_code: 'zengdu.dongcheng.b', updated_at: '2026-11-25T01:00:00.000Z' };
    expect(factsOf(change(e, moved), none)).toEqual([]); // no delta facts: the store moves the stock by version
    expect(elderCountOf(change(e, moved))).toMatchObject({ version: 2, community_code: 'zengdu.dongcheng.b' });
    const left = {
      ...e,
      version: 3,
      status: 'left',
      care_level: null,
      special_categories: [],
      updated_at: moved.updated_at,
    };
    expect(elderCountOf(change(moved, left))).toMatchObject({ version: 3, stock: {} });
    // the leave's image gives the same joining fact as the INSERT (verify recomputes from the current image)
    expect(factsOf(insertOf(left), none)).toEqual(factsOf(insertOf(e), none));
  });
});
