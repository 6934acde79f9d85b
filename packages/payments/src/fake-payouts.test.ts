// The fake's payouts: accounts and links for local development, transfers that pay once per key, refusals
// and lost answers on demand, and signed account.updated events; and top-ups write nothing for such an
// event (it is settlement's).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TransferRequest } from '@tmc/core/settlement/payout-port';
import type { TopupDeps } from '@tmc/core/topups/ports';
import { handleWebhook } from '@tmc/core/topups/service';
import { codeOf } from './testing';
import { createFakeGateway } from './fake';
import { fakeTransferRef } from './fake-payouts';
import { gatewayFromConfig } from './from-config';

const SECRET = 'fake-secret-0123456789';
const NOW = new Date('2026-11-23T08:00:00Z');
const g = () => createFakeGateway({ secret: SECRET, clock: { now: () => NOW } });
const req = (n: number, over: Partial<TransferRequest> = {}): TransferRequest => ({
  idempotency_key: `payout_st_${n}_a1`,
  amount_fen: 10_000 + n,
  currency: 'cny',
  destination: 'acct_fake_m_1',
  statement_id: `st_${n}`,
  statement_no: `JS-${n}`,
  merchant_id: 'm_1',
  ...over,
});

describe('fake accounts and onboarding links', () => {
  it('one account per merchant, and a local link that expires like a provider link', async () => {
    const gw = g();
    const a = await gw.connectAccount({ merchant_id: 'm_1', business_name: '助餐点', idempotency_key: 'c1' });
    expect(a).toEqual({ account_ref: 'acct_fake_m_1' });
    expect(await gw.connectAccount({ merchant_id: 'm_1', business_name: '助餐点', idempotency_key: 'c2' })).toEqual(a);
    expect(gw.payoutCalls.accounts).toHaveLength(2);
    const link = await gw.onboardingLink({
      account_ref: a.account_ref,
      return_url: '/m/done',
      refresh_url: '/m/again',
    });
    expect(link.url).toBe('/dev/payments/onboard?account=acct_fake_m_1&return=%2Fm%2Fdone&refresh=%2Fm%2Fagain');
    expect(link.expires_at).toBe('2026-11-23T08:05:00.000Z');
  });
});

describe('fake transfers', () => {
  it('pays at once, and the same key gives the same answer without a second transfer', async () => {
    const gw = g();
    const first = await gw.transfer(req(1));
    expect(first).toEqual({ status: 'paid', transfer_ref: fakeTransferRef('payout_st_1_a1') });
    expect(first.status === 'paid' && first.transfer_ref).toMatch(/^tr_fake_[0-9a-f]{24}$/);
    expect(await gw.transfer(req(1))).toEqual(first);
    expect(await gw.transfer(req(2))).not.toEqual(first);
    expect(gw.transfers().map((t) => [t.statement_id, t.amount_fen, t.transfer_ref])).toEqual([
      ['st_1', 10_001, fakeTransferRef('payout_st_1_a1')],
      ['st_2', 10_002, fakeTransferRef('payout_st_2_a1')],
    ]);
    expect(gw.payoutCalls.transfers).toHaveLength(3);
  });

  it('refuses a key reused with other parameters (thrown) and pays nothing more', async () => {
    const gw = g();
    await gw.transfer(req(1));
    expect(await codeOf(gw.transfer(req(1, { amount_fen: 99_999 })))).toBe('PAYMENT_PROVIDER_FAILED');
    expect(gw.transfers()).toHaveLength(1);
  });

  it('failTransfers(n, code): the next n new transfers are refused; a refused key replays its refusal', async () => {
    const gw = g();
    gw.failTransfers(2, 'account_invalid');
    const refused = {
      status: 'failed',
      reason_code: 'account_invalid',
      message: 'fake provider refused the transfer (account_invalid)',
    };
    expect(await gw.transfer(req(1))).toEqual(refused);
    expect(await gw.transfer(req(1))).toEqual(refused); // a replay, not the second refusal
    expect(await gw.transfer(req(2))).toEqual(refused);
    expect((await gw.transfer(req(3))).status).toBe('paid');
    expect((await gw.transfer(req(1, { idempotency_key: 'payout_st_1_a2' }))).status).toBe('paid'); // next attempt
    expect(gw.transfers().map((t) => t.idempotency_key)).toEqual(['payout_st_3_a1', 'payout_st_1_a2']);
  });

  it("failTransfers('all') refuses until failTransfers(0), with balance_insufficient by default", async () => {
    const gw = g();
    gw.failTransfers('all');
    for (const n of [1, 2, 3]) expect(await gw.transfer(req(n))).toMatchObject({ reason_code: 'balance_insufficient' });
    gw.failTransfers(0);
    expect((await gw.transfer(req(4))).status).toBe('paid');
    expect(gw.transfers()).toHaveLength(1);
    expect(() => gw.failTransfers(-1)).toThrow();
  });

  it('loseNextTransferResponse: the transfer happens, the answer is lost, the retry finds it', async () => {
    const gw = g();
    gw.loseNextTransferResponse();
    expect(await codeOf(gw.transfer(req(1)))).toBe('PAYMENT_PROVIDER_FAILED');
    expect(gw.transfers()).toHaveLength(1); // the money moved
    expect(await gw.transfer(req(1))).toEqual({ status: 'paid', transfer_ref: fakeTransferRef('payout_st_1_a1') });
    expect(gw.transfers()).toHaveLength(1); // and only once
    expect((await gw.transfer(req(2))).status).toBe('paid'); // only the next one was lost
  });

  it('a lost refusal replays as the refusal', async () => {
    const gw = g();
    gw.failTransfers(1, 'balance_insufficient');
    gw.loseNextTransferResponse();
    expect(await codeOf(gw.transfer(req(1)))).toBe('PAYMENT_PROVIDER_FAILED');
    expect(await gw.transfer(req(1))).toMatchObject({ status: 'failed', reason_code: 'balance_insufficient' });
    expect(gw.transfers()).toHaveLength(0);
  });

  it('transfers() is a copy the caller cannot change', async () => {
    const gw = g();
    await gw.transfer(req(1));
    gw.transfers().pop();
    expect(gw.transfers()).toHaveLength(1);
  });

  it('the local/test gateway from configuration is the fake, payouts included', async () => {
    const gw = gatewayFromConfig({ stage: 'local', public_url: 'http://localhost:3000' });
    expect(await gw.transfer(req(1))).toMatchObject({ status: 'paid' });
  });
});

