// A local payment gateway for development and tests: checkouts open a dev page instead of a
// provider, and webhooks are signed like Stripe's (HMAC-SHA256 over `${timestamp}.${body}`,
// header `x-fake-signature: t=<unix s>,v1=<hex>`) so the webhook route runs the same checks.
// It can succeed, fail, deliver twice, or make the provider itself fail for a while. Merchant payouts
// (accounts, onboarding links, transfers) are in fake-payouts.ts; their readiness comes by signed event.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { systemClock, type Clock } from '@tmc/core/kernel/clock';
import {
  PAYMENT_METHODS,
  WEBHOOK_TOLERANCE_S,
  type Checkout,
  type CheckoutRequest,
  type PaymentEvent,
  type PaymentGateway,
  type PaymentMethod,
  type RefundRequest,
} from '@tmc/core/topups/ports';
import { createFakePayouts, type FakePayouts } from './fake-payouts';

export const FAKE_SIGNATURE_HEADER = 'x-fake-signature';
const SIGNATURE_PARTS_MAX = 8; // a header with more parts than this is not ours; do not loop over it

const FakeBody = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(100)),
  type: z.string().check(z.maxLength(100)),
  data: z.object({
    topup_id: z.nullable(z.string().check(z.maxLength(100))),
    amount_fen: z.int().check(z.gte(0)),
    provider_ref: z.nullable(z.string().check(z.maxLength(200))),
    account: z.optional(
      z.object({ account_ref: z.string().check(z.minLength(1), z.maxLength(200)), payouts_ready: z.boolean() }),
    ),
  }),
});

const TYPES: Record<string, PaymentEvent['type']> = {
  'payment.succeeded': 'payment_succeeded',
  'payment.failed': 'payment_failed',
  'refund.succeeded': 'refund_succeeded',
  'account.updated': 'account_updated',
};
export type FakeEventType = 'payment.succeeded' | 'payment.failed' | 'refund.succeeded' | 'other.thing';

export type FakeGateway = PaymentGateway &
  FakePayouts & {
    provider: 'fake';
    /** Every call, in order: tests assert what reached the "provider" and how often. */
    calls: { checkouts: CheckoutRequest[]; refunds: RefundRequest[] };
    /** Make the next n calls of a kind throw, as a provider outage would. */
    failNext: { checkout: number; refund: number };
    /** A webhook body and its signature header, as the provider would post them. */
    signEvent: (
      e: {
        event_id?: string;
        type: FakeEventType;
        topup_id: string | null;
        amount_fen: number;
        provider_ref?: string | null;
      },
      at: Date,
      secret?: string,
    ) => { event_id: string; body: string; header: string };
    /** A merchant's connected account changed (onboarding finished, or payouts were paused), signed like the rest. */
    signAccountEvent: (
      e: { event_id?: string; account_ref: string; payouts_ready: boolean },
      at: Date,
      secret?: string,
    ) => { event_id: string; body: string; header: string };
  };

export const fakePaymentRef = (topup_id: string) => `fake_pi_${topup_id}`;

const sign = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

