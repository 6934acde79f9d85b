// Top-up routes through app.request() on DynamoDB Local with the fake gateway: who may start and
// read a top-up, the Idempotency-Key rules, amounts, the daily limit, a provider outage, the list
// by elder, the dev checkout page, and the OpenAPI entries.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFakeGateway, type FakeGateway } from '@tmc/payments/fake';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { bearer, json, makeTestApp, phoneToken, staffToken, tableSnapshot } from '../../../../tests/support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let g: FakeGateway;
let family: string;
let elder: { elder_id: string; card_number: string; phone: string };

const errCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
type Started = {
  topup_id: string;
  redirect_url: string | null;
  status: string;
  amount_fen: number;
  amount_points: number;
};

const start = (token: string, body: unknown, key?: string) =>
  t.app.request('/api/topups', bearer(token, json(body, key ? { 'idempotency-key': key } : {})));

const bindFamily = async (phone: string): Promise<string> => {
  const token = await phoneToken(t.app, t.deps, phone, 'family');
  await t.app.request(
    '/api/family/bindings',
    bearer(token, json({ card_number: elder.card_number, relation: '女儿' })),
  );
  const code = (await t.deps.outbox?.latestFor(elder.phone))?.text_zh.match(/(\d{6})/)?.[1] ?? '';
  const ok = await t.app.request(`/api/family/bindings/${elder.elder_id}/confirm`, bearer(token, json({ code })));
  if (ok.status !== 200) throw new Error(`bind: ${ok.status} ${await ok.text()}`);
  return token;
};

beforeEach(async () => {
  t = await makeTestApp({ seedElders: 3 });
  if (!isFakeGateway(t.deps.payments)) throw new Error('tests expect the fake gateway');
  g = t.deps.payments;
  const phone = t.seed?.elderPhones[0] ?? '';
  const rec = await t.deps.elders.get(
    (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone)))[0] ?? '',
  );
  elder = { elder_id: rec?.elder_id ?? '', card_number: rec?.card_number ?? '', phone };
  family = await bindFamily('17000008801');
});

afterEach(async () => {
  expect((await verifyLedger(t.db)).problems).toEqual([]);
});

