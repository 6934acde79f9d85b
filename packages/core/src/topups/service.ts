// Family top-up (家属充值): a family member pays through the payment port and the elder's wallet
// is credited, exactly once, when the provider's signed notification says the money arrived.
// Staff (admin, finance) refund what is left unspent of a top-up. Points are money here: every
// step is idempotent (deterministic ids, conditional writes), and nothing moves on an unverified
// notification.
// What every step shares is in rules.ts, the provider's notifications in webhook.ts and the staff
// refund in refund.ts; this module starts a top-up and re-exports the rest, so
// `@tmc/core/topups/service` stays the one entry point of the payment flow.
import { createHash } from 'node:crypto';
import { AppError } from '../kernel/errors';
import { chinaDate } from '../kernel/time';
import { isWithin } from '../areas/model';
import type { PaymentMethod } from './ports';
import type { Principal } from '../auth/service';
import type { ElderRecord } from '../elders/model';
import type { Policy } from '../policy/model';

export * from './model';
import type { Topup, TopupInput } from './model';
import type { TopupDeps } from './ports';
import { topupIdFor, topupPoints, updateTopup, type TopupResult } from './rules';

export { refundEntryId, topupEntryId, topupIdFor, topupPoints, type TopupResult } from './rules';
export { handleWebhook, type WebhookOutcome, type WebhookResult } from './webhook';
export { refundTopup, type RefundArgs } from './refund';

const requestHash = (i: { elder_id: string; amount_fen: number; method: PaymentMethod | null }) =>
  createHash('sha256')
    .update(JSON.stringify([i.elder_id, i.amount_fen, i.method]))
    .digest('base64url');

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

// ---- start

export type StartTopupArgs = { principal: Principal; policy: Policy; input: TopupInput; idempotency_key: string };

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
