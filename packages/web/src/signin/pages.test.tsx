// Sign-in pages, redirects to sign-in, error pages, static assets and the large-text switch,
// through app.request() against DynamoDB Local.
import { beforeAll, describe, expect, it } from 'vitest';
import { OTP_MAX_TRIES, OTP_SENDS_PER_HOUR } from '@tmc/core/auth/service';
import { ASSETS, assetUrl } from '../kit/static';
import { Client, codeFor, makeSite, signInPhone, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let elderPhone: string;

beforeAll(async () => {
  site = await makeSite({ elders: 20 });
  elderPhone = site.seed.elderPhones[0] ?? '';
  expect(elderPhone).toMatch(/^1\d{10}$/);
});

describe('home and static assets', () => {
  it('home offers the four portals, Chinese first', async () => {
    const r = await new Client(site.app).get('/');
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^<!doctype html><html lang="zh-CN"/);
    const t = textOf(r.text);
    for (const s of ['我是老人', '我是家属', '我是商户', '民政工作人员']) expect(t).toContain(s);
    expect(r.text).toContain('href="/elder"');
    expect(r.text).toContain('href="/family"');
    expect(r.text).toContain('href="/merchant"');
    expect(r.text).toContain('href="/staff"');
  });

  it('serves the stylesheet and script with a content hash, cached for a year only at that hash', async () => {
    const c = new Client(site.app);
    const css = await c.get(assetUrl('css'));
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.headers.get('cache-control')).toContain('immutable');
    expect(css.text).toBe(ASSETS.css.body);
    const js = await c.get(assetUrl('readAloud'));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.text).toContain('speechSynthesis');
    const stale = await c.get('/static/app.css?v=old');
    expect(stale.headers.get('cache-control')).not.toContain('immutable');
  });

  it('pages carry no inline script (CSP script-src self)', async () => {
    const c = await signInPhone(site, 'elder', elderPhone);
    const r = await c.get('/elder');
    expect(r.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(r.text).not.toMatch(/\son[a-z]+=/i);
  });
});

