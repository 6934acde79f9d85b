// Lots: every credit to a wallet is a lot with its source and expiry. Spending takes the
// soonest-expiring eligible lots first; subsidy lots (allowance, award) only buy the categories
// the policy allows, top-up lots buy anything.

export const LOT_SOURCES = ['allowance', 'award', 'top_up', 'restore'] as const;
export type LotSource = (typeof LOT_SOURCES)[number];

export const NEVER_EXPIRES = '9999-12-31'; // paid top-up points do not expire

export type Lot = {
  lot_id: string;
  wallet: string;
  source: LotSource;
  subsidy: boolean; // true: limited to policy categories
  original_points: number;
  remaining_points: number;
  expires_on: string; // YYYY-MM-DD, last day the points can be spent
  entry_id: string; // the entry that created it
};

export type LotTake = { lot_id: string; expires_on: string; amount_points: number; subsidy: boolean };

export const LOTS_PER_SPEND_MAX = 40; // keeps one spend inside a 100-item transaction with room to spare

/** Order of spending: soonest expiry first; among equal expiry, subsidy before paid, then oldest lot. */
export const spendOrder = (a: Lot, b: Lot): number =>
  a.expires_on.localeCompare(b.expires_on) || Number(b.subsidy) - Number(a.subsidy) || a.lot_id.localeCompare(b.lot_id);

/** Picks lots for `amount` or returns the shortfall. `today` lots that expired are never taken. */
export const pickLots = (
  lots: readonly Lot[],
  amount_points: number,
  opts: { today: string; subsidyAllowed: boolean },
): { takes: LotTake[] } | { short_points: number } => {
  if (!Number.isSafeInteger(amount_points) || amount_points <= 0)
    throw new Error(`pickLots: bad amount ${amount_points}`);
  const eligible = lots
    .filter((l) => l.remaining_points > 0 && l.expires_on >= opts.today && (opts.subsidyAllowed || !l.subsidy))
    .sort(spendOrder);
  const takes: LotTake[] = [];
  let left = amount_points;
  for (const l of eligible) {
    if (left === 0 || takes.length >= LOTS_PER_SPEND_MAX) break;
    const take = Math.min(l.remaining_points, left);
    takes.push({ lot_id: l.lot_id, expires_on: l.expires_on, amount_points: take, subsidy: l.subsidy });
    left -= take;
  }
  return left === 0 ? { takes } : { short_points: left };
};
