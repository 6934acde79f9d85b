// What staff read of merchants through the API (the pages call the same functions): the list by
// status within the caller's area and a street / community of it, one merchant with its services,
// its orders; a street officer is refused another street's merchant and area; finance none of it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Merchant } from '@tmc/core/merchants/model';
import { bearer, makeTestApp, staffToken } from '../../../../tests/support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
let street: string;
let finance: string;
let west: Merchant;
let east: Merchant;

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 4, merchants: true });
  const tokens = await Promise.all(['admin', 'xicheng', 'finance'].map((u) => staffToken(t.app, u)));
  [admin, street, finance] = tokens as [string, string, string];
  const shops = (await t.deps.merchants.byStatus('approved', 100)).items;
  west = shops.find((m) => m.community_code.startsWith('zengdu.xicheng.')) as Merchant;
  east = shops.find((m) => m.community_code.startsWith('zengdu.dongcheng.')) as Merchant;
}, 120_000);

type List = { items: Merchant[]; cursor: string | null };
const list = async (token: string, q: string) => {
  const r = await t.app.request(`/api/merchants?${q}`, bearer(token));
  return { status: r.status, body: r.status === 200 ? ((await r.json()) as List) : null };
};

describe('merchants for staff', () => {
  it('lists by status within the area asked, inside the caller’s own', async () => {
    const all = await list(admin, 'status=approved');
    expect(all.body?.items.map((m) => m.merchant_id)).toEqual(
      expect.arrayContaining([west.merchant_id, east.merchant_id]),
    );
    const westOnly = await list(admin, 'status=approved&area=zengdu.xicheng');
    expect(westOnly.body?.items.every((m) => m.community_code.startsWith('zengdu.xicheng.'))).toBe(true);
    expect(westOnly.body?.items.length).toBeGreaterThan(0);
    const mine = await list(street, 'status=approved');
    expect(mine.body?.items.every((m) => m.community_code.startsWith('zengdu.xicheng.'))).toBe(true);
    expect((await list(street, 'status=approved&area=zengdu.dongcheng')).status).toBe(403);
    expect((await list(finance, 'status=approved')).status).toBe(403);
  });

  it('shows one merchant with its services and its orders; another street is OUT_OF_SCOPE', async () => {
    const r = await t.app.request(`/api/merchants/${west.merchant_id}`, bearer(street));
    expect(r.status).toBe(200);
    const d = (await r.json()) as { merchant: Merchant; services: unknown[] };
    expect(d.merchant.uscc).toBe(west.uscc);
    expect(d.services.length).toBeGreaterThan(0);
    const o = await t.app.request(`/api/merchants/${west.merchant_id}/orders`, bearer(street));
    expect(o.status).toBe(200);
    expect(((await o.json()) as { items: { code_cipher?: string }[] }).items.every((x) => !x.code_cipher)).toBe(true);
    const other = await t.app.request(`/api/merchants/${east.merchant_id}`, bearer(street));
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('OUT_OF_SCOPE');
    expect((await t.app.request(`/api/merchants/${east.merchant_id}/orders`, bearer(street))).status).toBe(403);
    expect((await t.app.request(`/api/merchants/m_nosuchmerchant1`, bearer(admin))).status).toBe(404);
    expect((await t.app.request(`/api/merchants/${west.merchant_id}`, bearer(finance))).status).toBe(403);
  });
});
