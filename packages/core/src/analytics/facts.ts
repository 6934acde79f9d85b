// Facts: what one source change adds to the counters (pure). Order facts are "milestones present in this
// image": every image of an order yields the facts of every milestone it shows (requested, accepted,
// completed, rated, disputed, its terminal state), each with an id derived from the order and the
// milestone and a day read from the image itself. So an image delivered twice, late, out of order, or
// seen only by the backfill (the current image) gives the same facts, and the markers apply each once.
// Ledger entries are immutable: one fact per entry. Elders: joining (a flow fact), and their registered
// stock as state (elderCountOf), applied by version.
import type { Order, OrderElderDims } from '../orders/state';
import { chinaDate } from '../kernel/time';
import type { JournalEntry } from '../ledger/entry';
import {
  ageBandOn,
  counterName,
  dayOf,
  type ActiveTouch,
  type Dim,
  type ElderCount,
  type Fact,
  type Metric,
} from './model';
import type { SourceChange } from './model';

/** What counters split an elder's facts by, as of booking (snapshot on the order) or now (elder record). */
export type ElderDims = {
  community_code: string;
  birth_date: string;
  care_level: string | null;
  special_categories: string[];
};
export type DimsLookup = (elder_id: string) => ElderDims | null;

type OrderImage = Order & { accepted_at?: string };

/** The snapshot a booking writes on its order (review H3): derived values only, so the birth date and the
 * raw profile fields never reach the order, its index projections or backups. */
export const orderElderDims = (
  e: Pick<ElderDims, 'community_code' | 'birth_date' | 'care_level' | 'special_categories'>,
  now: Date,
): OrderElderDims => ({
  community_code: e.community_code,
  age_band: ageBandOn(e.birth_date, chinaDate(now)),
  care: e.care_level,
  special: [...e.special_categories],
});

/** What leaving the scheme leaves of an order's snapshot: community and age band (the profile keeps the birth
 * year, and the counters' age split stays recomputable); care and special go (health data, PIPL art. 47).
 * Null when there is nothing to erase (no snapshot, or erased already). */
export const erasedOrderDims = (o: Pick<Order, 'elder_dims' | 'created_at'>): OrderElderDims | null => {
  const d = o.elder_dims;
  if (!d || ('erased' in d && d.erased)) return null;
  const age_band = 'age_band' in d ? d.age_band : ageBandOn(d.birth_date, dayOf(o.created_at));
  return { community_code: d.community_code, age_band, care: null, special: [], erased: true };
};

/** An order's elder dimensions as the counters split by them: from its snapshot (derived since H3, raw
 * before), else from the elder's current record. */
type SplitDims = { community_code: string; ageOn: (day: string) => string; care: string | null; special: string[] };
const splitDimsOf = (o: OrderImage, lookup: DimsLookup): SplitDims | null => {
  const d = o.elder_dims;
  if (d && 'age_band' in d)
    return { community_code: d.community_code, ageOn: () => d.age_band, care: d.care, special: d.special };
  const e: ElderDims | null = d ?? lookup(o.elder_id);
  if (!e) return null;
  return {
    community_code: e.community_code,
    ageOn: (day) => ageBandOn(e.birth_date, day),
    care: e.care_level,
    special: e.special_categories,
  };
};
type ElderImage = ElderDims & {
  elder_id: string;
  status: string;
  version: number;
  created_at: string;
  updated_at: string;
};

export const SOURCE_TYPES = ['order', 'entry', 'elder'] as const;
export const isSource = (item: Record<string, unknown> | null): boolean =>
  item !== null && (SOURCE_TYPES as readonly unknown[]).includes(item.type);

/** The image a change's facts are read from: the new one; a removed item adds nothing (nothing we count
 * is deleted; a deletion is not a business event). */
const imageOf = (c: SourceChange) => (c.event === 'REMOVE' ? null : c.new);

/** The elder ids of orders in `changes` that carry no snapshot of their elder's dimensions. */
export const eldersWithoutSnapshot = (changes: SourceChange[]): string[] => [
  ...new Set(
    changes
      .map(imageOf)
      .filter((i): i is Record<string, unknown> => i?.type === 'order' && !i.elder_dims)
      .map((i) => String(i.elder_id)),
  ),
];

/** Adds `n` to a metric in total and split by each dimension given (one attribute each, no cross products). */
const put = (add: Record<string, number>, metric: Metric, n: number, dims: [Dim, string | string[] | null][]) => {
  if (n === 0) return;
  const bump = (name: string) => (add[name] = (add[name] ?? 0) + n);
  bump(counterName(metric));
  for (const [dim, v] of dims)
    for (const x of v === null ? [] : Array.isArray(v) ? v : [v]) bump(counterName(metric, dim, x));
};

