// Family top-up end to end on DynamoDB Local with the fake gateway, through app.request(): the
// money paths. Points are credited once however the webhook arrives (twice, as two different
// events, concurrently); unsigned, tampered or stale notifications change nothing; a refund
// returns only unspent points, once, and calls the provider once. The ledger verifies after each.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hold, release } from '@tmc/core/ledger/service';
import { isFakeGateway, type FakeEventType, type FakeGateway } from '@tmc/payments/fake';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { bearer, json, makeTestApp, phoneToken, staffToken, tableSnapshot } from '../support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let g: FakeGateway;
let family: string;
let finance: string;
let elder: { elder_id: string; card_number: string; phone: string };
const FAMILY_PHONE = '17000007701';

const errCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const wallet = async () => (await t.deps.ledger.account(`wallet:${elder.elder_id}`)).balance_points;
type TopupView = {
  topup_id: string;
  status: string;
  amount_points: number;
  refunded_points: number;
  refunded_fen: number;
  refund_confirmed: boolean;
};

const startTopup = async (amount_fen: number, key: string): Promise<string> => {
  const res = await t.app.request(
    '/api/topups',
    bearer(family, json({ elder_id: elder.elder_id, amount_fen }, { 'idempotency-key': key })),
  );
  if (res.status !== 201) throw new Error(`start: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { topup_id: string }).topup_id;
};

const postWebhook = (body: string, header?: string) =>
  t.app.request('/api/payments/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header ? { 'x-fake-signature': header } : {}) },
    body,
  });

const deliver = async (
  type: FakeEventType,
  topup_id: string,
  amount_fen: number,
  opts: { event_id?: string; at?: Date } = {},
) => {
  const s = g.signEvent(
    { type, topup_id, amount_fen, ...(opts.event_id ? { event_id: opts.event_id } : {}) },
    opts.at ?? t.clock.now(),
  );
  const res = await postWebhook(s.body, s.header);
  return { status: res.status, body: (await res.json()) as { duplicate: boolean; outcome: string }, signed: s };
};

const refund = (topup_id: string, key: string | null, reason = '家属申请退款', token = finance) =>
  t.app.request(
    `/api/topups/${topup_id}/refund`,
    bearer(token, json({ reason }, key ? { 'idempotency-key': key } : {})),
  );

const spend = (hold_id: string, amount_points: number) =>
  hold(t.deps, {
    hold_id,
    elder_id: elder.elder_id,
    amount_points,
    category: 'barber',
    subsidy_allowed: false,
    per_order_max: null,
    per_month_max: null,
    expires_at: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
    actor: 'test',
    reason: '理发',
  });

beforeEach(async () => {
  t = await makeTestApp({ seedElders: 3 });
  if (!isFakeGateway(t.deps.payments)) throw new Error('tests expect the fake gateway');
  g = t.deps.payments;
  const phone = t.seed?.elderPhones[0] ?? '';
  const rec = await t.deps.elders.get(
    (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone)))[0] ?? '',
  );
  elder = { elder_id: rec?.elder_id ?? '', card_number: rec?.card_number ?? '', phone };
  family = await phoneToken(t.app, t.deps, FAMILY_PHONE, 'family');
  await t.app.request(
    '/api/family/bindings',
    bearer(family, json({ card_number: elder.card_number, relation: '儿子' })),
  );
  const code = (await t.deps.outbox?.latestFor(phone))?.text_zh.match(/(\d{6})/)?.[1] ?? '';
  expect(
    (await t.app.request(`/api/family/bindings/${elder.elder_id}/confirm`, bearer(family, json({ code })))).status,
  ).toBe(200);
  finance = await staffToken(t.app, 'finance');
});

afterEach(async () => {
  expect((await verifyLedger(t.db)).problems).toEqual([]);
});

describe('webhook credits exactly once', () => {
  it(
    'happy path: start -> paid webhook -> points credited, top-up paid, ' +
      'family and elder told (masked, no secrets)',
    async () => {
      const id = await startTopup(10_000, 'int-happy-0001');
      expect(await wallet()).toBe(0);
      const r = await deliver('payment.succeeded', id, 10_000);
      expect(r).toMatchObject({ status: 200, body: { duplicate: false, outcome: 'credited' } });
      expect(await wallet()).toBe(100);
      const lots = await t.deps.ledger.lots(`wallet:${elder.elder_id}`);
      expect(lots).toEqual([
        expect.objectContaining({
          lot_id: `topup:${id}`,
          source: 'top_up',
          subsidy: false,
          remaining_points: 100,
          expires_on: '9999-12-31',
        }),
      ]);
      const entry = await t.deps.ledger.entry(`topup:${id}`);
      expect(entry).toMatchObject({ kind: 'top_up', actor: expect.stringMatching(/^family:f_/) });
      expect(entry?.postings.find((p) => p.account.startsWith('topup_clearing:'))?.amount_points).toBe(-100);
      const view = (await (await t.app.request(`/api/topups/${id}`, bearer(family))).json()) as TopupView;
      expect(view).toMatchObject({ status: 'paid', amount_points: 100 });
      const toFamily = await t.deps.outbox?.latestFor(FAMILY_PHONE);
      expect(toFamily?.text_zh).toContain('¥100.00');
      expect(toFamily?.text_zh).toMatch(/充值 ¥100\.00 已到账，共 100 积分/);
      const toElder = await t.deps.outbox?.latestFor(elder.phone);
      expect(toElder?.text_zh).toContain('100 积分已到账');
      for (const m of [toFamily?.text_zh ?? '', toElder?.text_zh ?? ''])
        expect(m).not.toMatch(/fake_|secret|t_[0-9a-f]{32}/);
    },
  );

  it('the same webhook delivered twice: 200 both times, the second a duplicate that changes nothing', async () => {
    const id = await startTopup(5_000, 'int-twice-00001');
    const first = await deliver('payment.succeeded', id, 5_000);
    const before = await tableSnapshot(t.deps);
    const again = await postWebhook(first.signed.body, first.signed.header);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ received: true, duplicate: true });
    expect(await tableSnapshot(t.deps)).toEqual(before);
    expect(await wallet()).toBe(50);
  });

  it('two different events for the same payment credit once (the entry id is the top-up)', async () => {
    const id = await startTopup(5_000, 'int-twoevents-1');
    expect((await deliver('payment.succeeded', id, 5_000, { event_id: 'evt_completed' })).body.outcome).toBe(
      'credited',
    );
    const second = await deliver('payment.succeeded', id, 5_000, { event_id: 'evt_async_succeeded' });
    expect(second).toMatchObject({ status: 200, body: { duplicate: false, outcome: 'already_credited' } });
    expect(await wallet()).toBe(50);
    const history = await t.deps.ledger.history(`wallet:${elder.elder_id}`, 10);
    expect(history.items.filter((l) => l.kind === 'top_up')).toHaveLength(1);
  });

  it('concurrent deliveries (the same event and different events) still credit once', async () => {
    const id = await startTopup(8_000, 'int-concurrent1');
    const same = g.signEvent(
      { type: 'payment.succeeded', topup_id: id, amount_fen: 8_000, event_id: 'evt_same' },
      t.clock.now(),
    );
    const others = Array.from({ length: 4 }, (_, i) =>
      g.signEvent(
        { type: 'payment.succeeded', topup_id: id, amount_fen: 8_000, event_id: `evt_other_${i}` },
        t.clock.now(),
      ),
    );
    const all = await Promise.all([same, same, same, ...others].map((s) => postWebhook(s.body, s.header)));
    expect(all.map((r) => r.status)).toEqual(Array(7).fill(200));
    expect(await wallet()).toBe(80);
    expect((await t.deps.topups.get(id))?.status).toBe('paid');
  });

  it('a failed payment credits nothing; a late success for it still credits once', async () => {
    const id = await startTopup(3_000, 'int-failed-0001');
    expect((await deliver('payment.failed', id, 3_000)).body.outcome).toBe('marked_failed');
    expect(await wallet()).toBe(0);
    expect((await t.deps.topups.get(id))?.status).toBe('failed');
    expect(await t.deps.topups.startedOn(elder.elder_id, '2026-11-23')).toBe(0);
    expect((await deliver('payment.succeeded', id, 3_000)).body.outcome).toBe('credited');
    expect(await wallet()).toBe(30);
    expect(await t.deps.topups.startedOn(elder.elder_id, '2026-11-23')).toBe(3_000); // money that moved counts again
  });

  it('an amount that does not match, or an unknown top-up, is acknowledged and never credited', async () => {
    const id = await startTopup(3_000, 'int-mismatch-01');
    expect((await deliver('payment.succeeded', id, 300)).body.outcome).toBe('amount_mismatch');
    expect((await deliver('payment.succeeded', `t_${'0'.repeat(32)}`, 3_000)).body.outcome).toBe('unknown_topup');
    expect(await wallet()).toBe(0);
    expect((await t.deps.topups.get(id))?.status).toBe('pending');
  });
});

describe('bad webhooks: 400 and nothing changes', () => {
  it.each([
    [
      'unsigned',
      (s: { body: string; header: string }) => ({ body: s.body, header: undefined }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
    [
      'tampered body',
      (s: { body: string; header: string }) => ({
        body: s.body.replace('"amount_fen":5000', '"amount_fen":500000'),
        header: s.header,
      }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
    [
      'forged signature',
      (s: { body: string; header: string }) => ({
        body: s.body,
        header: `${s.header.slice(0, -1)}${s.header.endsWith('0') ? '1' : '0'}`,
      }),
      'WEBHOOK_SIGNATURE_INVALID',
    ],
  ])('%s', async (_n, mutate, code) => {
    const id = await startTopup(5_000, 'int-badhook-001');
    const s = g.signEvent({ type: 'payment.succeeded', topup_id: id, amount_fen: 5_000 }, t.clock.now());
    const before = await tableSnapshot(t.deps);
    const bad = mutate(s);
    const res = await postWebhook(bad.body, bad.header);
    expect(res.status).toBe(400);
    expect(await errCode(res)).toBe(code);
    expect(await tableSnapshot(t.deps)).toEqual(before);
    expect(await wallet()).toBe(0);
  });

  it('stale: a genuine event signed 6 minutes ago (a replay) is refused', async () => {
    const id = await startTopup(5_000, 'int-stale-00001');
    const before = await tableSnapshot(t.deps);
    const s = g.signEvent(
      { type: 'payment.succeeded', topup_id: id, amount_fen: 5_000 },
      new Date(t.clock.now().getTime() - 6 * 60_000),
    );
    const res = await postWebhook(s.body, s.header);
    expect(res.status).toBe(400);
    expect(await errCode(res)).toBe('WEBHOOK_STALE');
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('a processed event replayed later than the tolerance is refused as stale, not re-applied', async () => {
    const id = await startTopup(5_000, 'int-stale-00002');
    const first = await deliver('payment.succeeded', id, 5_000);
    t.clock.advance(10 * 60_000);
    const before = await tableSnapshot(t.deps);
    const res = await postWebhook(first.signed.body, first.signed.header);
    expect(await errCode(res)).toBe('WEBHOOK_STALE');
    expect(await tableSnapshot(t.deps)).toEqual(before);
    expect(await wallet()).toBe(50);
  });
});

describe('refunds', () => {
  it(
    'an untouched top-up: all points back, the provider called once, ' + 'retries replay, other keys find nothing left',
    async () => {
      const id = await startTopup(10_000, 'int-refund-0001');
      await deliver('payment.succeeded', id, 10_000);
      expect(await wallet()).toBe(100);
      const res = await refund(id, 'rf-key-000001');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'refunded',
        refunded_points: 100,
        refunded_fen: 10_000,
        refund_confirmed: false,
      });
      expect(await wallet()).toBe(0);
      expect(g.calls.refunds).toEqual([
        { idempotency_key: `refund_${id}`, provider_ref: `fake_pi_${id}`, amount_fen: 10_000, topup_id: id },
      ]);
      // the same request again: the first answer, marked as a replay; nothing new at the provider or in the ledger
      const before = await tableSnapshot(t.deps);
      const again = await refund(id, 'rf-key-000001');
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await again.json()).toMatchObject({ refunded_points: 100 });
      expect(await tableSnapshot(t.deps)).toEqual(before);
      expect(g.calls.refunds).toHaveLength(1);
      // a new key: nothing left; the old key with another body: refused
      expect(await errCode(await refund(id, 'rf-key-000002'))).toBe('TOPUP_NOTHING_TO_REFUND');
      expect(await errCode(await refund(id, 'rf-key-000001', 'another reason'))).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(g.calls.refunds).toHaveLength(1);
      // the provider confirms; the refund entry is in the ledger once
      expect((await deliver('refund.succeeded', id, 10_000)).body.outcome).toBe('refund_confirmed');
      expect(
        ((await (await t.app.request(`/api/topups/${id}`, bearer(finance))).json()) as TopupView).refund_confirmed,
      ).toBe(true);
      expect(
        (await t.deps.ledger.entry(`refund:${id}`))?.postings.find((p) => p.account.startsWith('refunds:'))
          ?.amount_points,
      ).toBe(100);
      // audited
      const audit = (await (
        await t.app.request(`/api/elders/${elder.elder_id}/audit`, bearer(await staffToken(t.app, 'admin')))
      ).json()) as { items: { action: string }[] };
      expect(audit.items.filter((a) => a.action === 'topup.refund')).toHaveLength(1);
    },
  );

  it(
    'after spending part: only the rest is refunded; spent points stay ' + 'spent; the wallet never goes negative',
    async () => {
      const id = await startTopup(10_000, 'int-refund-0002');
      await deliver('payment.succeeded', id, 10_000);
      await spend('h_part_0001', 30);
      expect(await wallet()).toBe(70);
      const res = await refund(id, 'rf-key-000003');
      expect(await res.json()).toMatchObject({ refunded_points: 70, refunded_fen: 7_000 });
      expect(await wallet()).toBe(0);
      expect(g.calls.refunds.map((r) => r.amount_fen)).toEqual([7_000]);
      // the order is later cancelled: its 30 points come back to the elder (they were not refunded)
      await release(t.deps, { hold_id: 'h_part_0001', why: 'cancelled', actor: 'test' });
      expect(await wallet()).toBe(30);
      expect(await errCode(await refund(id, 'rf-key-000004'))).toBe('TOPUP_NOTHING_TO_REFUND');
      expect(await wallet()).toBe(30);
    },
  );

  it('everything spent: TOPUP_NOTHING_TO_REFUND, no provider call, nothing written', async () => {
    const id = await startTopup(2_000, 'int-refund-0003');
    await deliver('payment.succeeded', id, 2_000);
    await spend('h_all_00001', 20);
    const before = await tableSnapshot(t.deps);
    const res = await refund(id, 'rf-key-000005');
    expect(res.status).toBe(409);
    expect(await errCode(res)).toBe('TOPUP_NOTHING_TO_REFUND');
    expect(g.calls.refunds).toHaveLength(0);
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it(
    'a provider failure after the points left: 502, and a retry finishes ' +
      'the same refund without taking points twice',
    async () => {
      const id = await startTopup(4_000, 'int-refund-0004');
      await deliver('payment.succeeded', id, 4_000);
      g.failNext.refund = 1;
      const first = await refund(id, 'rf-key-000006');
      expect(first.status).toBe(502);
      expect(await wallet()).toBe(0); // the ledger side is done and recorded under the key
      const retry = await refund(id, 'rf-key-000006');
      expect(retry.status).toBe(200);
      expect(await retry.json()).toMatchObject({ status: 'refunded', refunded_points: 40, refunded_fen: 4_000 });
      // the provider de-duplicates the two calls
      expect(new Set(g.calls.refunds.map((r) => r.idempotency_key))).toEqual(new Set([`refund_${id}`]));
      expect(await wallet()).toBe(0);
    },
  );

  it(
    '30 parallel refunds with different keys: one 200, every other 409 ' +
      'TOPUP_NOTHING_TO_REFUND; the provider called once; one audit record',
    async () => {
      const id = await startTopup(5_000, 'int-refund-par1');
      await deliver('payment.succeeded', id, 5_000);
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => refund(id, `rf-par-key-${String(i).padStart(4, '0')}`)),
      );
      const out = await Promise.all(
        answers.map(async (r) => ({
          status: r.status,
          body: (await r.json()) as { refunded_points?: number; error?: { code: string } },
        })),
      );
      expect(out.filter((o) => o.status === 200).map((o) => o.body.refunded_points)).toEqual([50]);
      expect(out.filter((o) => o.status !== 200).map((o) => `${o.status} ${o.body.error?.code}`)).toEqual(
        Array.from({ length: 29 }, () => '409 TOPUP_NOTHING_TO_REFUND'),
      );
      expect(g.calls.refunds).toHaveLength(1);
      expect(await wallet()).toBe(0);
      const audit = await t.deps.audit.listBySubject(`elder:${elder.elder_id}`, 100);
      expect(audit.items.filter((a) => a.action === 'topup.refund')).toHaveLength(1);
    },
  );

  it(
    '30 parallel refunds with one key: all 200 with the one refund, all but ' +
      'one marked as replays; one audit record',
    async () => {
      const id = await startTopup(5_000, 'int-refund-par2');
      await deliver('payment.succeeded', id, 5_000);
      const answers = await Promise.all(Array.from({ length: 30 }, () => refund(id, 'rf-one-key-0001')));
      expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 200));
      expect(answers.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
      const bodies = await Promise.all(answers.map(async (r) => (await r.json()) as { refunded_points: number }));
      expect(new Set(bodies.map((b) => b.refunded_points))).toEqual(new Set([50]));
      // any repeat is de-duplicated by the provider
      expect(new Set(g.calls.refunds.map((r) => r.idempotency_key))).toEqual(new Set([`refund_${id}`]));
      expect(await wallet()).toBe(0);
      const audit = await t.deps.audit.listBySubject(`elder:${elder.elder_id}`, 100);
      expect(audit.items.filter((a) => a.action === 'topup.refund')).toHaveLength(1);
    },
  );

  it(
    'the refund entry cannot be reversed: 422 ENTRY_NOT_REVERSIBLE, the ' +
      "refunded points stay gone (so do the top-up's)",
    async () => {
      const id = await startTopup(5_000, 'int-refund-rev1');
      await deliver('payment.succeeded', id, 5_000);
      expect((await refund(id, 'rf-rev-key-0001')).status).toBe(200);
      expect(await wallet()).toBe(0);
      const admin = await staffToken(t.app, 'admin');
      for (const entry of [`refund:${id}`, `topup:${id}`]) {
        const res = await t.app.request(
          `/api/ledger/entries/${encodeURIComponent(entry)}/reverse`,
          bearer(admin, json({ reason: '误操作' }, { 'idempotency-key': `rev-${entry.slice(0, 6)}-0001` })),
        );
        expect(res.status).toBe(422);
        expect(await errCode(res)).toBe('ENTRY_NOT_REVERSIBLE');
      }
      expect(await wallet()).toBe(0);
    },
  );

  it('refund needs a paid top-up, an Idempotency-Key, and an admin or finance officer', async () => {
    const id = await startTopup(1_000, 'int-refund-0005');
    expect(await errCode(await refund(id, 'rf-key-000007'))).toBe('TOPUP_NOT_PAID');
    await deliver('payment.succeeded', id, 1_000);
    expect(await errCode(await refund(id, null))).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect((await refund(id, 'rf-key-000008', '家属申请退款', family)).status).toBe(403);
    expect((await refund(id, 'rf-key-000009', '家属申请退款', await staffToken(t.app, 'zengdu'))).status).toBe(403);
    expect(await errCode(await refund(`t_${'f'.repeat(32)}`, 'rf-key-000010'))).toBe('TOPUP_NOT_FOUND');
    expect(await wallet()).toBe(10);
    expect((await refund(id, 'rf-key-000011', '家属申请退款', await staffToken(t.app, 'admin'))).status).toBe(200);
    expect(await wallet()).toBe(0);
  });
});
