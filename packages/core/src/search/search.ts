// Search in the ten-minute circle: services of a category around an origin, ordered by walking
// time; home-visit services whose travel radius covers the origin are included and marked.
// Index cards carry no rating: a rating would then rewrite every card of the merchant (over a
// thousand for a shop that travels 10 km). Ratings are read by key for the page shown instead.
import * as z from 'zod/mini';
import type { LatLng } from '../areas/model';
import { circleRadiusM, distanceM, walkingMinutes, type Walking } from './geo';
import { isOpenAt, nextSlotStart, slotStarts, type ServiceCard } from '../merchants/model';

export const SEARCH_LIMIT_MAX = 50; // a phone screen shows a handful; 50 is plenty for staff
export const INDEX_PAGE_ITEMS = 500; // items per index Query page (DynamoDB also stops a page at 1 MB)
/** Items one search may read over all its Queries and their pages. Every page is followed up to
 * this; a search that would read more answers with what it read and `truncated: true`. Estimate:
 * the benchmark's 100k-service city has ~200 services per km², so a 60-minute walk (2.2 km, the
 * widest the API allows) reads ~5,000 cards; 20,000 (~14 MB) leaves room for four times that. */
export const INDEX_ITEMS_MAX = 20_000;
export type IndexBounds = { page_items: number; items_max: number };
export const INDEX_BOUNDS: IndexBounds = { page_items: INDEX_PAGE_ITEMS, items_max: INDEX_ITEMS_MAX };

export type SearchHit = ServiceCard & {
  rating_avg: number | null;
  rating_count: number; // read for the page shown (withRatings), not from the card
  distance_m: number;
  walking_minutes: number;
  home_visit: boolean;
  open_now: boolean;
  next_slot: string | null; // first upcoming slot with a free place (after withFreeSlots)
  slots_full: boolean; // the next SLOT_LOOKAHEAD slots are all taken: booking waits or goes elsewhere
};

export const SLOT_LOOKAHEAD = 8; // slots checked for room per service: a busy barber's morning

export type SlotRef = { service_id: string; start: string };
export type SlotPort = {
  /** Places taken in each slot asked about, by `slotKey`; a slot nobody booked may be absent. */
  slotsTaken: (slots: readonly SlotRef[]) => Promise<Map<string, number>>;
};

export type MerchantRating = { rating_sum: number; rating_count: number };
export type RatingsPort = {
  /** Each merchant's rating totals, by merchant_id (one BatchGet); a merchant never rated may be absent. */
  ratingsOf: (merchant_ids: readonly string[]) => Promise<Map<string, MerchantRating>>;
};

/** What the index read: `queries` counts Query requests (pages included); `truncated` says the
 * bound stopped it while some Query still had pages, so cards may be missing. */
export type IndexRead = { cards: ServiceCard[]; queries: number; items_read: number; truncated: boolean };

export type SearchPort = SlotPort &
  RatingsPort & {
    searchIndex: (category: string, origin: LatLng, radius_m: number, bounds: IndexBounds) => Promise<IndexRead>;
  };

/** One page of Query `query`, at most `limit` items, from `start` (undefined: the first page). */
export type PageReader<K, T> = (
  query: number,
  limit: number,
  start: K | undefined,
) => Promise<{ items: T[]; scanned: number; next: K | undefined }>;

/**
 * Follows every page of `queries` Queries, in rounds (one page of each unfinished Query per round,
 * in parallel), until all are done or `bounds.items_max` items were read. Each round's page size
 * is the budget left shared among the Queries still open, so the bound holds exactly and does not
 * depend on which answer came back first. A Query whose last page was exactly full can still
 * report a next page; when the budget runs out just then the answer says cut though nothing was.
 */
