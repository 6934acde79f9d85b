// The local fake gateway holds webhooks to the same rules as Stripe (HMAC over `${t}.${body}`,
// 5-minute tolerance), replays by idempotency key, and can simulate a provider outage. The
// configuration picks Stripe, the fake or "not configured" as documented.
import { describe, expect, it } from 'vitest';
import { codeOf } from './testing';
import { createFakeGateway, FAKE_SIGNATURE_HEADER } from './fake';
import { gatewayFromConfig } from './from-config';

const NOW = new Date('2026-11-23T08:00:00Z');
const TOPUP = `t_${'b'.repeat(32)}`;
const g = () => createFakeGateway({ secret: 'fake-secret-0123456789' });

describe('fake gateway webhooks', () => {
  it('verifies what it signs and maps the event', async () => {
    const gw = g();
    const s = gw.signEvent({ type: 'payment.succeeded', topup_id: TOPUP, amount_fen: 500 }, NOW);
    expect(s.header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(await gw.verifyWebhook(s.body, s.header, NOW)).toEqual({
      event_id: s.event_id,
      type: 'payment_succeeded',
      topup_id: TOPUP,
      amount_fen: 500,
      provider_ref: `fake_pi_${TOPUP}`,
    });
    expect(gw.signature_header).toBe(FAKE_SIGNATURE_HEADER);
  });

  it.each([
    ['no header', (b: string, _h: string) => ({ body: b, header: undefined }), 'WEBHOOK_SIGNATURE_INVALID'],
    [
      'tampered body',
      (b: string, h: string) => ({ body: b.replace('500', '50000'), header: h }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
    [
      'header without v1',
      (b: string, h: string) => ({ body: b, header: h.split(',')[0] ?? '' }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
    ['short signature', (b: string, h: string) => ({ body: b, header: h.slice(0, -2) }), 'WEBHOOK_SIGNATURE_INVALID'],
    [
      'non-numeric timestamp',
      (b: string, h: string) => ({ body: b, header: h.replace(/t=\d+/, 't=soon') }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
  ])('refuses %s', async (_n, make, code) => {
    const gw = g();
    const s = gw.signEvent({ type: 'payment.succeeded', topup_id: TOPUP, amount_fen: 500 }, NOW);
    const { body, header } = make(s.body, s.header);
    expect(await codeOf(gw.verifyWebhook(body, header, NOW))).toBe(code);
  });

  it('refuses another secret, and a stale event only when it is genuine', async () => {
    const gw = g();
    const other = gw.signEvent(
      { type: 'payment.succeeded', topup_id: TOPUP, amount_fen: 500 },
      NOW,
      'someone-elses-secret-xx',
    );
    expect(await codeOf(gw.verifyWebhook(other.body, other.header, NOW))).toBe('WEBHOOK_SIGNATURE_INVALID');
    const old = gw.signEvent(
      { type: 'payment.succeeded', topup_id: TOPUP, amount_fen: 500 },
      new Date(NOW.getTime() - 301_000),
    );
    expect(await codeOf(gw.verifyWebhook(old.body, old.header, NOW))).toBe('WEBHOOK_STALE');
    const edge = gw.signEvent(
      { type: 'payment.succeeded', topup_id: TOPUP, amount_fen: 500 },
      new Date(NOW.getTime() - 300_000),
    );
    expect(await codeOf(gw.verifyWebhook(edge.body, edge.header, NOW))).toBe('ok');
    const oldForged = gw.signEvent(
      { type: 'payment.succeeded', topup_id: TOPUP, amount_fen: 500 },
      new Date(NOW.getTime() - 301_000),
      'someone-elses-secret-xx',
    );
    expect(await codeOf(gw.verifyWebhook(oldForged.body, oldForged.header, NOW))).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  it('maps unknown event types to ignored', async () => {
    const gw = g();
    const s = gw.signEvent({ type: 'other.thing', topup_id: null, amount_fen: 0 }, NOW);
    expect((await gw.verifyWebhook(s.body, s.header, NOW)).type).toBe('ignored');
  });
});

describe('fake gateway calls', () => {
  it('replays by idempotency key, refuses the key with other parameters, and can fail on demand', async () => {
    const gw = g();
    const req = {
      idempotency_key: 'k1',
      amount_fen: 100,
      currency: 'cny' as const,
      elder_id: 'e_a',
      family_id: 'f_a',
      topup_id: TOPUP,
      methods: ['card' as const],
    };
    const a = await gw.createCheckout(req);
    expect(a).toEqual({ provider_ref: `fake_cs_${TOPUP}`, redirect_url: `/dev/pay/${TOPUP}` });
    expect(await gw.createCheckout(req)).toEqual(a);
    expect(await codeOf(gw.createCheckout({ ...req, amount_fen: 200 }))).toBe('PAYMENT_PROVIDER_FAILED');
    gw.failNext.refund = 1;
    const r = { idempotency_key: 'r1', provider_ref: 'fake_pi_x', amount_fen: 100, topup_id: TOPUP };
    expect(await codeOf(gw.refund(r))).toBe('PAYMENT_PROVIDER_FAILED');
    const first = await gw.refund(r);
    expect(await gw.refund(r)).toEqual(first);
    expect(gw.calls.checkouts).toHaveLength(3);
    expect(gw.calls.refunds).toHaveLength(3);
  });
});

describe('gateway from configuration', () => {
  it.each([
    [{ stage: 'local' as const }, 'fake'],
    [{ stage: 'test' as const }, 'fake'],
    [{ stage: 'production' as const }, 'none'],
    [{ stage: 'local' as const, stripe_secret_key: 'sk_test_x', stripe_webhook_secret: 'whsec_x' }, 'stripe'],
    [{ stage: 'production' as const, stripe_secret_key: 'sk_live_x', stripe_webhook_secret: 'whsec_x' }, 'stripe'],
  ])('%o -> %s', (cfg, provider) => {
    expect(gatewayFromConfig({ public_url: 'http://localhost:3000', ...cfg }).provider).toBe(provider);
  });

  it(
    'refuses a Stripe key without a webhook secret, and production without ' + 'Stripe answers PAYMENTS_UNAVAILABLE',
    async () => {
      expect(() =>
        gatewayFromConfig({ stage: 'production', public_url: 'https://x.cn', stripe_secret_key: 'sk_live_x' }),
      ).toThrow(/STRIPE_WEBHOOK_SECRET/);
      const none = gatewayFromConfig({ stage: 'production', public_url: 'https://x.cn' });
      expect(
        await codeOf(
          none.createCheckout({
            idempotency_key: 'k',
            amount_fen: 100,
            currency: 'cny',
            elder_id: 'e',
            family_id: 'f',
            topup_id: TOPUP,
            methods: ['card'],
          }),
        ),
      ).toBe('PAYMENTS_UNAVAILABLE');
      expect(await codeOf(none.verifyWebhook('{}', 't=1,v1=00', NOW))).toBe('WEBHOOK_SIGNATURE_INVALID');
    },
  );
});
