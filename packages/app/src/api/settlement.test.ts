// Settlement through HTTP, by role and scope: finance runs, reviews and pays (bank batch + result
// file, Stripe transfer with failure, retry and a lost response); a street officer reads only its
// street; a merchant only its own statements; everyone else is refused. Ledger verified after each.
import { beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { capture, credit, hold } from '@tmc/core/ledger/service';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import type { FakeGateway } from '@tmc/payments/fake';
import type { Merchant } from '@tmc/core/merchants/model';
import { runJob } from '../compose/jobs';
import type { Notice } from '@tmc/core/notices/ports';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let finance: string;
let xicheng: string; // street officer of zengdu.xicheng
let inStreet: Merchant; // a shop in xicheng
let outside: Merchant; // a shop in another street
const phones = new Map<string, string>();
const sent: Notice[] = [];

type St = { statement_id: string; statement_no: string; status: string; total_points: number; amount_fen: number };
const get = async <T>(path: string, token: string) => {
  const r = await t.app.request(path, bearer(token));
  return { status: r.status, body: (await r.json()) as T };
};
const post = async <T>(path: string, token: string, body: unknown = {}) => {
  const r = await t.app.request(path, bearer(token, json(body)));
  return { status: r.status, body: (await r.json()) as T };
};
const verifyOk = async () => expect((await verifyLedger(t.db)).problems).toEqual([]);
const shopToken = (m: Merchant) => phoneToken(t.app, t.deps, phones.get(m.merchant_id) ?? '', 'merchant');

let n = 0;
/** A completed service worth `points` at `m` (hold then capture, as an order's completion does). */
const captureAt = async (m: Merchant, points: number) => {
  const phone = t.seed?.elderPhones[n % 4] ?? '';
  const elder_id = (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone)))[0] ?? '';
  await credit(t.deps, {
    entry_id: `test:settle-points:${n}`,
    kind: 'adjustment',
    elder_id,
    amount_points: points,
    from: 'adjustments',
    source: 'top_up',
    subsidy: false,
    expires_on: NEVER_EXPIRES,
    reason: 't',
    actor: 'test',
    policy_version: null,
  });
  const hold_id = `o_settletest${String(n++).padStart(6, '0')}`;
  await hold(t.deps, {
    hold_id,
    elder_id,
    amount_points: points,
    category: 'barber',
    subsidy_allowed: true,
    per_order_max: null,
    per_month_max: null,
    expires_at: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
    actor: 't',
    reason: 't',
  });
  await capture(t.deps, {
    hold_id,
    amount_points: points,
    merchant_id: m.merchant_id,
    actor: 't',
    reason: 't',
    policy_version: 1,
  });
};

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 8, merchants: true });
  t.clock.set('2026-11-10T02:00:00Z');
  t.deps.jobs = { start: async () => undefined }; // started jobs are run by hand below, to their end
  const real = t.deps.notifier;
  t.deps.notifier = {
    send: async (n) => {
      sent.push(n);
      await real.send(n);
    },
  };
  const shops = (await t.deps.merchants.byStatus('approved', 100)).items;
  inStreet = shops.find((m) => m.community_code.startsWith('zengdu.xicheng.')) as Merchant;
  outside = shops.find((m) => !m.community_code.startsWith('zengdu.xicheng.')) as Merchant;
  for (let i = 0; i < 36; i++) {
    const phone = `1700002${String(i).padStart(4, '0')}`;
    const acct = await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone));
    if (acct) phones.set(acct.account_id, phone);
  }
  await captureAt(inStreet, 30);
  await captureAt(inStreet, 20);
  await captureAt(outside, 40);
  t.clock.set('2026-11-30T17:00:00Z'); // 01:00 on 1 December in Suizhou: November has closed
  finance = await staffToken(t.app, 'finance');
  xicheng = await staffToken(t.app, 'xicheng');
}, 180_000);

