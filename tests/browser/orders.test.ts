// End to end in real Chromium at a 360 x 740 phone: the elder picks 理发, books the nearest
// barber and sees the code page (axe with 7:1 contrast, 18 px text, 48 px targets, nothing off
// the screen), then the shop signs in on its phone, accepts and redeems with that code, and the
// elder sees the rating form. A screenshot of the code page goes to test-results/elder-order.png.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  MOBILE,
  dialogsCalled,
  launch,
  measureElderRules,
  runAxe,
  signInByPhone,
  startServer,
  stopServer,
  stubDialogs,
  type Local,
} from './support';

const RESULTS = new URL('../../test-results/', import.meta.url);
const SCREENSHOT = fileURLToPath(new URL('elder-order.png', RESULTS));
const DEMO_MERCHANTS = 36;

let server: Local | undefined;
let browser: Browser | undefined;
let elderCtx: BrowserContext;
let shopCtx: BrowserContext;
const pageErrors: string[] = [];
let orderUrl = '';
let code = '';

const local = (): Local => {
  if (!server) throw new Error('server not started');
  return server;
};

const newPage = async (ctx: BrowserContext): Promise<Page> => {
  const p = await ctx.newPage();
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  // A wrong code is answered 422 with the page re-rendered inline (a 4xx is the contract for a
  // refused request); Chromium logs that document status as a console error, which is expected.
  p.on('console', (m) => {
    if (m.type() === 'error' && !/status of 422 /.test(m.text())) pageErrors.push(m.text());
  });
  p.on('dialog', (d) => {
    pageErrors.push(`dialog: ${d.type()}`);
    void d.dismiss();
  });
  return p;
};

/** The 适老化 rules every elder and shop page keeps, measured in the page. */
const expectElderRules = async (page: Page) => {
  expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(MOBILE.viewport.width);
  expect(await runAxe(page)).toEqual([]);
  const m = await measureElderRules(page);
  expect(m.bodyFontPx).toBeGreaterThanOrEqual(18);
  expect(m.smallText).toEqual([]);
  expect(m.smallTargets).toEqual([]);
  expect(await dialogsCalled(page)).toEqual([]);
};

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  elderCtx = await browser.newContext(MOBILE);
  shopCtx = await browser.newContext(MOBILE);
  await stubDialogs(elderCtx);
  await stubDialogs(shopCtx);
});

afterAll(async () => {
  await browser?.close();
  await stopServer(server);
});

describe('elder books a barber', () => {
  it('home -> 理发 -> 预约 -> 确认预约 -> the code page, every screen within the rules', async () => {
    const page = await newPage(elderCtx);
    await signInByPhone(local(), page, 'elder', local().seed.elderPhones[0] ?? '');
    expect(Number(await page.textContent('#balance').then((t) => t?.match(/\d+/)?.[0]))).toBeGreaterThan(0);

    await Promise.all([page.waitForURL(/\/elder\/services\?category=barber$/), page.click('a.btn:has-text("理发")')]);
    await page.waitForSelector('li.svc');
    expect(await page.textContent('main')).toMatch(/步行约 \d+ 分钟/);
    await expectElderRules(page);
    mkdirSync(fileURLToPath(RESULTS), { recursive: true });
    await page.screenshot({ path: fileURLToPath(new URL('elder-services.png', RESULTS)), fullPage: true });

    await Promise.all([page.waitForURL(/\/elder\/book\?/), page.click('li.svc >> nth=0 >> a:has-text("预约")')]);
    await expectElderRules(page);
    await page.screenshot({ path: fileURLToPath(new URL('elder-confirm.png', RESULTS)), fullPage: true });

    await Promise.all([page.waitForURL(/\/elder\/orders\/o_[A-Za-z0-9]+$/), page.click('button:has-text("确认预约")')]);
    orderUrl = page.url();
    code = (await page.textContent('#code'))?.trim() ?? '';
    expect(code).toMatch(/^\d{6}$/);
    expect(await page.textContent('main')).toContain('已预约，等商户接单');
    // the code is the biggest thing on the screen, spaced out for the shop to read
    const style = await page.$eval('#code', (el) => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return { px: parseFloat(s.fontSize), spacing: parseFloat(s.letterSpacing), right: r.right };
    });
    expect(style.px).toBeGreaterThanOrEqual(40);
    expect(style.spacing).toBeGreaterThan(5);
    expect(style.right).toBeLessThanOrEqual(MOBILE.viewport.width);
    await expectElderRules(page);
    // read-aloud shows only where the browser can speak; headless Chromium has speechSynthesis
    const speak = await page.$('#code ~ button[data-speak]');
    expect(await speak?.getAttribute('data-speak')).toContain(code.split('').join(' '));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });
});