describe('POST /api/topups', () => {
  it(
    'starts a pending top-up and answers the checkout link; the gateway ' + 'gets amount, currency, methods and a key',
    async () => {
      const res = await start(family, { elder_id: elder.elder_id, amount_fen: 10_000 }, 'key-start-0001');
      expect(res.status).toBe(201);
      const body = (await res.json()) as Started;
      expect(body).toMatchObject({
        status: 'pending',
        amount_fen: 10_000,
        amount_points: 100,
        redirect_url: `/dev/pay/${body.topup_id}`,
      });
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      expect(g.calls.checkouts).toEqual([
        expect.objectContaining({
          amount_fen: 10_000,
          currency: 'cny',
          elder_id: elder.elder_id,
          topup_id: body.topup_id,
          methods: ['card', 'alipay', 'wechat_pay'],
          idempotency_key: `topup_${body.topup_id}`,
        }),
      ]);
    },
  );

  it('passes the one method the family picked', async () => {
    await start(family, { elder_id: elder.elder_id, amount_fen: 500, method: 'wechat_pay' }, 'key-method-001');
    expect(g.calls.checkouts[0]?.methods).toEqual(['wechat_pay']);
  });

  it('needs an Idempotency-Key, and writes nothing without one', async () => {
    const before = await tableSnapshot(t.deps);
    const res = await start(family, { elder_id: elder.elder_id, amount_fen: 10_000 });
    expect(res.status).toBe(400);
    expect(await errCode(res)).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(await tableSnapshot(t.deps)).toEqual(before);
    expect(g.calls.checkouts).toHaveLength(0);
  });

  it('same key + same body: the same top-up, marked as a replay; same key + other body: 409', async () => {
    const a = await start(family, { elder_id: elder.elder_id, amount_fen: 10_000 }, 'key-replay-001');
    const b = await start(family, { elder_id: elder.elder_id, amount_fen: 10_000 }, 'key-replay-001');
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(((await b.json()) as Started).topup_id).toBe(((await a.json()) as Started).topup_id);
    expect(g.calls.checkouts).toHaveLength(1);
    const c = await start(family, { elder_id: elder.elder_id, amount_fen: 20_000 }, 'key-replay-001');
    expect(c.status).toBe(409);
    expect(await errCode(c)).toBe('IDEMPOTENCY_KEY_REUSED');
    // the day total counted the first request once
    expect(await t.deps.topups.startedOn(elder.elder_id, '2026-11-23')).toBe(10_000);
  });

  it.each([
    [{ amount_fen: 150 }, 422, 'TOPUP_AMOUNT_INVALID'], // a remainder of 50 fen would buy no point
    [{ amount_fen: 50 }, 422, 'TOPUP_AMOUNT_INVALID'],
    [{ amount_fen: 100.5 }, 400, 'VALIDATION_FAILED'],
    [{ amount_fen: 0 }, 400, 'VALIDATION_FAILED'],
    [{ amount_fen: 100, method: 'paypal' }, 400, 'VALIDATION_FAILED'],
    [{ amount_fen: 100_100 }, 422, 'TOPUP_DAILY_LIMIT'], // over the whole day's limit on its own
  ])('refuses %o with %i %s', async (over, status, code) => {
    const res = await start(family, { elder_id: elder.elder_id, ...over }, 'key-amounts-01');
    expect(res.status).toBe(status);
    expect(await errCode(res)).toBe(code);
  });

  it(
    'daily limit per elder: top-ups started on one China day total at most ' +
      'the policy max; a failed one gives its share back',
    async () => {
      expect((await start(family, { elder_id: elder.elder_id, amount_fen: 60_000 }, 'key-daily-0001')).status).toBe(
        201,
      );
      const second = await start(family, { elder_id: elder.elder_id, amount_fen: 40_000 }, 'key-daily-0002');
      expect(second.status).toBe(201);
      const over = await start(family, { elder_id: elder.elder_id, amount_fen: 100 }, 'key-daily-0003');
      expect(over.status).toBe(422);
      const e = (await over.json()) as {
        error: { code: string; details: { daily_max_fen: number; started_fen: number } };
      };
      expect(e.error).toMatchObject({
        code: 'TOPUP_DAILY_LIMIT',
        details: { daily_max_fen: 100_000, started_fen: 100_000 },
      });
      // another family member counts against the same elder's day
      const other = await bindFamily('17000008802');
      expect(await errCode(await start(other, { elder_id: elder.elder_id, amount_fen: 100 }, 'key-daily-0004'))).toBe(
        'TOPUP_DAILY_LIMIT',
      );
      // the 40,000 payment fails: its share is free again
      const failed = g.signEvent(
        { type: 'payment.failed', topup_id: ((await second.json()) as Started).topup_id, amount_fen: 40_000 },
        t.clock.now(),
      );
      const hook = await t.app.request('/api/payments/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-signature': failed.header },
        body: failed.body,
      });
      expect(((await hook.json()) as { outcome: string }).outcome).toBe('marked_failed');
      expect((await start(family, { elder_id: elder.elder_id, amount_fen: 40_000 }, 'key-daily-0005')).status).toBe(
        201,
      );
      // the next China day starts from zero (08:00Z + 16h = midnight in Beijing)
      t.clock.advance(16 * 3600_000);
      const again = await phoneToken(t.app, t.deps, '17000008801', 'family'); // the access token expired meanwhile
      expect((await start(again, { elder_id: elder.elder_id, amount_fen: 100_000 }, 'key-daily-0006')).status).toBe(
        201,
      );
    },
  );

  it('a provider outage answers 502 and a retry with the same key finishes the same top-up', async () => {
    g.failNext.checkout = 1;
    const first = await start(family, { elder_id: elder.elder_id, amount_fen: 3_000 }, 'key-outage-001');
    expect(first.status).toBe(502);
    expect(await errCode(first)).toBe('PAYMENT_PROVIDER_FAILED');
    const retry = await start(family, { elder_id: elder.elder_id, amount_fen: 3_000 }, 'key-outage-001');
    expect(retry.status).toBe(201);
    const body = (await retry.json()) as Started;
    expect(body.redirect_url).toBe(`/dev/pay/${body.topup_id}`);
    // both attempts asked for the same checkout
    expect(new Set(g.calls.checkouts.map((c) => c.idempotency_key)).size).toBe(1);
    expect(await t.deps.topups.startedOn(elder.elder_id, '2026-11-23')).toBe(3_000);
  });

  it('a family member not bound to the elder gets 403, and nothing is written', async () => {
    const stranger = await phoneToken(t.app, t.deps, '17000008899', 'family');
    const before = await tableSnapshot(t.deps);
    const res = await start(stranger, { elder_id: elder.elder_id, amount_fen: 10_000 }, 'key-stranger-1');
    expect(res.status).toBe(403);
    expect(await errCode(res)).toBe('FORBIDDEN');
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('a family member unbound since the first attempt gets 403 on the retry, not the payment link', async () => {
    expect((await start(family, { elder_id: elder.elder_id, amount_fen: 1_000 }, 'key-unbound-01')).status).toBe(201);
    expect(
      (await t.app.request(`/api/family/bindings/${elder.elder_id}`, bearer(family, { method: 'DELETE' }))).status,
    ).toBe(200);
    expect((await start(family, { elder_id: elder.elder_id, amount_fen: 1_000 }, 'key-unbound-01')).status).toBe(403);
  });

  it('an unknown elder is 404; the elder and finance cannot start one; staff in scope can', async () => {
    expect(await errCode(await start(family, { elder_id: 'e_NOPE00000000', amount_fen: 100 }, 'key-unknown-01'))).toBe(
      'ELDER_NOT_FOUND',
    );
    const elderToken = await phoneToken(t.app, t.deps, elder.phone, 'elder');
    expect((await start(elderToken, { elder_id: elder.elder_id, amount_fen: 100 }, 'key-elder-0001')).status).toBe(403);
    expect(
      (await start(await staffToken(t.app, 'finance'), { elder_id: elder.elder_id, amount_fen: 100 }, 'key-finance-01'))
        .status,
    ).toBe(403);
    expect(
      (await start(await staffToken(t.app, 'admin'), { elder_id: elder.elder_id, amount_fen: 100 }, 'key-admin-0001'))
        .status,
    ).toBe(201);
  });
});

