// Family top-up (家属充值): a family member pays through the payment port and the elder's wallet
// is credited, exactly once, when the provider's signed notification says the money arrived.
// Staff (admin, finance) refund what is left unspent of a top-up. Points are money here: every
// step is idempotent (deterministic ids, conditional writes), and nothing moves on an unverified
// notification.
import { createHash } from 'node:crypto';
import { AppError } from '../kernel/errors';
import { chinaDate } from '../kernel/time';
import { isWithin } from '../areas/model';
import { maskName } from '../elders/id-card';
import { credit, type Idem } from '../ledger/service';
import { debitLot } from '../ledger/refund';
import { NEVER_EXPIRES } from '../ledger/lots';
import type { PaymentEvent, PaymentMethod } from './ports';
import type { Principal } from '../auth/service';
import type { ElderRecord } from '../elders/model';
import type { Policy } from '../policy/model';
import type { AuditEvent } from '../kernel/audit';
import { sendOnce } from '../notices/send-once';

export * from './model';
import { TopupId, TOPUP_UPDATE_RETRIES, type Topup, type TopupInput, type TopupRefund } from './model';
import type { TopupDeps } from './ports';
import { aad } from '../kernel/aad';

// ---- ids and small rules

/** Same payer + same Idempotency-Key = same top-up, so a retried request finds its first attempt. */
export const topupIdFor = (payer: string, idempotency_key: string): string =>
  `t_${createHash('sha256').update(`${payer}\n${idempotency_key}`).digest('hex').slice(0, 32)}`;
export const topupEntryId = (topup_id: string) => `topup:${topup_id}`; // also the id of the lot it creates
export const refundEntryId = (topup_id: string) => `refund:${topup_id}`;
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const requestHash = (i: { elder_id: string; amount_fen: number; method: PaymentMethod | null }) =>
  createHash('sha256')
    .update(JSON.stringify([i.elder_id, i.amount_fen, i.method]))
    .digest('base64url');

/** Whole points only: a remainder would be money paid without points, so it is refused, not floored. */
export const topupPoints = (fen_per_point: number, amount_fen: number): number => {
  if (!Number.isSafeInteger(fen_per_point) || fen_per_point <= 0) throw new Error(`bad fen_per_point ${fen_per_point}`);
  if (!Number.isSafeInteger(amount_fen) || amount_fen < fen_per_point || amount_fen % fen_per_point !== 0) {
    throw new AppError('TOPUP_AMOUNT_INVALID', { details: { fen_per_point, min_fen: fen_per_point } });
  }
  return amount_fen / fen_per_point;
};

/** Family bound and confirmed to the elder, or staff whose area contains the elder. */
const assertMayPayFor = async (deps: TopupDeps, p: Principal, elder: ElderRecord): Promise<void> => {
  if (p.kind === 'family') {
    const b = await deps.bindings.get(p.family_id, elder.elder_id);
    if (!b || b.status !== 'active') throw new AppError('FORBIDDEN');
    return;
  }
  if (p.kind === 'staff') {
    if (p.scope !== null && !isWithin(elder.community_code, p.scope)) throw new AppError('OUT_OF_SCOPE');
    return;
  }
  throw new AppError('FORBIDDEN');
};