describe('settlement runs', () => {
  it('refuses a period that has not closed, then settles it once however often it is started', async () => {
    const early = await post<{ error: { code: string } }>('/api/settlement/runs', finance, { period: '2026-12' });
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'PERIOD_NOT_CLOSED' } } });
    for (let i = 0; i < 3; i++) {
      expect((await post('/api/settlement/runs', finance, { period: '2026-11', resume: i > 0 })).status).toBe(202);
      await runJob(t.deps, { job: 'settlement', period: '2026-11', resume: i > 0 }); // what the started job does
    }
    const list = await get<{ items: St[] }>('/api/settlement/statements?status=issued', finance);
    const mine = list.body.items.filter((s) =>
      [inStreet.merchant_id, outside.merchant_id].some((m) => s.statement_id.endsWith(m)),
    );
    expect(mine.map((s) => s.total_points).sort()).toEqual([40, 50]);
    expect(mine.find((s) => s.total_points === 50)?.amount_fen).toBe(5000);
    // each shop told once that its statement was issued, however many runs
    const issued = sent.filter(
      (n) => n.template === 'statement_issued' && n.to_phone === phones.get(inStreet.merchant_id),
    );
    expect(issued).toHaveLength(1);
    await verifyOk();
  });
});

describe('who sees what', () => {
  it('a street officer lists only its street, and another street’s statement is not found', async () => {
    const list = await get<{ items: St[] }>('/api/settlement/statements?status=issued', xicheng);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(
      list.body.items.every(
        (s) => s.statement_id.includes(inStreet.merchant_id) || !s.statement_id.includes(outside.merchant_id),
      ),
    ).toBe(true);
    const other = await get<{ error: { code: string } }>(
      `/api/settlement/statements/st_2026-11_${outside.merchant_id}`,
      xicheng,
    );
    expect(other).toMatchObject({ status: 404, body: { error: { code: 'STATEMENT_NOT_FOUND' } } });
    const own = await get<{ statement: St; lines: unknown[] }>(
      `/api/settlement/statements/st_2026-11_${inStreet.merchant_id}`,
      xicheng,
    );
    expect(own.status).toBe(200);
    expect(own.body.lines).toHaveLength(2);
  });

  it('officers may read but not act; elders, families and shops are refused the finance routes', async () => {
    const id = `st_2026-11_${inStreet.merchant_id}`;
    expect((await post(`/api/settlement/statements/${id}/approve`, xicheng)).status).toBe(403);
    const elder = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
    const shop = await shopToken(inStreet);
    for (const tok of [elder, shop]) {
      expect((await get(`/api/settlement/statements/${id}`, tok)).status).toBe(403);
      expect((await get('/api/settlement/aging', tok)).status).toBe(403);
      expect((await post(`/api/settlement/statements/${id}/approve`, tok)).status).toBe(403);
    }
    expect((await t.app.request('/api/settlement/aging')).status).toBe(401);
  });

  it('a shop sees its own statements and its orders; another shop’s is not found', async () => {
    const shop = await shopToken(inStreet);
    const list = await get<{ items: St[] }>('/api/merchant/statements', shop);
    expect(list.body.items.map((s) => s.statement_id)).toEqual([`st_2026-11_${inStreet.merchant_id}`]);
    const other = await get(`/api/merchant/statements/st_2026-11_${outside.merchant_id}`, shop);
    expect(other.status).toBe(404);
    const file = await t.app.request(
      `/api/merchant/statements/st_2026-11_${inStreet.merchant_id}/file?encoding=gbk`,
      bearer(shop),
    );
    const text = iconv.decode(Buffer.from(await file.arrayBuffer()), 'gbk');
    expect(text).toContain('JS202611-');
    expect(text).toContain('合计');
  });
});

