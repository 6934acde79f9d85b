// The anomaly-flag pages against DynamoDB Local: the console links to them; the list filters by status
// and street; a flag shows its rule in words, its numbers and its orders linked to the elder pages; the
// decision is a plain form post that redirects back, with a bad reason or a lost race shown inline; a
// street officer sees only their street's flags; finance none.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Merchant } from '@tmc/core/merchants/model';
import { flagReactor } from '@tmc/app/harness';
import { completedOrder, completionChange, plus, type Completion } from '../../../../tests/support/flags';
import { Client, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let street: Client; // 西城街道
let finance: Client;
let west: Merchant; // a shop in 西城街道
let east: Merchant; // a shop in 东城街道

const T0 = '2026-11-10T02:00:00.000Z';
const fast = (m: Merchant, i: number): Completion => ({
  order_id: `o_flagpage${i}abc`,
  elder_id: 'e_flagpageelder01',
  merchant_id: m.merchant_id,
  accepted_at: T0,
  completed_at: plus(T0, 12),
});
const urlOf = (m: Merchant) => `/staff/flags/fast_complete.2026-11-10.${m.merchant_id}`;

beforeAll(async () => {
  site = await makeSite({ elders: 6, at: '2026-11-10T03:00:00Z' });
  const shops = (await site.deps.merchants.byStatus('approved', 100)).items;
  west = shops.find((m) => m.community_code.startsWith('zengdu.xicheng.')) as Merchant;
  east = shops.find((m) => m.community_code.startsWith('zengdu.dongcheng.')) as Merchant;
  const reactor = flagReactor(site.deps);
  for (const [i, m] of [west, east].entries()) {
    await site.deps.orders.put(completedOrder(fast(m, i)), 0);
    await reactor.react(completionChange(fast(m, i)));
  }
  const clients = await Promise.all(['admin', 'xicheng', 'finance'].map((u) => signInStaff(site, u)));
  [admin, street, finance] = clients as [Client, Client, Client];
}, 180_000);

describe('flag list', () => {
  it('is linked from the console and lists open flags, filtered by street', async () => {
    expect((await admin.get('/staff')).text).toContain('href="/staff/flags"');
    const all = await admin.get('/staff/flags');
    expect(all.status).toBe(200);
    expect(all.text).toContain(west.business_name);
    expect(all.text).toContain(east.business_name);
    expect(textOf(all.text)).toContain('商户接单后不到 60 秒即完成核销');
    const west_only = await admin.get('/staff/flags?status=open&street=zengdu.xicheng');
    expect(west_only.text).toContain(west.business_name);
    expect(west_only.text).not.toContain(east.business_name);
    expect((await admin.get('/staff/flags?status=dismissed')).text).not.toContain(west.business_name);
  });

  it('shows a street officer their street only, with no street filter; finance is refused', async () => {
    const r = await street.get('/staff/flags');
    expect(r.text).toContain(west.business_name);
    expect(r.text).not.toContain(east.business_name);
    expect(r.text).not.toContain('name="street"');
    expect((await street.get(urlOf(east))).status).toBe(404);
    expect((await finance.get('/staff/flags')).status).toBe(403);
  });
});

describe('one flag and its decision', () => {
  it('shows the rule, the numbers and the orders linked to the elder pages', async () => {
    const r = await street.get(urlOf(west));
    expect(r.status).toBe(200);
    const t = textOf(r.text);
    expect(t).toContain('商户接单后不到 60 秒即完成核销');
    expect(r.text).toContain('o_flagpage0abc');
    expect(r.text).toContain('href="/staff/elders/e_flagpageelder01"');
    expect(r.text).toContain(`formaction="${urlOf(west)}/escalate"`);
  });

  it('refuses a too-short reason inline and changes nothing', async () => {
    const r = await street.post(`${urlOf(west)}/dismiss`, { reason: 'x' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('aria-invalid="true"');
    expect(r.text).toContain('请按提示改正');
    expect((await site.deps.flags.get(`fast_complete.2026-11-10.${west.merchant_id}`))?.status).toBe('open');
  });

  it('escalates with a reason: redirect back with a notice; a second decision shows the conflict inline', async () => {
    const r = await street.post(`${urlOf(west)}/escalate`, { reason: '十二秒完成理发，请核查' });
    expect(r.status).toBe(303);
    expect(r.location).toBe(`${urlOf(west)}?done=escalated`);
    const after = await street.get(r.location ?? '');
    expect(textOf(after.text)).toContain('已上报，等待调查');
    expect(textOf(after.text)).toContain('十二秒完成理发，请核查');
    expect(after.text).not.toContain('name="reason"'); // decided: no form
    const late = await admin.post(`${urlOf(west)}/dismiss`, { reason: '误报' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('role="alert"');
    expect(textOf(late.text)).toContain('已被他人处理');
    const escalated = await admin.get('/staff/flags?status=escalated');
    expect(escalated.text).toContain(west.business_name);
  });
});
