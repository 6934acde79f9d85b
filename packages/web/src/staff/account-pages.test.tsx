// The staff-account pages against DynamoDB Local (issue 12): only administrators open them; create
// shows the one-time password once and a taken username or a wrong area inline with what was typed;
// the new officer signs in, is sent to change the password, and sees their sign-ins on /staff; the
// edit form saves at its version (a stale one is a conflict shown inline); disable ends the officer's
// session; reset shows a new one-time password; the list filters and exports CSV (UTF-8 BOM, GBK).
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, hidden, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let street: Client;
let district: Client;
let finance: Client;

const otpOf = (html: string): string => html.match(/data-one-time-password="([a-z2-9]{12})"/)?.[1] ?? '';
const NEW = { username: 'wang.officer', display_name: '王干部', role: 'street', scope: 'zengdu.xicheng' };

beforeAll(async () => {
  site = await makeSite({ elders: 2 });
  const clients = await Promise.all(['admin', 'xicheng', 'zengdu', 'finance'].map((u) => signInStaff(site, u)));
  [admin, street, district, finance] = clients as [Client, Client, Client, Client];
}, 180_000);

describe('who may open them', () => {
  it('administrators only: officers and finance get a 403 page; signed out goes to sign-in', async () => {
    for (const path of ['/staff/accounts', '/staff/accounts/new', '/staff/accounts/xicheng', '/staff/accounts.csv'])
      for (const c of [street, district, finance]) {
        const r = await c.get(path);
        expect(r.status, `${path}`).toBe(403);
        expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      }
    expect((await street.post('/staff/accounts', NEW)).status).toBe(403);
    expect((await street.post('/staff/accounts/zengdu/disable', {})).status).toBe(403);
    expect((await new Client(site.app).get('/staff/accounts')).status).toBe(303);
    expect((await admin.get('/staff')).text).toContain('href="/staff/accounts"');
  });
});