describe('reading top-ups', () => {
  it(
    'GET one: the payer (with the link), staff in scope (without); another ' + 'family 404, the elder role 403',
    async () => {
      const { topup_id } = (await (
        await start(family, { elder_id: elder.elder_id, amount_fen: 2_000 }, 'key-read-00001')
      ).json()) as Started;
      const mine = await t.app.request(`/api/topups/${topup_id}`, bearer(family));
      expect(mine.status).toBe(200);
      expect(await mine.json()).toMatchObject({
        topup_id,
        status: 'pending',
        amount_points: 20,
        redirect_url: `/dev/pay/${topup_id}`,
      });
      const admin = await t.app.request(`/api/topups/${topup_id}`, bearer(await staffToken(t.app, 'admin')));
      expect(await admin.json()).toMatchObject({ topup_id, redirect_url: null });
      const other = await bindFamily('17000008803'); // bound to the same elder, but did not make it
      expect((await t.app.request(`/api/topups/${topup_id}`, bearer(other))).status).toBe(404);
      expect(
        (await t.app.request(`/api/topups/${topup_id}`, bearer(await phoneToken(t.app, t.deps, elder.phone, 'elder'))))
          .status,
      ).toBe(403);
      expect((await t.app.request('/api/topups/not-an-id', bearer(family))).status).toBe(400);
    },
  );

  it("GET an elder's list: newest first, paged; the elder and bound family see it, a stranger does not", async () => {
    for (let i = 1; i <= 3; i++) {
      await start(family, { elder_id: elder.elder_id, amount_fen: i * 100 }, `key-list-000${i}`);
      t.clock.advance(1_000);
    }
    const p1 = (await (await t.app.request(`/api/elders/${elder.elder_id}/topups?limit=2`, bearer(family))).json()) as {
      items: { amount_fen: number }[];
      cursor: string | null;
    };
    expect(p1.items.map((x) => x.amount_fen)).toEqual([300, 200]);
    expect(p1.cursor).not.toBeNull();
    const p2 = (await (
      await t.app.request(`/api/elders/${elder.elder_id}/topups?limit=2&cursor=${p1.cursor ?? ''}`, bearer(family))
    ).json()) as { items: { amount_fen: number }[]; cursor: string | null };
    expect(p2.items.map((x) => x.amount_fen)).toEqual([100]);
    expect(
      (
        await t.app.request(
          `/api/elders/${elder.elder_id}/topups`,
          bearer(await phoneToken(t.app, t.deps, elder.phone, 'elder')),
        )
      ).status,
    ).toBe(200);
    expect(
      (await t.app.request(`/api/elders/${elder.elder_id}/topups`, bearer(await staffToken(t.app, 'finance')))).status,
    ).toBe(200);
    const stranger = await phoneToken(t.app, t.deps, '17000008898', 'family');
    expect((await t.app.request(`/api/elders/${elder.elder_id}/topups`, bearer(stranger))).status).toBe(403);
  });
});

describe('dev checkout page (fake gateway, not in production)', () => {
  it('shows the three buttons; 重复通知 delivers the same signed event twice and credits once', async () => {
    const { topup_id } = (await (
      await start(family, { elder_id: elder.elder_id, amount_fen: 1_000 }, 'key-devpage-01')
    ).json()) as Started;
    const pageRes = await t.app.request(`/dev/pay/${topup_id}`);
    expect(pageRes.status).toBe(200);
    const html = await pageRes.text();
    for (const label of ['支付成功', '支付失败', '重复通知']) expect(html).toContain(label);
    const twice = await t.app.request(`/dev/pay/${topup_id}/twice`, { method: 'POST' });
    expect(twice.status).toBe(200);
    const result = await twice.text();
    expect(result).toContain('credited');
    expect(result).toContain('重复');
    expect((await t.deps.ledger.account(`wallet:${elder.elder_id}`)).balance_points).toBe(10);
    expect((await t.deps.topups.get(topup_id))?.status).toBe('paid');
    expect((await verifyLedger(t.db)).problems).toEqual([]);
  });
});

describe('OpenAPI', () => {
  it('documents the top-up routes with their error codes', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/topups',
        '/api/topups/{topup_id}',
        '/api/elders/{elder_id}/topups',
        '/api/payments/webhook',
        '/api/topups/{topup_id}/refund',
      ]),
    );
    expect(doc.paths['/api/payments/webhook']?.post?.responses['400']?.description).toContain('WEBHOOK_STALE');
    expect(doc.paths['/api/topups']?.post?.responses['422']?.description).toContain('TOPUP_DAILY_LIMIT');
    expect(doc.paths['/dev/pay/{topup_id}']).toBeUndefined();
  });
});