describe('fake account.updated events', () => {
  it.each([true, false])('signs and verifies readiness %s', async (payouts_ready) => {
    const gw = g();
    const s = gw.signAccountEvent({ account_ref: 'acct_fake_m_1', payouts_ready }, NOW);
    expect(await gw.verifyWebhook(s.body, s.header, NOW)).toEqual({
      event_id: s.event_id,
      type: 'account_updated',
      topup_id: null,
      amount_fen: 0,
      provider_ref: null,
      account: { account_ref: 'acct_fake_m_1', payouts_ready },
    });
  });

  it('holds account events to the same signature and age rules', async () => {
    const gw = g();
    const e = { account_ref: 'acct_fake_m_1', payouts_ready: true };
    const forged = gw.signAccountEvent(e, NOW, 'someone-elses-secret-xx');
    expect(await codeOf(gw.verifyWebhook(forged.body, forged.header, NOW))).toBe('WEBHOOK_SIGNATURE_INVALID');
    const s = gw.signAccountEvent(e, NOW);
    const tampered = s.body.replace('"payouts_ready":true', '"payouts_ready":false');
    expect(await codeOf(gw.verifyWebhook(tampered, s.header, NOW))).toBe('WEBHOOK_SIGNATURE_INVALID');
    const old = gw.signAccountEvent(e, new Date(NOW.getTime() - 301_000));
    expect(await codeOf(gw.verifyWebhook(old.body, old.header, NOW))).toBe('WEBHOOK_STALE');
  });

  it('refuses an account event without its account', async () => {
    const gw = g();
    const body = JSON.stringify({
      id: 'fevt_x',
      type: 'account.updated',
      data: { topup_id: null, amount_fen: 0, provider_ref: null },
    });
    const t = Math.floor(NOW.getTime() / 1000);
    const header = `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}`;
    expect(await codeOf(gw.verifyWebhook(body, header, NOW))).toBe('VALIDATION_FAILED');
  });

  it('top-ups answer an account event "ignored" and touch nothing (no event marker, no top-up read)', async () => {
    const gw = g();
    const touched: string[] = [];
    const topups = new Proxy({} as TopupDeps['topups'], {
      get: (_t, name) => () => {
        touched.push(String(name));
        throw new Error(`topups.${String(name)} called`);
      },
    });
    const deps = { clock: { now: () => NOW }, payments: gw, topups } as unknown as TopupDeps;
    const s = gw.signAccountEvent({ account_ref: 'acct_fake_m_1', payouts_ready: true }, NOW);
    expect(await handleWebhook(deps, s.body, s.header)).toEqual({
      event_id: s.event_id,
      type: 'account_updated',
      outcome: 'ignored',
      duplicate: false,
      notice_error: null,
    });
    expect(touched).toEqual([]);
  });
});
