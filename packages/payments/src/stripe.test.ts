// The Stripe adapter without the network: webhooks signed with the SDK's own test helper, and
// API calls answered by a fake fetch that records what would have gone to Stripe.
import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { codeOf, fakeStripe } from './testing';
import { createStripeGateway } from './stripe';
import { lazyStripeGateway } from './from-config';

const SECRET = 'whsec_test_0123456789abcdef';
const NOW = new Date('2026-11-23T08:00:00Z');
const nowS = Math.floor(NOW.getTime() / 1000);
const TOPUP = `t_${'a'.repeat(32)}`;

const gateway = (client?: Stripe) =>
  createStripeGateway({
    secret_key: 'sk_test_fake',
    webhook_secret: SECRET,
    public_url: 'https://tmc.example.cn/x',
    methods: ['card', 'alipay', 'wechat_pay'],
    ...(client ? { client } : {}),
  });

const event = (type: string, object: Record<string, unknown>, id = 'evt_1') =>
  JSON.stringify({ id, object: 'event', type, api_version: '2026-10-28', created: nowS, data: { object } });
const session = (over: Record<string, unknown> = {}) => ({
  id: 'cs_test_1',
  object: 'checkout.session',
  payment_status: 'paid',
  amount_total: 10_000,
  currency: 'cny',
  payment_intent: 'pi_123',
  metadata: { topup_id: TOPUP, elder_id: 'e_x', family_id: 'f_x' },
  ...over,
});
const signed = (payload: string, at = nowS, secret = SECRET) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: at });

