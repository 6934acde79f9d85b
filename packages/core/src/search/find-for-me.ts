// 帮我找 offers only what the elder asked for. The request is the best hit of the category (the
// first offer); every later shop is offered the same kind of service (same category and the same
// service name) at no more points than that first offer. A cascade that moved on to "any service
// of the category" turned a haircut into a shave at the next shop, and one that took the dearest
// candidate's price held more points than the elder agreed to.
import { rankForFind } from './search';
import type { SearchHit } from './search';

type Kindish = { category: string; name: string; price_points: number };

/** Two services are the same kind when their category and their name (ignoring spaces, width and
 * case) agree: the name is what the elder chose and what the shop is asked to do. */
export const serviceKind = (s: Pick<Kindish, 'category' | 'name'>): string =>
  `${s.category}#${s.name.normalize('NFKC').replace(/\s+/g, '').toLowerCase()}`;

/** Whether `c` may be offered in a cascade that started with `first`: same kind, within its price. */
export const sameKindWithin = (first: Kindish, c: Kindish): boolean =>
  serviceKind(c) === serviceKind(first) && c.price_points <= first.price_points;

/** The offers, in order: the best open hit of the category (of the service the elder named, when
 * they named one), then up to `max - 1` other shops with the same kind of service within its price
 * (one per shop). Kind is chosen before the one-per-shop cut, so a shop whose shave ranked above
 * its haircut still offers the haircut. */
export const findOffers = (
  items: readonly SearchHit[],
  max: number,
  want: { service_name?: string | undefined } = {},
): SearchHit[] => {
  const named = want.service_name;
  const asked =
    named === undefined
      ? items
      : items.filter((h) => serviceKind(h) === serviceKind({ category: h.category, name: named }));
  const first = rankForFind(asked, 1)[0];
  if (!first) return [];
  return rankForFind(
    asked.filter((h) => sameKindWithin(first, h)),
    max,
  );
};
