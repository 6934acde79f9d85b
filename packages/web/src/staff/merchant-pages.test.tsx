// The staff merchant pages against DynamoDB Local: the review queue by status and area (a street
// officer sees their street only, and is refused another street's merchant); the decision forms
// (a missing reason is shown inline and keeps what was typed; a race of approvals has one winner
// and one audit record); the last change on the page; the CSV in UTF-8 with BOM and in GBK.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Merchant } from '@tmc/core/merchants/model';
import { DEMO_APPLICATIONS } from '@tmc/local/demo/applications';
import { Client, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let street: Client; // 西城街道
let finance: Client;
let pending: Merchant[]; // the demo's two applications in 西城街道
let east: Merchant; // an approved shop in 东城街道

const raw = async (c: Client, path: string): Promise<{ status: number; type: string; bytes: Uint8Array }> => {
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const r = await site.app.request(path, { headers: { cookie } });
  return { status: r.status, type: r.headers.get('content-type') ?? '', bytes: new Uint8Array(await r.arrayBuffer()) };
};

beforeAll(async () => {
  site = await makeSite({ elders: 6 });
  pending = (await site.deps.merchants.byStatus('pending', 100)).items;
  east = (await site.deps.merchants.byStatus('approved', 100)).items.find((m) =>
    m.community_code.startsWith('zengdu.dongcheng.'),
  ) as Merchant;
  const clients = await Promise.all(['admin', 'xicheng', 'finance'].map((u) => signInStaff(site, u)));
  [admin, street, finance] = clients as [Client, Client, Client];
}, 180_000);

describe('merchant list', () => {
  it('is linked from the console; the pending queue holds the two demo applications of 西城街道', async () => {
    expect(pending.map((m) => m.business_name).sort()).toEqual(
      DEMO_APPLICATIONS.map((a) => a.application.business_name).sort(),
    );
    expect((await street.get('/staff')).text).toContain('href="/staff/merchants?status=pending"');
    const r = await street.get('/staff/merchants?status=pending');
    expect(r.status).toBe(200);
    for (const m of pending) expect(r.text).toContain(`href="/staff/merchants/${m.merchant_id}"`);
    expect(r.text).toContain('<th scope="col">统一社会信用代码 Credit code</th>');
  });

  it('filters by street or community; a street officer not into another street; finance refused', async () => {
    const west = await admin.get('/staff/merchants?status=approved&area=zengdu.xicheng');
    expect(west.text).not.toContain(east.business_name);
    const eastOnly = await admin.get(`/staff/merchants?status=approved&area=${east.community_code}`);
    expect(eastOnly.text).toContain(east.business_name);
    expect((await street.get('/staff/merchants?status=approved')).text).not.toContain(east.business_name);
    expect((await street.get('/staff/merchants?status=approved&area=zengdu.dongcheng')).status).toBe(403);
    expect((await finance.get('/staff/merchants')).status).toBe(403);
  });

  it('exports CSV with a UTF-8 BOM and in GBK, same filter and scope', async () => {
    const utf8 = await raw(street, '/staff/merchants.csv?status=pending');
    expect(utf8.status).toBe(200);
    expect([...utf8.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(utf8.bytes);
    expect(text).toContain('统一社会信用代码');
    for (const m of pending) expect(text).toContain(m.uscc);
    const gbk = await raw(street, '/staff/merchants.csv?status=pending&encoding=gbk');
    expect(gbk.bytes[0]).not.toBe(0xef);
    expect(new TextDecoder('gbk').decode(gbk.bytes)).toContain(pending[0]?.business_name ?? '?');
    expect(new TextDecoder().decode((await raw(street, '/staff/merchants.csv?status=approved')).bytes)).not.toContain(
      east.business_name,
    );
    expect((await raw(finance, '/staff/merchants.csv')).status).toBe(403);
  });
});

describe('one merchant', () => {
  it('shows the application, masked contact, status and its decision forms; another street is a 403 page', async () => {
    const m = pending[0] as Merchant;
    const r = await street.get(`/staff/merchants/${m.merchant_id}`);
    expect(r.status).toBe(200);
    const t = textOf(r.text);
    expect(t).toContain(m.uscc);
    expect(t).toContain(m.licence_number);
    expect(t).toContain(m.address);
    expect(t).not.toContain(m.contact_phone);
    expect(t).toContain('待审核');
    expect(r.text).toContain(`formaction="/staff/merchants/${m.merchant_id}/reject"`);
    expect(t).toContain('商户申请入驻'); // the history, from the audit trail
    const other = await street.get(`/staff/merchants/${east.merchant_id}`);
    expect(other.status).toBe(403);
    expect(other.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await street.post(`/staff/merchants/${east.merchant_id}/suspend`, { reason: '越权测试' })).status).toBe(
      403,
    );
    expect((await site.deps.merchants.getMerchant(east.merchant_id))?.status).toBe('approved');
  });

  it('finance can neither open nor decide a merchant', async () => {
    const m = pending[0] as Merchant;
    expect((await finance.get(`/staff/merchants/${m.merchant_id}`)).status).toBe(403);
    expect((await finance.post(`/staff/merchants/${m.merchant_id}/approve`, { reason: '资料齐全' })).status).toBe(403);
    expect((await site.deps.merchants.getMerchant(m.merchant_id))?.status).toBe('pending');
  });

  it('refuses a missing or too-short reason inline, keeps what was typed, and changes nothing', async () => {
    const m = pending[0] as Merchant;
    const empty = await street.post(`/staff/merchants/${m.merchant_id}/reject`, { reason: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('aria-invalid="true"');
    expect(textOf(empty.text)).toContain('请按提示改正');
    const short = await street.post(`/staff/merchants/${m.merchant_id}/reject`, { reason: '缺' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('value="缺"');
    expect((await site.deps.merchants.getMerchant(m.merchant_id))?.status).toBe('pending');
  });

  it('25 approvals at once: one winner, one audit record; the page shows the status and the last change', async () => {
    const m = pending[0] as Merchant;
    const tries = await Promise.all(
      Array.from({ length: 25 }, () =>
        street.post(`/staff/merchants/${m.merchant_id}/approve`, { reason: '资料齐全，同意入驻' }),
      ),
    );
    const won = tries.filter((r) => r.status === 303);
    expect(won).toHaveLength(1);
    expect(tries.every((r) => r.status === 303 || r.status === 409)).toBe(true);
    expect(won[0]?.location).toBe(`/staff/merchants/${m.merchant_id}?done=approve`);
    const lost = tries.find((r) => r.status === 409);
    expect(lost?.text).toContain('role="alert"');
    const audit = await site.deps.audit.listBySubject(`merchant:${m.merchant_id}`, 50);
    expect(audit.items.filter((a) => a.action === 'merchant.approve')).toHaveLength(1);
    expect((await site.deps.merchants.getMerchant(m.merchant_id))?.status).toBe('approved');
    const after = await street.get(won[0]?.location ?? '');
    const t = textOf(after.text);
    expect(t).toContain('已批准入驻');
    expect(t).toContain('已入驻');
    expect(after.text).toContain('data-last-change="merchant.approve"');
    expect(t).toContain('批准商户 · xicheng');
    expect(after.text).toContain(`action="/staff/merchants/${m.merchant_id}/suspend"`);
  });
});