const orderDimsOn = (
  e: SplitDims,
  day: string,
  category: string,
  merchant_id: string,
): [Dim, string | string[] | null][] => [
  ['cat', category],
  ['age', e.ageOn(day)],
  ['care', e.care],
  ['special', e.special],
  ['m', merchant_id],
];

/** Terminal states and what they count as. */
const TERMINAL: Partial<Record<Order['status'], Metric>> = {
  cancelled: 'orders.cancelled',
  rejected: 'orders.rejected',
  expired: 'orders.expired',
  no_show: 'orders.no_show',
  unmatched: 'orders.unmatched',
  refunded: 'disputes.upheld',
  dispute_dismissed: 'disputes.dismissed',
};

const orderFacts = (o: OrderImage, lookup: DimsLookup): Fact[] => {
  const e = splitDimsOf(o, lookup);
  if (!e) return []; // an order of an unknown elder: nothing to split by (verify reports the gap)
  const facts: Fact[] = [];
  const fact = (milestone: string, at: string, fill: (add: Record<string, number>, day: string) => void) => {
    const day = dayOf(at);
    const add: Record<string, number> = {};
    fill(add, day);
    facts.push({ id: `order:${o.order_id}:${milestone}`, day, community_code: e.community_code, add });
  };
  const first = o.offers[0]?.merchant_id ?? o.merchant_id;
  fact('requested', o.created_at, (add, day) =>
    put(add, 'orders.requested', 1, orderDimsOn(e, day, o.category, first)),
  );
  const won = o.offers.findIndex((x) => x.outcome === 'accepted');
  if (won >= 0) {
    const offer = o.offers[won];
    // accepted_at is written since analytics; older orders: the offer's time (an answer comes within its window)
    fact('accepted', o.accepted_at ?? (offer?.offered_at || o.updated_at), (add, day) => {
      put(add, 'orders.accepted', 1, orderDimsOn(e, day, o.category, offer?.merchant_id ?? o.merchant_id));
      if (o.mode === 'find_for_me')
        put(add, won === 0 ? 'find.matched_first' : 'find.cascaded', 1, [['cat', o.category]]);
    });
  }
  if (o.completed_at)
    fact('completed', o.completed_at, (add, day) => {
      put(add, 'orders.completed', 1, orderDimsOn(e, day, o.category, o.merchant_id));
      put(add, 'orders.points', o.price_points, [
        ['cat', o.category],
        ['m', o.merchant_id],
      ]);
    });
  if (o.rating)
    fact('rated', o.rating.at, (add) => {
      const by: [Dim, string][] = [
        ['cat', o.category],
        ['m', o.merchant_id],
      ];
      put(add, 'ratings.count', 1, [...by, ['stars', String(o.rating?.stars)]]);
      put(add, 'ratings.sum', o.rating?.stars ?? 0, by);
    });
  if (o.dispute)
    fact('disputed', o.dispute.at, (add) =>
      put(add, 'disputes.opened', 1, [
        ['cat', o.category],
        ['m', o.merchant_id],
      ]),
    );
  const terminal = TERMINAL[o.status];
  // a terminal order is never written again, so its updated_at is the day it got there, in every image
  if (terminal)
    fact(o.status, o.updated_at, (add, day) => {
      if (terminal.startsWith('disputes.'))
        put(add, terminal, 1, [
          ['cat', o.category],
          ['m', o.merchant_id],
        ]);
      else put(add, terminal, 1, orderDimsOn(e, day, o.category, o.merchant_id));
      if (o.status === 'unmatched' && o.mode === 'find_for_me') put(add, 'find.unmatched', 1, [['cat', o.category]]);
    });
  return facts;
};

/** The active-elder touch of an order image: its elder ordered on the order's request day. */
export const activeTouchOf = (c: SourceChange, lookup: DimsLookup): ActiveTouch | null => {
  const i = imageOf(c);
  if (i?.type !== 'order') return null;
  const o = i as unknown as OrderImage;
  const e = splitDimsOf(o, lookup);
  if (!e) return null;
  const day = dayOf(o.created_at);
  return {
    elder_id: o.elder_id,
    day,
    community_code: e.community_code,
    age: e.ageOn(day) as ActiveTouch['age'],
    care: e.care,
    special: [...e.special],
  };
};