describe('the shop redeems it', () => {
  it('signs in on the shop phone, accepts, redeems with the code; the elder sees 已完成 and can rate', async () => {
    const order_id = orderUrl.split('/').pop() ?? '';
    const o = await local().deps.orders.get(order_id);
    let phone = '';
    for (let i = 0; i < DEMO_MERCHANTS && !phone; i++) {
      const p = `1700002${String(i).padStart(4, '0')}`;
      if (
        (await local().deps.accounts.get('merchant', local().deps.blindIndex('phone', p)))?.account_id ===
        o?.merchant_id
      )
        phone = p;
    }
    expect(phone).not.toBe('');

    const shop = await newPage(shopCtx);
    await signInByPhone(local(), shop, 'merchant', phone);
    expect(await shop.textContent(`#o-${order_id}`)).toContain('新订单，请接单');
    await expectElderRules(shop);

    await Promise.all([shop.waitForURL(/done=accepted/), shop.click(`#o-${order_id} button:has-text("接单")`)]);
    expect(await shop.textContent(`#o-${order_id}`)).toContain('已接单，服务后核销');
    await expectElderRules(shop);
    await shop.click(`#o-${order_id} summary`); // the card + PIN form opens in place, no pop-up
    await expectElderRules(shop);
    await shop.screenshot({ path: fileURLToPath(new URL('merchant-redeem.png', RESULTS)), fullPage: true });

    const wrong = code === '000000' ? '111111' : '000000';
    await shop.fill(`#code-${order_id}`, wrong);
    await Promise.all([shop.waitForLoadState('load'), shop.click(`#o-${order_id} button:has-text("核销完成")`)]);
    expect(await shop.textContent(`#o-${order_id} .err`)).toContain('还可以再试 4 次');
    await expectElderRules(shop);

    await shop.fill(`#code-${order_id}`, code);
    await Promise.all([shop.waitForURL(/done=completed/), shop.click(`#o-${order_id} button:has-text("核销完成")`)]);
    expect(await shop.textContent('.notice')).toContain('核销成功');
    await shop.screenshot({ path: fileURLToPath(new URL('merchant-orders.png', RESULTS)), fullPage: true });
    expect((await local().deps.orders.get(order_id))?.status).toBe('completed');
    await shop.close();

    const elder = await newPage(elderCtx);
    await elder.goto(orderUrl);
    expect(await elder.textContent('main')).toContain('已完成');
    expect(await elder.$('#code')).toBeNull();
    await expectElderRules(elder);
    await elder.click('label.pick:has-text("5星")');
    await Promise.all([elder.waitForURL(/done=rated/), elder.click('button:has-text("提交评价")')]);
    expect((await local().deps.orders.get(order_id))?.rating?.stars).toBe(5);
    await expectElderRules(elder);
    await elder.close();
  });
});

describe('shop pages', () => {
  it("the services list with its add form, and a new shop's application form, keep the rules", async () => {
    const shop = await newPage(shopCtx);
    await shop.goto(`${local().url}/merchant/services`);
    expect(await shop.textContent('main')).toContain('添加服务');
    await shop.screenshot({ path: fileURLToPath(new URL('merchant-services.png', RESULTS)), fullPage: true });
    await expectElderRules(shop);
    await shop.close();

    const ctx = await browser!.newContext(MOBILE);
    await stubDialogs(ctx);
    const fresh = await newPage(ctx);
    await signInByPhone(local(), fresh, 'merchant', '17000029911');
    expect(await fresh.textContent('main')).toContain('入驻申请');
    await fresh.screenshot({ path: fileURLToPath(new URL('merchant-apply.png', RESULTS)), fullPage: true });
    await expectElderRules(fresh);
    await fresh.click('button:has-text("提交申请")'); // required fields: the browser stops the post, nothing pops up
    expect(fresh.url()).toBe(`${local().url}/merchant`);
    await ctx.close();
  });
});

describe('no script errors', () => {
  it('no page logged an error, hit a CSP block or opened a dialog', () => {
    expect(pageErrors).toEqual([]);
  });
});
