// Paying an approved statement. Whatever the method, the money's trail is: approved -> paying (a
// versioned move that records the method and attempt) -> paid (ONE ledger transaction: the payout
// entry moving the points from settling to paid, the statement's move and its audit record), or
// -> payout_failed, from which finance retries. The provider's idempotency key is the statement and
// its attempt number: a retry after a lost response reuses it and cannot pay twice; the attempt only
// grows after a definite refusal, when nothing moved.
import { AppError } from '../kernel/errors';
import { paidAccount, settlingAccount } from '../ledger/accounts';
import { balancesFor, entryOf, type LedgerDeps, type Move } from '../ledger/commit';
import { CommitRejected } from '../ledger/ports';
import { moveStatement, payoutKey, type Payout, type Statement } from './model';
import type { PayeeStore } from './ports';
import type { PayoutGateway } from './payout-port';
import { moveAudited, statementInScope, type ReviewDeps, type Reviewer } from './review';

const PAID_RETRIES = 6; // re-plans after the settling balance moved under us

export type PayoutDeps = ReviewDeps & LedgerDeps & { payees: PayeeStore; gateway: PayoutGateway };

/** paying -> paid with the ledger entry, once. A second call (a re-delivered result) replays. */
export const markPaid = async (deps: PayoutDeps, s: Statement, ref: string, by: Reviewer): Promise<Statement> => {
  if (s.status === 'paid') return s;
  const at = deps.clock.now().toISOString();
  const payout: Payout = { ...(s.payout as Payout), ref, failure: null };
  const next = moveStatement(s, 'paid', at, { paid_at: at, payout });
  const moves: Move[] = [
    { account: settlingAccount(s.merchant_id), delta: -s.total_points },
    { account: paidAccount(s.merchant_id), delta: s.total_points },
  ];
  // The money has moved when we get here: a lost race on the settling balance (a run issuing this
  // merchant's next statement bumps its version) is re-planned, never turned into a refusal.
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.ledger.commit({
        entry: entryOf(deps, {
          entry_id: `payout:${s.statement_id}`,
          kind: 'payout',
          reason: `结算单 ${s.statement_no} 付款`,
          actor: by.actor,
          policy_version: s.policy_version,
          ref: { statement_id: s.statement_id, merchant_id: s.merchant_id, method: payout.method, payout_ref: ref },
          moves,
          lot_moves: [],
        }),
        balances: await balancesFor(deps, moves, new Set()),
        lots: [],
        statement: { next, expect_version: s.version },
        audit: {
          event: {
            actor: by.actor,
            action: 'statement.paid',
            subject: `statement:${s.statement_id}`,
            detail: {
              method: payout.method,
              ref,
              amount_fen: s.amount_fen,
              account_last4: payout.account_last4 ?? null,
            },
          },
        },
      });
      break;
    } catch (e) {
      // A twin of this call that paid first took the statement's version (CommitRejected) or, when we
      // read the balance after its commit, the settling points themselves (INSUFFICIENT_POINTS).
      const short = e instanceof AppError && e.code === 'INSUFFICIENT_POINTS';
      if (!(e instanceof CommitRejected) && !short) throw e;
      const now = await deps.settlement.statement(s.statement_id);
      if (now?.status === 'paid') return now; // paid by the twin of this call
      if (e instanceof CommitRejected && e.part === 'balance' && now?.version === s.version && attempt < PAID_RETRIES)
        continue;
      if (short) throw e; // not paid, yet the points are not there: not a race, let it be seen
      throw new AppError('STATEMENT_STATE_CONFLICT', { details: { status: now?.status ?? null, move: 'paid' } });
    }
  }
  await deps.tell?.(next, 'paid');
  return next;
};

/** paying -> payout_failed: visible to finance with the provider's reason, retryable. */
export const markFailed = (
  deps: PayoutDeps,
  s: Statement,
  failure: { code: string; message: string },
  by: Reviewer,
): Promise<Statement> =>
  moveAudited(
    deps,
    s,
    'payout_failed',
    by,
    { payout: { ...(s.payout as Payout), failure: { ...failure, at: deps.clock.now().toISOString() } } },
    { code: failure.code },
  );

/** approved or payout_failed -> paying by `method`; the attempt grows after a failure. */
export const startPayout = (
  deps: PayoutDeps,
  s: Statement,
  method: Payout['method'],
  by: Reviewer,
  batch_id: string | null = null,
  payee?: { version: number; account_last4: string | null },
): Promise<Statement> => {
  const attempt = s.status === 'payout_failed' ? (s.payout?.attempt ?? 0) + 1 : (s.payout?.attempt ?? 0);
  const payout: Payout = {
    method,
    attempt,
    batch_id,
    ref: null,
    failure: null,
    started_at: deps.clock.now().toISOString(),
    ...(payee ? { payee_version: payee.version, account_last4: payee.account_last4 } : {}),
  };
  return moveAudited(deps, s, 'start_payout', by, { payout }, { method, attempt, batch_id });
};

/**
 * Pays a statement by Stripe Connect transfer. Also the retry: a statement left 'paying' by a lost
 * response is sent again with the same key, and the provider answers with the first transfer.
 */
export const payByStripe = async (deps: PayoutDeps, statement_id: string, by: Reviewer): Promise<Statement> => {
  let s = await statementInScope(deps, statement_id, by.scope);
  if (s.status === 'paid') return s;
  const payee = await deps.payees.get(s.merchant_id);
  if (!payee) throw new AppError('PAYEE_MISSING');
  if (!payee.stripe_account) throw new AppError('PAYOUT_METHOD_MISMATCH');
  if (!payee.stripe_ready) throw new AppError('PAYOUT_ACCOUNT_NOT_READY'); // onboarding not finished
  if (payee.method !== 'stripe') throw new AppError('PAYOUT_METHOD_MISMATCH');
  if (s.status === 'paying' && s.payout?.method !== 'stripe') throw new AppError('PAYOUT_METHOD_MISMATCH');
  if (s.status === 'paying') {
    // An earlier attempt went unanswered. The provider keeps keys for a day: look for its transfer
    // first, so a retry days later cannot pay a second time.
    const found = await deps.gateway.findTransfer(s.statement_id);
    if (found) return markPaid(deps, s, found.transfer_ref, by);
  } else s = await startPayout(deps, s, 'stripe', by);
  // A thrown error here is an unknown outcome: the statement stays 'paying' and the next call
  // sends the same key.
  const r = await deps.gateway.transfer({
    idempotency_key: payoutKey(s),
    amount_fen: s.amount_fen,
    currency: 'cny',
    destination: payee.stripe_account,
    statement_id: s.statement_id,
    statement_no: s.statement_no,
    merchant_id: s.merchant_id,
  });
  if (r.status === 'paid') return markPaid(deps, s, r.transfer_ref, by);
  return markFailed(deps, s, { code: r.reason_code, message: r.message }, by);
};
