// Stripe adapter of the payment port: a Checkout Session per top-up (amount in fen, CNY, metadata
// tying it to the elder), refunds against the PaymentIntent, webhooks verified on the raw body, and
// merchant payouts through Stripe Connect (stripe-connect.ts).
// Card, Alipay and WeChat Pay are offered where the Stripe account's country allows them. Stripe's
// WeChat Pay does not serve mainland-China businesses, so a direct WeChat Pay adapter (same port)
// is the next one for a bureau that collects in the mainland.
import Stripe from 'stripe';
import { AppError } from '@tmc/core/kernel/errors';
import { WEBHOOK_TOLERANCE_S, type PaymentEvent, type PaymentGateway } from '@tmc/core/topups/ports';
import { STRIPE_SIGNATURE_HEADER, type StripeGatewayConfig } from './stripe-config';
import { accountUpdatedEvent, createStripePayouts } from './stripe-connect';

export { STRIPE_SIGNATURE_HEADER, type StripeGatewayConfig };
const STRIPE_TIMEOUT_MS = 10_000; // a family waits on this page; fail and let them retry with the same key
const STRIPE_NETWORK_RETRIES = 2; // safe: every write carries an idempotency key
const PRODUCT_NAME = '十分钟服务圈积分充值';

const refOf = (x: string | { id: string } | null): string | null =>
  x === null ? null : typeof x === 'string' ? x : x.id;

/** A Checkout Session's outcome in our words: its top-up (metadata set at checkout), amount and PaymentIntent. */
const ofSession = (
  event_id: string,
  type: 'payment_succeeded' | 'payment_failed',
  s: Stripe.Checkout.Session,
): PaymentEvent => ({
  event_id,
  type,
  topup_id: s.metadata?.topup_id ?? null,
  amount_fen: s.amount_total ?? 0,
  provider_ref: refOf(s.payment_intent),
});

/** Stripe's events in our words; anything we do not act on is 'ignored' (answered 200, nothing written). */
export const normalizeStripeEvent = (event: Stripe.Event): PaymentEvent => {
  const ignored: PaymentEvent = {
    event_id: event.id,
    type: 'ignored',
    topup_id: null,
    amount_fen: 0,
    provider_ref: null,
  };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const s = event.data.object;
      // completed + unpaid: an async method (e.g. a bank redirect) is still settling; its own
      // async_payment_succeeded/failed event decides.
      if (s.payment_status !== 'paid') return ignored;
      return ofSession(event.id, 'payment_succeeded', s);
    }
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      const s = event.data.object;
      return ofSession(event.id, 'payment_failed', s);
    }
    case 'charge.refunded': {
      const ch = event.data.object;
      // the charge carries the PaymentIntent's metadata we set at checkout (payment_intent_data)
      return {
        event_id: event.id,
        type: 'refund_succeeded',
        topup_id: ch.metadata.topup_id ?? null,
        amount_fen: ch.amount_refunded,
        provider_ref: refOf(ch.payment_intent),
      };
    }
    case 'account.updated':
      return accountUpdatedEvent(event.id, event.data.object);
    default:
      return ignored;
  }
};

/** Provider failures become one stable code; the SDK's message stays in the cause for the log. */
const provider = async <T>(call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (e) {
    if (e instanceof Stripe.errors.StripeError)
      throw new AppError('PAYMENT_PROVIDER_FAILED', { cause: e, details: { provider_code: e.code ?? e.type } });
    throw e;
  }
};

export const createStripeGateway = (cfg: StripeGatewayConfig): PaymentGateway => {
  const stripe =
    cfg.client ??
    new Stripe(cfg.secret_key, {
      timeout: STRIPE_TIMEOUT_MS,
      maxNetworkRetries: STRIPE_NETWORK_RETRIES,
      telemetry: false,
    });
  const origin = new URL(cfg.public_url).origin;
  // the platform endpoint's secret, then the Connect endpoint's (merchant account events)
  const secrets = cfg.connect_webhook_secret ? [cfg.webhook_secret, cfg.connect_webhook_secret] : [cfg.webhook_secret];
  return {
    provider: 'stripe',
    signature_header: STRIPE_SIGNATURE_HEADER,
    methods: cfg.methods,
    ...createStripePayouts(stripe, { connect_country: cfg.connect_country }),
    createCheckout: (r) =>
      provider(async () => {
        const metadata = { topup_id: r.topup_id, elder_id: r.elder_id, family_id: r.family_id };
        const session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            currency: r.currency,
            line_items: [
              {
                quantity: 1,
                price_data: { currency: r.currency, unit_amount: r.amount_fen, product_data: { name: PRODUCT_NAME } },
              },
            ],
            // This API version names the list `allowed_payment_method_types` (it filters what the
            // account may offer, so a method its country does not allow quietly drops out).
            allowed_payment_method_types: [...r.methods],
            // WeChat Pay inside a browser page shows a QR code / redirects; 'web' is the H5 client.
            ...(r.methods.includes('wechat_pay') ? { payment_method_options: { wechat_pay: { client: 'web' } } } : {}),
            metadata,
            payment_intent_data: { metadata }, // copied onto the charge, so refund events find the top-up
            client_reference_id: r.topup_id,
            success_url: `${origin}/family/topups/${r.topup_id}?paid=1`,
            cancel_url: `${origin}/family/topups/${r.topup_id}?cancelled=1`,
          },
          { idempotencyKey: r.idempotency_key },
        );
        if (!session.url)
          throw new AppError('PAYMENT_PROVIDER_FAILED', { details: { reason: 'checkout session without url' } });
        return { provider_ref: session.id, redirect_url: session.url };
      }),
    refund: (r) =>
      provider(async () => {
        const refund = await stripe.refunds.create(
          { payment_intent: r.provider_ref, amount: r.amount_fen, metadata: { topup_id: r.topup_id } },
          { idempotencyKey: r.idempotency_key },
        );
        return { refund_ref: refund.id };
      }),
    async verifyWebhook(rawBody, header, now) {
      if (!header) throw new AppError('WEBHOOK_SIGNATURE_INVALID');
      let event: Stripe.Event | null = null;
      let byConnect = false;
      for (const secret of secrets) {
        try {
          event = stripe.webhooks.constructEvent(
            rawBody,
            header,
            secret,
            WEBHOOK_TOLERANCE_S,
            undefined,
            now.getTime(),
          );
          byConnect = secret === cfg.connect_webhook_secret && secret !== cfg.webhook_secret;
          break;
        } catch (e) {
          // The SDK checks the signature first and the age second; only the age failure says so, and it
          // means this secret signed it: a genuine but stale event, not one for the next secret.
          if (e instanceof Stripe.errors.StripeSignatureVerificationError && /tolerance/i.test(e.message))
            throw new AppError('WEBHOOK_STALE');
        }
      }
      if (!event) throw new AppError('WEBHOOK_SIGNATURE_INVALID');
      const ours = normalizeStripeEvent(event);
      // The Connect endpoint speaks for merchants' accounts only: anything else it signs is not acted on
      // (a top-up is confirmed only by the platform endpoint's events).
      if (byConnect && ours.type !== 'account_updated') return { ...ours, type: 'ignored' };
      return ours;
    },
  };
};
