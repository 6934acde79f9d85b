// The dashboard's figures from counter items (written here as the streams function would: a fact's deltas
// added to day and month items of its scopes), and its scope checks.
import { describe, expect, it } from 'vitest';
import {
  counterName,
  dayPeriod,
  itemPeriodOf,
  MERCHANT_BUCKETS,
  monthPeriod,
  scopesOf,
  type CounterRow,
  type Period,
  type Scope,
} from './model';
import { dashboardByArea, dashboardOverview } from './dashboard';
import { MERCHANT_ITEMS_MAX } from './plan';
import { DashboardQuery, resolveTarget } from './dashboard-query';
import { dashboardMerchants, type MerchantRef } from './merchant-ranking';
import { overviewTables, tableCsv } from './dashboard-tables';
import type { Area } from '../areas/model';
import type { AreaStore } from '../areas/ports';

const memoryCounters = () => {
  const items = new Map<string, Record<string, number>>();
  const add = (scope: Scope, period: Period, name: string, v: number) => {
    const k = `${scope}|${period}`;
    const c = items.get(k) ?? items.set(k, {}).get(k)!;
    c[name] = (c[name] ?? 0) + v;
  };
  let asked = 0;
  return {
    /** a flow on a day in a community: day and month items of its scopes */
    flow: (day: string, community: string | null, name: string, v = 1) => {
      for (const s of scopesOf(community))
        for (const p of [dayPeriod(day), monthPeriod(day)]) add(s, itemPeriodOf(name, p), name, v);
    },
    stock: (community: string | null, name: string, v = 1) => {
      for (const s of scopesOf(community)) add(s, 'T', name, v);
    },
    /** active.last buckets live in the month item of the day */
    last: (day: string, community: string, name: string) => {
      for (const s of scopesOf(community)) add(s, monthPeriod(day), name, 1);
    },
    read: async (wanted: { scope: Scope; period: Period }[]): Promise<CounterRow[]> => {
      asked += wanted.length;
      return wanted.flatMap((w) => {
        const c = items.get(`${w.scope}|${w.period}`);
        return c ? [{ scope: w.scope, period: w.period, counters: c }] : [];
      });
    },
    asked: () => asked,
  };
};

const area = (code: string, name: string): Area => ({
  code,
  name,
  centroid: { lat: 31, lng: 113 },
  level: (['district', 'street', 'community'] as const)[code.split('.').length - 1]!,
  parent_code: code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : null,
});
const TREE = [
  area('zd', '曾都区'),
  area('zd.xc', '西城'),
  area('zd.dc', '东城'),
  area('zd.xc.sl', '胜利'),
  area('zd.xc.yh', '沿河'),
  area('zd.dc.qn', '青年'),
];
const areas: AreaStore = {
  get: async (code) => TREE.find((a) => a.code === code) ?? null,
  children: async (parent) => TREE.filter((a) => a.parent_code === parent),
  put: async () => {
    throw new Error('read only');
  },
};

const q = (from: string, to: string, more: Partial<DashboardQuery> = {}) => DashboardQuery.parse({ from, to, ...more });

