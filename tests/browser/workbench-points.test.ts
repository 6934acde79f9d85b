// Issue 12 in real Chromium on the full local server (`npm start`'s startLocal with the demo seed, which
// leaves one open dispute in 西城街道): (a) the street officer opens the disputes queue, the dispute,
// upholds it with a reason and sees the points back on the elder's points page; (b) the admin freezes
// the elder's wallet with a reason, sees it frozen with the last change, unfreezes it, and opens the
// orders, top-ups and reversal pages. axe (WCAG 2.2 AA) finds nothing on any page at 1280 px.
// Screenshots: /tmp/wb-dispute.png, /tmp/wb-points.png, /tmp/wb-frozen.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_DISPUTE_REASON } from '@tmc/local/demo/disputes';
import { DESKTOP, launch, runAxe, startServer, stopServer, type Local, signInStaff } from './support';

let server: Local | undefined;
let browser: Browser | undefined;
let elderId = '';
const pageErrors: string[] = [];

const signIn = (ctx: BrowserContext, username: string): Promise<Page> =>
  signInStaff(server!, ctx, username, pageErrors);

const noAxe = async (page: Page) => expect(await runAxe(page)).toEqual([]);
const balanceOn = async (page: Page) => Number(await page.locator('[data-balance]').getAttribute('data-balance'));

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
}, 600_000); // the full local server with the demo seed: minutes on a loaded machine

afterAll(async () => {
  await browser?.close();
  await stopServer(server);
});

describe('the staff workbench: disputes and points', () => {
  it('(a) the street officer upholds the demo dispute and sees the points back', async () => {
    const ctx = await browser!.newContext(DESKTOP);
    const page = await signIn(ctx, 'xicheng');
    await page.goto(`${server!.url}/staff/disputes`);
    await noAxe(page);
    const row = page.locator('tr[data-order]').first();
    expect(await row.textContent()).toContain(DEMO_DISPUTE_REASON);
    const orderId = (await row.getAttribute('data-order')) ?? '';
    await Promise.all([page.waitForURL(`**/staff/disputes/${orderId}`), row.locator('a').first().click()]);
    await noAxe(page);
    const order = await server!.deps.orders.get(orderId);
    elderId = order?.elder_id ?? '';
    await page.goto(`${server!.url}/staff/elders/${elderId}/points`);
    const before = await balanceOn(page);
    await page.goto(`${server!.url}/staff/disputes/${orderId}`);
    await page.fill('#decide-reason', '已电话核实：理发没有做完');
    await Promise.all([
      page.waitForURL(`**/staff/disputes/${orderId}?done=uphold`),
      page.click('button:has-text("投诉成立")'),
    ]);
    expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('refunded');
    expect(await page.locator('[data-last-change]').getAttribute('data-last-change')).toBe('order.dispute_uphold');
    await noAxe(page);
    await page.screenshot({ path: '/tmp/wb-dispute.png', fullPage: true });
    await Promise.all([page.waitForURL(`**/staff/elders/${elderId}/points`), page.click('a:has-text("老人积分")')]);
    expect(await balanceOn(page)).toBe(before + (order?.price_points ?? 0));
    expect(await page.locator('tr[data-entry^="reversal:"]').count()).toBeGreaterThanOrEqual(1);
    await noAxe(page);
    await page.screenshot({ path: '/tmp/wb-points.png', fullPage: true });
    await ctx.close();
  });

  it('(b) the admin freezes and unfreezes the wallet; orders, top-ups and reversal pages pass axe', async () => {
    const ctx = await browser!.newContext(DESKTOP);
    const page = await signIn(ctx, 'admin');
    await page.goto(`${server!.url}/staff/elders/${elderId}`);
    await noAxe(page);
    await Promise.all([
      page.waitForURL(`**/staff/elders/${elderId}/points`),
      page.click(`nav[aria-label^="老人页面"] a:has-text("积分")`),
    ]);
    await page.fill('#wallet-reason', '疑似冒用，先冻结');
    await Promise.all([page.waitForURL('**/points?done=frozen'), page.click('button:has-text("冻结积分账户")')]);
    expect(await page.locator('[data-frozen]').getAttribute('data-frozen')).toBe('true');
    expect(await page.locator('[data-last-change]').getAttribute('data-last-change')).toBe('wallet.freeze');
    await noAxe(page);
    await page.screenshot({ path: '/tmp/wb-frozen.png', fullPage: true });
    await page.fill('#wallet-reason', '已核实本人');
    await Promise.all([page.waitForURL('**/points?done=unfrozen'), page.click('button:has-text("解冻积分账户")')]);
    expect(await page.locator('[data-frozen]').getAttribute('data-frozen')).toBe('false');
    // the reversal page of the first reversible entry (the demo's points), then orders and top-ups
    const reverse = page.locator('a[href*="/reverse"]').first();
    if ((await reverse.count()) > 0) {
      await Promise.all([page.waitForURL('**/reverse'), reverse.click()]);
      expect(await page.locator('input[name=idempotency_key]').count()).toBe(1);
      await noAxe(page);
    }
    await page.goto(`${server!.url}/staff/elders/${elderId}/orders`);
    expect(await page.locator('tr[data-order]').count()).toBeGreaterThanOrEqual(1);
    await noAxe(page);
    await page.goto(`${server!.url}/staff/elders/${elderId}/topups`);
    await noAxe(page);
    await page.goto(`${server!.url}/staff/disputes`);
    await noAxe(page);
    expect(pageErrors).toEqual([]);
    await ctx.close();
  });
});
