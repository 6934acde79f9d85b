// Settlement end to end in real Chromium: finance signs in at a desk, approves a statement, sets the
// shop's bank account, makes a bank batch, downloads its GBK file and marks the statement paid;
// then the shop, on a 360 px phone, sees it paid on its 结算 page. axe on every page on the way.
// The statement is built from ledger captures stamped inside the last closed period (their own
// clock) and the merchant settled for it, as the settlement job would.
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@tmc/local/seed';
import { lastClosedPeriod, periodBounds } from '@tmc/core/settlement/period';
import { statementIdOf, type Statement } from '@tmc/core/settlement/model';
import { captured, merchantByPhone, settled } from '../support/settlement-site';
import {
  DESKTOP,
  MOBILE,
  launch,
  runAxe,
  signInByPhone,
  startServer,
  stopServer,
  stubDialogs,
  type Local,
} from './support';

const SHOP_PHONE = '17000020000'; // the first demo shop
const SHOTS = '/tmp/shots';

let server: Local | undefined;
let browser: Browser | undefined;
let statement: Statement;
const pageErrors: string[] = [];

const local = (): Local => {
  if (!server) throw new Error('server not started');
  return server;
};

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
  mkdirSync(SHOTS, { recursive: true });
  const deps = server.deps;
  const period = lastClosedPeriod(deps.clock.now(), 'monthly');
  const inside = Date.parse(periodBounds(period).start) + 2 * 86_400_000;
  const clock = { now: () => new Date(inside) };
  const shop = await merchantByPhone(deps, SHOP_PHONE);
  // `npm start`'s demo settles last month at this shop already; a server without it gets one here
  const demo = await deps.settlement.statement(statementIdOf(period, shop.merchant_id));
  if (demo) statement = demo;
  else {
    const elder = (await deps.elders.listByCommunity(shop.community_code, 1)).items[0]?.elder_id ?? 'e_browser';
    await captured(deps, clock, { key: 'b1', elder_id: elder, merchant_id: shop.merchant_id, points: 15 });
    statement = await settled(deps, period, shop);
  }
});

afterAll(async () => {
  await browser?.close();
  await stopServer(server);
});

describe('settlement in the browser', () => {
  it('finance approves, batches, downloads the GBK file, marks paid; the shop sees it paid', async () => {
    const url = local().url;
    const ctx = await browser!.newContext({ ...DESKTOP, acceptDownloads: true });
    await stubDialogs(ctx);
    const page = watch(await ctx.newPage());
    await page.goto(`${url}/staff/login`);
    await page.fill('#f-username', 'finance');
    await page.fill('#f-password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${url}/staff`), page.click('button[type=submit]:has-text("登录")')]);
    await Promise.all([page.waitForURL(`${url}/staff/settlement`), page.click('main a[href="/staff/settlement"]')]);
    expect(await runAxe(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/finance-workbench.png`, fullPage: true });

    await page.goto(`${url}/staff/settlement/statements?status=issued`);
    expect(await runAxe(page)).toEqual([]);
    await Promise.all([page.waitForLoadState('load'), page.click(`a:has-text("${statement.statement_no}")`)]);
    expect(await runAxe(page)).toEqual([]);
    await Promise.all([page.waitForURL(/done=approved/), page.click('button:has-text("审核通过")')]);
    expect(await page.textContent('main')).toContain('已审核待付款');
    expect(await runAxe(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/finance-statement-approved.png`, fullPage: true });

    // the shop is paid by bank: finance records its account
    await Promise.all([page.waitForLoadState('load'), page.click('a:has-text("收款账户")')]);
    await page.fill('#f-payee_name', '老街理发店');
    await page.fill('#f-bank_name', '中国银行随州分行');
    await page.fill('#f-account_no', '6222 0212 3456 7890');
    await Promise.all([page.waitForURL(/done=payee_saved/), page.click('button:has-text("保存")')]);
    expect(await page.textContent('#account')).toContain('**** **** 7890');
    expect(await runAxe(page)).toEqual([]);

    await page.goto(`${url}/staff/settlement/batches`);
    await Promise.all([page.waitForURL(/done=batch/), page.click('button:has-text("生成批次")')]);
    expect(await runAxe(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/finance-batches.png`, fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('tr[aria-current] a:has-text("GBK")'),
    ]);
    const bytes = readFileSync((await download.path()) ?? '');
    const text = new TextDecoder('gbk').decode(bytes);
    expect(text).toContain('收款户名');
    expect(text).toContain(statement.statement_no);
    expect(text).toContain('6222021234567890');

    await page.goto(`${url}/staff/settlement/statements/${statement.statement_id}`);
    await page.fill('#f-bank_ref', 'BANK-BROWSER-1');
    await Promise.all([page.waitForURL(/done=paid/), page.click('button:has-text("标记已付款")')]);
    expect(await page.textContent('main')).toContain('BANK-BROWSER-1');
    expect(await runAxe(page)).toEqual([]);
    await ctx.close();

    const phone = await browser!.newContext(MOBILE);
    await stubDialogs(phone);
    const shop = watch(await phone.newPage());
    await signInByPhone(local(), shop, 'merchant', SHOP_PHONE);
    await Promise.all([shop.waitForURL(`${url}/merchant/settlement`), shop.click('a[href="/merchant/settlement"]')]);
    const main = (await shop.textContent('main')) ?? '';
    expect(main).toContain(statement.statement_no);
    expect(main).toContain('已付款');
    expect(main).toContain('BANK-BROWSER-1');
    expect(await shop.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await runAxe(shop)).toEqual([]);
    await shop.screenshot({ path: `${SHOTS}/merchant-settlement.png`, fullPage: true });
    await Promise.all([
      shop.waitForLoadState('load'),
      shop.click(`a[href="/merchant/settlement/${statement.statement_id}"]`),
    ]);
    expect(await shop.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await runAxe(shop)).toEqual([]);
    await shop.screenshot({ path: `${SHOTS}/merchant-statement.png`, fullPage: true });
    await phone.close();
    expect(pageErrors).toEqual([]);
  });
});
