// Stripe Connect payouts without the network: the fake fetch of testing.ts records what would have gone to
// Stripe (form-encoded body, headers) and answers in Stripe's documented wire format (objects, error bodies
// and status codes). account.updated events are signed with the SDK's own test helper.
import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import type { TransferRequest } from '@tmc/core/settlement/payout-port';
import { codeOf, fakeStripe, type Reply } from './testing';
import { createStripeGateway, type StripeGatewayConfig } from './stripe';
import { lazyStripeGateway, unavailableGateway } from './from-config';

const SECRET = 'whsec_test_platform_0123456789';
const CONNECT_SECRET = 'whsec_test_connect_0123456789';
const NOW = new Date('2026-11-23T08:00:00Z');
const nowS = Math.floor(NOW.getTime() / 1000);

const gateway = (client?: Stripe, over: Partial<StripeGatewayConfig> = {}) =>
  createStripeGateway({
    secret_key: 'sk_test_fake',
    webhook_secret: SECRET,
    public_url: 'https://tmc.example.cn',
    methods: ['card'],
    ...(client ? { client } : {}),
    ...over,
  });

const REQ: TransferRequest = {
  idempotency_key: 'payout_st_0001_a1',
  amount_fen: 123_450,
  currency: 'cny',
  destination: 'acct_1Merchant',
  statement_id: 'st_0001',
  statement_no: 'JS-2026-11-0001',
  merchant_id: 'm_42',
};
const transferJson = { id: 'tr_1Abc', object: 'transfer', amount: 123_450, currency: 'cny', reversed: false };
const ok = (json: unknown): Reply => ({ status: 200, json });
const stripeError = (status: number, error: Record<string, unknown>): Reply => ({ status, json: { error } });
const form = (s: { body: URLSearchParams } | undefined) => Object.fromEntries(s?.body ?? []);

