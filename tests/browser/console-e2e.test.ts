// Issue 11 end to end in real Chromium, on one full local server (`npm start`'s startLocal: DynamoDB Local,
// the demo seed, the stream poller). Nothing is written behind the pages' back: the demo seed books and
// completes its orders through the order use cases, one of them completed 20 seconds after acceptance,
// and the poller's flag reactor raises the `fast_complete` flag from the table's stream; the seed runs the
// coverage job once. (a) The coverage page as the street officer and as the admin: SVG map with its
// communities and legend, the gaps; (b) the admin dismisses the flag with a reason and sees the notice
// and the status; (c) the audit log shows that dismissal by the admin and the staff sign-ins (and a failed
// one), filtered by action. axe finds nothing on any page. Screenshots: /tmp/coverage.png, /tmp/flag.png,
// /tmp/audit.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@tmc/local/seed';
import type { Flag } from '@tmc/core/analytics/flags';
import { DESKTOP, launch, runAxe, startServer, stopServer, type Local } from './support';

let server: Local | undefined;
let browser: Browser | undefined;
let flag: Flag | undefined;
const pageErrors: string[] = [];

const STREET = 'zengdu.xicheng'; // the demo's street officer 'xicheng'
const FLAG_WAIT_MS = 120_000; // the poller reads the seed's few thousand changes from the stream's start
const REASON = '已电话核实：老人确实到店理发，商户补录完成';

const watch = (p: Page) => {
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  p.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  return p;
};

const signIn = async (ctx: BrowserContext, username: string): Promise<Page> => {
  const url = server!.url;
  const page = watch(await ctx.newPage());
  await page.goto(`${url}/staff/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(`${url}/staff`), page.click('button[type=submit]:has-text("登录")')]);
  return page;
};

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  const deadline = Date.now() + FLAG_WAIT_MS;
  while (!flag && Date.now() < deadline) {
    flag = (await server.deps.flags.list('open', null, 10)).items.find((f) => f.rule === 'fast_complete');
    if (!flag) await new Promise((r) => setTimeout(r, 1_000));
  }
}, 600_000); // the full local server with the demo seed: minutes on a loaded machine

afterAll(async () => {
  await browser?.close();
  await stopServer(server);
});

describe('the bureau console end to end', () => {
  it('(a) coverage: the street officer sees their communities on the map with a legend and the gaps', async () => {
    const ctx = await browser!.newContext(DESKTOP);
    const page = await signIn(ctx, 'xicheng');
    await page.goto(`${server!.url}/staff/coverage`);
    await page.waitForSelector('figure.coverage-map svg[role=img]');
    const mine = await page
      .locator('figure.coverage-map g[data-community]')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-community') ?? ''));
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.every((c) => c.startsWith(`${STREET}.`))).toBe(true); // their street only
    expect(await page.locator('ul.legend li').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('table caption', { hasText: '各社区各类服务覆盖率' }).count()).toBe(1);
    expect(await page.locator('tbody tr[data-community]').count()).toBe(mine.length);
    expect(await page.locator('[data-computed-at]').count()).toBe(1); // a run exists: the seed's
    expect(await page.locator('ol.gaps li, p:has-text("没有缺口")').count()).toBeGreaterThanOrEqual(1);
    expect(await runAxe(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/coverage-street.png', fullPage: true });
    await ctx.close();

    const actx = await browser!.newContext(DESKTOP);
    const admin = await signIn(actx, 'admin');
    await admin.goto(`${server!.url}/staff/coverage`);
    await admin.waitForSelector('figure.coverage-map svg[role=img]');
    const all = await admin.locator('figure.coverage-map g[data-community]').count();
    expect(all).toBeGreaterThan(mine.length); // the whole district
    expect(await admin.locator('figure.coverage-map rect').count()).toBeGreaterThan(0); // the merchants
    expect(await admin.locator('ol.gaps li').count()).toBeGreaterThan(0);
    expect(await runAxe(admin)).toEqual([]);
    await admin.screenshot({ path: '/tmp/coverage.png', fullPage: true });
    expect(pageErrors).toEqual([]);
    await actx.close();
  }, 180_000);

  it('(b) a flag raised from the demo orders is dismissed with a reason: notice, status, audited', async () => {
    expect(flag, 'the demo seed raises a fast_complete flag through the stream').toBeDefined();
    const url = server!.url;
    const ctx = await browser!.newContext(DESKTOP);
    const page = await signIn(ctx, 'admin');
    await page.goto(`${url}/staff/flags`);
    const link = page.locator(`a[href="/staff/flags/${flag!.flag_id}"]`);
    expect(await link.count()).toBe(1);
    await Promise.all([page.waitForURL(`${url}/staff/flags/${flag!.flag_id}`), link.click()]);
    expect(await page.locator('dd', { hasText: '待处理' }).count()).toBe(1);
    expect(await page.locator('#orders-h + table tbody tr, section[aria-labelledby=orders-h] tbody tr').count()).toBe(
      1,
    ); // the order completed 20 seconds after acceptance
    expect(await runAxe(page)).toEqual([]);
    await page.fill('textarea[name=reason], input[name=reason]', REASON);
    await Promise.all([
      page.waitForURL(/\?done=dismissed/),
      page.click('button[type=submit]:has-text("排除（误报）")'),
    ]);
    await expect(page.locator('.notice[role=status]').innerText()).resolves.toContain('已排除该提示');
    expect(await page.locator('dd', { hasText: '已排除' }).count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('dd', { hasText: REASON }).count()).toBe(1);
    expect(await runAxe(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/flag.png', fullPage: true });
    expect((await server!.deps.flags.get(flag!.flag_id))?.status).toBe('dismissed');
    expect(pageErrors).toEqual([]);
    await ctx.close();
  }, 180_000);

  it('(c) the audit log shows the dismissal by the admin and the staff sign-ins, filtered by action', async () => {
    const url = server!.url;
    const ctx = await browser!.newContext(DESKTOP);
    // a failed sign-in first: the log has those too
    const bad = watch(await ctx.newPage());
    await bad.goto(`${url}/staff/login`);
    await bad.fill('#f-username', 'zengdu');
    await bad.fill('#f-password', 'not-the-password');
    await bad.click('button[type=submit]:has-text("登录")');
    await bad.waitForSelector('[role=alert], .error, .errors');
    await bad.close();
    const page = await signIn(ctx, 'admin');
    await page.goto(`${url}/staff/audit`);
    await page.fill('input[name=action]', 'flag.dismiss');
    await Promise.all([page.waitForURL(/action=flag\.dismiss/), page.click('form.filters button[type=submit]')]);
    const rows = page.locator('main table tbody tr');
    expect(await rows.count()).toBe(1);
    const row = await rows.first().innerText();
    expect(row).toContain('staff:admin');
    expect(row).toContain(`flag:${flag!.flag_id}`);
    expect(row).toContain(REASON);
    await page.fill('input[name=action]', 'staff.');
    await Promise.all([page.waitForURL(/action=staff\./), page.click('form.filters button[type=submit]')]);
    const text = await page.locator('main table tbody').innerText();
    expect(text).toContain('工作人员登录');
    expect(text).toContain('staff:xicheng');
    expect(text).toMatch(/staff\.login_failed|登录失败/);
    expect(await runAxe(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/audit.png', fullPage: true });
    expect(pageErrors.filter((e) => !e.includes('401'))).toEqual([]);
    await ctx.close();
  }, 180_000);
});