describe('elder sign-in with phone and code', () => {
  it('phone -> code -> signed in -> sees the card number', async () => {
    const c = new Client(site.app);
    const form = await c.get('/elder/login');
    expect(form.status).toBe(200);
    expect(form.text).toContain('inputmode="numeric"');
    expect(form.text).toMatch(/<label for="f-phone">/);

    const sent = await c.post('/elder/login', { phone: elderPhone });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe('/elder/login/code');
    expect(sent.location).not.toContain(elderPhone); // the phone never rides in a URL

    const codePage = await c.get('/elder/login/code');
    expect(codePage.status).toBe(200);
    expect(codePage.text).toContain('autocomplete="one-time-code"');
    expect(codePage.text).toContain('inputmode="numeric"');
    expect(codePage.text).toContain('href="/dev/outbox"'); // local hint, test stage is not production
    expect(textOf(codePage.text)).toContain(`${elderPhone.slice(0, 3)}****${elderPhone.slice(-4)}`);

    const code = await codeFor(site.deps, elderPhone);
    const wrong = code === '000000' ? '111111' : '000000';
    const bad = await c.post('/elder/login/code', { code: wrong });
    expect(bad.status).toBe(400);
    expect(textOf(bad.text)).toContain(`验证码错误，还可以再试 ${OTP_MAX_TRIES - 1} 次`);
    expect(textOf(bad.text)).not.toContain('tries left'); // Chinese only by default

    const ok = await c.post('/elder/login/code', { code });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/elder');
    expect(c.cookies.has('tmc_at')).toBe(true);
    expect(c.cookies.has('tmc_login_phone')).toBe(false);

    const home = await c.get('/elder');
    expect(home.status).toBe(200);
    const [elderId] = await site.deps.elders.findIdsByPhoneHash(site.deps.blindIndex('phone', elderPhone));
    const elder = await site.deps.elders.get(elderId ?? '');
    const card = elder?.card_number ?? 'missing';
    expect(textOf(home.text).replace(/\s/g, '')).toContain(card);
    expect(textOf(home.text)).toContain(`${elder?.name}，您好`);
  });

  it('a bad phone number is refused inline, in Chinese (in English once English is chosen)', async () => {
    const c = new Client(site.app);
    const r = await c.post('/elder/login', { phone: '12345' });
    expect(r.status).toBe(400);
    expect(textOf(r.text)).toContain('请输入11位手机号码');
    expect(textOf(r.text)).not.toContain('Enter an 11-digit mobile number');
    expect(r.text).toContain('value="12345"');
    c.cookies.set('tmc_lang', 'en');
    const en = await c.post('/elder/login', { phone: '12345' });
    expect(textOf(en.text)).toContain('Enter an 11-digit mobile number');
    expect(textOf(en.text)).not.toContain('请输入11位手机号码');
  });

  it('five wrong codes lock the code (OTP_LOCKED shown inline)', async () => {
    const phone = site.seed.elderPhones[1] ?? '';
    const c = new Client(site.app);
    await c.post('/elder/login', { phone });
    const code = await codeFor(site.deps, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    let last = await c.post('/elder/login/code', { code: wrong });
    for (let i = 1; i < OTP_MAX_TRIES; i++) last = await c.post('/elder/login/code', { code: wrong });
    expect(last.status).toBe(429);
    expect(textOf(last.text)).toContain('验证码错误次数过多，请重新获取');
    const evenRight = await c.post('/elder/login/code', { code });
    expect(evenRight.status).toBe(429);
  });

  it('too many codes for one phone are refused (OTP_RATE_LIMITED shown inline)', async () => {
    const phone = '17099990001'; // nobody's phone: the page still says "sent" and delivers nothing
    const c = new Client(site.app);
    for (let i = 0; i < OTP_SENDS_PER_HOUR; i++) expect((await c.post('/elder/login', { phone })).status).toBe(303);
    const r = await c.post('/elder/login', { phone });
    expect(r.status).toBe(429);
    expect(textOf(r.text)).toContain('验证码发送过于频繁，请一小时后再试');
    expect(await site.deps.outbox?.latestFor(phone)).toBeNull();
  });

  it('the code page without a phone in progress goes back to the phone page', async () => {
    const r = await new Client(site.app).get('/elder/login/code');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/elder/login');
  });

  it('family signs in the same way and lands on /family', async () => {
    const c = await signInPhone(site, 'family', '17000019998');
    const r = await c.get('/family');
    expect(r.status).toBe(200);
    expect(textOf(r.text)).toContain('绑定老人');
  });
});

describe('signed out: pages redirect to the matching sign-in page', () => {
  it.each([
    ['/elder', '/elder/login'], // the portal's home is where sign-in lands anyway
    ['/family', '/family/login'],
    ['/family/elders/e_AAAAAAAAAAAA', '/family/login?next=%2Ffamily%2Felders%2Fe_AAAAAAAAAAAA'],
    ['/staff', '/staff/login'],
    ['/staff/communities/zengdu.xicheng.shengli', '/staff/login?next=%2Fstaff%2Fcommunities%2Fzengdu.xicheng.shengli'],
    ['/staff/import', '/staff/login?next=%2Fstaff%2Fimport'],
  ])('GET %s -> 303 %s', async (path, location) => {
    const r = await new Client(site.app).get(path);
    expect(r.status).toBe(303);
    expect(r.location).toBe(location);
  });

  it('a form post while signed out goes to sign-in without a return path', async () => {
    const r = await new Client(site.app).post('/elder/bindings/f_AAAAAAAAAAAA/confirm');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/elder/login');
  });

  it('after sign-in the visitor returns to the page they asked for, never off-site', async () => {
    const c = new Client(site.app);
    const ok = await c.post('/staff/login', { username: 'admin', password: 'demo-2026', next: '/staff/import' });
    expect(ok.location).toBe('/staff/import');
    const c2 = new Client(site.app);
    const evil = await c2.post('/staff/login', {
      username: 'admin',
      password: 'demo-2026',
      next: '//evil.example/staff',
    });
    expect(evil.location).toBe('/staff');
    const c3 = new Client(site.app);
    const other = await c3.post('/staff/login', { username: 'admin', password: 'demo-2026', next: '/elder' });
    expect(other.location).toBe('/staff');
  });
});

describe('staff sign-in and sign-out', () => {
  it('a wrong password is refused inline; the right one signs in and is audited', async () => {
    const c = new Client(site.app);
    const bad = await c.post('/staff/login', { username: 'xicheng', password: 'nope' });
    expect(bad.status).toBe(401);
    expect(textOf(bad.text)).toContain('用户名或密码错误');
    expect(bad.text).toContain('value="xicheng"');
    const ok = await c.post('/staff/login', { username: 'xicheng', password: 'demo-2026' });
    expect(ok.status).toBe(303);
    const dash = await c.get('/staff');
    expect(dash.status).toBe(200);
    const audit = await site.deps.audit.listBySubject('staff:xicheng', 10);
    expect(audit.items.some((a) => a.action === 'staff.login')).toBe(true);
  });

  it('sign-out revokes the session: the old cookie no longer opens the console', async () => {
    const c = await signInStaff(site, 'zengdu');
    const saved = new Map(c.cookies);
    const out = await c.post('/staff/logout');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/staff/login');
    expect(c.cookies.has('tmc_at')).toBe(false);
    const replay = new Client(site.app);
    for (const [k, v] of saved) replay.cookies.set(k, v);
    const r = await replay.get('/staff');
    expect(r.status).toBe(303);
  });
});

describe('error pages', () => {
  it('the wrong role gets a readable 403 page with the request id, no stack', async () => {
    const family = await signInPhone(site, 'family', '17000019997');
    const r = await family.get('/elder');
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const t = textOf(r.text);
    expect(t).toContain('您没有权限进行此操作');
    expect(t).not.toContain('You are not allowed to do this'); // Chinese only unless English is asked for
    expect(t).toMatch(/请求编号\s*：\s*\S+/);
    expect(r.text).not.toMatch(/at .*\.ts:\d+/);
    const staff = await signInStaff(site, 'xicheng');
    const s = await staff.get('/family');
    expect(s.status).toBe(403);
  });

  it('a malformed id in a page URL is a readable 400 page', async () => {
    const staff = await signInStaff(site, 'admin');
    const r = await staff.get('/staff/elders/not-an-id');
    expect(r.status).toBe(400);
    expect(textOf(r.text)).toContain('请求内容有误');
  });
});

describe('large-text switch', () => {
  it('works without script: a form post sets a cookie and the page grows', async () => {
    const c = new Client(site.app);
    const before = await c.get('/elder/login');
    expect(before.text).not.toContain('class="big"');
    const r = await c.post('/prefs/text-size', { size: 'large', back: '/elder/login' });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/elder/login');
    const after = await c.get('/elder/login');
    expect(after.text).toContain('<html lang="zh-CN" class="big">');
    expect(textOf(after.text)).toContain('标准字号');
    const off = await c.post('/prefs/text-size', { size: 'normal', back: 'https://evil.example/' });
    expect(off.location).toBe('/');
    expect((await c.get('/elder/login')).text).not.toContain('class="big"');
  });
});
