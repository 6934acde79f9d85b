// What every step of a top-up shares: its ids (the top-up's, its credit's and its refund's), whole
// points from fen, yuan for wording, and the versioned update each step applies. Split out of
// service.ts so the webhook (webhook.ts) and the refund (refund.ts) read alone; service.ts re-exports it.
import { createHash } from 'node:crypto';
import { AppError } from '../kernel/errors';
import type { AuditEvent } from '../kernel/audit';
import { TOPUP_UPDATE_RETRIES, type Topup, type TopupRefund } from './model';
import type { TopupDeps } from './ports';

/** Same payer + same Idempotency-Key = same top-up, so a retried request finds its first attempt. */
export const topupIdFor = (payer: string, idempotency_key: string): string =>
  `t_${createHash('sha256').update(`${payer}\n${idempotency_key}`).digest('hex').slice(0, 32)}`;
export const topupEntryId = (topup_id: string) => `topup:${topup_id}`; // also the id of the lot it creates
export const refundEntryId = (topup_id: string) => `refund:${topup_id}`;
export const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** Whole points only: a remainder would be money paid without points, so it is refused, not floored. */
export const topupPoints = (fen_per_point: number, amount_fen: number): number => {
  if (!Number.isSafeInteger(fen_per_point) || fen_per_point <= 0) throw new Error(`bad fen_per_point ${fen_per_point}`);
  if (!Number.isSafeInteger(amount_fen) || amount_fen < fen_per_point || amount_fen % fen_per_point !== 0) {
    throw new AppError('TOPUP_AMOUNT_INVALID', { details: { fen_per_point, min_fen: fen_per_point } });
  }
  return amount_fen / fen_per_point;
};

/** Re-reads and re-applies `f` until the versioned write lands; `f` returning null means nothing to do. */
export const updateTopup = async (
  deps: TopupDeps,
  topup_id: string,
  f: (t: Topup) => { next: Topup; day_delta_fen: number; audit?: { event: AuditEvent; at: string } } | null,
): Promise<{ topup: Topup; changed: boolean }> => {
  for (let attempt = 0; ; attempt++) {
    const t = await deps.topups.get(topup_id);
    if (!t) throw new AppError('TOPUP_NOT_FOUND');
    const step = f(t);
    if (!step) return { topup: t, changed: false };
    const next = { ...step.next, version: t.version + 1 };
    if (await deps.topups.transition(t, next, step.day_delta_fen, step.audit)) return { topup: next, changed: true };
    if (attempt >= TOPUP_UPDATE_RETRIES) throw new AppError('CONFLICT');
  }
};

export type TopupResult = { topup: Topup; replayed: boolean };

/** Pays money back at the provider. A top-up is refunded at most once, so the provider's
 * idempotency key is the top-up's: a retry or a twin asks for the same refund. */
export const refundAtProvider = (deps: TopupDeps, topup_id: string, provider_ref: string, amount_fen: number) =>
  deps.payments.refund({ idempotency_key: `refund_${topup_id}`, provider_ref, amount_fen, topup_id });

/** Marks a top-up refunded, once: one that already holds a refund is left as it is (a twin recorded
 * it first). `step` gives the refund and what else the case changes (fields, the day total). */
export const recordRefundOnce = (
  deps: TopupDeps,
  topup_id: string,
  audit: { event: AuditEvent; at: string },
  step: (cur: Topup) => { fields: Partial<Topup>; refund: TopupRefund; day_delta_fen: number },
) =>
  updateTopup(deps, topup_id, (cur) => {
    if (cur.refund) return null;
    const { fields, refund, day_delta_fen } = step(cur);
    return { next: { ...cur, status: 'refunded', ...fields, refund }, day_delta_fen, audit };
  });