/** Re-reads and re-applies `f` until the versioned write lands; `f` returning null means nothing to do. */
const updateTopup = async (
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

/** Pays money back at the provider. A top-up is refunded at most once, so the provider's
 * idempotency key is the top-up's: a retry or a twin asks for the same refund. */
const refundAtProvider = (deps: TopupDeps, topup_id: string, provider_ref: string, amount_fen: number) =>
  deps.payments.refund({ idempotency_key: `refund_${topup_id}`, provider_ref, amount_fen, topup_id });

/** Marks a top-up refunded, once: one that already holds a refund is left as it is (a twin recorded
 * it first). `step` gives the refund and what else the case changes (fields, the day total). */
const recordRefundOnce = (
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

// ---- start

export type StartTopupArgs = { principal: Principal; policy: Policy; input: TopupInput; idempotency_key: string };
export type TopupResult = { topup: Topup; replayed: boolean };

/**
 * Starts a top-up and opens the provider's checkout. Amounts are whole points: `amount_fen` must
 * be a positive multiple of the policy's `topup_fen_per_point` (a remainder is refused with
 * TOPUP_AMOUNT_INVALID rather than silently kept, since it would be money without points).
 * The elder's top-ups started on one China calendar day may total at most `topup_daily_max_fen`
 * (a failed payment gives its share back).
 */
export const startTopup = async (deps: TopupDeps, a: StartTopupArgs): Promise<TopupResult> => {
  const method = a.input.method ?? null;
  const topup_id = topupIdFor(a.principal.sub, a.idempotency_key);
  const request_hash = requestHash({ elder_id: a.input.elder_id, amount_fen: a.input.amount_fen, method });
  const elder = await deps.elders.get(a.input.elder_id);
  if (!elder) throw new AppError('ELDER_NOT_FOUND');
  // before the replay too: a family member unbound since the first attempt gets no payment link
  await assertMayPayFor(deps, a.principal, elder);
  const prior = await deps.topups.get(topup_id);
  if (prior) return resume(deps, prior, request_hash);
  if (elder.status !== 'active') throw new AppError('ELDER_INACTIVE');
  const rate = a.policy.topup_fen_per_point;
  const amount_points = topupPoints(rate, a.input.amount_fen);
  if (method && !deps.payments.methods.includes(method))
    throw new AppError('PAYMENT_METHOD_UNAVAILABLE', { details: { available: [...deps.payments.methods] } });
  const now = deps.clock.now();
  const day = chinaDate(now); // the daily limit follows the family's calendar day
  const daily_max_fen = a.policy.topup_daily_max_fen;
  // checked here as well as in the counter's condition, which only sees the total before this one
  if (a.input.amount_fen > daily_max_fen)
    throw new AppError('TOPUP_DAILY_LIMIT', {
      details: { daily_max_fen, started_fen: await deps.topups.startedOn(elder.elder_id, day) },
    });

  const t: Topup = {
    topup_id,
    elder_id: elder.elder_id,
    payer: a.principal.sub,
    family_id: a.principal.kind === 'family' ? a.principal.family_id : null,
    amount_fen: a.input.amount_fen,
    amount_points,
    fen_per_point: rate,
    policy_version: a.policy.version,
    method,
    day,
    request_hash,
    status: 'pending',
    provider: deps.payments.provider,
    checkout_ref: null,
    redirect_url: null,
    payment_ref: null,
    created_at: now.toISOString(),
    paid_at: null,
    failed_at: null,
    refund: null,
    version: 1,
  };
  const created = await deps.topups.create(t, daily_max_fen);
  if (created === 'over_limit')
    throw new AppError('TOPUP_DAILY_LIMIT', {
      details: { daily_max_fen, started_fen: await deps.topups.startedOn(elder.elder_id, day) },
    });
  if (created === 'exists') {
    // the same request raced itself (a double tap): answer like its twin
    const twin = await deps.topups.get(topup_id);
    if (!twin) throw new AppError('CONFLICT');
    return resume(deps, twin, request_hash);
  }
  return { topup: await openCheckout(deps, t), replayed: false };
};

const resume = async (deps: TopupDeps, prior: Topup, request_hash: string): Promise<TopupResult> => {
  if (prior.request_hash !== request_hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  // A first attempt that stopped before the provider answered is finished now, with the same provider key.
  return { topup: prior.redirect_url ? prior : await openCheckout(deps, prior), replayed: true };
};

const openCheckout = async (deps: TopupDeps, t: Topup): Promise<Topup> => {
  const c = await deps.payments.createCheckout({
    // The provider's idempotency keys are account-wide, so the client's key goes there scoped to
    // its payer (the top-up id is derived from both): two families' keys can never collide.
    idempotency_key: `topup_${t.topup_id}`,
    amount_fen: t.amount_fen,
    currency: 'cny',
    elder_id: t.elder_id,
    family_id: t.family_id ?? '',
    topup_id: t.topup_id,
    methods: t.method ? [t.method] : deps.payments.methods,
  });
  const r = await updateTopup(deps, t.topup_id, (cur) =>
    cur.redirect_url
      ? null
      : { next: { ...cur, checkout_ref: c.provider_ref, redirect_url: c.redirect_url }, day_delta_fen: 0 },
  );
  return r.topup;
};

// ---- webhook

export type WebhookOutcome =
  | 'credited'
  | 'already_credited'
  | 'marked_failed'
  | 'refund_confirmed'
  | 'no_change'
  | 'unknown_topup'
  | 'amount_mismatch'
  | 'ignored'
  | 'refunded_elder_left';
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

// ---- refund

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