describe('dashboard', () => {
  const c = memoryCounters();
  // two elders in 胜利, one in 青年; orders over 2025
  c.stock('zd.xc.sl', 'elders.registered', 2);
  c.stock('zd.xc.sl', counterName('elders.registered', 'age', '70-79'), 2);
  c.stock('zd.dc.qn', 'elders.registered', 1);
  c.stock('zd.dc.qn', counterName('elders.registered', 'age', '90+'), 1);
  for (const [day, comm, cat, m] of [
    ['2025-01-15', 'zd.xc.sl', 'barber', 'm_aaaa'],
    ['2025-06-01', 'zd.xc.sl', 'barber', 'm_aaaa'],
    ['2025-12-20', 'zd.xc.sl', 'canteen', 'm_bbbb'],
    ['2025-12-31', 'zd.dc.qn', 'barber', 'm_aaaa'],
  ] as const) {
    for (const metric of ['orders.requested', 'orders.completed'] as const) {
      c.flow(day, comm, metric);
      c.flow(day, comm, counterName(metric, 'cat', cat));
      c.flow(day, null, counterName(metric, 'm', m)); // ranking reads the city's |m= counters
    }
    c.flow(day, comm, 'orders.points', 30);
    c.flow(day, comm, counterName('orders.points', 'cat', cat), 30);
  }
  c.flow('2025-06-01', 'zd.xc.sl', 'orders.requested'); // one more asked, cancelled
  c.flow('2025-06-01', 'zd.xc.sl', 'orders.cancelled');
  c.flow('2025-12-20', 'zd.xc.sl', 'ratings.count');
  c.flow('2025-12-20', 'zd.xc.sl', counterName('ratings.count', 'stars', '4'));
  c.flow('2025-12-20', 'zd.xc.sl', 'ratings.sum', 4);
  c.flow('2025-12-20', null, 'points.issued', 600);
  c.stock(null, 'points.outstanding', 480);
  c.last('2025-12-20', 'zd.xc.sl', counterName('active.last', 'last', '2025-12-20'));
  c.last('2025-12-20', 'zd.xc.sl', counterName('active.last.age', 'last', '2025-12-20#70-79'));
  c.last('2025-12-31', 'zd.dc.qn', counterName('active.last', 'last', '2025-12-31'));
  c.last('2025-06-01', 'zd.xc.sl', counterName('active.last', 'last', '2025-06-01')); // outside the window

  it('a year for the city: 12 month items and the total, the figures summed', async () => {
    const before = c.asked();
    const o = await dashboardOverview(c, q('2025-01-01', '2025-12-31'), await resolveTarget(areas, null, {}));
    expect(c.asked() - before).toBe(13);
    expect(o.items_read).toBe(13);
    expect(o.elders).toMatchObject({ registered: 3, active: 2, active_pct: 66.7 });
    expect(o.elders.by_age.find((r) => r.key === '70-79')).toEqual({
      key: '70-79',
      registered: 2,
      active: 1,
      active_pct: 50,
    });
    expect(o.orders).toMatchObject({ requested: 5, completed: 4, cancelled: 1, points: 120, completion_pct: 80 });
    expect(o.orders.by_category).toEqual([
      { category: 'barber', requested: 3, completed: 3, cancelled: 0, points: 90 },
      { category: 'canteen', requested: 1, completed: 1, cancelled: 0, points: 30 },
    ]);
    expect(o.orders.series).toHaveLength(12);
    expect(o.points).toMatchObject({ issued: 600, outstanding_now: 480 });
    expect(o.ratings).toMatchObject({ count: 1, average: 4 });
    const csv = tableCsv(overviewTables(o, { category: { barber: '理发' } }).find((t) => t.id === 'orders_category')!);
    expect(csv).toBe('\uFEFF类别,发起,完成,取消,积分\r\n理发,3,3,0,90\r\ncanteen,1,1,0,30\r\n');
  });

  it('a range with edges reads days or month less days, and the sums stay exact', async () => {
    const o = await dashboardOverview(c, q('2025-01-16', '2025-12-30'), await resolveTarget(areas, null, {}));
    expect(o.orders.requested).toBe(3); // 01-15 and 12-31 are outside
    expect(o.items_read).toBeLessThanOrEqual(1 + 16 + 10 + 2 + 2 + 1);
  });

  it('a street officer sees their street only; a district is its streets summed; points only city-wide', async () => {
    const street = await dashboardOverview(c, q('2025-01-01', '2025-12-31'), await resolveTarget(areas, 'zd.xc', {}));
    expect(street.orders.requested).toBe(4);
    expect(street.points).toBeNull();
    await expect(resolveTarget(areas, 'zd.xc', { street: 'zd.dc' })).rejects.toMatchObject({ code: 'OUT_OF_SCOPE' });
    await expect(resolveTarget(areas, null, { street: 'zd.nope' })).rejects.toMatchObject({ code: 'AREA_NOT_FOUND' });
    const district = await resolveTarget(areas, 'zd', {});
    expect(district.scopes).toEqual(['street:zd.xc', 'street:zd.dc']);
    expect((await dashboardOverview(c, q('2025-01-01', '2025-12-31'), district)).orders.requested).toBe(5);
    const comm = await resolveTarget(areas, 'zd.xc', { community: 'zd.xc.yh' });
    expect((await dashboardOverview(c, q('2025-01-01', '2025-12-31'), comm)).orders.requested).toBe(0);
  });

  it('by area: the city by street, a street by community', async () => {
    const city = await dashboardByArea({ counters: c, areas }, q('2025-01-01', '2025-12-31'), {
      code: null,
      level: 'city',
      scopes: ['all'],
    });
    expect(city.rows.map((r) => [r.code, r.requested])).toEqual([
      ['zd.dc', 1],
      ['zd.xc', 4],
    ]);
    expect(city.items_read).toBe(2 * 13);
    const street = await dashboardByArea(
      { counters: c, areas },
      q('2025-12-01', '2025-12-31'),
      await resolveTarget(areas, 'zd.xc', {}),
    );
    expect(street.rows.map((r) => [r.code, r.requested, r.registered])).toEqual([
      ['zd.xc.sl', 1, 2],
      ['zd.xc.yh', 0, 0],
    ]);
  });

  it('merchants: rankings in the area from the city counters, approved shops with no orders', async () => {
    const shops: MerchantRef[] = [
      { merchant_id: 'm_aaaa', business_name: '老王理发', community_code: 'zd.xc.sl', status: 'approved' },
      { merchant_id: 'm_cccc', business_name: '空闲家政', community_code: 'zd.xc.yh', status: 'approved' },
      { merchant_id: 'm_dddd', business_name: '东城诊所', community_code: 'zd.dc.qn', status: 'approved' },
    ];
    const byIds = async (ids: readonly string[]) =>
      ids.map((id) => ({
        merchant_id: id,
        business_name: '停业食堂',
        community_code: 'zd.xc.yh',
        status: 'suspended',
      }));
    const m = await dashboardMerchants(
      { counters: c, merchants: { approved: async () => shops, byIds } },
      q('2025-01-01', '2025-12-31'),
      await resolveTarget(areas, 'zd.xc', {}),
    );
    expect(m.by_orders.map((r) => [r.merchant_id, r.requested, r.status])).toEqual([
      ['m_aaaa', 3, 'approved'],
      ['m_bbbb', 1, 'suspended'],
    ]);
    expect(m.no_orders.map((r) => r.merchant_id)).toEqual(['m_cccc']);
    expect(m.items_read).toBe(12 * MERCHANT_BUCKETS); // every bucket item of the 12 months, nothing else
    // a partial range: December less its first 19 days, by the bucket items of the month and days
    const dec = await dashboardMerchants(
      { counters: c, merchants: { approved: async () => shops, byIds } },
      q('2025-12-20', '2025-12-31'),
      await resolveTarget(areas, null, {}),
    );
    expect(dec.all.map((r) => [r.merchant_id, r.requested])).toEqual([
      ['m_aaaa', 1],
      ['m_bbbb', 1],
    ]);
    expect(dec.items_read).toBeLessThanOrEqual(MERCHANT_ITEMS_MAX);
  });

  it('refuses a reversed range, more than a year, a community outside the street', () => {
    expect(DashboardQuery.safeParse({ from: '2025-02-01', to: '2025-01-01' }).success).toBe(false);
    expect(DashboardQuery.safeParse({ from: '2025-01-01', to: '2026-01-02' }).success).toBe(false);
    expect(DashboardQuery.safeParse({ from: '2024-01-01', to: '2024-12-31' }).success).toBe(true);
    expect(DashboardQuery.safeParse({ from: '2025-02-30', to: '2025-03-01' }).success).toBe(false);
    const bad = { from: '2025-01-01', to: '2025-01-31', street: 'zd.xc', community: 'zd.dc.qn' };
    expect(DashboardQuery.safeParse(bad).success).toBe(false);
  });
});
