// The bureau's dashboard in real Chromium (issue 11): an officer signs in at a desk, filters by a street and
// a month, sees the charts drawn (SVG by the ECharts island) and the same numbers as tables, downloads a
// table as CSV (UTF-8 with BOM); axe finds nothing. Counters are written directly, as the streams function
// would write them. Screenshot: /tmp/analytics.png.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@tmc/local/seed';
import { addCompletedOrder, addCounters } from '../support/counters';
import { DESKTOP, launch, runAxe, startServer, stopServer, type Local } from './support';

let server: Local | undefined;
let browser: Browser | undefined;
const pageErrors: string[] = [];

const watch = (p: Page) => {
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  p.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  return p;
};

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  const db = server.deps.db;
  const shop = (await server.deps.merchants.byStatus('approved', 10)).items[0]!;
  for (let d = 1; d <= 20; d++) {
    const day = `2026-10-${String(d).padStart(2, '0')}`;
    const community = d % 2 ? 'zengdu.xicheng.shengli' : 'zengdu.xicheng.yanhe';
    const cat = (['barber', 'canteen', 'domestic'] as const)[d % 3]!;
    await addCompletedOrder(db, { day, community, m: shop.merchant_id, cat, points: 10 + d, stars: 1 + (d % 5) });
  }
  await addCounters(db, 'street:zengdu.xicheng', 'T', { 'elders.registered': 40, 'elders.registered|age=80-89': 12 });
}, 600_000); // the full local server with the demo seed: minutes on a loaded machine

afterAll(async () => {
  await browser?.close();
  await stopServer(server);
});

describe('analytics dashboard in the browser', () => {
  it('filters, draws charts beside the tables, exports a CSV; axe finds nothing', async () => {
    const url = server!.url;
    const ctx = await browser!.newContext({ ...DESKTOP, acceptDownloads: true });
    const page = watch(await ctx.newPage());
    await page.goto(`${url}/staff/login`);
    await page.fill('#f-username', 'admin');
    await page.fill('#f-password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${url}/staff`), page.click('button[type=submit]:has-text("登录")')]);
    await Promise.all([page.waitForURL(/\/staff\/analytics/), page.click('main a[href="/staff/analytics"]')]);
    await page.fill('input[name=from]', '2026-10-01');
    await page.fill('input[name=to]', '2026-10-31');
    await page.selectOption('select[name=street]', 'zengdu.xicheng');
    await Promise.all([page.waitForURL(/street=zengdu\.xicheng/), page.click('form.filters button[type=submit]')]);
    await page.waitForSelector('[data-chart-ready] svg');
    expect(await page.locator('[data-chart-ready] svg').count()).toBeGreaterThanOrEqual(4);
    const caption = page.locator('caption', { hasText: '按服务类别的订单与积分' });
    await expect(caption.count()).resolves.toBe(1);
    const rows = page.locator('#t-orders_category tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await page.locator('#t-orders_series tbody tr').count()).toBe(31); // a month: by day
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#t-orders_category a[href*="table=orders_category"]:not([href*="gbk"])'),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF类别,发起,完成,取消,积分\r\n')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
    expect(await runAxe(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/analytics.png', fullPage: true });
    expect(pageErrors).toEqual([]);
    await ctx.close();
  }, 180_000);
});
