// Issue 12 in real Chromium on the full local server (`npm start`'s startLocal with the demo seed): (a) the
// admin computes next month's issuance preview (a background job), ticks the confirmation, starts the
// run and watches it to its result; (b) the street officer uploads an awards sign-in sheet (CSV), sees
// the checked preview, confirms and sees the awards made. axe (WCAG 2.2 AA) finds nothing on any page.
// Screenshots: /tmp/issuance-preview.png, /tmp/issuance-result.png, /tmp/issuance-awards-check.png,
// /tmp/issuance-awards-done.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@tmc/local/seed';
import { DESKTOP, launch, runAxe, startServer, stopServer, type Local } from './support';

let server: Local | undefined;
let browser: Browser | undefined;
const pageErrors: string[] = [];
const JOB_WAIT_MS = 120_000; // the in-process job reads every elder of the demo city

const signIn = async (ctx: BrowserContext, username: string): Promise<Page> => {
  const url = server!.url;
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${url}/staff/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(`${url}/staff`), page.click('button[type=submit]:has-text("登录")')]);
  return page;
};

const noAxe = async (page: Page) => expect(await runAxe(page)).toEqual([]);

/** Reloads until `selector` is on the page (a background job finishing). */
const reloadUntil = async (page: Page, selector: string) => {
  for (const deadline = Date.now() + JOB_WAIT_MS; Date.now() < deadline;) {
    if ((await page.locator(selector).count()) > 0) return;
    await new Promise((r) => setTimeout(r, 1_000));
    await page.reload();
  }
  throw new Error(`never appeared: ${selector}`);
};

/** The month after the server's today: the seed issued this one already. */
const nextMonth = (): string => {
  const d = server!.deps.clock.now();
  const n = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 15));
  return n.toISOString().slice(0, 7);
};

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
}, 600_000); // the full local server with the demo seed: minutes on a loaded machine

afterAll(async () => {
  await browser?.close();
  await stopServer(server);
});

describe('the staff workbench: issuance and awards', () => {
  it('(a) the admin previews next month, confirms, starts and sees the result', async () => {
    const month = nextMonth();
    const ctx = await browser!.newContext(DESKTOP);
    const page = await signIn(ctx, 'admin');
    await page.goto(`${server!.url}/staff/issuance?month=${month}`);
    await noAxe(page);
    await Promise.all([page.waitForURL(`**/staff/issuance?month=${month}`), page.click('button:has-text("计算预览")')]);
    await reloadUntil(page, '#by-rule');
    const elders = Number(await page.locator('#preview-elders').textContent());
    expect(elders).toBeGreaterThan(0);
    expect(await page.locator('#by-street tbody tr').count()).toBeGreaterThan(0);
    await noAxe(page);
    await page.screenshot({ path: '/tmp/issuance-preview.png', fullPage: true });
    await page.check('input[name=confirm]');
    await Promise.all([
      page.waitForURL(`**/staff/issuance?month=${month}&done=started`),
      page.click('button:has-text("确认发放")'),
    ]);
    await reloadUntil(page, '[data-run-status="completed"]');
    expect(await page.locator('#run-figures').textContent()).toContain(String(elders));
    expect(await page.locator('[data-last-change]').getAttribute('data-last-change')).toBe('issuance.start');
    await noAxe(page);
    await page.screenshot({ path: '/tmp/issuance-result.png', fullPage: true });
    await ctx.close();
  });

  it('(b) the street officer uploads a sign-in sheet, checks it and confirms', async () => {
    const elders = (await server!.deps.elders.listByCommunity('zengdu.xicheng.shengli', 10)).items
      .filter((e) => e.status === 'active')
      .slice(0, 3);
    expect(elders.length).toBe(3);
    const before = await Promise.all(
      elders.map(async (e) => (await server!.deps.ledger.account(`wallet:${e.elder_id}`)).balance_points),
    );
    const csv = ['卡号,类型,数量,说明', ...elders.map((e) => `${e.card_number},社区活动,1,重阳节敬老活动`)].join(
      '\r\n',
    );
    const ctx = await browser!.newContext(DESKTOP);
    const page = await signIn(ctx, 'xicheng');
    await page.goto(`${server!.url}/staff/awards`);
    await noAxe(page);
    await page.setInputFiles('#f-file', { name: '重阳节签到.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await Promise.all([page.waitForURL('**/staff/awards/csv/*'), page.click('button:has-text("上传并检查")')]);
    const preview = (await page.locator('#award-preview').textContent()) ?? '';
    expect(preview).toContain('3');
    expect(preview).toContain('30');
    await noAxe(page);
    await page.screenshot({ path: '/tmp/issuance-awards-check.png', fullPage: true });
    await Promise.all([page.waitForURL('**/staff/awards/csv/*?awarded=*'), page.click('button:has-text("确认奖励")')]);
    expect(await page.locator('.notice').textContent()).toContain('已奖励 3 行');
    expect(await page.locator('[data-last-change]').getAttribute('data-last-change')).toBe('awards.csv');
    const after = await Promise.all(
      elders.map(async (e) => (await server!.deps.ledger.account(`wallet:${e.elder_id}`)).balance_points),
    );
    expect(after).toEqual(before.map((b) => b + 10));
    await noAxe(page);
    await page.screenshot({ path: '/tmp/issuance-awards-done.png', fullPage: true });
    await ctx.close();
    expect(pageErrors).toEqual([]);
  });
});
