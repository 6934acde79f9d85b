// End to end in real Chromium against `startLocal`: elder sign-in, 适老化 rules measured in the
// page at a 360 x 740 phone viewport, axe-core (with 7:1 contrast) on elder, family and staff
// pages, the elder page-weight budget, and a staff roster import through the upload form.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@tmc/local/seed';
import {
  DESKTOP,
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

const PAGE_WEIGHT_BUDGET_BYTES = 40 * 1024; // elder home: HTML + CSS + JS, uncompressed
const SAMPLE = fileURLToPath(new URL('../../docs/samples/elders-50.csv', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../../test-results/elder-home.png', import.meta.url));

let server: Local | undefined;
let browser: Browser | undefined;
let elderCtx: BrowserContext;
let familyCtx: BrowserContext;
let elderPhone = '';
const pageErrors: string[] = [];

const local = (): Local => {
  if (!server) throw new Error('server not started');
  return server;
};

const newPage = async (ctx: BrowserContext): Promise<Page> => {
  const p = await ctx.newPage();
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  p.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  p.on('dialog', (d) => {
    pageErrors.push(`dialog: ${d.type()}`);
    void d.dismiss();
  });
  return p;
};

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  elderPhone = server.seed.elderPhones[0] ?? '';
  elderCtx = await browser.newContext(MOBILE);
  familyCtx = await browser.newContext(MOBILE);
  await stubDialogs(elderCtx);
  await stubDialogs(familyCtx);
});

afterAll(async () => {
  await browser?.close();
  await stopServer(server);
});

describe('elder', () => {
  it('signs in with phone and code and sees their card number', async () => {
    const page = await newPage(elderCtx);
    await signInByPhone(local(), page, 'elder', elderPhone);
    const [id] = await local().deps.elders.findIdsByPhoneHash(local().deps.blindIndex('phone', elderPhone));
    const elder = await local().deps.elders.get(id ?? '');
    const shown = (await page.textContent('.cardno'))?.replace(/\s/g, '');
    expect(shown).toBe(elder?.card_number);
    expect(await page.textContent('.hello')).toContain(elder?.name);
    expect(await dialogsCalled(page)).toEqual([]);
    await page.close();
  });

  it('elder login and home pass axe with 7:1 contrast, 18 px text and 48 px targets, no pop-ups', async () => {
    const anon = await browser!.newContext(MOBILE);
    await stubDialogs(anon);
    const login = await newPage(anon);
    await login.goto(`${local().url}/elder/login`);
    const home = await newPage(elderCtx);
    await home.goto(`${local().url}/elder`);
    for (const page of [login, home]) {
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      expect(await runAxe(page)).toEqual([]);
      const m = await measureElderRules(page);
      expect(m.bodyFontPx).toBeGreaterThanOrEqual(18);
      expect(m.smallText).toEqual([]);
      expect(m.smallTargets).toEqual([]);
      expect(await dialogsCalled(page)).toEqual([]);
    }
    // the code page: one field, numeric keyboard, one-time-code autofill
    await login.fill('#f-phone', elderPhone);
    await Promise.all([login.waitForURL(/\/elder\/login\/code$/), login.click('button[type=submit]')]);
    expect(await login.getAttribute('#f-code', 'inputmode')).toBe('numeric');
    expect(await login.getAttribute('#f-code', 'autocomplete')).toBe('one-time-code');
    expect(await runAxe(login)).toEqual([]);
    expect((await measureElderRules(login)).smallTargets).toEqual([]);
    await anon.close();
    await home.close();
  });

  it("with WeChat configured, the home's notice switches keep the rules", async () => {
    const deps = local().deps;
    deps.wechatOAuth = {
      authorizeUrl: (r, st) =>
        `https://open.weixin.qq.com/connect/oauth2/authorize?redirect_uri=${encodeURIComponent(r)}&state=${st}`,
      openidForCode: async () => 'oBrowser',
    };
    try {
      const home = await newPage(elderCtx);
      await home.goto(`${local().url}/elder`);
      expect(await home.locator('a[href="/wechat/link"]').count()).toBe(1);
      expect(await runAxe(home)).toEqual([]);
      const m = await measureElderRules(home);
      expect(m.smallText).toEqual([]);
      expect(m.smallTargets).toEqual([]);
      await home.close();
    } finally {
      deps.wechatOAuth = null;
    }
  });

  it('the large-text switch works and keeps the rules', async () => {
    const page = await newPage(elderCtx);
    await page.goto(`${local().url}/elder`);
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("放大字体")')]);
    await page.waitForSelector('html.big');
    // nothing runs off a 360 px screen at the larger size either
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const m = await measureElderRules(page);
    expect(m.bodyFontPx).toBeGreaterThanOrEqual(24);
    expect(m.smallTargets).toEqual([]);
    expect(await runAxe(page)).toEqual([]);
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("标准字号")')]);
    await page.waitForSelector('html:not(.big)');
    await page.close();
  });

  it('elder home weighs under 40 KB (document + CSS + JS, uncompressed)', async () => {
    // a fresh context with the same session: nothing cached
    const ctx = await browser!.newContext({ ...MOBILE, storageState: await elderCtx.storageState() });
    const page = await ctx.newPage();
    const sizes: Promise<{ type: string; url: string; bytes: number }>[] = [];
    page.on('response', (r) => {
      const type = r.request().resourceType();
      if (['document', 'stylesheet', 'script'].includes(type) && r.status() === 200) {
        sizes.push(r.body().then((b) => ({ type, url: r.url(), bytes: b.length })));
      }
    });
    await page.goto(`${local().url}/elder`, { waitUntil: 'load' });
    const got = await Promise.all(sizes);
    expect(got.map((g) => g.type).sort()).toEqual(['document', 'script', 'stylesheet']);
    const total = got.reduce((n, g) => n + g.bytes, 0);
    console.log(
      `elder home page weight: ${got.map((g) => `${g.type} ${g.bytes} B`).join(', ')}; total ` +
        `${total} B (budget ${PAGE_WEIGHT_BUDGET_BYTES} B)`,
    );
    expect(total).toBeLessThan(PAGE_WEIGHT_BUDGET_BYTES);
    await ctx.close();
  });

  it('screenshot of the elder home at 360 x 740', async () => {
    const page = await newPage(elderCtx);
    await page.goto(`${local().url}/elder`);
    mkdirSync(fileURLToPath(new URL('../../test-results/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });
});

describe('family', () => {
  it('family home passes axe and the elder rules', async () => {
    const page = await newPage(familyCtx);
    await signInByPhone(local(), page, 'family', '17000019999');
    expect(await runAxe(page)).toEqual([]);
    const m = await measureElderRules(page);
    expect(m.bodyFontPx).toBeGreaterThanOrEqual(18);
    expect(m.smallTargets).toEqual([]);
    expect(await dialogsCalled(page)).toEqual([]);
    await page.close();
  });
});

describe('family sees a bound elder', () => {
  it("the elder's profile fits a 360 px phone (the masked ID wraps) and keeps the rules", async () => {
    const deps = local().deps;
    const [id] = await deps.elders.findIdsByPhoneHash(deps.blindIndex('phone', elderPhone));
    const elder = await deps.elders.get(id ?? '');
    if (!elder) throw new Error('no demo elder');
    const fam = await newPage(familyCtx);
    await fam.goto(`${local().url}/family`);
    await fam.fill('#f-card_number', elder.card_number);
    await fam.selectOption('#f-relation', '女儿');
    await Promise.all([fam.waitForURL(/\/family\?done=requested/), fam.click('button:has-text("申请绑定")')]);
    const eld = await newPage(elderCtx);
    await eld.goto(`${local().url}/elder`);
    await Promise.all([eld.waitForURL(/\/elder\?done=confirmed/), eld.click('button:has-text("同意") >> nth=0')]);
    await eld.close();
    await fam.goto(`${local().url}/family/elders/${elder.elder_id}`);
    expect(await fam.textContent('#id-masked')).toBe(elder.id_masked);
    expect(await fam.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await runAxe(fam)).toEqual([]);
    const m = await measureElderRules(fam);
    expect(m.smallText).toEqual([]);
    expect(m.smallTargets).toEqual([]);
    // the top-up page: big amount buttons, the history, within the same rules
    await Promise.all([fam.waitForURL(/\/topup$/), fam.click('a:has-text("给老人充值")')]);
    expect(await fam.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await runAxe(fam)).toEqual([]);
    const t = await measureElderRules(fam);
    expect(t.smallText).toEqual([]);
    expect(t.smallTargets).toEqual([]);
    expect(await dialogsCalled(fam)).toEqual([]);
    await fam.close();
  });
});

describe('staff', () => {
  let staffCtx: BrowserContext;
  beforeAll(async () => {
    staffCtx = await browser!.newContext(DESKTOP);
    await stubDialogs(staffCtx);
  });

  it('signs in, the console passes axe, and the 50-elder sample imports through the form', async () => {
    const page = await newPage(staffCtx);
    await page.goto(`${local().url}/staff`);
    await page.waitForURL(/\/staff\/login/);
    await page.fill('#f-username', 'admin');
    await page.fill('#f-password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${local().url}/staff`), page.click('button[type=submit]:has-text("登录")')]);
    expect(await page.textContent('main')).toContain('曾都区');
    expect(await runAxe(page)).toEqual([]);

    await page.goto(`${local().url}/staff/import`);
    expect(await runAxe(page)).toEqual([]);
    await page.setInputFiles('#f-file', SAMPLE);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]:has-text("上传并导入")')]);
    await page.waitForSelector('#created');
    expect((await page.textContent('#created'))?.trim()).toBe('50');
    expect(await runAxe(page)).toEqual([]);

    await page.goto(`${local().url}/staff/communities/zengdu.xicheng.shengli`);
    expect(await runAxe(page)).toEqual([]);
    const first = await page.getAttribute('table a[href^="/staff/elders/"]', 'href');
    await page.goto(`${local().url}${first}`);
    expect(await runAxe(page)).toEqual([]);
    expect(await dialogsCalled(page)).toEqual([]);
    await page.close();
  });
});

describe('no script errors', () => {
  it('no page logged an error, hit a CSP block or opened a dialog', () => {
    expect(pageErrors).toEqual([]);
  });
});
