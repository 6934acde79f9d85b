// Browser test support: the full local server on a free port with a fresh data dir, Debian's
// Chromium through playwright-core, axe-core, and the 适老化 measurements taken in the page.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startLocal } from '@tmc/local/start';
import { freePort } from '@tmc/local/dynamo-local';
import { DEMO_PASSWORD } from '@tmc/local/seed';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const MOBILE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
} as const;
export const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' } as const;

export type Local = Awaited<ReturnType<typeof startLocal>> & { dataDir: string };

export const startServer = async (): Promise<Local> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tmc-browser-'));
  try {
    const s = await startLocal({ port: await freePort(), dataDir, quiet: true });
    return { ...s, dataDir };
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
};

export const stopServer = async (s: Local | undefined) => {
  if (!s) return;
  await s.stop();
  rmSync(s.dataDir, { recursive: true, force: true });
};

export const launch = (): Promise<Browser> =>
  chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

/** alert/confirm/prompt are stubbed before any page script runs; every call is recorded. */
export const stubDialogs = async (ctx: BrowserContext) => {
  await ctx.addInitScript(() => {
    const w = window as unknown as { __dialogs: string[] };
    w.__dialogs = [];
    window.alert = () => {
      w.__dialogs.push('alert');
    };
    window.confirm = () => {
      w.__dialogs.push('confirm');
      return false;
    };
    window.prompt = () => {
      w.__dialogs.push('prompt');
      return null;
    };
  });
};

export const dialogsCalled = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __dialogs?: string[] }).__dialogs ?? []);

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
};

/** axe-core with WCAG 2.x A/AA/AAA and best practices, including 'color-contrast-enhanced' (7:1).
 * Injected through evaluate, which the page's CSP (script-src 'self') does not apply to. */
export const runAxe = async (page: Page): Promise<AxeViolation[]> => {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const r = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag2aaa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
      rules: { 'color-contrast-enhanced': { enabled: true } },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
};

export type Measure = { bodyFontPx: number; smallText: string[]; smallTargets: string[] };

/** Body font size, any visible text under 18 px, and every visible a/button/input/select smaller
 * than 48 px tall (and, for links and buttons, 48 px wide). */
export const measureElderRules = (page: Page): Promise<Measure> =>
  page.evaluate(() => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
    };
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}` +
      `${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "` +
      `${(el.textContent ?? '').trim().slice(0, 20)}"`;
    const smallTargets: string[] = [];
    for (const el of document.querySelectorAll('a, button, input, select, textarea')) {
      if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      const wide = el.tagName === 'A' || el.tagName === 'BUTTON';
      if (r.height < 48 || (wide && r.width < 48))
        smallTargets.push(`${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    const smallText: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !(n.textContent ?? '').trim() || !visible(el)) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 18) smallText.push(`${name(el)} ${px}px`);
    }
    return { bodyFontPx: parseFloat(getComputedStyle(document.body).fontSize), smallText, smallTargets };
  });

export const codeFrom = async (s: Local, phone: string): Promise<string> => {
  const m = await s.deps.outbox?.latestFor(phone);
  const code = m?.text_zh.match(/(\d{6})/)?.[1];
  if (!code) throw new Error(`no code in the outbox for ${phone}`);
  return code;
};

/** Signs in through the pages, as a person would: phone, then the code from the dev outbox. */
export const signInByPhone = async (s: Local, page: Page, portal: 'elder' | 'family' | 'merchant', phone: string) => {
  await page.goto(`${s.url}/${portal}/login`);
  await page.fill('#f-phone', phone);
  await Promise.all([
    page.waitForURL(`${s.url}/${portal}/login/code`),
    page.click('button[type=submit]:has-text("获取验证码")'),
  ]);
  await page.fill('#f-code', await codeFrom(s, phone));
  await Promise.all([page.waitForURL(`${s.url}/${portal}`), page.click('button[type=submit]:has-text("登录")')]);
};

/** Collects `page`'s script errors and console errors into `into`, for a test to expect none. */
export const watchErrors = (page: Page, into: string[]): Page => {
  page.on('pageerror', (e) => into.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') into.push(m.text());
  });
  return page;
};

/** A staff member signed in on a new page of `ctx` (its errors collected into `errors`), on the console home. */
export const signInStaff = async (
  s: Local,
  ctx: BrowserContext,
  username: string,
  errors: string[],
  password = DEMO_PASSWORD,
): Promise<Page> => {
  const page = watchErrors(await ctx.newPage(), errors);
  await page.goto(`${s.url}/staff/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForURL(`${s.url}/staff`), page.click('button[type=submit]:has-text("登录")')]);
  return page;
};
