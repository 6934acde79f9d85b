// The dashboard routes by role and scope (table-driven): admin, finance and the district see the city or
// their district, a street officer only their street (another street: 403 OUT_OF_SCOPE), elders and
// merchants are refused; CSV exports in UTF-8 with BOM and GBK. Counter items are written directly here,
// as the streams function would write them.
import { beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { bearer, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';
import { counterKeys } from '@tmc/store/entities/counters';
import { counterName, scopesOf, type Period, type Scope, itemPeriodOf } from '@tmc/core/analytics/model';
import type { Merchant } from '@tmc/core/merchants/model';

let t: Awaited<ReturnType<typeof makeTestApp>>;
const tokens: Record<string, string> = {};
let shop: Merchant; // an approved shop in 西城

const add = async (scope: Scope, period: Period, counters: Record<string, number>) => {
  const names = Object.keys(counters);
  await t.db.doc.send(
    new UpdateCommand({
      TableName: t.db.table,
      Key: counterKeys.counterItem(scope, period),
      UpdateExpression: `ADD ${names.map((_, i) => `#n${i} :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, counters[n]])),
    }),
  );
};
/** An order completed on `day` in `community` at `m`, in its day and month items of every scope. */
const order = async (day: string, community: string, m: string) => {
  for (const scope of scopesOf(community))
    for (const period of [`D#${day}`, `M#${day.slice(0, 7)}`] as Period[]) {
      await add(scope, period, {
        'orders.requested': 1,
        'orders.completed': 1,
        'orders.points': 25,
        [counterName('orders.requested', 'cat', 'barber')]: 1,
        [counterName('orders.points', 'cat', 'barber')]: 25,
      });
      const byM = counterName('orders.requested', 'm', m); // per-merchant counters: their bucket item
      if (scope === 'all') await add(scope, itemPeriodOf(byM, period), { [byM]: 1 });
    }
};

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 2, merchants: true });
  const shops = (await t.deps.merchants.byStatus('approved', 100)).items;
  shop = shops.find((m) => m.community_code.startsWith('zengdu.xicheng.')) as Merchant;
  await order('2026-10-05', 'zengdu.xicheng.shengli', shop.merchant_id);
  await order('2026-10-06', 'zengdu.xicheng.yanhe', shop.merchant_id);
  await order('2026-10-07', 'zengdu.dongcheng.qingnian', shop.merchant_id);
  await add('all', 'T', { 'elders.registered': 3, 'points.outstanding': 900 });
  for (const u of ['admin', 'finance', 'zengdu', 'xicheng']) tokens[u] = await staffToken(t.app, u);
  tokens.elder = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
  tokens.merchant = await phoneToken(t.app, t.deps, '17000020000', 'merchant');
});

const get = (path: string, who: string) => t.app.request(path, bearer(tokens[who] ?? ''));
const RANGE = 'from=2026-10-01&to=2026-10-31';

describe('GET /api/analytics/*', () => {
  it.each([
    // who, filter, status, orders requested (overview)
    ['admin', '', 200, 3],
    ['finance', '', 200, 3],
    ['zengdu', '', 200, 3],
    ['xicheng', '', 200, 2],
    ['admin', '&street=zengdu.dongcheng', 200, 1],
    ['xicheng', '&community=zengdu.xicheng.yanhe', 200, 1],
    ['xicheng', '&street=zengdu.dongcheng', 403, null],
    ['xicheng', '&community=zengdu.dongcheng.qingnian', 403, null],
    ['admin', '&street=zengdu.nowhere', 404, null],
    ['elder', '', 403, null],
    ['merchant', '', 403, null],
  ] as const)('%s%s: %i', async (who, filter, status, requested) => {
    for (const view of ['overview', 'by-area', 'merchants']) {
      const r = await get(`/api/analytics/${view}?${RANGE}${filter}`, who);
      expect(r.status, `${view}`).toBe(status);
      if (status === 403 && who === 'xicheng')
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('OUT_OF_SCOPE');
      if (status !== 200 || view !== 'overview') continue;
      const body = (await r.json()) as { orders: { requested: number }; items_read: number; points: unknown };
      expect(body.orders.requested).toBe(requested);
      expect(body.points === null).toBe(!(who === 'admin' || who === 'finance') || filter !== '');
    }
  });

  it('unauthenticated: 401; a bad range: 400', async () => {
    expect((await t.app.request(`/api/analytics/overview?${RANGE}`)).status).toBe(401);
    expect((await get('/api/analytics/overview?from=2026-10-02&to=2026-10-01', 'admin')).status).toBe(400);
    expect((await get('/api/analytics/overview?from=2025-01-01&to=2026-10-01', 'admin')).status).toBe(400);
  });

  it('by area: streets for the city, communities for a street officer', async () => {
    const city = (await (await get(`/api/analytics/by-area?${RANGE}`, 'admin')).json()) as {
      rows: { code: string; requested: number }[];
    };
    expect(city.rows.map((r) => [r.code, r.requested])).toContainEqual(['zengdu.xicheng', 2]);
    const street = (await (await get(`/api/analytics/by-area?${RANGE}`, 'xicheng')).json()) as typeof city;
    expect(street.rows.every((r) => r.code.startsWith('zengdu.xicheng.'))).toBe(true);
  });

  it('merchants: the street officer sees the shops of their street only', async () => {
    const m = (await (await get(`/api/analytics/merchants?${RANGE}`, 'xicheng')).json()) as {
      by_orders: { merchant_id: string; requested: number }[];
      no_orders: { community_code: string }[];
    };
    expect(m.by_orders).toEqual([expect.objectContaining({ merchant_id: shop.merchant_id, requested: 3 })]);
    expect(m.no_orders.every((r) => r.community_code.startsWith('zengdu.xicheng.'))).toBe(true);
  });

  it('CSV: UTF-8 with BOM by default, GBK on request; an unknown table 404; refused roles refused', async () => {
    const utf = await get(`/api/analytics/overview.csv?${RANGE}&table=orders_category`, 'admin');
    expect(utf.status).toBe(200);
    expect(utf.headers.get('content-disposition')).toContain('attachment');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await utf.arrayBuffer());
    expect(text).toBe('\uFEFF类别,发起,完成,取消,积分\r\n理发,3,0,0,75\r\n');
    const gbk = await get(`/api/analytics/overview.csv?${RANGE}&table=orders_category&encoding=gbk`, 'xicheng');
    expect(iconv.decode(Buffer.from(await gbk.arrayBuffer()), 'gbk')).toBe(
      '类别,发起,完成,取消,积分\r\n理发,2,0,0,50\r\n',
    );
    expect((await get(`/api/analytics/merchants.csv?${RANGE}&table=nope`, 'admin')).status).toBe(404);
    expect((await get(`/api/analytics/by-area.csv?${RANGE}&table=areas`, 'elder')).status).toBe(403);
    const other = await get(`/api/analytics/by-area.csv?${RANGE}&table=areas&street=zengdu.dongcheng`, 'xicheng');
    expect(other.status).toBe(403);
  });
});
