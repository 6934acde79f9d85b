// Stripe Connect side of the Stripe adapter: merchants get an Express connected account (Stripe runs
// their identity and bank onboarding through an account link), and settled statements are paid by a
// transfer from the platform balance to that account. What matters most is telling a definite refusal
// (nothing moved: 'failed') from an unknown outcome (thrown: the caller retries with the same key).
import Stripe from 'stripe';
import { AppError } from '@tmc/core/kernel/errors';
import type { PayoutGateway, TransferResult } from '@tmc/core/settlement/payout-port';
import type { PaymentEvent } from '@tmc/core/topups/ports';

export type StripeConnectOptions = {
  /** ISO country of the merchants' accounts; left out, Stripe uses the platform account's own country. */
  connect_country?: string | undefined;
};

/**
 * The readiness rule: a merchant can be paid when the account's `transfers` capability is active (Stripe
 * accepts a transfer to it) AND `payouts_enabled` (the money can leave Stripe for the merchant's bank; a
 * transfer to an account that cannot pay out would sit in its Stripe balance). Anything else is not ready.
 */
export const accountPayoutsReady = (a: Pick<Stripe.Account, 'capabilities' | 'payouts_enabled'>): boolean =>
  a.capabilities?.transfers === 'active' && a.payouts_enabled === true;

/** Stripe's `account.updated` in our words; settlement, not top-ups, acts on it. */
export const accountUpdatedEvent = (event_id: string, a: Stripe.Account): PaymentEvent => ({
  event_id,
  type: 'account_updated',
  topup_id: null,
  amount_fen: 0,
  provider_ref: null,
  account: { account_ref: a.id, payouts_ready: accountPayoutsReady(a) },
});

/** Codes that can come with a 400 yet mean "try again later" rather than "no". */
const TRANSIENT_CODES = new Set(['lock_timeout', 'rate_limit', 'idempotency_key_in_use']);

/**
 * A definite refusal: Stripe answered 400/402/404 (invalid request or card error) and did not create the
 * transfer, e.g. `balance_insufficient`, `account_invalid`, `insufficient_capabilities_for_transfer`,
 * `resource_missing`. Not a refusal, so thrown: connection errors and timeouts (no answer), 5xx/409,
 * rate limits, an idempotency conflict (the key's first request may have paid), and 401/403 (our own
 * configuration: nothing moved, but the same key will go through once it is fixed).
 */
export const transferRefusal = (e: unknown): TransferResult | null => {
  if (!(e instanceof Stripe.errors.StripeInvalidRequestError || e instanceof Stripe.errors.StripeCardError))
    return null;
  if (e.code && TRANSIENT_CODES.has(e.code)) return null;
  return { status: 'failed', reason_code: e.code ?? e.rawType ?? e.type, message: e.message };
};

/** Anything else Stripe throws becomes one stable code; the SDK's error stays in the cause for the log. */
/** The SDK takes any JSON without an `error` member as success, whatever the status (a 503 from a proxy with
 * `{}` included): an answer that is not the object asked for is an unknown outcome, never a success. */
const unreadable = (what: string) =>
  new AppError('PAYMENT_PROVIDER_FAILED', { details: { reason: `unreadable ${what} answer`, outcome: 'unknown' } });
const isId = (id: unknown, prefix: string): id is string => typeof id === 'string' && id.startsWith(prefix);

const unknownOutcome = (e: unknown): never => {
  if (e instanceof Stripe.errors.StripeError)
    throw new AppError('PAYMENT_PROVIDER_FAILED', {
      cause: e,
      details: { provider_code: e.code ?? e.type, outcome: 'unknown' },
    });
  throw e;
};

export const createStripePayouts = (stripe: Stripe, opts: StripeConnectOptions = {}): PayoutGateway => ({
  async connectAccount(r) {
    try {
      const acct = await stripe.accounts.create(
        {
          type: 'express',
          ...(opts.connect_country ? { country: opts.connect_country } : {}),
          capabilities: { transfers: { requested: true } },
          business_profile: { name: r.business_name }, // prefilled in onboarding; the merchant may correct it
          metadata: { merchant_id: r.merchant_id },
        },
        { idempotencyKey: r.idempotency_key }, // a retried creation returns the same account, never a second
      );
      if (!isId(acct.id, 'acct_')) throw unreadable('account');
      return { account_ref: acct.id };
    } catch (e) {
      return unknownOutcome(e);
    }
  },
  async onboardingLink(r) {
    try {
      // No idempotency key: a link is single-use and short-lived, so each visit gets a fresh one.
      const link = await stripe.accountLinks.create({
        account: r.account_ref,
        refresh_url: r.refresh_url,
        return_url: r.return_url,
        type: 'account_onboarding',
      });
      if (typeof link.url !== 'string' || !Number.isSafeInteger(link.expires_at)) throw unreadable('account link');
      return { url: link.url, expires_at: new Date(link.expires_at * 1000).toISOString() };
    } catch (e) {
      return unknownOutcome(e);
    }
  },
  async accountReady(account_ref) {
    try {
      return accountPayoutsReady(await stripe.accounts.retrieve(account_ref));
    } catch (e) {
      return unknownOutcome(e);
    }
  },
  async findTransfer(statement_id) {
    try {
      const list = await stripe.transfers.list({ transfer_group: statement_id, limit: 10 });
      // a reversed transfer paid nothing in the end; any other one is the statement's payment
      const t = list.data.find((x) => isId(x.id, 'tr_') && !x.reversed);
      return t ? { transfer_ref: t.id } : null;
    } catch (e) {
      return unknownOutcome(e);
    }
  },
  async transfer(r) {
    try {
      const tr = await stripe.transfers.create(
        {
          amount: r.amount_fen,
          currency: r.currency,
          destination: r.destination,
          transfer_group: r.statement_id, // groups the statement's transfers (and any reversal) in the dashboard
          metadata: { statement_id: r.statement_id, statement_no: r.statement_no, merchant_id: r.merchant_id },
        },
        // Stripe replays the first answer for 24h, including the SDK's own retries of this call.
        { idempotencyKey: r.idempotency_key },
      );
      if (!isId(tr.id, 'tr_')) throw unreadable('transfer');
      return { status: 'paid', transfer_ref: tr.id };
    } catch (e) {
      return transferRefusal(e) ?? unknownOutcome(e);
    }
  },
});
