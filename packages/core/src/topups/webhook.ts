// The provider's notifications: verified on the raw body, de-duplicated by event id, then applied
// (credit once, mark failed, confirm a refund, or refund a payment made after the elder left), and the
// courtesy notices that follow. Split out of service.ts, which re-exports it.
import { maskName } from '../elders/id-card';
import { aad } from '../kernel/aad';
import { credit } from '../ledger/service';
import { NEVER_EXPIRES } from '../ledger/lots';
import { sendOnce } from '../notices/send-once';
import { TopupId, type Topup } from './model';
import type { PaymentEvent, TopupDeps } from './ports';
import { recordRefundOnce, refundAtProvider, topupEntryId, updateTopup, yuan } from './rules';

export type WebhookOutcome =
  | 'credited'
  | 'already_credited'
  | 'marked_failed'
  | 'refund_confirmed'
  | 'no_change'
  | 'unknown_topup'
  | 'amount_mismatch'
  | 'ignored'
  | 'refunded_elder_left'
  | 'payee_updated'; // a merchant's connected account changed readiness (settlement)
export type WebhookResult = {
  event_id: string;
  type: PaymentEvent['type'];
  outcome: WebhookOutcome;
  duplicate: boolean;
  notice_error: string | null;
};

/**
 * A provider notification: verified on the raw body first (nothing is read or written before),
 * then de-duplicated by event id, then applied. Applying is itself idempotent (the credit's entry
 * id is `topup:<id>`), so two different events for one payment, or a crash before the marker is
 * written, still credit once. Unknown top-ups and amount mismatches are answered 200 (the provider
 * would otherwise retry for days) and recorded for staff, never credited.
 */
export const handleWebhook = async (
  deps: TopupDeps,
  rawBody: string,
  signature: string | undefined,
): Promise<WebhookResult> => {
  const now = deps.clock.now();
  const ev = await deps.payments.verifyWebhook(rawBody, signature, now);
  const base = { event_id: ev.event_id, type: ev.type, notice_error: null };
  // A merchant account change is settlement's: handed to `accountUpdated` (idempotent: it records the
  // readiness the event states, so a duplicate changes nothing); top-ups neither mark nor apply it.
  if (ev.type === 'account_updated') {
    const r = ev.account && deps.accountUpdated ? await deps.accountUpdated(ev.account) : 'unknown';
    return { ...base, outcome: r === 'updated' ? 'payee_updated' : 'ignored', duplicate: r === 'unchanged' };
  }
  if (ev.type === 'ignored') return { ...base, outcome: 'ignored', duplicate: false };
  if (await deps.topups.eventSeen(deps.payments.provider, ev.event_id))
    return { ...base, outcome: 'no_change', duplicate: true };
  const applied = await applyEvent(deps, ev, now);
  const first = await deps.topups.recordEvent(deps.payments.provider, ev, applied.outcome, now.toISOString());
  return { ...base, outcome: applied.outcome, duplicate: !first, notice_error: applied.notice_error };
};

const applyEvent = async (
  deps: TopupDeps,
  ev: PaymentEvent,
  now: Date,
): Promise<{ outcome: WebhookOutcome; notice_error: string | null }> => {
  const t = ev.topup_id && TopupId.safeParse(ev.topup_id).success ? await deps.topups.get(ev.topup_id) : null;
  if (!t) return { outcome: 'unknown_topup', notice_error: null };
  const at = now.toISOString();
  switch (ev.type) {
    case 'payment_succeeded': {
      if (ev.amount_fen !== t.amount_fen) return { outcome: 'amount_mismatch', notice_error: null };
      // Paid after the elder left the scheme (a checkout opened before): no wallet to credit, so the
      // money goes straight back to the payer, with the refund's one provider key and audit record.
      const elder = await deps.elders.get(t.elder_id);
      if (elder && elder.status !== 'active') return refundPaidAfterLeave(deps, t, ev, at);
      const c = await credit(deps, {
        entry_id: topupEntryId(t.topup_id),
        kind: 'top_up',
        elder_id: t.elder_id,
        amount_points: t.amount_points,
        from: 'topup_clearing',
        source: 'top_up',
        subsidy: false,
        expires_on: NEVER_EXPIRES,
        reason: `家属充值 ¥${yuan(t.amount_fen)}`,
        actor: t.payer,
        policy_version: t.policy_version,
        ref: { topup_id: t.topup_id, provider: t.provider, payment_ref: ev.provider_ref ?? '' },
      });
      // A payment that arrives after we marked it failed still happened: it takes its share of the day back.
      const r = await updateTopup(deps, t.topup_id, (cur) =>
        cur.status === 'pending' || cur.status === 'failed'
          ? {
              next: { ...cur, status: 'paid', paid_at: at, payment_ref: ev.provider_ref ?? cur.checkout_ref },
              day_delta_fen: cur.status === 'failed' ? cur.amount_fen : 0,
            }
          : null,
      );
      // Told once: when this delivery is the one that marked it paid.
      const notice_error = r.changed ? await notifyPaid(deps, r.topup) : null;
      return { outcome: c.replayed ? 'already_credited' : 'credited', notice_error };
    }
    case 'payment_failed': {
      const r = await updateTopup(deps, t.topup_id, (cur) =>
        cur.status === 'pending'
          ? { next: { ...cur, status: 'failed', failed_at: at }, day_delta_fen: -cur.amount_fen }
          : null,
      );
      return { outcome: r.changed ? 'marked_failed' : 'no_change', notice_error: null };
    }
    case 'refund_succeeded': {
      const r = await updateTopup(deps, t.topup_id, (cur) =>
        cur.refund && !cur.refund.confirmed_at
          ? { next: { ...cur, refund: { ...cur.refund, confirmed_at: at } }, day_delta_fen: 0 }
          : null,
      );
      // Told once: by the delivery that confirmed it (and the notice id names the refund).
      return {
        outcome: r.changed ? 'refund_confirmed' : 'no_change',
        notice_error: r.changed ? await notifyRefundPaid(deps, r.topup) : null,
      };
    }
    default:
      return { outcome: 'ignored', notice_error: null };
  }
};

