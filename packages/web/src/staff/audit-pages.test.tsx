// The audit log page against DynamoDB Local, by role: admin and district officers read it (linked from
// the console), street officers and finance are refused; a failed sign-in through the page shows up,
// in China time and in words; filters, the next page and the CSV links keep the filter; a bad filter
// is the form again with the error, not a 500.
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let district: Client;
beforeAll(async () => {
  site = await makeSite({ elders: 3, at: '2026-11-23T15:30:00Z' }); // 23:30 on the 23rd in China
  admin = await signInStaff(site, 'admin');
  site.clock?.advance(1000);
  const wrong = await new Client(site.app).post('/staff/login', { username: 'xicheng', password: 'not-it' });
  expect(wrong.status).toBe(401);
  site.clock?.advance(1000);
  district = await signInStaff(site, 'zengdu');
});

describe('who sees the audit log page', () => {
  it.each([
    ['admin', 200, true],
    ['zengdu', 200, true],
    ['xicheng', 403, false],
    ['finance', 403, false],
  ])('%s: /staff/audit answers %i; linked from the console: %s', async (who, status, linked) => {
    const c = who === 'admin' ? admin : who === 'zengdu' ? district : await signInStaff(site, who);
    expect((await c.get('/staff/audit')).status).toBe(status);
    expect((await c.get('/staff')).text.includes('href="/staff/audit"')).toBe(linked);
  });

  it('a signed-out visitor is sent to sign in', async () => {
    const r = await new Client(site.app).get('/staff/audit');
    expect(r.status).toBe(303);
    expect(r.location).toContain('/staff/login');
  });
});

describe('reading the log', () => {
  it('shows sign-ins and the failed one, newest first, in China time and in words', async () => {
    const r = await admin.get('/staff/audit');
    const t = textOf(r.text);
    expect(t).toContain('2026-11-23 23:30');
    expect(t).toContain('登录失败（用户名或密码错误）');
    expect(t.indexOf('staff:zengdu')).toBeLessThan(t.indexOf('staff:xicheng')); // newest first
    expect(t).toContain('区级干部'); // zengdu's role in words
    expect(r.text).toContain('href="/api/audit.csv?from=2026-11-17&amp;to=2026-11-23"');
    expect(r.text).toContain('encoding=gbk');
  });

  it('filters by actor and action; the form keeps the values; blanks mean any', async () => {
    const r = await admin.get(
      '/staff/audit?actor=staff%3Axicheng&subject=&entity_type=&action=staff.login_failed&role=&from=&to=',
    );
    expect(r.status).toBe(200);
    const t = textOf(r.text);
    expect(t).toContain('staff:xicheng');
    expect(t).not.toContain('staff:zengdu 区级干部'); // no row of zengdu's (the hint names the shape)
    expect(r.text).toContain('value="staff:xicheng"');
    expect(r.text).toContain('href="/api/audit.csv?actor=staff%3Axicheng&amp;action=staff.login_failed');
  });

  it('links an elder subject to the elder page, and pages on with the filter kept', async () => {
    const elder = (await site.deps.elders.listByCommunity('zengdu.xicheng.shengli', 1)).items[0]?.elder_id ?? '';
    for (let i = 0; i < 3; i++) {
      site.clock?.advance(1000);
      await site.deps.audit.write({
        actor: 'staff:zengdu',
        action: 'elder.update',
        subject: `elder:${elder}`,
        detail: { fields: 'address' },
      });
    }
    const first = await district.get(`/staff/audit?subject=elder%3A${elder}&limit=2`);
    expect(first.text).toContain(`href="/staff/elders/${elder}"`);
    expect(textOf(first.text)).toContain('修改资料');
    expect(textOf(first.text)).toContain('fields=address');
    const next = first.text.match(/href="(\/staff\/audit\?[^"]*cursor=[^"]*)"/)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toContain(`subject=elder%3A${elder}`);
    const second = await district.get(next ?? '');
    expect(second.status).toBe(200);
    expect((second.text.match(/修改资料/g) ?? []).length).toBe(1);
  });

  it('a bad filter or a range over a year is the form again with the error (400)', async () => {
    for (const q of ['role=boss', 'from=2024-01-01&to=2026-11-23', 'from=2026-11-23&to=2026-11-01', 'cursor=nope'])
      expect((await admin.get(`/staff/audit?${q}`)).status, q).toBe(400);
  });
});