describe('review', () => {
  it('20 approvals at once: one wins, the others get 409 with the state, and one audit record', async () => {
    const id = `st_2026-11_${outside.merchant_id}`;
    const all = await Promise.all(
      Array.from({ length: 20 }, () => post(`/api/settlement/statements/${id}/approve`, finance)),
    );
    expect(all.filter((r) => r.status === 200)).toHaveLength(1);
    expect(all.filter((r) => r.status === 409)).toHaveLength(19);
    const audit = await t.deps.audit.listBySubject(`statement:${id}`, 50);
    expect(audit.items.filter((a) => a.action === 'statement.approve')).toHaveLength(1);
  });

  it('a statement sent back with a reason can be resubmitted, then approved', async () => {
    const id = `st_2026-11_${inStreet.merchant_id}`;
    const back = await post<{ statement: { status: string; returned_reason: string } }>(
      `/api/settlement/statements/${id}/return`,
      finance,
      { reason: '订单数与台账不符，请核对' },
    );
    expect(back.body.statement).toMatchObject({ status: 'returned', returned_reason: '订单数与台账不符，请核对' });
    expect((await post(`/api/settlement/statements/${id}/approve`, finance)).status).toBe(409);
    expect((await post(`/api/settlement/statements/${id}/resubmit`, finance)).status).toBe(200);
    expect((await post(`/api/settlement/statements/${id}/approve`, finance)).status).toBe(200);
  });
});

describe('payout by bank', () => {
  it('batch, GBK file, result upload: paid once, the shop sees it paid, settling moved to paid', async () => {
    const id = `st_2026-11_${inStreet.merchant_id}`;
    const noPayee = await post<{ error: { code: string } }>('/api/settlement/batches', finance, {
      statement_ids: [id],
    });
    expect(noPayee.status).toBe(201); // made, but nothing moves without bank details
    expect((noPayee.body as unknown as { statements: unknown[] }).statements).toHaveLength(0);
    const put = await t.app.request(
      `/api/merchants/${inStreet.merchant_id}/payee`,
      bearer(finance, {
        ...json({ payee_name: '张三理发店', bank_name: '中国工商银行随州分行', account_no: '6222 0218 0700 0012 345' }),
        method: 'PUT',
      }),
    );
    expect(put.status).toBe(200);
    expect(sent.filter((n) => n.template === 'payee_changed').map((n) => n.to_phone)).toEqual([
      phones.get(inStreet.merchant_id),
    ]);
    expect(JSON.stringify(await put.json())).not.toContain('6222021807000012345');
    const batch = await post<{ batch: { batch_id: string }; statements: St[] }>('/api/settlement/batches', finance, {
      statement_ids: [id],
    });
    expect(batch.body.statements.map((s) => s.status)).toEqual(['paying']);
    const file = await t.app.request(
      `/api/settlement/batches/${batch.body.batch.batch_id}/file?encoding=gbk`,
      bearer(finance),
    );
    const text = iconv.decode(Buffer.from(await file.arrayBuffer()), 'gbk');
    expect(text).toContain('6222021807000012345');
    expect(text).toContain('50.00');
    const no = text.split('\n')[1]?.split(',')[5] ?? '';
    expect(no).toMatch(/^JS202611-/);
    const result = iconv.encode(
      `结算单号,状态,银行流水号\r\n${no},成功,ICBC0001\r\nJS202611-nobody00-001,成功,X\r\n`,
      'gbk',
    );
    const upload = async () =>
      (
        await t.app.request(
          `/api/settlement/batches/${batch.body.batch.batch_id}/results`,
          bearer(finance, { method: 'POST', body: new Uint8Array(result), headers: { 'content-type': 'text/csv' } }),
        )
      ).json() as Promise<{ lines: { result: string; code?: string }[] }>;
    const first = await upload();
    expect(first.lines.map((l) => l.result)).toEqual(['paid', 'error']);
    const again = await upload(); // the same file twice changes nothing
    expect(again.lines[0]?.result).toBe('paid');
    const shop = await shopToken(inStreet);
    const mine = await get<{ items: (St & { paid_at: string; payout: { ref: string } })[] }>(
      '/api/merchant/statements',
      shop,
    );
    expect(mine.body.items[0]).toMatchObject({ status: 'paid', payout: { ref: 'ICBC0001' } });
    const payouts = await t.app.request('/api/settlement/payouts.csv?encoding=gbk', bearer(finance));
    const ptext = iconv.decode(Buffer.from(await payouts.arrayBuffer()), 'gbk');
    expect(ptext).toContain('ICBC0001');
    expect(ptext).toContain(',2345,'); // the account's last four digits, never the number
    expect(ptext).not.toContain('6222021807000012345');
    expect((await t.deps.ledger.account(`paid:${inStreet.merchant_id}`)).balance_points).toBe(50);
    expect((await t.deps.ledger.account(`settling:${inStreet.merchant_id}`)).balance_points).toBe(0);
    await verifyOk();
  });
});

