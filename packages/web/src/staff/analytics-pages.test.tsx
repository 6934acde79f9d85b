// The dashboard page: a GET filter form, every figure as a captioned table with CSV links, charts only
// here (the ECharts island), a street officer kept to their street, elders refused; elder pages never
// reference the chart bundle.
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, makeSite, signInPhone, signInStaff, textOf, type Site } from '../../../../tests/support/site';
import { addCompletedOrder, addCounters } from '../../../../tests/support/counters';
import { CHARTS_PATH } from '../kit/charts/asset';

let site: Site;
let admin: Client;
let street: Client;
beforeAll(async () => {
  site = await makeSite({ elders: 4, at: '2026-11-23T08:00:00Z' });
  const db = site.deps.db;
  for (const [day, community, m, stars] of [
    ['2026-11-02', 'zengdu.xicheng.shengli', 'm_shop01', 5],
    ['2026-11-03', 'zengdu.xicheng.yanhe', 'm_shop01', 4],
    ['2026-11-04', 'zengdu.dongcheng.qingnian', 'm_shop02', 3],
  ] as const)
    await addCompletedOrder(db, { day, community, m, cat: 'barber', points: 20, stars });
  await addCounters(db, 'all', 'T', { 'elders.registered': 4, 'points.outstanding': 1200 });
  admin = await signInStaff(site, 'admin');
  street = await signInStaff(site, 'xicheng');
}, 120_000);

describe('staff analytics page', () => {
  it('shows the figures for the last 30 days by default, as captioned tables with CSV links and charts', async () => {
    const r = await admin.get('/staff/analytics');
    expect(r.status).toBe(200);
    expect(r.text).toContain('<form method="get" action="/staff/analytics"');
    expect(r.text).toContain('value="2026-10-25"'); // 30 days to the fake clock's China date
    expect(r.text).toMatch(/<caption>按服务类别的订单与积分<\/caption>/);
    expect(textOf(r.text)).toContain('理发 3 3 0 60');
    expect(r.text).toContain('/api/analytics/overview.csv?from=2026-10-25&amp;to=2026-11-23&amp;table=orders_category');
    expect(r.text).toContain('encoding=gbk');
    expect(r.text).toMatch(/data-chart="[^"]+"/);
    expect(r.text).toMatch(new RegExp(`<script src="${CHARTS_PATH}\\?v=[\\w-]+" defer`));
    expect(textOf(r.text)).toContain('当前待兑付');
  });

  it('filters by street; a street officer sees their street and is refused another', async () => {
    const east = await admin.get('/staff/analytics?from=2026-11-01&to=2026-11-30&street=zengdu.dongcheng');
    expect(textOf(east.text)).toContain('理发 1 1 0 20');
    const own = await street.get('/staff/analytics?from=2026-11-01&to=2026-11-30');
    expect(textOf(own.text)).toContain('理发 2 2 0 40');
    expect(own.text).not.toContain('当前待兑付'); // points are city-wide figures
    const other = await street.get('/staff/analytics?from=2026-11-01&to=2026-11-30&street=zengdu.dongcheng');
    expect(other.status).toBe(400);
    expect(other.text).toContain('不在您的管辖范围内');
    const bad = await admin.get('/staff/analytics?from=2026-11-30&to=2026-11-01');
    expect(bad.status).toBe(400);
  });

  it('serves the chart island, cacheable by hash', async () => {
    const page = await admin.get('/staff/analytics');
    const src = page.text.match(/<script src="(\/static\/charts\.js\?v=[\w-]+)"/)?.[1] ?? '';
    const js = await new Client(site.app).get(src);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.text.length).toBeGreaterThan(10_000);
  });

  it('the staff home links to it; elders are refused; elder pages never reference the chart bundle', async () => {
    expect((await admin.get('/staff')).text).toContain('href="/staff/analytics"');
    const elder = await signInPhone(site, 'elder', site.seed.elderPhones[0] ?? '');
    expect((await elder.get('/staff/analytics')).status).not.toBe(200);
    for (const path of ['/', '/elder', '/elder/services?category=barber', '/elder/orders']) {
      const r = await elder.get(path);
      expect(r.status, path).toBeLessThan(400);
      expect(r.text, path).not.toContain('charts.js');
      expect(r.text, path).not.toContain('echarts');
    }
  });
});