export const readPages = async <K, T>(
  queries: number,
  bounds: IndexBounds,
  page: PageReader<K, T>,
): Promise<{ items: T[]; pages: number; items_read: number; truncated: boolean }> => {
  const items: T[] = [];
  let pages = 0;
  let items_read = 0;
  let open: { q: number; start: K | undefined }[] = Array.from({ length: queries }, (_, q) => ({
    q,
    start: undefined,
  }));
  while (open.length > 0) {
    const limit = Math.min(bounds.page_items, Math.floor((bounds.items_max - items_read) / open.length));
    if (limit < 1) return { items, pages, items_read, truncated: true };
    const rs = await Promise.all(open.map((o) => page(o.q, limit, o.start)));
    pages += rs.length;
    const next: typeof open = [];
    rs.forEach((r, i) => {
      items.push(...r.items);
      items_read += r.scanned;
      const o = open[i];
      if (o && r.next !== undefined) next.push({ q: o.q, start: r.next });
    });
    open = next;
  }
  return { items, pages, items_read, truncated: false };
};

export const slotKey = (r: SlotRef): string => `${r.service_id}#${r.start}`;

/** Moves each hit's `next_slot` to the first upcoming slot that still has room, or null when the
 * next SLOT_LOOKAHEAD slots are all full. It reads only the slots it checks, one batch per round
 * for the hits still looking, so a page with room now costs one BatchGet. */
export const withFreeSlots = async (port: SlotPort, hits: readonly SearchHit[], now: Date): Promise<SearchHit[]> => {
  const upcoming = hits.map((h) => slotStarts(h, now, SLOT_LOOKAHEAD));
  const chosen: (string | null)[] = hits.map(() => null);
  let looking = hits.map((_, i) => i).filter((i) => (upcoming[i]?.length ?? 0) > 0);
  for (let round = 0; round < SLOT_LOOKAHEAD && looking.length > 0; round++) {
    const ask: { i: number; ref: SlotRef }[] = [];
    for (const i of looking) {
      const start = upcoming[i]?.[round];
      const h = hits[i];
      if (start && h) ask.push({ i, ref: { service_id: h.service_id, start } });
    }
    if (ask.length === 0) break;
    const taken = await port.slotsTaken(ask.map((a) => a.ref));
    looking = [];
    for (const { i, ref } of ask) {
      if ((taken.get(slotKey(ref)) ?? 0) < (hits[i]?.capacity_per_slot ?? 0)) chosen[i] = ref.start;
      else looking.push(i);
    }
  }
  return hits.map((h, i) => ({
    ...h,
    next_slot: chosen[i] ?? null,
    slots_full: (upcoming[i]?.length ?? 0) > 0 && !chosen[i],
  }));
};

/** The order every caller sees (and the brute-force check uses): minutes, metres, id. Not rating:
 * ratings are read only for the page shown, and the order must be known before the page is cut. */
export const hitOrder = (a: SearchHit, b: SearchHit): number =>
  a.walking_minutes - b.walking_minutes || a.distance_m - b.distance_m || a.service_id.localeCompare(b.service_id);

export const ratingView = (r: MerchantRating | undefined): { rating_avg: number | null; rating_count: number } =>
  r && r.rating_count > 0
    ? { rating_avg: Math.round((r.rating_sum / r.rating_count) * 10) / 10, rating_count: r.rating_count }
    : { rating_avg: null, rating_count: 0 };

/** Puts each hit's merchant rating on it, read by key for these hits only: one BatchGet a page. */
export const withRatings = async (port: RatingsPort, hits: readonly SearchHit[]): Promise<SearchHit[]> => {
  if (hits.length === 0) return [];
  const ratings = await port.ratingsOf([...new Set(hits.map((h) => h.merchant_id))]);
  return hits.map((h) => ({ ...h, ...ratingView(ratings.get(h.merchant_id)) }));
};

/** Whether a card belongs in the circle: on foot within the radius, or a home visit that reaches the origin. */
export const inCircle = (
  card: Pick<ServiceCard, 'mode' | 'radius_m' | 'location'>,
  origin: LatLng,
  radius_m: number,
): { ok: boolean; distance_m: number } => {
  const d = distanceM(origin, card.location);
  return {
    ok: card.mode === 'home_visit' ? card.radius_m !== null && d <= card.radius_m : d <= radius_m,
    distance_m: d,
  };
};

