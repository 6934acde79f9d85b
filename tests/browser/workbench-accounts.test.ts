// Issue 12, staff accounts, in real Chromium on the full local server (demo seed): the admin creates a
// street officer and reads the one-time password; the officer signs in with it in a second browser
// context, is sent to change it, and sees their sign-ins on /staff; the admin disables the account and
// the officer's next page view goes to sign-in. axe finds nothing on any account page (1280 px).
// Screenshots: /tmp/accounts-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@tmc/local/seed';
import { DESKTOP, launch, runAxe, startServer, stopServer, type Local } from './support';

let server: Local | undefined;
let browser: Browser | undefined;
const pageErrors: string[] = [];
const USERNAME = 'zhao.officer';
const OWN_PASSWORD = 'zhao-own-password-2026';

const watch = (p: Page) => {
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  p.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  return p;
};

const signIn = async (ctx: BrowserContext, username: string, password: string, lands: string): Promise<Page> => {
  const url = server!.url;
  const page = watch(await ctx.newPage());
  await page.goto(`${url}/staff/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForURL(`${url}${lands}`), page.click('button[type=submit]:has-text("登录")')]);
  return page;
};

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
}, 600_000); // the full local server with the demo seed: minutes on a loaded machine

afterAll(async () => {
  await browser?.close();
  await stopServer(server);
});

describe('staff accounts end to end', () => {
  it('admin creates an officer, who signs in with the one-time password, changes it, is later disabled', async () => {
    const url = server!.url;
    const actx = await browser!.newContext(DESKTOP);
    const admin = await signIn(actx, 'admin', DEMO_PASSWORD, '/staff');
    await admin.goto(`${url}/staff/accounts`);
    expect(await admin.locator('table tbody tr').count()).toBeGreaterThanOrEqual(4);
    expect(await runAxe(admin)).toEqual([]);
    await admin.screenshot({ path: '/tmp/accounts-list.png', fullPage: true });

    await admin.goto(`${url}/staff/accounts/new`);
    expect(await runAxe(admin)).toEqual([]);
    await admin.fill('#f-username', USERNAME);
    await admin.fill('#f-display_name', '赵干部');
    await admin.selectOption('#f-role', 'street');
    await admin.selectOption('#f-scope', 'zengdu.xicheng');
    await Promise.all([admin.waitForLoadState('load'), admin.click('button[type=submit]:has-text("创建账号")')]);
    const otp = (await admin.locator('[data-one-time-password]').getAttribute('data-one-time-password')) ?? '';
    expect(otp).toMatch(/^[a-z2-9]{12}$/);
    expect(await runAxe(admin)).toEqual([]);
    await admin.screenshot({ path: '/tmp/accounts-created.png', fullPage: true });

    // the officer, in a second browser context
    const octx = await browser!.newContext(DESKTOP);
    const officer = await signIn(octx, USERNAME, otp, '/staff/password');
    expect(await runAxe(officer)).toEqual([]);
    await officer.fill('#f-current_password', otp);
    await officer.fill('#f-new_password', OWN_PASSWORD);
    await officer.fill('#f-new_password2', OWN_PASSWORD);
    await Promise.all([
      officer.waitForURL(`${url}/staff?done=password`),
      officer.click('button[type=submit]:has-text("保存新密码")'),
    ]);
    expect(await officer.locator('[data-last-sign-in]').textContent()).toContain('上次登录');
    expect(await officer.locator('.notice').textContent()).toContain('新密码已保存');
    await officer.screenshot({ path: '/tmp/accounts-officer-home.png', fullPage: true });

    await admin.goto(`${url}/staff/accounts/${USERNAME}`);
    expect(await admin.locator('dl').textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/); // last sign-in
    expect(await admin.locator('[data-last-change]').getAttribute('data-last-change')).toBe('staff.change_password');
    expect(await runAxe(admin)).toEqual([]);
    await Promise.all([
      admin.waitForURL(`${url}/staff/accounts/${USERNAME}?done=disabled`),
      admin.click('button[type=submit]:has-text("停用账号")'),
    ]);
    expect(await admin.locator('.notice').textContent()).toContain('账号已停用');
    expect(await admin.locator('[data-last-change]').getAttribute('data-last-change')).toBe('staff.disable');
    expect(await runAxe(admin)).toEqual([]);
    await admin.screenshot({ path: '/tmp/accounts-disabled.png', fullPage: true });

    await officer.goto(`${url}/staff`);
    expect(officer.url()).toContain('/staff/login');
    expect(pageErrors).toEqual([]);
    await octx.close();
    await actx.close();
  }, 180_000);
});
