// Where a hold is kept. A hold lives in its hold account's balance item, as a map attribute `hold`, with
// the expiry index's keys on that item while it is open: a hold, capture or release always moves the
// hold account's balance too, so one Update writes both and a booking's transaction has one item fewer.
// Holds made before that (one `HOLD#{id}|HOLD` item each) are read where they are and, while open, written
// back there (ledger-commit's `legacyHold`), so no migration has to run before the code does.
import { shardOf } from '@tmc/core/ledger/accounts';
import type { CommitPlan, Hold } from '@tmc/core/ledger/ports';
import { fromItem } from '../item';
import { EXPIRY_SHARDS, ledgerKeys } from './ledger-keys';

/** The balance item's attribute that holds the hold. */
export const HOLD_ATTR = 'hold';
export const HOLD_PLACES_MAX = 1000; // holds a warm function remembers where it read (a few KB)

export type HoldPlace = 'balance' | 'legacy';

/** Where this process read each hold, at which version. A capture or release of a hold read from its own
 * item is then written there at once, and a lost race on one read from its balance item does not look
 * for an old item. A hold not remembered (another function read it, or it was forgotten) is written to
 * its balance item and looked for in the old place only when refused there: the memo saves requests, it
 * decides nothing. */
export class HoldPlaces {
  private readonly seen = new Map<string, HoldPlace>();
  constructor(private readonly max = HOLD_PLACES_MAX) {}
  note(h: Hold, place: HoldPlace): void {
    const k = `${h.hold_id}@${h.version}`;
    this.seen.delete(k); // re-inserted: the newest read is forgotten last
    this.seen.set(k, place);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value as string);
  }
  of(hold_id: string, version: number): HoldPlace | undefined {
    return this.seen.get(`${hold_id}@${version}`);
  }
}

type Item = Record<string, unknown>;

/** The hold an item carries: a hold account's balance item with its `hold` map, or a legacy hold item. */
export const holdOfItem = (it: Item | undefined): Hold | null => {
  if (!it) return null;
  const inBalance = it[HOLD_ATTR];
  if (inBalance && typeof inBalance === 'object') return fromItem<Hold>(inBalance as Item);
  return it.type === 'hold' ? fromItem<Hold>(it) : null;
};

/** The expiry index's keys of an open hold (none once it is final: the index is sparse). */
export const holdExpiryKeys = (h: Hold) =>
  h.status === 'open'
    ? ledgerKeys.holdExpiryIndex(h.expires_at.slice(0, 10), shardOf(h.hold_id, EXPIRY_SHARDS), h.expires_at, h.hold_id)
    : null;

/** A hold made before it moved into its balance item: its own item, as it was written then. */
export const legacyHoldItem = (h: Hold) => ({
  ...ledgerKeys.hold(h.hold_id),
  ...holdExpiryKeys(h),
  type: 'hold',
  ...h,
});

/** The parts of a balance item's Update that the hold and the counters join (ledger-commit.ts). */
export type BalanceUpdate = {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeValues: Record<string, unknown>;
  ExpressionAttributeNames?: Record<string, string>;
};

/** The hold account's balance Update with the hold written into it: its own condition (new, or at the
 * version read) joins the balance's, and the item enters or leaves the expiry index with the hold. */
export const withHold = (u: BalanceUpdate, hold: NonNullable<CommitPlan['hold']>): BalanceUpdate => {
  const idx = holdExpiryKeys(hold.next);
  const isNew = hold.expect_version === 0;
  const own = isNew ? 'attribute_not_exists(#hold)' : '#hold.version = :hv';
  return {
    UpdateExpression:
      `${u.UpdateExpression}, #hold = :hold` + (idx ? ', gsi1pk = :hg1, gsi1sk = :hg2' : ' REMOVE gsi1pk, gsi1sk'),
    ConditionExpression: `${u.ConditionExpression} AND ${own}`,
    ExpressionAttributeNames: { ...u.ExpressionAttributeNames, '#hold': HOLD_ATTR },
    ExpressionAttributeValues: {
      ...u.ExpressionAttributeValues,
      ':hold': hold.next,
      ...(idx ? { ':hg1': idx.gsi1pk, ':hg2': idx.gsi1sk } : {}),
      ...(isNew ? {} : { ':hv': hold.expect_version }),
    },
  };
};
