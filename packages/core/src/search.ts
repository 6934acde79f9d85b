// Search in the ten-minute circle: services of a category around an origin, ordered by walking
// time; home-visit services whose travel radius covers the origin are included and marked.
import type { LatLng } from './areas';
import { circleRadiusM, distanceM, walkingMinutes, type Walking } from './geo';
import { isOpenAt, nextSlotStart, type ServiceCard } from './merchants';

export const SEARCH_LIMIT_MAX = 50; // a phone screen shows a handful; 50 is plenty for staff
export const INDEX_QUERY_LIMIT = 500; // items per index Query: a dense block in a city centre fits

export type SearchHit = ServiceCard & { distance_m: number; walking_minutes: number; home_visit: boolean; open_now: boolean; next_slot: string | null };

export type SearchPort = {
  searchIndex: (category: string, origin: LatLng, radius_m: number, perQueryLimit: number) => Promise<{ cards: ServiceCard[]; queries: number; items_read: number }>;
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
  return { items: hits.slice(args.offset, args.offset + limit), total: hits.length, radius_m: Math.round(radius_m), queries: r.queries, items_read: r.items_read };
};

/** 帮我找: open services first by walking time then rating, one offer per merchant (asking the
 * same shop twice would only waste the elder's minutes), at most `max`. */
export const rankForFind = (items: readonly SearchHit[], max: number): SearchHit[] => {
  const seen = new Set<string>();
  return [...items].filter((h) => h.open_now)
    .sort((a, b) => a.walking_minutes - b.walking_minutes || (b.rating_avg ?? 0) - (a.rating_avg ?? 0))
    .filter((h) => !seen.has(h.merchant_id) && seen.add(h.merchant_id))
    .slice(0, max);
};