const isElderAccount = (account: string) => account.startsWith('wallet:') || account.startsWith('hold:');

/** One fact per journal entry, city scope: its kind's flow and the change of what elders hold. */
const entryFacts = (e: JournalEntry): Fact[] => {
  const sum = (pred: (a: string) => boolean) =>
    e.postings.filter((p) => pred(p.account)).reduce((s, p) => s + p.amount_points, 0);
  const elders = sum(isElderAccount); // what elders hold (wallets and holds) moved by this entry
  const merchants = sum((a) => a.startsWith('merchant:'));
  const add: Record<string, number> = {};
  const n = (m: Metric, v: number) => put(add, m, v, []);
  switch (e.kind) {
    case 'allowance':
      n('points.issued', elders);
      break;
    case 'award':
      n('points.awarded', elders);
      break;
    case 'top_up':
      n('points.topped_up', elders);
      n('topups.count', 1);
      break;
    case 'refund':
      n('points.refunded', -elders);
      break;
    case 'capture':
      n('points.redeemed', merchants);
      break;
    case 'expiry':
      n('points.expired', -elders);
      break;
    case 'reversal':
      // a capture reversed (dispute upheld) takes from the merchant; a grant reversed takes from the elder
      if (merchants < 0) n('points.reversed', -merchants);
      else n('points.adjusted', elders);
      break;
    case 'adjustment':
    case 'scheme_exit':
      n('points.adjusted', elders);
      break;
    default: // hold, release, settlement, payout: points move between elders' own accounts or past them
  }
  n('points.outstanding', elders);
  return [{ id: `entry:${e.entry_id}`, day: dayOf(e.created_at), community_code: null, add }];
};

/** What an elder image adds while it is in the scheme: the registered stock, split by the age band at
 * registration, care and categories; nothing once the elder has left. */
const elderStock = (e: ElderImage): Record<string, number> => {
  const add: Record<string, number> = {};
  if (e.status === 'active')
    put(add, 'elders.registered', 1, [
      ['age', ageBandOn(e.birth_date, dayOf(e.created_at))],
      ['care', e.care_level],
      ['special', e.special_categories],
    ]);
  return add;
};

/** The elder's registered stock as of this image (review H2: state, not deltas). The store keeps what it last
 * counted per elder (version, community, stock) and moves the counters from that to this only when this
 * version is newer, so backfill and stream, in any order, duplicated or replayed, converge on the newest
 * version's stock. */
export const elderCountOf = (c: SourceChange): ElderCount | null => {
  const i = imageOf(c);
  if (i?.type !== 'elder') return null;
  const now = i as unknown as ElderImage;
  return {
    elder_id: now.elder_id,
    version: now.version,
    community_code: now.community_code,
    stock: elderStock(now),
  };
};

/** Joining is a flow counted once (its marker), for the city only and by day of registration: every image
 * of an elder agrees on those, while its community, care, categories and birth date change with moves,
 * edits and leaving (which erases them), so a split by them would depend on which image was seen first
 * and analytics:verify could never agree (review M1). The dashboard does not show joining by area. */
const elderFacts = (c: SourceChange): Fact[] => {
  const now = (c.new ?? null) as ElderImage | null;
  if (c.event === 'REMOVE' || !now || c.old) return [];
  // an INSERT, or the backfill's current image: the same id and the same deltas either way
  return [
    {
      id: `elder:${now.elder_id}:joined`,
      day: dayOf(now.created_at),
      community_code: null,
      add: { 'elders.joined': 1 },
    },
  ];
};

/** The facts of one change. `lookup` gives current elder dims for orders booked without a snapshot. */
export const factsOf = (c: SourceChange, lookup: DimsLookup): Fact[] => {
  const i = imageOf(c);
  if (!i) return [];
  switch (i.type) {
    case 'order':
      return orderFacts(i as unknown as OrderImage, lookup);
    case 'entry':
      return entryFacts(i as unknown as JournalEntry);
    case 'elder':
      return elderFacts(c);
    default:
      return [];
  }
};

/** A fact with its zero deltas dropped (null when nothing is left to add). */
export const nonZero = (f: Fact): Fact | null => {
  const add = Object.fromEntries(Object.entries(f.add).filter(([, v]) => v !== 0));
  return Object.keys(add).length ? { ...f, add } : null;
};

/** The change the backfill and verify see for an item as it is now: its insertion. */
export const insertOf = (item: Record<string, unknown>): SourceChange => ({
  event: 'INSERT',
  keys: { pk: String(item.pk), sk: String(item.sk) },
  old: null,
  new: item,
});