describe('create, sign in, change password', () => {
  it('keeps what was typed and marks the field on a bad username, a taken one and a wrong area', async () => {
    const bad = await admin.post('/staff/accounts', { ...NEW, username: 'Bad Name' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('value="王干部"');
    expect(bad.text).toMatch(/id="f-username-err"/);
    const taken = await admin.post('/staff/accounts', { ...NEW, username: 'xicheng' });
    expect(taken.status).toBe(409);
    expect(textOf(taken.text)).toContain('该用户名已被使用');
    const area = await admin.post('/staff/accounts', { ...NEW, scope: 'zengdu' });
    expect(area.status).toBe(400);
    expect(area.text).toMatch(/id="f-scope-err"/);
  });

  it('shows the one-time password once; the officer must change it and then sees their sign-ins', async () => {
    const made = await admin.post('/staff/accounts', NEW);
    expect(made.status).toBe(201);
    expect(made.headers.get('cache-control')).toBe('no-store');
    const otp = otpOf(made.text);
    expect(otp).toHaveLength(12);
    const view = await admin.get('/staff/accounts/wang.officer');
    expect(view.text).not.toContain(otp);
    expect(textOf(view.text)).toContain('新建工作人员账号 · admin');

    const officer = new Client(site.app);
    const signedIn = await officer.post('/staff/login', { username: 'wang.officer', password: otp });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/staff/password');
    const mismatch = await officer.post('/staff/password', {
      current_password: otp,
      new_password: 'wang-own-password',
      new_password2: 'something-else',
    });
    expect(mismatch.status).toBe(400);
    expect(textOf(mismatch.text)).toContain('两次输入的新密码不一致');
    const changed = await officer.post('/staff/password', {
      current_password: otp,
      new_password: 'wang-own-password',
      new_password2: 'wang-own-password',
    });
    expect(changed.status).toBe(303);
    expect(changed.location).toBe('/staff?done=password');
    const home = await officer.get('/staff?done=password');
    expect(textOf(home.text)).toContain('新密码已保存');
    expect(textOf(home.text)).toContain('上次登录');

    const again = await signInStaff(site, 'wang.officer', 'wang-own-password');
    const home2 = await again.get('/staff');
    expect(home2.text).toMatch(/data-last-sign-in="\d{4}-/); // the first sign-in is now "before"
  });
});

describe('edit, disable, reset', () => {
  it('saves at the version read; a stale form is a conflict shown with the account as it is now', async () => {
    const page = await admin.get('/staff/accounts/zengdu');
    const version = hidden(page.text, 'version');
    const form = { version, display_name: '曾都区干部', role: 'district', scope: 'zengdu' };
    const saved = await admin.post('/staff/accounts/zengdu', form);
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/staff/accounts/zengdu?done=updated');
    const after = await admin.get(saved.location ?? '');
    expect(textOf(after.text)).toContain('已保存');
    expect(textOf(after.text)).toContain('修改工作人员账号 · admin');
    const stale = await admin.post('/staff/accounts/zengdu', { ...form, display_name: '旧表单' });
    expect(stale.status).toBe(409);
    expect(textOf(stale.text)).toContain('数据已被他人修改');
    expect(stale.text).toContain('value="曾都区干部"');
  });

  it('an administrator cannot disable or demote themselves', async () => {
    const page = await admin.get('/staff/accounts/admin');
    expect(page.text).not.toContain('/staff/accounts/admin/disable');
    const demote = await admin.post('/staff/accounts/admin', {
      version: hidden(page.text, 'version'),
      display_name: 'admin',
      role: 'finance',
      scope: '',
    });
    expect(demote.status).toBe(403);
    expect(textOf(demote.text)).toContain('不能停用自己的账号');
  });

  it('disable ends the officer session (next page view goes to sign-in); reset shows a new password', async () => {
    const officer = await signInStaff(site, 'xicheng');
    expect((await officer.get('/staff')).status).toBe(200);
    const page = await admin.get('/staff/accounts/xicheng');
    const off = await admin.post('/staff/accounts/xicheng/disable', { version: hidden(page.text, 'version') });
    expect(off.status).toBe(303);
    expect(textOf((await admin.get(off.location ?? '')).text)).toContain('账号已停用');
    expect((await officer.get('/staff')).status).toBe(303);
    const refused = await new Client(site.app).post('/staff/login', { username: 'xicheng', password: 'demo-2026' });
    expect(refused.status).toBe(403);
    expect(textOf(refused.text)).toContain('该账号已停用');
    const page2 = await admin.get('/staff/accounts/xicheng');
    const on = await admin.post('/staff/accounts/xicheng/enable', { version: hidden(page2.text, 'version') });
    expect(on.status).toBe(303);
    const reset = await admin.post('/staff/accounts/xicheng/reset-password', {});
    expect(reset.status).toBe(200);
    const otp = otpOf(reset.text);
    expect(otp).toHaveLength(12);
    const r = await new Client(site.app).post('/staff/login', { username: 'xicheng', password: otp });
    expect(r.location).toBe('/staff/password');
  });
});

describe('list and CSV', () => {
  it('filters by role and area and exports the same rows as CSV', async () => {
    const all = await admin.get('/staff/accounts');
    expect(all.status).toBe(200);
    expect(textOf(all.text)).toContain('finance');
    const streetOnly = await admin.get('/staff/accounts?scope=zengdu.xicheng');
    expect(streetOnly.text).toContain('/staff/accounts/xicheng');
    expect(streetOnly.text).not.toContain('/staff/accounts/finance"');
    const fin = await admin.get('/staff/accounts?role=finance');
    expect(fin.text).toContain('/staff/accounts/finance"');
    expect(fin.text).not.toContain('/staff/accounts/admin"');
    const csv = await admin.get('/staff/accounts.csv?role=finance');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.startsWith('用户名')).toBe(true); // the BOM is dropped by the decoder (kit/csv-download)
    expect(csv.text).toContain('finance');
    expect(csv.text).not.toContain('admin,');
    const gbk = await admin.get('/staff/accounts.csv?encoding=gbk');
    expect(gbk.headers.get('content-type')).toMatch(/gbk/i);
  });
});