describe('payout by Stripe', () => {
  it('not ready is refused; a refusal is retried; a lost response is retried with its key; one transfer', async () => {
    const gw = t.deps.payments as FakeGateway;
    const shop = await shopToken(outside);
    const link = await post<{ url: string }>('/api/merchant/payee/stripe-onboarding', shop);
    expect(link.body.url).toContain('acct_fake_');
    const id = `st_2026-11_${outside.merchant_id}`;
    const early = await post<{ error: { code: string } }>(`/api/settlement/statements/${id}/pay`, finance);
    expect(early.body.error.code).toBe('PAYOUT_ACCOUNT_NOT_READY');
    const ev = gw.signAccountEvent(
      { account_ref: `acct_fake_${outside.merchant_id}`, payouts_ready: true },
      t.clock.now(),
    );
    const hook = await t.app.request('/api/payments/webhook', {
      method: 'POST',
      body: ev.body,
      headers: { 'content-type': 'application/json', [gw.signature_header]: ev.header },
    });
    expect(((await hook.json()) as { outcome: string }).outcome).toBe('payee_updated');
    gw.failTransfers(1);
    const refused = await post<{ statement: { status: string; payout: { failure: { code: string } } } }>(
      `/api/settlement/statements/${id}/pay`,
      finance,
    );
    expect(refused.body.statement).toMatchObject({
      status: 'payout_failed',
      payout: { failure: { code: 'balance_insufficient' } },
    });
    gw.loseNextTransferResponse();
    const lost = await post(`/api/settlement/statements/${id}/pay`, finance);
    expect(lost.status).toBeGreaterThanOrEqual(500);
    expect((await get<{ statement: St }>(`/api/settlement/statements/${id}`, finance)).body.statement.status).toBe(
      'paying',
    );
    const retried = await post<{ statement: { status: string; payout: { ref: string } } }>(
      `/api/settlement/statements/${id}/pay`,
      finance,
    );
    expect(retried.body.statement.status).toBe('paid');
    const paidTo = gw.transfers().filter((x) => x.statement_id === id);
    expect(paidTo).toHaveLength(1);
    expect(retried.body.statement.payout.ref).toBe(paidTo[0]?.transfer_ref);
    await verifyOk();
  });
});

describe('late payment made visible', () => {
  it('the aging list puts the oldest first with bucket totals; owed at a date comes from the ledger', async () => {
    const aging = await get<{ buckets: { key: string; count: number }[]; rows: St[] }>(
      '/api/settlement/aging',
      finance,
    );
    expect(aging.status).toBe(200);
    expect(aging.body.buckets.map((b) => b.key)).toEqual(['0-15', '16-30', '31-60', '60+']);
    const before = await get<{ points: number }>('/api/settlement/owed?at=2026-11-30T00:00:00.000Z', finance);
    expect(before.body.points).toBeGreaterThanOrEqual(90);
  });
});