describe('connected accounts and onboarding links', () => {
  it('creates an Express account asking for transfers, merchant in metadata, idempotency key', async () => {
    const { client, sent } = fakeStripe(() => ok({ id: 'acct_1New', object: 'account', type: 'express' }));
    const r = await gateway(client, { connect_country: 'HK' }).connectAccount({
      merchant_id: 'm_42',
      business_name: '幸福里助餐点',
      idempotency_key: 'connect_m_42',
    });
    expect(r).toEqual({ account_ref: 'acct_1New' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.url).toBe('https://api.stripe.com/v1/accounts');
    expect(sent[0]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(sent[0]?.headers.get('idempotency-key')).toBe('connect_m_42');
    expect(sent[0]?.headers.get('stripe-version')).toBe(Stripe.API_VERSION);
    expect(form(sent[0])).toEqual({
      type: 'express',
      country: 'HK',
      'capabilities[transfers][requested]': 'true',
      'business_profile[name]': '幸福里助餐点',
      'metadata[merchant_id]': 'm_42',
    });
  });

  it("leaves the country to Stripe (the platform's own) when none is configured", async () => {
    const { client, sent } = fakeStripe(() => ok({ id: 'acct_2', object: 'account' }));
    await gateway(client).connectAccount({ merchant_id: 'm_1', business_name: 'x', idempotency_key: 'k' });
    expect(sent[0]?.body.has('country')).toBe(false);
  });

  it('makes an onboarding link and gives its expiry as an ISO instant', async () => {
    const { client, sent } = fakeStripe(() =>
      ok({
        object: 'account_link',
        url: 'https://connect.stripe.com/setup/e/acct_1/abc',
        created: nowS,
        expires_at: nowS + 300,
      }),
    );
    const r = await gateway(client).onboardingLink({
      account_ref: 'acct_1Merchant',
      return_url: 'https://tmc.example.cn/merchant/payouts?done=1',
      refresh_url: 'https://tmc.example.cn/merchant/payouts?again=1',
    });
    expect(r).toEqual({ url: 'https://connect.stripe.com/setup/e/acct_1/abc', expires_at: '2026-11-23T08:05:00.000Z' });
    expect(sent[0]?.url).toBe('https://api.stripe.com/v1/account_links');
    expect(form(sent[0])).toEqual({
      account: 'acct_1Merchant',
      return_url: 'https://tmc.example.cn/merchant/payouts?done=1',
      refresh_url: 'https://tmc.example.cn/merchant/payouts?again=1',
      type: 'account_onboarding',
    });
  });

  it('turns Stripe errors on account calls into PAYMENT_PROVIDER_FAILED', async () => {
    const { client } = fakeStripe(() => stripeError(400, { type: 'invalid_request_error', code: 'url_invalid' }));
    const g = gateway(client);
    expect(await codeOf(g.connectAccount({ merchant_id: 'm', business_name: 'b', idempotency_key: 'k' }))).toBe(
      'PAYMENT_PROVIDER_FAILED',
    );
    expect(await codeOf(g.onboardingLink({ account_ref: 'acct_1', return_url: 'x', refresh_url: 'y' }))).toBe(
      'PAYMENT_PROVIDER_FAILED',
    );
  });
});

describe('transfers', () => {
  it('pays the connected account in fen, grouped by statement, with the idempotency key', async () => {
    const { client, sent } = fakeStripe(() => ok(transferJson));
    expect(await gateway(client).transfer(REQ)).toEqual({ status: 'paid', transfer_ref: 'tr_1Abc' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.url).toBe('https://api.stripe.com/v1/transfers');
    expect(sent[0]?.headers.get('idempotency-key')).toBe('payout_st_0001_a1');
    expect(sent[0]?.headers.get('stripe-version')).toBe(Stripe.API_VERSION);
    expect(form(sent[0])).toEqual({
      amount: '123450',
      currency: 'cny',
      destination: 'acct_1Merchant',
      transfer_group: 'st_0001',
      'metadata[statement_id]': 'st_0001',
      'metadata[statement_no]': 'JS-2026-11-0001',
      'metadata[merchant_id]': 'm_42',
    });
  });

  it('a lost response throws (outcome unknown); the retry sends the same key and body', async () => {
    const { client, sent } = fakeStripe((_s, i) => (i === 0 ? 'lost' : ok(transferJson)));
    const g = gateway(client);
    expect(await codeOf(g.transfer(REQ))).toBe('PAYMENT_PROVIDER_FAILED');
    expect(await g.transfer(REQ)).toEqual({ status: 'paid', transfer_ref: 'tr_1Abc' });
    expect(sent).toHaveLength(2);
    expect(sent.map((s) => s.headers.get('idempotency-key'))).toEqual(['payout_st_0001_a1', 'payout_st_0001_a1']);
    expect(sent[1]?.body.toString()).toBe(sent[0]?.body.toString());
  });

  it("the SDK's own network retry reuses our key (one transfer however many attempts)", async () => {
    // one real back-off sleep (the SDK's 0.5 s minimum); the outcome does not depend on it
    const { client, sent } = fakeStripe((_s, i) => (i === 0 ? 'lost' : ok(transferJson)), { maxNetworkRetries: 1 });
    expect(await gateway(client).transfer(REQ)).toEqual({ status: 'paid', transfer_ref: 'tr_1Abc' });
    expect(sent.map((s) => s.headers.get('idempotency-key'))).toEqual(['payout_st_0001_a1', 'payout_st_0001_a1']);
  });

  it("finds a statement's transfer by its group (not a reversed one), and reads an account's readiness", async () => {
    const { client, sent } = fakeStripe((req) =>
      req.url.includes('/v1/transfers')
        ? ok({
            object: 'list',
            data: [{ ...transferJson, id: 'tr_old', reversed: true }, transferJson],
            has_more: false,
          })
        : ok({ id: 'acct_1M', object: 'account', payouts_enabled: true, capabilities: { transfers: 'active' } }),
    );
    expect(await gateway(client).findTransfer('st_0001')).toEqual({ transfer_ref: 'tr_1Abc' });
    expect(sent[0]?.method).toBe('GET');
    expect(sent[0]?.url).toBe('https://api.stripe.com/v1/transfers?transfer_group=st_0001&limit=10');
    expect(await gateway(client).accountReady('acct_1M')).toBe(true);
    expect(sent[1]?.url).toBe('https://api.stripe.com/v1/accounts/acct_1M');
  });

  it('a timeout throws (outcome unknown)', async () => {
    const { client } = fakeStripe(() => 'hang', { timeout_ms: 1 });
    expect(await codeOf(gateway(client).transfer(REQ))).toBe('PAYMENT_PROVIDER_FAILED');
  });

  it.each([
    ['balance_insufficient', 400, { type: 'invalid_request_error', code: 'balance_insufficient' }],
    ['account_invalid', 400, { type: 'invalid_request_error', code: 'account_invalid' }],
    [
      'insufficient_capabilities_for_transfer',
      400,
      { type: 'invalid_request_error', code: 'insufficient_capabilities_for_transfer' },
    ],
    ['resource_missing', 404, { type: 'invalid_request_error', code: 'resource_missing', param: 'destination' }],
    ['invalid_request_error', 400, { type: 'invalid_request_error', param: 'amount' }], // no code: the type
    ['card_declined', 402, { type: 'card_error', code: 'card_declined' }],
  ])('a definite refusal is failed, not thrown: %s', async (reason_code, status, error) => {
    const message = `Stripe says no (${reason_code})`;
    const { client } = fakeStripe(() => stripeError(status, { ...error, message }));
    expect(await gateway(client).transfer(REQ)).toEqual({ status: 'failed', reason_code, message });
  });

  it.each([
    ['500 api_error', stripeError(500, { type: 'api_error', message: 'boom' })],
    ['503 with a JSON body without `error` (the SDK calls that success)', { status: 503, json: {} } as Reply],
    ['200 with something that is not a transfer', ok({ object: 'list', data: [] })],
    ['409 conflict', stripeError(409, { type: 'invalid_request_error', message: 'conflict' })],
    ['429 rate limit', stripeError(429, { type: 'invalid_request_error', code: 'rate_limit' })],
    ['400 lock_timeout', stripeError(400, { type: 'invalid_request_error', code: 'lock_timeout' })],
    ['400 idempotency_error', stripeError(400, { type: 'idempotency_error', message: 'Keys for idempotent...' })],
    ['401 bad key', stripeError(401, { type: 'invalid_request_error', message: 'Invalid API Key' })],
    ['403 permission', stripeError(403, { type: 'invalid_request_error', message: 'not permitted' })],
    ['lost connection', 'lost' as Reply],
  ])('an unknown outcome throws PAYMENT_PROVIDER_FAILED: %s', async (_name, reply) => {
    const { client } = fakeStripe(() => reply);
    expect(await codeOf(gateway(client).transfer(REQ))).toBe('PAYMENT_PROVIDER_FAILED');
  });

  it('the lazy loader and the unconfigured gateway forward / refuse the payout calls', async () => {
    const { client, sent } = fakeStripe(() => ok(transferJson));
    const lazy = lazyStripeGateway({
      secret_key: 'sk_test_fake',
      webhook_secret: SECRET,
      public_url: 'https://tmc.example.cn',
      methods: ['card'],
      client,
    });
    expect(await lazy.transfer(REQ)).toEqual({ status: 'paid', transfer_ref: 'tr_1Abc' });
    expect(sent).toHaveLength(1);
    const none = unavailableGateway(['card']);
    expect(await codeOf(none.transfer(REQ))).toBe('PAYMENTS_UNAVAILABLE');
    expect(await codeOf(none.connectAccount({ merchant_id: 'm', business_name: 'b', idempotency_key: 'k' }))).toBe(
      'PAYMENTS_UNAVAILABLE',
    );
  });
});

describe('account.updated webhooks', () => {
  const account = (over: Record<string, unknown> = {}) => ({
    id: 'acct_1Merchant',
    object: 'account',
    type: 'express',
    charges_enabled: false,
    payouts_enabled: true,
    details_submitted: true,
    capabilities: { transfers: 'active' },
    metadata: { merchant_id: 'm_42' },
    ...over,
  });
  const event = (object: Record<string, unknown>, id = 'evt_acct_1') =>
    JSON.stringify({
      id,
      object: 'event',
      account: 'acct_1Merchant', // set on events from connected accounts (Connect endpoints)
      type: 'account.updated',
      api_version: Stripe.API_VERSION,
      created: nowS,
      data: { object, previous_attributes: { payouts_enabled: false } },
    });
  const signed = (payload: string, secret = SECRET, at = nowS) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: at });

  it.each([
    ['transfers active and payouts enabled', account(), true],
    ['transfers pending', account({ capabilities: { transfers: 'pending' } }), false],
    ['transfers inactive', account({ capabilities: { transfers: 'inactive' } }), false],
    ['payouts disabled', account({ payouts_enabled: false }), false],
    ['no capabilities yet', account({ capabilities: {} }), false],
  ])('%s -> payouts_ready %s', async (_name, object, ready) => {
    const payload = event(object);
    expect(await gateway().verifyWebhook(payload, signed(payload), NOW)).toEqual({
      event_id: 'evt_acct_1',
      type: 'account_updated',
      topup_id: null,
      amount_fen: 0,
      provider_ref: null,
      account: { account_ref: 'acct_1Merchant', payouts_ready: ready },
    });
  });

  it("accepts the Connect endpoint's secret when configured, and only then; stale stays stale", async () => {
    const payload = event(account());
    const withConnect = gateway(undefined, { connect_webhook_secret: CONNECT_SECRET });
    expect((await withConnect.verifyWebhook(payload, signed(payload, CONNECT_SECRET), NOW)).type).toBe(
      'account_updated',
    );
    expect((await withConnect.verifyWebhook(payload, signed(payload, SECRET), NOW)).type).toBe('account_updated');
    expect(await codeOf(gateway().verifyWebhook(payload, signed(payload, CONNECT_SECRET), NOW))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
    expect(await codeOf(withConnect.verifyWebhook(payload, signed(payload, 'whsec_someone_else'), NOW))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
    expect(await codeOf(withConnect.verifyWebhook(payload, signed(payload, CONNECT_SECRET, nowS - 301), NOW))).toBe(
      'WEBHOOK_STALE',
    );
    const tampered = payload.replace('"payouts_enabled":true', '"payouts_enabled":false');
    expect(await codeOf(withConnect.verifyWebhook(tampered, signed(payload, CONNECT_SECRET), NOW))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
  });
});
