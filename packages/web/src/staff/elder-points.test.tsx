// An elder's points, orders and top-ups pages against DynamoDB Local: who may open them (roles and
// street scope as in the API), freeze and unfreeze with a reason (inline errors, audited once, "last
// change" shown), a reversal that happens once however often one form is sent, the history CSV, the
// orders list, and a finance refund of a paid top-up from the page.
import { beforeAll, describe, expect, it } from 'vitest';
import { credit } from '@tmc/core/ledger/service';
import { startTopup } from '@tmc/core/topups/service';
import { policyNow } from '@tmc/app/public';
import { seedDemoDispute } from '@tmc/local/demo/disputes';
import { Client, hidden, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let street: Client; // 西城街道
let finance: Client;
let inStreet = ''; // the demo dispute's elder, in 西城街道
let outside = ''; // an elder in 东城街道
let orderId = '';

const AWARD = 'test:award-for-reversal';

beforeAll(async () => {
  site = await makeSite({ elders: 20, at: '2026-11-23T02:00:00Z' });
  orderId = (await seedDemoDispute(site.deps)) ?? '';
  inStreet = (await site.deps.orders.get(orderId))?.elder_id ?? '';
  outside = (await site.deps.elders.listByCommunity('zengdu.dongcheng.qingnian', 1)).items[0]?.elder_id ?? '';
  await credit(site.deps, {
    entry_id: AWARD,
    kind: 'adjustment',
    elder_id: inStreet,
    amount_points: 40,
    from: 'adjustments',
    source: 'award',
    subsidy: true,
    expires_on: '2027-12-31',
    reason: '测试奖励',
    actor: 'system:test',
    policy_version: null,
  });
  [admin, street, finance] = (await Promise.all(['admin', 'xicheng', 'finance'].map((u) => signInStaff(site, u)))) as [
    Client,
    Client,
    Client,
  ];
}, 400_000); // the seed on a loaded machine

const balance = async (id: string) => (await site.deps.ledger.account(`wallet:${id}`)).balance_points;
const audits = async (subject: string, action: string) =>
  (await site.deps.audit.listBySubject(subject, 100)).items.filter((a) => a.action === action);

describe('points page', () => {
  it('shows balance, lots and history with the elder nav; reversal links for admin only', async () => {
    const r = await admin.get(`/staff/elders/${inStreet}/points`);
    expect(r.status).toBe(200);
    expect(r.text).toContain(`data-balance="${await balance(inStreet)}"`);
    expect(r.text).toContain('aria-current="page"');
    expect(r.text).toContain(`href="/staff/elders/${inStreet}/orders"`);
    expect(r.text).toContain(`/points/entries/${encodeURIComponent(AWARD)}/reverse`);
    expect(textOf(r.text)).toContain('2027-12-31');
    expect(r.text).toContain('action="/staff/elders/' + inStreet + '/wallet/freeze"');
    const s = await street.get(`/staff/elders/${inStreet}/points`);
    expect(s.status).toBe(200);
    expect(s.text).not.toContain('/reverse"');
    const f = await finance.get(`/staff/elders/${inStreet}/points`);
    expect(f.status).toBe(200);
    expect(f.text).not.toContain('/wallet/freeze"');
  });

  it("refuses a street officer another street's elder (403), and the reversal page to all but admin", async () => {
    expect((await street.get(`/staff/elders/${outside}/points`)).status).toBe(403);
    expect((await street.get(`/staff/elders/${outside}/points/history.csv`)).status).toBe(403);
    expect((await street.post(`/staff/elders/${outside}/wallet/freeze`, { reason: '测试冻结' })).status).toBe(403);
    expect((await finance.post(`/staff/elders/${inStreet}/wallet/freeze`, { reason: '测试冻结' })).status).toBe(403);
    const rev = `/staff/elders/${inStreet}/points/entries/${encodeURIComponent(AWARD)}/reverse`;
    expect((await street.get(rev)).status).toBe(403);
    expect((await street.post(rev, { reason: '错发', idempotency_key: 'k'.repeat(20) })).status).toBe(403);
    expect(await site.deps.ledger.isReversed(AWARD)).toBe(false);
  });

  it('the history as CSV with a BOM, and as GBK', async () => {
    const r = await admin.get(`/staff/elders/${inStreet}/points/history.csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/csv/);
    expect(r.headers.get('content-disposition')).toContain(`points-${inStreet}.csv`);
    expect(r.text.replace(/^\uFEFF/, '').startsWith('时间 Time,')).toBe(true);
    expect(r.text).toContain(AWARD);
    const g = await admin.get(`/staff/elders/${inStreet}/points/history.csv?encoding=gbk`);
    expect(g.status).toBe(200);
  });
});

describe('freeze and unfreeze', () => {
  it('a short reason is refused inline, keeps what was typed, changes nothing', async () => {
    const r = await street.post(`/staff/elders/${inStreet}/wallet/freeze`, { reason: 'x' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('aria-invalid="true"');
    expect(r.text).toContain('value="x"');
    expect((await site.deps.ledger.account(`wallet:${inStreet}`)).frozen).toBe(false);
    expect(await audits(`elder:${inStreet}`, 'wallet.freeze')).toHaveLength(0);
  });

  it('freezes with a reason (audited once, shown as last change), then unfreezes', async () => {
    const r = await street.post(`/staff/elders/${inStreet}/wallet/freeze`, { reason: '疑似冒用，先冻结' });
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/staff/elders/${inStreet}/points?done=frozen`);
    expect((await site.deps.ledger.account(`wallet:${inStreet}`)).frozen).toBe(true);
    const page = await street.get(r.location ?? '');
    expect(page.text).toContain('data-frozen="true"');
    expect(page.text).toContain('data-last-change="wallet.freeze"');
    expect(textOf(page.text)).toContain('冻结积分账户 · xicheng');
    expect(page.text).toContain('/wallet/unfreeze"');
    const [a] = await audits(`elder:${inStreet}`, 'wallet.freeze');
    expect(a?.detail?.reason).toBe('疑似冒用，先冻结');
    // 20 unfreezes at once: one changes it (one record), the rest lose (409 inline) or find it done
    const us = await Promise.all(
      Array.from({ length: 20 }, () =>
        admin.post(`/staff/elders/${inStreet}/wallet/unfreeze`, { reason: '已核实本人' }),
      ),
    );
    expect(us.every((u) => u.status === 303 || u.status === 409)).toBe(true);
    expect((await site.deps.ledger.account(`wallet:${inStreet}`)).frozen).toBe(false);
    expect(await audits(`elder:${inStreet}`, 'wallet.unfreeze')).toHaveLength(1);
  });
});

describe('reversal', () => {
  it('20 parallel posts of one form reverse once, audited once; the entry then shows as reversed', async () => {
    const path = `/staff/elders/${inStreet}/points/entries/${encodeURIComponent(AWARD)}/reverse`;
    const form = await admin.get(path);
    expect(form.status).toBe(200);
    const key = hidden(form.text, 'idempotency_key');
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    const before = await balance(inStreet);
    const rs = await Promise.all(
      Array.from({ length: 20 }, () => admin.post(path, { reason: '奖励发错了人', idempotency_key: key })),
    );
    expect(rs.filter((r) => r.status === 303).length).toBeGreaterThanOrEqual(1);
    expect(rs.every((r) => r.status === 303 || r.status === 409)).toBe(true);
    expect(await site.deps.ledger.isReversed(AWARD)).toBe(true);
    expect(await balance(inStreet)).toBe(before - 40);
    expect(await audits(`entry:${AWARD}`, 'ledger.reverse')).toHaveLength(1);
    const after = await admin.get(path);
    expect(textOf(after.text)).toContain('已冲正 Reversed');
    expect(after.text).not.toContain('name="idempotency_key"');
    expect(after.text).toContain('data-last-change="ledger.reverse"');
    // another form (another key): refused inline, nothing more happens
    const again = await admin.post(path, { reason: '再冲一次', idempotency_key: 'another-key-0001' });
    expect(again.status).toBe(409);
    expect(await balance(inStreet)).toBe(before - 40);
  });

  it('an entry the ledger keeps by flow has no form here, and an entry not of this wallet is not found', async () => {
    const hold = (await site.deps.ledger.history(`wallet:${inStreet}`, 50)).items.find((l) => l.kind === 'hold');
    const path = `/staff/elders/${inStreet}/points/entries/${encodeURIComponent(hold?.entry_id ?? '')}/reverse`;
    const r = await admin.get(path);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('name="idempotency_key"');
    const p = await admin.post(path, { reason: '试试', idempotency_key: 'hold-key-00001' });
    expect(p.status).toBe(422);
    expect(await site.deps.ledger.isReversed(hold?.entry_id ?? '')).toBe(false);
    // the capture moved the hold to the shop, not this wallet; the award is not another elder's
    const capture = encodeURIComponent(`capture:${orderId}`);
    expect((await admin.get(`/staff/elders/${inStreet}/points/entries/${capture}/reverse`)).status).toBe(404);
    const award = encodeURIComponent(AWARD);
    expect((await admin.get(`/staff/elders/${outside}/points/entries/${award}/reverse`)).status).toBe(404);
  });
});

describe('orders page', () => {
  it("lists the elder's orders with status and a link to the dispute; scope and roles as the API", async () => {
    const r = await street.get(`/staff/elders/${inStreet}/orders`);
    expect(r.status).toBe(200);
    expect(r.text).toContain(`data-order="${orderId}"`);
    expect(r.text).toContain(`href="/staff/disputes/${orderId}"`);
    expect(textOf(r.text)).toContain('已投诉');
    expect((await street.get(`/staff/elders/${outside}/orders`)).status).toBe(403);
    expect((await finance.get(`/staff/elders/${inStreet}/orders`)).status).toBe(403);
  });
});

describe('top-ups page and refund', () => {
  it('finance refunds a paid top-up from the page, once; officers see it without the form', async () => {
    const staff = {
      kind: 'staff',
      role: 'admin',
      sub: 'staff:admin',
      username: 'admin',
      scope: null,
      sid: 's',
    } as const;
    const started = await startTopup(site.deps, {
      principal: staff,
      policy: await policyNow(site.deps),
      input: { elder_id: inStreet, amount_fen: 5_000 },
      idempotency_key: 'page-topup-0001',
    });
    const id = started.topup.topup_id;
    // paid through the fake provider's local checkout page (a signed webhook, as in production)
    expect((await new Client(site.app).post(`/dev/pay/${id}/succeed`)).status).toBe(200);
    expect((await site.deps.topups.get(id))?.status).toBe('paid');
    const paidBalance = await balance(inStreet);
    const officer = await street.get(`/staff/elders/${inStreet}/topups`);
    expect(officer.status).toBe(200);
    expect(officer.text).toContain(`data-topup="${id}"`);
    expect(officer.text).not.toContain('/refund"');
    expect((await street.get(`/staff/elders/${outside}/topups`)).status).toBe(403);
    expect((await street.post(`/staff/elders/${inStreet}/topups/${id}/refund`, { reason: '家属申请' })).status).toBe(
      403,
    );
    const page = await finance.get(`/staff/elders/${inStreet}/topups`);
    const key = hidden(page.text, 'idempotency_key');
    const bad = await finance.post(`/staff/elders/${inStreet}/topups/${id}/refund`, {
      reason: '',
      idempotency_key: key,
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('aria-invalid="true"');
    const rs = await Promise.all(
      Array.from({ length: 5 }, () =>
        finance.post(`/staff/elders/${inStreet}/topups/${id}/refund`, { reason: '家属申请退款', idempotency_key: key }),
      ),
    );
    expect(rs.filter((r) => r.status === 303).length).toBeGreaterThanOrEqual(1);
    expect(rs.every((r) => r.status === 303 || r.status === 409)).toBe(true);
    expect((await site.deps.topups.get(id))?.refund?.points).toBe(50);
    expect(await balance(inStreet)).toBe(paidBalance - 50);
    expect((await audits(`elder:${inStreet}`, 'topup.refund')).length).toBe(1);
    const after = await finance.get(`/staff/elders/${inStreet}/topups?done=refunded`);
    expect(after.text).toContain(`data-refunded="${id}"`);
    expect(after.text).toContain('data-last-change="topup.refund"');
  });
});