export const createFakeGateway = (opts: {
  secret: string;
  methods?: readonly PaymentMethod[];
  clock?: Clock; // dates the onboarding links' expiry
}): FakeGateway => {
  if (opts.secret.length < 16) throw new Error('fake gateway secret must be at least 16 characters');
  // Like a real provider, an idempotency key replays the first answer, and refuses other params.
  const byKey = new Map<string, { params: string; result: Checkout | { refund_ref: string } }>();
  const remember = <T extends Checkout | { refund_ref: string }>(key: string, params: unknown, make: () => T): T => {
    const p = JSON.stringify(params);
    const prior = byKey.get(key);
    if (prior) {
      if (prior.params !== p)
        throw new AppError('PAYMENT_PROVIDER_FAILED', {
          details: { reason: 'idempotency key reused with other parameters' },
        });
      return prior.result as T;
    }
    const result = make();
    byKey.set(key, { params: p, result });
    return result;
  };
  const signed = (body: string, at: Date, secret: string) => {
    const t = Math.floor(at.getTime() / 1000);
    return `t=${t},v1=${sign(secret, t, body)}`;
  };
  const readiness = new Map<string, boolean>(); // connected accounts: ready to receive transfers
  const g: FakeGateway = {
    ...createFakePayouts(opts.clock ?? systemClock),
    accountReady: async (account_ref: string) => readiness.get(account_ref) ?? false,
    provider: 'fake',
    signature_header: FAKE_SIGNATURE_HEADER,
    methods: opts.methods ?? PAYMENT_METHODS,
    calls: { checkouts: [], refunds: [] },
    failNext: { checkout: 0, refund: 0 },
    async createCheckout(r) {
      g.calls.checkouts.push(r);
      if (g.failNext.checkout > 0) {
        g.failNext.checkout--;
        throw new AppError('PAYMENT_PROVIDER_FAILED', { details: { reason: 'fake outage' } });
      }
      return remember(`checkout:${r.idempotency_key}`, r, () => ({
        provider_ref: `fake_cs_${r.topup_id}`,
        redirect_url: `/dev/pay/${r.topup_id}`,
      }));
    },
    async refund(r) {
      g.calls.refunds.push(r);
      if (g.failNext.refund > 0) {
        g.failNext.refund--;
        throw new AppError('PAYMENT_PROVIDER_FAILED', { details: { reason: 'fake outage' } });
      }
      return remember(`refund:${r.idempotency_key}`, r, () => ({
        refund_ref: `fake_re_${randomBytes(8).toString('hex')}`,
      }));
    },
    async verifyWebhook(rawBody, header, now) {
      if (!header) throw new AppError('WEBHOOK_SIGNATURE_INVALID');
      const parts = header
        .split(',', SIGNATURE_PARTS_MAX)
        .map((p) => p.trim().split('=', 2) as [string, string | undefined]);
      const t = Number(parts.find(([k]) => k === 't')?.[1]);
      const given = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => Buffer.from(v ?? '', 'hex'));
      if (!Number.isSafeInteger(t) || given.length === 0) throw new AppError('WEBHOOK_SIGNATURE_INVALID');
      const want = Buffer.from(sign(opts.secret, t, rawBody), 'hex');
      // constant-time compare: a byte-by-byte early exit would leak the signature to a patient attacker
      if (!given.some((s) => s.length === want.length && timingSafeEqual(s, want)))
        throw new AppError('WEBHOOK_SIGNATURE_INVALID');
      // Signature first, then age, as Stripe does: a stale but genuine event is a replay, not a forgery.
      if (Math.floor(now.getTime() / 1000) - t > WEBHOOK_TOLERANCE_S) throw new AppError('WEBHOOK_STALE');
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw new AppError('MALFORMED_JSON');
      }
      const b = FakeBody.safeParse(json);
      if (!b.success) throw new AppError('VALIDATION_FAILED', { details: { reason: 'fake event shape' } });
      const type = TYPES[b.data.type] ?? 'ignored';
      const { account, ...d } = b.data.data;
      if (type === 'account_updated') {
        if (!account) throw new AppError('VALIDATION_FAILED', { details: { reason: 'fake account event shape' } });
        return { event_id: b.data.id, type, ...d, account };
      }
      return { event_id: b.data.id, type, ...d };
    },
    signEvent(e, at, secret = opts.secret) {
      const event_id = e.event_id ?? `fevt_${randomBytes(10).toString('hex')}`;
      const provider_ref =
        e.provider_ref === undefined ? (e.topup_id ? fakePaymentRef(e.topup_id) : null) : e.provider_ref;
      const body = JSON.stringify({
        id: event_id,
        type: e.type,
        data: { topup_id: e.topup_id, amount_fen: e.amount_fen, provider_ref },
      });
      return { event_id, body, header: signed(body, at, secret) };
    },
    signAccountEvent(e, at, secret = opts.secret) {
      readiness.set(e.account_ref, e.payouts_ready); // the fake provider's state is what it last announced
      const event_id = e.event_id ?? `fevt_${randomBytes(10).toString('hex')}`;
      const body = JSON.stringify({
        id: event_id,
        type: 'account.updated',
        data: {
          topup_id: null,
          amount_fen: 0,
          provider_ref: null,
          account: { account_ref: e.account_ref, payouts_ready: e.payouts_ready },
        },
      });
      return { event_id, body, header: signed(body, at, secret) };
    },
  };
  return g;
};

export const isFakeGateway = (g: PaymentGateway): g is FakeGateway => g.provider === 'fake';
