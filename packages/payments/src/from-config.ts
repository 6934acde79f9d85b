// Picks the payment gateway from configuration. The Stripe SDK is loaded on first use (dynamic
// import), so the API's cold start does not pay for megabytes it needs only on a top-up.
import { randomBytes } from 'node:crypto';
import { AppError } from '@tmc/core/kernel/errors';
import { PAYMENT_METHODS, type PaymentGateway, type PaymentMethod } from '@tmc/core/topups/ports';
import { createFakeGateway } from './fake';
import { STRIPE_SIGNATURE_HEADER, type StripeGatewayConfig } from './stripe-config';

export type PaymentsConfig = {
  stage: 'local' | 'test' | 'production';
  public_url: string;
  stripe_secret_key?: string | undefined;
  stripe_webhook_secret?: string | undefined;
  stripe_connect_webhook_secret?: string | undefined; // the Connect endpoint's (merchant account events)
  stripe_connect_country?: string | undefined;
  fake_secret?: string | undefined;
  methods?: readonly PaymentMethod[] | undefined;
};

/** Stripe behind a dynamic import: each call waits for the module once, then goes straight through. */
export const lazyStripeGateway = (cfg: StripeGatewayConfig): PaymentGateway => {
  let loaded: Promise<PaymentGateway> | null = null;
  const get = () => (loaded ??= import('./stripe').then((m) => m.createStripeGateway(cfg)));
  return {
    provider: 'stripe',
    signature_header: STRIPE_SIGNATURE_HEADER,
    methods: cfg.methods,
    createCheckout: async (r) => (await get()).createCheckout(r),
    refund: async (r) => (await get()).refund(r),
    connectAccount: async (r) => (await get()).connectAccount(r),
    onboardingLink: async (r) => (await get()).onboardingLink(r),
    transfer: async (r) => (await get()).transfer(r),
    findTransfer: async (id) => (await get()).findTransfer(id),
    accountReady: async (ref) => (await get()).accountReady(ref),
    verifyWebhook: async (raw, sig, now) => (await get()).verifyWebhook(raw, sig, now),
  };
};

/** Production before Stripe is configured: the rest of the app works; top-ups say so plainly. */
export const unavailableGateway = (methods: readonly PaymentMethod[]): PaymentGateway => ({
  provider: 'none',
  signature_header: STRIPE_SIGNATURE_HEADER,
  methods,
  createCheckout: async () => {
    throw new AppError('PAYMENTS_UNAVAILABLE');
  },
  refund: async () => {
    throw new AppError('PAYMENTS_UNAVAILABLE');
  },
  connectAccount: async () => {
    throw new AppError('PAYMENTS_UNAVAILABLE');
  },
  onboardingLink: async () => {
    throw new AppError('PAYMENTS_UNAVAILABLE');
  },
  // thrown, not 'failed': nothing moved, and the same key pays once Stripe is configured
  transfer: async () => {
    throw new AppError('PAYMENTS_UNAVAILABLE');
  },
  findTransfer: async () => {
    throw new AppError('PAYMENTS_UNAVAILABLE');
  },
  accountReady: async () => {
    throw new AppError('PAYMENTS_UNAVAILABLE');
  },
  verifyWebhook: async () => {
    throw new AppError('WEBHOOK_SIGNATURE_INVALID');
  },
});

export const gatewayFromConfig = (c: PaymentsConfig): PaymentGateway => {
  const methods = c.methods ?? PAYMENT_METHODS;
  if (c.stripe_secret_key) {
    if (!c.stripe_webhook_secret)
      throw new Error('STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: webhooks could not be verified');
    return lazyStripeGateway({
      secret_key: c.stripe_secret_key,
      webhook_secret: c.stripe_webhook_secret,
      connect_webhook_secret: c.stripe_connect_webhook_secret,
      connect_country: c.stripe_connect_country,
      public_url: c.public_url,
      methods,
    });
  }
  if (c.stage === 'production') return unavailableGateway(methods);
  // Local and test: a per-process secret unless one is given; the dev pay page signs in-process.
  return createFakeGateway({ secret: c.fake_secret ?? randomBytes(24).toString('base64url'), methods });
};
