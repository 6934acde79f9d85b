// The disputes queue pages against DynamoDB Local: an officer sees open disputes of their area only,
// filters by street or community, downloads the CSV; one dispute shows the order and the elder's
// words; a street officer cannot open another street's dispute; the decision is a form post with the
// reason checked inline; 30 parallel decisions make one winner (the rest 409), one audit record, and
// an upheld dispute puts the points back on the elder's points page.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DISPUTE_REASON, seedDemoDispute } from '@tmc/local/demo/disputes';
import { Client, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let street: Client; // 西城街道
let finance: Client;
let west = ''; // the open dispute in 西城街道
let east = ''; // the open dispute in 东城街道

beforeAll(async () => {
  site = await makeSite({ elders: 20, at: '2026-11-23T02:00:00Z' });
  west = (await seedDemoDispute(site.deps)) ?? '';
  east = (await seedDemoDispute(site.deps, 'zengdu.dongcheng')) ?? '';
  [admin, street, finance] = (await Promise.all(['admin', 'xicheng', 'finance'].map((u) => signInStaff(site, u)))) as [
    Client,
    Client,
    Client,
  ];
}, 400_000); // the seed on a loaded machine

const audits = async (order_id: string) =>
  (await site.deps.audit.listBySubject(`order:${order_id}`, 100)).items.filter((a) =>
    a.action.startsWith('order.dispute_'),
  );

describe('the queue', () => {
  it('shows an officer the open disputes of their area only; finance is refused', async () => {
    expect(west).not.toBe('');
    expect(east).not.toBe('');
    const s = await street.get('/staff/disputes');
    expect(s.status).toBe(200);
    expect(s.text).toContain(`data-order="${west}"`);
    expect(s.text).not.toContain(`data-order="${east}"`);
    expect(textOf(s.text)).toContain(DEMO_DISPUTE_REASON);
    const a = await admin.get('/staff/disputes');
    expect(a.text).toContain(`data-order="${west}"`);
    expect(a.text).toContain(`data-order="${east}"`);
    expect((await finance.get('/staff/disputes')).status).toBe(403);
  });

  it('filters by street or community, within the caller area only', async () => {
    const byStreet = await admin.get('/staff/disputes?area=zengdu.dongcheng');
    expect(byStreet.text).toContain(`data-order="${east}"`);
    expect(byStreet.text).not.toContain(`data-order="${west}"`);
    const community = (await site.deps.elders.get((await site.deps.orders.get(west))?.elder_id ?? ''))?.community_code;
    const own = await street.get(`/staff/disputes?area=${community}`);
    expect(own.text).toContain(`data-order="${west}"`);
    expect((await street.get('/staff/disputes?area=zengdu.dongcheng')).status).toBe(403);
  });

  it('downloads as CSV (UTF-8; GBK on request), scoped the same way', async () => {
    const r = await street.get('/staff/disputes.csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/csv/);
    expect(r.text.replace(/^\uFEFF/, '').startsWith('订单 Order,')).toBe(true);
    expect(r.text).toContain(west);
    expect(r.text).not.toContain(east);
    expect((await street.get('/staff/disputes.csv?encoding=gbk')).status).toBe(200);
  });
});

describe('one dispute and its decision', () => {
  it("shows the order and the elder's words; another street's dispute is refused", async () => {
    const r = await street.get(`/staff/disputes/${west}`);
    expect(r.status).toBe(200);
    expect(r.text).toContain(DEMO_DISPUTE_REASON);
    expect(r.text).toContain(`formaction="/staff/disputes/${west}/dismiss"`);
    expect((await street.get(`/staff/disputes/${east}`)).status).toBe(403);
    expect((await street.post(`/staff/disputes/${east}/dismiss`, { reason: '不是本街道的' })).status).toBe(403);
    expect((await site.deps.orders.get(east))?.status).toBe('disputed');
  });

  it('refuses a missing reason inline and changes nothing', async () => {
    const r = await street.post(`/staff/disputes/${west}/uphold`, { reason: ' ' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('aria-invalid="true"');
    expect((await site.deps.orders.get(west))?.status).toBe('disputed');
    expect(await audits(west)).toHaveLength(0);
  });

  it('30 parallel decisions: one winner, the rest 409; one audit record; the points go back', async () => {
    const o = await site.deps.orders.get(east);
    const wallet = `wallet:${o?.elder_id ?? ''}`;
    const before = (await site.deps.ledger.account(wallet)).balance_points;
    const rs = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        admin.post(`/staff/disputes/${east}/${i % 2 ? 'dismiss' : 'uphold'}`, { reason: '核实：确未完成服务' }),
      ),
    );
    const statuses = rs.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(29);
    const lost = rs.find((r) => r.status === 409);
    expect(lost?.text).toContain('class="err"');
    const after = await site.deps.orders.get(east);
    expect(['refunded', 'dispute_dismissed']).toContain(after?.status);
    expect(await audits(east)).toHaveLength(1);
    const points = (await site.deps.ledger.account(wallet)).balance_points;
    expect(points).toBe(after?.status === 'refunded' ? before + (o?.price_points ?? 0) : before);
    expect((await admin.get('/staff/disputes')).text).not.toContain(`data-order="${east}"`);
  });

  it('a street officer upholds: the points are back on the elder page, the decision shown as last change', async () => {
    const o = await site.deps.orders.get(west);
    const before = (await site.deps.ledger.account(`wallet:${o?.elder_id ?? ''}`)).balance_points;
    const r = await street.post(`/staff/disputes/${west}/uphold`, { reason: '已电话核实，确未完成' });
    expect(r.status).toBe(303);
    const page = await street.get(r.location ?? '');
    expect(page.text).toContain('data-status="refunded"');
    expect(page.text).toContain('data-last-change="order.dispute_uphold"');
    const pts = await street.get(`/staff/elders/${o?.elder_id ?? ''}/points`);
    expect(pts.text).toContain(`data-balance="${before + (o?.price_points ?? 0)}"`);
  });
});