export const toHit = (
  card: ServiceCard,
  distance_m: number,
  walking: Omit<Walking, 'minutes'>,
  now: Date,
): SearchHit => ({
  ...card,
  rating_avg: null,
  rating_count: 0,
  distance_m: Math.round(distance_m),
  walking_minutes: walkingMinutes(distance_m, walking),
  home_visit: card.mode === 'home_visit',
  open_now: isOpenAt(card, now),
  next_slot: nextSlotStart(card, now),
  slots_full: false,
});

/** The answer of GET /api/search (documented in the OpenAPI document). When `truncated` is true
 * the read bound cut the index read: `total` counts only what was read, and nearer services may
 * be missing from `items`. */
export type SearchAnswer = {
  items: SearchHit[];
  total: number;
  radius_m: number;
  queries: number;
  items_read: number;
  truncated: boolean;
};

export const SearchHitOut = z.object({
  service_id: z.string(),
  merchant_id: z.string(),
  merchant_name: z.string(),
  merchant_phone: z.string(),
  name: z.string(),
  category: z.string(),
  price_points: z.number(),
  ref_price_fen: z.number(),
  duration_min: z.number(),
  mode: z.enum(['onsite', 'home_visit']),
  radius_m: z.nullable(z.number()),
  location: z.object({ lat: z.number(), lng: z.number() }),
  address: z.string(),
  hours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  closed_dates: z.array(z.string()),
  slot_minutes: z.number(),
  capacity_per_slot: z.number(),
  rating_avg: z.nullable(z.number()),
  rating_count: z.number(),
  distance_m: z.number(),
  walking_minutes: z.number(),
  home_visit: z.boolean(),
  open_now: z.boolean(),
  next_slot: z.nullable(z.string()),
  slots_full: z.boolean(),
});
export const SearchAnswerOut = z.object({
  items: z.array(SearchHitOut),
  total: z.number(),
  radius_m: z.number(),
  queries: z.number(),
  items_read: z.number(),
  truncated: z.boolean(), // see SearchAnswer
});

export const searchServices = async (
  port: SearchPort,
  args: {
    category: string;
    origin: LatLng;
    walking: Walking;
    now: Date;
    limit: number;
    offset: number;
    bounds?: IndexBounds;
  },
): Promise<SearchAnswer> => {
  const radius_m = circleRadiusM(args.walking);
  const r = await port.searchIndex(args.category, args.origin, radius_m, args.bounds ?? INDEX_BOUNDS);
  const hits: SearchHit[] = [];
  for (const card of r.cards) {
    const c = inCircle(card, args.origin, radius_m);
    if (c.ok) hits.push(toHit(card, c.distance_m, args.walking, args.now));
  }
  hits.sort(hitOrder);
  const limit = Math.min(Math.max(1, args.limit), SEARCH_LIMIT_MAX);
  const page = hits.slice(args.offset, args.offset + limit);
  const [slotted, rated] = await Promise.all([withFreeSlots(port, page, args.now), withRatings(port, page)]);
  const items = slotted.map((h, i) => ({
    ...h,
    rating_avg: rated[i]?.rating_avg ?? null,
    rating_count: rated[i]?.rating_count ?? 0,
  }));
  return {
    items,
    total: hits.length,
    radius_m: Math.round(radius_m),
    queries: r.queries,
    items_read: r.items_read,
    truncated: r.truncated,
  };
};

/** 帮我找: services open now with a free place coming up, by walking time then rating, one offer
 * per merchant (asking the same shop twice would only waste the elder's minutes), at most `max`. */
export const rankForFind = (items: readonly SearchHit[], max: number): SearchHit[] => {
  const seen = new Set<string>();
  return [...items]
    .filter((h) => h.open_now && h.next_slot !== null)
    .sort((a, b) => a.walking_minutes - b.walking_minutes || (b.rating_avg ?? 0) - (a.rating_avg ?? 0))
    .filter((h) => !seen.has(h.merchant_id) && seen.add(h.merchant_id))
    .slice(0, max);
};
