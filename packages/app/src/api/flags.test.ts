// Anomaly flags through HTTP, by role and scope: admin and district officers see the flags of their
// area, a street officer only its street's; finance, merchants and elders are refused. Deciding needs a
// bounded reason; 30 parallel decisions give one winner, the rest 409 with the state it left, and one
// audit record.
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';
import { completedOrder, completionChange, plus, type Completion } from '../../../../tests/support/flags';
import type { Merchant } from '@tmc/core/merchants/model';
import { flagReactor } from '../compose/flag-reactor';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
let district: string;
let xicheng: string; // street officer of zengdu.xicheng
let finance: string;
let elder: string;
let inStreet: Merchant;
let outside: Merchant;

type FlagJ = { flag_id: string; status: string; merchant_id: string; rule: string; rule_words: { zh: string } };
type Err = { error: { code: string; details?: { status?: string } } };
const get = async <T>(path: string, token?: string) => {
  const r = await t.app.request(path, token ? bearer(token) : {});
  return { status: r.status, body: (await r.json()) as T };
};
const post = async <T>(path: string, token: string, body: unknown) => {
  const r = await t.app.request(path, bearer(token, json(body)));
  return { status: r.status, body: (await r.json()) as T };
};
const fastAt = (m: Merchant, n: number): Completion => ({
  order_id: `o_flagroute${n}xyz`,
  elder_id: 'e_flagrouteelder1',
  merchant_id: m.merchant_id,
  accepted_at: '2026-11-10T02:00:00.000Z',
  completed_at: plus('2026-11-10T02:00:00.000Z', 10), // ten seconds after accepting
});
const idOf = (m: Merchant) => `fast_complete.2026-11-10.${m.merchant_id}`;

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 4, merchants: true });
  const shops = (await t.deps.merchants.byStatus('approved', 100)).items;
  inStreet = shops.find((m) => m.community_code.startsWith('zengdu.xicheng.')) as Merchant;
  outside = shops.find((m) => !m.community_code.startsWith('zengdu.xicheng.')) as Merchant;
  const reactor = flagReactor(t.deps);
  for (const [i, m] of [inStreet, outside].entries()) {
    const c = fastAt(m, i);
    await t.deps.orders.put(completedOrder(c), 0); // the order the flag links to
    await reactor.react(completionChange(c));
  }
  const tokens = await Promise.all(['admin', 'zengdu', 'xicheng', 'finance'].map((u) => staffToken(t.app, u)));
  [admin, district, xicheng, finance] = tokens as [string, string, string, string];
  elder = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
}, 180_000);

describe('who may list and read flags', () => {
  it('lists by role and scope', async () => {
    const ids = async (token: string, q = '') =>
      (await get<{ items: FlagJ[] }>(`/api/analytics/flags${q}`, token)).body.items.map((f) => f.flag_id).sort();
    const both = [idOf(inStreet), idOf(outside)].sort();
    expect(await ids(admin)).toEqual(both);
    expect(await ids(district)).toEqual(outside.community_code.startsWith('zengdu.') ? both : [idOf(inStreet)]);
    expect(await ids(xicheng)).toEqual([idOf(inStreet)]);
    expect(await ids(admin, '?street=zengdu.xicheng')).toEqual([idOf(inStreet)]);
    expect(await ids(xicheng, `?street=${outside.community_code.split('.').slice(0, 2).join('.')}`)).toEqual([]);
    expect(await ids(admin, '?status=dismissed')).toEqual([]);
    for (const [token, status] of [
      [finance, 403],
      [elder, 403],
      [undefined, 401],
    ] as const)
      expect((await get('/api/analytics/flags', token)).status).toBe(status);
    expect((await get('/api/analytics/flags?street=zengdu', admin)).status).toBe(400); // a district is not a street
    // a cursor naming only the partition (no sort or table keys) is a bad cursor, not a DynamoDB error (500)
    const partial = Buffer.from(JSON.stringify({ gsi1pk: 'FLAGS#open' })).toString('base64url');
    const bad = await get<Err>(`/api/analytics/flags?cursor=${partial}`, admin);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('shows one flag with its rule in words and links to its orders; another street’s is not found', async () => {
    const r = await get<{ flag: FlagJ; orders: { order_id: string; href: string; completed_with: string }[] }>(
      `/api/analytics/flags/${idOf(inStreet)}`,
      xicheng,
    );
    expect(r.status).toBe(200);
    expect(r.body.flag).toMatchObject({ rule: 'fast_complete', status: 'open' });
    expect(r.body.flag.rule_words.zh).toContain('60 秒');
    expect(r.body.orders).toEqual([
      expect.objectContaining({
        order_id: 'o_flagroute0xyz',
        href: '/api/orders/o_flagroute0xyz',
        completed_with: 'code',
      }),
    ]);
    const other = await get<Err>(`/api/analytics/flags/${idOf(outside)}`, xicheng);
    expect(other).toMatchObject({ status: 404, body: { error: { code: 'FLAG_NOT_FOUND' } } });
    expect((await get('/api/analytics/flags/not-a-flag', admin)).status).toBe(400);
    expect((await get(`/api/analytics/flags/${idOf(inStreet)}`, finance)).status).toBe(403);
  });
});

describe('deciding a flag', () => {
  it('needs a reason of 2 to 200 characters and the flag in the caller’s area', async () => {
    const path = `/api/analytics/flags/${idOf(outside)}/dismiss`;
    expect((await post<Err>(path, admin, {})).status).toBe(400);
    expect((await post<Err>(path, admin, { reason: 'x' })).status).toBe(400);
    expect((await post<Err>(path, admin, { reason: '长'.repeat(201) })).status).toBe(400);
    expect((await post<Err>(path, xicheng, { reason: '正常' })).body.error.code).toBe('FLAG_NOT_FOUND');
    expect((await post<Err>(path, finance, { reason: '正常' })).status).toBe(403);
    expect((await get<{ flag: FlagJ }>(`/api/analytics/flags/${idOf(outside)}`, admin)).body.flag.status).toBe('open');
  });

  it('of 30 parallel decisions one wins; the rest get 409 with the state it left; one audit record', async () => {
    const base = `/api/analytics/flags/${idOf(inStreet)}`;
    const rs = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post<{ flag: FlagJ } & Err>(`${base}/${i % 2 ? 'dismiss' : 'escalate'}`, i % 3 ? admin : xicheng, {
          reason: `核实第 ${i} 次`,
        }),
      ),
    );
    const won = rs.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    const final = won[0]?.body.flag.status;
    expect(['dismissed', 'escalated']).toContain(final);
    for (const r of rs.filter((x) => x.status !== 200))
      expect(r).toMatchObject({
        status: 409,
        body: { error: { code: 'FLAG_STATE_CONFLICT', details: { status: final } } },
      });
    const audit = await t.deps.audit.listBySubject(`flag:${idOf(inStreet)}`, 50);
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ action: final === 'dismissed' ? 'flag.dismiss' : 'flag.escalate' });
    // it has left the open list for its status's
    const open = await get<{ items: FlagJ[] }>('/api/analytics/flags', xicheng);
    expect(open.body.items).toEqual([]);
    const decided = await get<{ items: FlagJ[] }>(`/api/analytics/flags?status=${final}`, xicheng);
    expect(decided.body.items.map((f) => f.flag_id)).toEqual([idOf(inStreet)]);
    // a late decision is refused with the state, and changes nothing
    const late = await post<Err>(`${base}/dismiss`, admin, { reason: '再次处理' });
    expect(late).toMatchObject({ status: 409, body: { error: { details: { status: final } } } });
  });
});
