// Staff refund what is left unspent of a paid top-up: the lot's remaining points leave the wallet in
// one entry, then the provider pays them back at the rate paid. Split out of service.ts, which re-exports it.
import { AppError } from '../kernel/errors';
import type { Idem } from '../ledger/service';
import { debitLot } from '../ledger/refund';
import type { Topup } from './model';
import type { TopupDeps } from './ports';
import { recordRefundOnce, refundAtProvider, refundEntryId, topupEntryId, type TopupResult } from './rules';

export type RefundArgs = { topup_id: string; reason: string; actor: string; idem: Idem; request_id?: string };

/** 409 with where the top-up stands: another request refunded it (or is finishing it). */
const nothingToRefund = (t: Topup, points: number) =>
  new AppError('TOPUP_NOTHING_TO_REFUND', {
    details: { topup_id: t.topup_id, status: t.status, refunded_points: points, refund_recorded: t.refund !== null },
  });

/**
 * Refunds what is left unspent of a paid top-up: the remaining points of its lot leave the wallet
 * in one entry (`refund:<id>`, so never twice, never below zero), then the provider refunds those
 * points at the rate paid. Points spent or held for an open order at that moment stay spent. A
 * retry after a provider failure finishes the same refund; once done, the same key replays the
 * result and any other key answers TOPUP_NOTHING_TO_REFUND.
 *
 * One winner however many requests race: the refund entry is a conditional put (attribute_not_exists)
 * written with the winner's idempotency record in one transaction, so a request with another key
 * finds the entry is not its own and answers 409 with the current state; copies with the winner's
 * key are replays. The audit record is written with the top-up's move to `refunded` (a versioned
 * write, one winner), in its transaction.
 */
export const refundTopup = async (deps: TopupDeps, a: RefundArgs): Promise<TopupResult> => {
  const prior = await deps.ledger.idempotency(a.idem.scope, a.idem.key);
  if (prior && prior.request_hash !== a.idem.request_hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  const t = await deps.topups.get(a.topup_id);
  if (!t) throw new AppError('TOPUP_NOT_FOUND');
  if (t.refund) {
    if (prior) return { topup: t, replayed: true };
    throw nothingToRefund(t, t.refund.points);
  }
  if (t.status !== 'paid' || !t.payment_ref) throw new AppError('TOPUP_NOT_PAID', { details: { status: t.status } });
  const debit = await debitLot(
    deps,
    {
      entry_id: refundEntryId(t.topup_id),
      elder_id: t.elder_id,
      lot_id: topupEntryId(t.topup_id),
      to: 'refunds',
      reason: `充值退款：${a.reason}`,
      actor: a.actor,
      ref: { topup_id: t.topup_id },
    },
    a.idem,
  );
  if (!debit) throw new AppError('TOPUP_NOTHING_TO_REFUND', { details: { refunded_points: 0 } });
  if (debit.by_other) throw nothingToRefund((await deps.topups.get(t.topup_id)) ?? t, debit.amount_points);
  const fen = debit.amount_points * t.fen_per_point;
  const { refund_ref } = await refundAtProvider(deps, t.topup_id, t.payment_ref, fen);
  const at = deps.clock.now().toISOString();
  const audit = {
    at,
    event: {
      actor: a.actor,
      action: 'topup.refund',
      subject: `elder:${t.elder_id}`,
      ...(a.request_id ? { request_id: a.request_id } : {}),
      detail: { topup_id: t.topup_id, points: debit.amount_points, fen, reason: a.reason },
    },
  };
  const r = await recordRefundOnce(deps, t.topup_id, audit, () => ({
    fields: {},
    refund: { points: debit.amount_points, fen, refund_ref, reason: a.reason, by: a.actor, at, confirmed_at: null },
    day_delta_fen: 0,
  }));
  // Only the copy that recorded the refund reports it as new; its twins (same key) are replays.
  return { topup: r.topup, replayed: !r.changed };
};
