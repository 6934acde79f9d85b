// Journal entries: immutable, balanced, integer points. A correction is a new reversing entry.

export const ENTRY_KINDS = [
  'allowance',
  'top_up',
  'award',
  'hold',
  'capture',
  'release',
  'expiry',
  'refund',
  'reversal',
  'adjustment',
  'scheme_exit',
  'settlement',
  'payout',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export type Posting = { account: string; amount_points: number }; // + credit to the account, - debit

export type JournalEntry = {
  entry_id: string;
  kind: EntryKind;
  reason: string; // readable Chinese line for history
  actor: string; // 'staff:alice', 'system:issuance', 'family:f_x', ...
  created_at: string;
  postings: Posting[];
  policy_version: number | null; // the policy that made it (allowance, award, capture)
  ref: Record<string, string>; // order_id, hold_id, payment id, reversed entry, month ...
  /** Every lot the entry created, consumed or gave back: a reversal inverts exactly these. */
  lot_moves: LotMove[];
};

export type LotMove = { wallet: string; lot_id: string; expires_on: string; delta_points: number; created?: boolean };

export const POSTINGS_MAX = 8; // an entry touches a handful of accounts; more means a bug

/** Fails loudly: money code must never write an unbalanced or fractional entry. */
export const assertBalanced = (e: Pick<JournalEntry, 'entry_id' | 'postings'>): void => {
  if (e.postings.length < 2 || e.postings.length > POSTINGS_MAX)
    throw new Error(`entry ${e.entry_id}: ${e.postings.length} postings`);
  let sum = 0;
  for (const p of e.postings) {
    if (!Number.isSafeInteger(p.amount_points) || p.amount_points === 0)
      throw new Error(`entry ${e.entry_id}: bad amount ${p.amount_points} on ${p.account}`);
    sum += p.amount_points;
  }
  if (sum !== 0) throw new Error(`entry ${e.entry_id}: postings sum to ${sum}`);
  if (new Set(e.postings.map((p) => p.account)).size !== e.postings.length)
    throw new Error(`entry ${e.entry_id}: an account appears twice`);
};

/**
 * Which kinds staff may reverse, and why the others may not. A reversal inverts an entry's postings
 * and lot moves, so it is only safe where that inversion means the same thing in the world: points
 * we made up (allowance, award, adjustment) go back where they came from, and a capture goes back
 * from the merchant to the elder (a dispute upheld). Everything else is settled by its own flow, or
 * the inversion would create spendable points with nothing behind them.
 */
export const REVERSIBILITY: Readonly<Record<EntryKind, { reversible: boolean; why: string }>> = {
  allowance: { reversible: true, why: 'unspent issued points go back to the issuance account' },
  award: { reversible: true, why: 'unspent award points go back to the awards account' },
  adjustment: { reversible: true, why: 'an adjustment is a staff correction and can itself be undone once' },
  capture: { reversible: true, why: 'a dispute upheld: the merchant gives the captured points back to the elder' },
  // paid points leave only through the top-up refund, which pays the money back; a reversal would
  // keep the money and take the points, and leave the refund nothing to pay back
  top_up: { reversible: false, why: 'paid points leave only through a top-up refund' },
  // the money has left through the payment provider: reversing would give points with nothing paid
  refund: { reversible: false, why: 'the money was paid back; its points cannot return' },
  hold: { reversible: false, why: 'a hold is settled by capture or release (the order flow)' },
  release: { reversible: false, why: 'the hold is closed; booking again is a new order' },
  // restored lots keep their past expiry date: the points could not be spent and would never expire again
  expiry: { reversible: false, why: 'expired points cannot be revived; grant an adjustment instead' },
  reversal: { reversible: false, why: 'a reversal is final; correct it with an adjustment' },
  // the elder has left: nobody may spend points put back into that wallet
  scheme_exit: {
    reversible: false,
    why: 'the elder left the scheme; allowance and award points went back to the bureau',
  },
  // a statement is immutable: a correction after it is a deduction on the next statement
  settlement: { reversible: false, why: 'a statement is final; later changes are deducted on the next one' },
  payout: { reversible: false, why: 'the money was paid to the merchant' },
};

export const isReversible = (kind: EntryKind): boolean => REVERSIBILITY[kind].reversible;

/** Reversible kinds whose reversal belongs to a flow that moves more than points: staff reach it
 * there, not through the ledger's reverse route (which would leave the order behind). */
export const REVERSED_BY_FLOW: Partial<Record<EntryKind, string>> = {
  capture: "uphold the order's dispute (POST /api/orders/{order_id}/dispute/uphold): the order moves with the points",
};

export const ENTRY_KIND_ZH: Record<EntryKind, string> = {
  allowance: '每月补贴积分',
  top_up: '家属充值',
  award: '活动奖励',
  hold: '下单冻结',
  capture: '服务完成扣除',
  release: '订单取消退回',
  expiry: '积分过期',
  refund: '充值退款',
  reversal: '冲正',
  adjustment: '调整',
  scheme_exit: '退出项目，补贴积分退回',
  settlement: '结算单出账',
  payout: '结算付款',
};