describe('Stripe webhook verification', () => {
  it('accepts a correctly signed event and maps it', async () => {
    const payload = event('checkout.session.completed', session());
    const ev = await gateway().verifyWebhook(payload, signed(payload), NOW);
    expect(ev).toEqual({
      event_id: 'evt_1',
      type: 'payment_succeeded',
      topup_id: TOPUP,
      amount_fen: 10_000,
      provider_ref: 'pi_123',
    });
  });

  it.each([
    [
      'tampered body',
      (p: string) => ({ body: p.replace('10000', '99999'), header: signed(p) }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
    [
      'wrong secret',
      (p: string) => ({ body: p, header: signed(p, nowS, 'whsec_someone_else') }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
    ['no signature header', (p: string) => ({ body: p, header: undefined }), 'WEBHOOK_SIGNATURE_INVALID'],
    ['garbage header', (p: string) => ({ body: p, header: 'not a signature' }), 'WEBHOOK_SIGNATURE_INVALID'],
    ['stale: 5 minutes and 1 second old', (p: string) => ({ body: p, header: signed(p, nowS - 301) }), 'WEBHOOK_STALE'],
  ])('refuses %s', async (_name, make, code) => {
    const payload = event('checkout.session.completed', session());
    const { body, header } = make(payload);
    expect(await codeOf(gateway().verifyWebhook(body, header, NOW))).toBe(code);
  });

  it('accepts an event exactly at the 5-minute tolerance', async () => {
    const payload = event('checkout.session.completed', session());
    expect((await gateway().verifyWebhook(payload, signed(payload, nowS - 300), NOW)).type).toBe('payment_succeeded');
  });

  it.each([
    ['checkout.session.async_payment_succeeded', session(), 'payment_succeeded'],
    ['checkout.session.completed', session({ payment_status: 'unpaid' }), 'ignored'], // async method still settling
    ['checkout.session.async_payment_failed', session({ payment_status: 'unpaid' }), 'payment_failed'],
    ['checkout.session.expired', session({ payment_status: 'unpaid', payment_intent: null }), 'payment_failed'],
    [
      'charge.refunded',
      {
        id: 'ch_1',
        object: 'charge',
        amount: 10_000,
        amount_refunded: 7_000,
        payment_intent: 'pi_123',
        metadata: { topup_id: TOPUP },
      },
      'refund_succeeded',
    ],
    ['customer.created', { id: 'cus_1', object: 'customer' }, 'ignored'],
  ])('maps %s', async (type, object, want) => {
    const payload = event(type, object);
    const ev = await gateway().verifyWebhook(payload, signed(payload), NOW);
    expect(ev.type).toBe(want);
    if (type === 'charge.refunded')
      expect(ev).toMatchObject({ topup_id: TOPUP, amount_fen: 7_000, provider_ref: 'pi_123' });
  });

  it('works the same behind the lazy loader (the SDK is imported on first use)', async () => {
    const payload = event('checkout.session.completed', session());
    const lazy = lazyStripeGateway({
      secret_key: 'sk_test_fake',
      webhook_secret: SECRET,
      public_url: 'https://tmc.example.cn',
      methods: ['card'],
    });
    expect((await lazy.verifyWebhook(payload, signed(payload), NOW)).topup_id).toBe(TOPUP);
    expect(await codeOf(lazy.verifyWebhook(payload, signed(payload, nowS - 3600), NOW))).toBe('WEBHOOK_STALE');
  });
});

describe('Stripe API calls (fake HTTP layer, no network)', () => {
  it('creates a CNY Checkout Session in fen, with metadata, methods and the idempotency key', async () => {
    const { client, sent } = fakeStripe(() => ({
      status: 200,
      json: { id: 'cs_test_9', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_test_9' },
    }));
    const r = await gateway(client).createCheckout({
      idempotency_key: `topup_${TOPUP}`,
      amount_fen: 12_300,
      currency: 'cny',
      elder_id: 'e_abc',
      family_id: 'f_def',
      topup_id: TOPUP,
      methods: ['card', 'alipay', 'wechat_pay'],
    });
    expect(r).toEqual({ provider_ref: 'cs_test_9', redirect_url: 'https://checkout.stripe.com/c/pay/cs_test_9' });
    expect(sent).toHaveLength(1);
    const s = sent[0];
    expect(s?.method).toBe('POST');
    expect(s?.url).toBe('https://api.stripe.com/v1/checkout/sessions');
    expect(s?.headers.get('idempotency-key')).toBe(`topup_${TOPUP}`);
    const b = Object.fromEntries(s?.body ?? []);
    expect(b).toMatchObject({
      mode: 'payment',
      currency: 'cny',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'cny',
      'line_items[0][price_data][unit_amount]': '12300',
      'metadata[topup_id]': TOPUP,
      'metadata[elder_id]': 'e_abc',
      'metadata[family_id]': 'f_def',
      'payment_intent_data[metadata][topup_id]': TOPUP,
      'allowed_payment_method_types[0]': 'card',
      'allowed_payment_method_types[1]': 'alipay',
      'allowed_payment_method_types[2]': 'wechat_pay',
      'payment_method_options[wechat_pay][client]': 'web',
      client_reference_id: TOPUP,
      success_url: `https://tmc.example.cn/family/topups/${TOPUP}?paid=1`,
    });
  });

  it('leaves WeChat Pay options out when WeChat Pay is not offered', async () => {
    const { client, sent } = fakeStripe(() => ({
      status: 200,
      json: { id: 'cs_test_2', object: 'checkout.session', url: 'https://checkout.stripe.com/x' },
    }));
    await gateway(client).createCheckout({
      idempotency_key: 'k_card_only',
      amount_fen: 100,
      currency: 'cny',
      elder_id: 'e_a',
      family_id: '',
      topup_id: TOPUP,
      methods: ['card'],
    });
    const keys = [...(sent[0]?.body.keys() ?? [])];
    expect(keys.some((k) => k.startsWith('payment_method_options'))).toBe(false);
    expect(sent[0]?.body.get('allowed_payment_method_types[0]')).toBe('card');
  });

  it('refunds against the PaymentIntent, in fen, with the idempotency key', async () => {
    const { client, sent } = fakeStripe(() => ({
      status: 200,
      json: { id: 're_7', object: 'refund', amount: 7_000, status: 'succeeded' },
    }));
    const r = await gateway(client).refund({
      idempotency_key: `refund_${TOPUP}`,
      provider_ref: 'pi_123',
      amount_fen: 7_000,
      topup_id: TOPUP,
    });
    expect(r).toEqual({ refund_ref: 're_7' });
    expect(sent[0]?.url).toBe('https://api.stripe.com/v1/refunds');
    expect(sent[0]?.headers.get('idempotency-key')).toBe(`refund_${TOPUP}`);
    expect(Object.fromEntries(sent[0]?.body ?? [])).toMatchObject({
      payment_intent: 'pi_123',
      amount: '7000',
      'metadata[topup_id]': TOPUP,
    });
  });

  it('turns a Stripe API error into PAYMENT_PROVIDER_FAILED', async () => {
    const { client } = fakeStripe(() => ({
      status: 400,
      json: {
        error: { type: 'invalid_request_error', code: 'amount_too_small', message: 'Amount must be at least ¥4.00' },
      },
    }));
    const g = gateway(client);
    expect(
      await codeOf(
        g.createCheckout({
          idempotency_key: 'k_small',
          amount_fen: 100,
          currency: 'cny',
          elder_id: 'e_a',
          family_id: 'f_b',
          topup_id: TOPUP,
          methods: ['card'],
        }),
      ),
    ).toBe('PAYMENT_PROVIDER_FAILED');
    expect(
      await codeOf(g.refund({ idempotency_key: 'k_r', provider_ref: 'pi_1', amount_fen: 100, topup_id: TOPUP })),
    ).toBe('PAYMENT_PROVIDER_FAILED');
  });
});
