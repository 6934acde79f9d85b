// Search in the ten-minute circle: services of a category around an origin, ordered by walking
// time; home-visit services whose travel radius covers the origin are included and marked.
import type { LatLng } from './areas';
import { circleRadiusM, distanceM, walkingMinutes, type Walking } from './geo';
import { isOpenAt, nextSlotStart, slotStarts, type ServiceCard } from './merchants';

export const SEARCH_LIMIT_MAX = 50; // a phone screen shows a handful; 50 is plenty for staff
export const INDEX_QUERY_LIMIT = 500; // items per index Query: a dense block in a city centre fits

export type SearchHit = ServiceCard & {
  distance_m: number; walking_minutes: number; home_visit: boolean; open_now: boolean;
  next_slot: string | null; // first upcoming slot with a free place (after withFreeSlots)
  slots_full: boolean; // the next SLOT_LOOKAHEAD slots are all taken: booking waits or goes elsewhere
};

export const SLOT_LOOKAHEAD = 8; // slots checked for room per service: a busy barber's morning

export type SlotRef = { service_id: string; start: string };
export type SlotPort = {
  /** Places taken in each slot asked about, by `slotKey`; a slot nobody booked may be absent. */
  slotsTaken: (slots: readonly SlotRef[]) => Promise<Map<string, number>>;
};

export type SearchPort = SlotPort & {
  searchIndex: (category: string, origin: LatLng, radius_m: number, perQueryLimit: number) => Promise<{ cards: ServiceCard[]; queries: number; items_read: number }>;
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
  return hits.map((h, i) => ({ ...h, next_slot: chosen[i] ?? null, slots_full: (upcoming[i]?.length ?? 0) > 0 && !chosen[i] }));
};

/** The order every caller sees (and the brute-force check uses): minutes, metres, rating, id. */
export const hitOrder = (a: SearchHit, b: SearchHit): number =>
  a.walking_minutes - b.walking_minutes || a.distance_m - b.distance_m || (b.rating_avg ?? 0) - (a.rating_avg ?? 0) || a.service_id.localeCompare(b.service_id);

/** Whether a card belongs in the circle: on foot within the radius, or a home visit that reaches the origin. */
export const inCircle = (card: ServiceCard, origin: LatLng, radius_m: number): { ok: boolean; distance_m: number } => {
  const d = distanceM(origin, card.location);
  return { ok: card.mode === 'home_visit' ? card.radius_m !== null && d <= card.radius_m : d <= radius_m, distance_m: d };
};

export const toHit = (card: ServiceCard, distance_m: number, walking: Omit<Walking, 'minutes'>, now: Date): SearchHit => ({
  ...card,
  distance_m: Math.round(distance_m),
  walking_minutes: walkingMinutes(distance_m, walking),
  home_visit: card.mode === 'home_visit',
  open_now: isOpenAt(card, now),
  next_slot: nextSlotStart(card, now),
  slots_full: false,
});

export const searchServices = async (
  port: SearchPort,
  args: { category: string; origin: LatLng; walking: Walking; now: Date; limit: number; offset: number },
): Promise<{ items: SearchHit[]; total: number; radius_m: number; queries: number; items_read: number }> => {
  const radius_m = circleRadiusM(args.walking);
  const r = await port.searchIndex(args.category, args.origin, radius_m, INDEX_QUERY_LIMIT);
  const hits: SearchHit[] = [];
  for (const card of r.cards) {
    const c = inCircle(card, args.origin, radius_m);
    if (c.ok) hits.push(toHit(card, c.distance_m, args.walking, args.now));
  }
  hits.sort(hitOrder);
  const limit = Math.min(Math.max(1, args.limit), SEARCH_LIMIT_MAX);
  const items = await withFreeSlots(port, hits.slice(args.offset, args.offset + limit), args.now);
  return { items, total: hits.length, radius_m: Math.round(radius_m), queries: r.queries, items_read: r.items_read };
};

/** 帮我找: services open now with a free place coming up, by walking time then rating, one offer
 * per merchant (asking the same shop twice would only waste the elder's minutes), at most `max`. */
export const rankForFind = (items: readonly SearchHit[], max: number): SearchHit[] => {
  const seen = new Set<string>();
  return [...items].filter((h) => h.open_now && h.next_slot !== null)
    .sort((a, b) => a.walking_minutes - b.walking_minutes || (b.rating_avg ?? 0) - (a.rating_avg ?? 0))
    .filter((h) => !seen.has(h.merchant_id) && seen.add(h.merchant_id))
    .slice(0, max);
};