const refundPaidAfterLeave = async (
  deps: TopupDeps,
  t: Topup,
  ev: PaymentEvent,
  at: string,
): Promise<{ outcome: WebhookOutcome; notice_error: string | null }> => {
  if (t.refund) return { outcome: 'no_change', notice_error: null };
  const provider_ref = ev.provider_ref ?? t.checkout_ref ?? '';
  const { refund_ref } = await refundAtProvider(deps, t.topup_id, provider_ref, t.amount_fen);
  const reason = '老人已退出项目，款项原路退回';
  const audit = {
    at,
    event: {
      actor: 'system:payments',
      action: 'topup.refund',
      subject: `elder:${t.elder_id}`,
      detail: { topup_id: t.topup_id, points: 0, fen: t.amount_fen, reason },
    },
  };
  const r = await recordRefundOnce(deps, t.topup_id, audit, (cur) => ({
    fields: { paid_at: cur.paid_at ?? at, payment_ref: cur.payment_ref ?? provider_ref },
    refund: { points: 0, fen: cur.amount_fen, refund_ref, reason, by: 'system:payments', at, confirmed_at: null },
    // a payment marked failed gave its share of the day back; now it is paid (and refunded): take it again, as a
    // late success does
    day_delta_fen: cur.status === 'failed' ? cur.amount_fen : 0,
  }));
  return { outcome: r.changed ? 'refunded_elder_left' : 'no_change', notice_error: null };
};

/** Notices are a courtesy after the money moved: a failed send is reported, never undoes the credit. */
const notifyPaid = async (deps: TopupDeps, t: Topup): Promise<string | null> => {
  try {
    const elder = await deps.elders.get(t.elder_id);
    if (!elder) return null;
    const elderPhone = elder.phone_cipher
      ? deps.cipher.decrypt(elder.phone_cipher, aad.elderField(elder.elder_id, 'phone'))
      : null;
    if (elderPhone)
      await deps.notifier.send({
        to_phone: elderPhone,
        template: 'topup_paid_elder',
        params: { points: String(t.amount_points) },
        text_zh: `【十分钟服务圈】家人为您充值的 ${t.amount_points} 积分已到账。`,
      });
    if (t.family_id) {
      const acct = await deps.accounts.byId(t.family_id);
      // the AAD matches where the sign-in route sealed it (routes/auth.ts)
      const familyPhone = acct ? deps.cipher.decrypt(acct.phone_cipher, aad.accountPhone(t.family_id)) : null;
      if (familyPhone)
        await deps.notifier.send({
          to_phone: familyPhone,
          template: 'topup_paid_family',
          params: {
            elder_name_masked: maskName(elder.name),
            amount_yuan: yuan(t.amount_fen),
            points: String(t.amount_points),
          },
          text_zh: `【十分钟服务圈】您为${maskName(elder.name)}充值 ¥${yuan(t.amount_fen)} 已到账，共 ${t.amount_points} 积分。`,
        });
    }
    return null;
  } catch (e) {
    return e instanceof Error ? e.name : 'notice failed';
  }
};

/** The payer hears that the provider paid the refund back; staff-started top-ups have no payer phone. */
const notifyRefundPaid = async (deps: TopupDeps, t: Topup): Promise<string | null> => {
  try {
    if (!t.family_id || !t.refund) return null;
    const elder = await deps.elders.get(t.elder_id);
    const acct = await deps.accounts.byId(t.family_id);
    const phone = acct ? deps.cipher.decrypt(acct.phone_cipher, aad.accountPhone(t.family_id)) : null;
    if (!elder || !phone) return null;
    const params = {
      elder_name_masked: maskName(elder.name),
      amount_yuan: yuan(t.refund.fen),
      points: String(t.refund.points),
    };
    await sendOnce(
      deps,
      { subject: `topup:${t.topup_id}`, change: 'refund', to: 'payer' },
      {
        to_phone: phone,
        template: 'refund_paid',
        params,
        text_zh: `【十分钟服务圈】您为${params.elder_name_masked}充值的退款 ¥${params.amount_yuan}（${params.points} 积分）已退回原支付账户。`,
      },
    );
    return null;
  } catch (e) {
    return e instanceof Error ? e.name : 'notice failed';
  }
};
