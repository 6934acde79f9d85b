// The points-policy pages against DynamoDB Local: every staff role reads the versions, one version
// and the difference of two; only an admin opens the editor and saves (POST and 303 to the
// difference); a bad field is shown inline with what was typed kept; racing saves of one edited
// version give one new version and one audit record; a double submit saves once.
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let district: Client;
let street: Client;
let finance: Client;

beforeAll(async () => {
  site = await makeSite({ elders: 2, at: '2026-12-03T02:00:00Z' });
  const clients = await Promise.all(['admin', 'zengdu', 'xicheng', 'finance'].map((u) => signInStaff(site, u)));
  [admin, district, street, finance] = clients as [Client, Client, Client, Client];
}, 180_000);

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The editor's fields as the browser would post them: every input's value, every select's choice. */
const formOf = (html: string): Record<string, string> => {
  const form = html.slice(html.indexOf('action="/staff/policies/new"'));
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"/g))
    out[m[1] ?? ''] = unescape(m[2] ?? '');
  for (const m of form.matchAll(/<select[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = /<option value="([^"]*)" selected/.exec(m[2] ?? '') ?? /<option value="([^"]*)"/.exec(m[2] ?? '');
    out[m[1] ?? ''] = chosen?.[1] ?? '';
  }
  return out;
};

const newest = async () => (await site.deps.policies.versions())[0]?.version ?? 0;

describe('policy pages by role', () => {
  it('every staff role reads the list, a version and a difference; only the admin gets the editor', async () => {
    for (const c of [admin, district, street, finance]) {
      const list = await c.get('/staff/policies');
      expect(list.status).toBe(200);
      expect(textOf(list.text)).toContain('现行 In force');
      expect(list.text).toContain('data-current="yes"');
      const one = await c.get('/staff/policies/1');
      expect(one.status).toBe(200);
      expect(textOf(one.text)).toContain('年龄段1：每月积分');
      expect(textOf(one.text)).toContain('护理等级加发：失能');
      expect((await c.get('/staff/policies/diff?a=1&b=1')).status).toBe(200);
    }
    expect((await admin.get('/staff/policies')).text).toContain('href="/staff/policies/new"');
    for (const c of [district, street, finance]) {
      expect((await c.get('/staff/policies')).text).not.toContain('href="/staff/policies/new"');
      expect((await c.get('/staff/policies/new')).status).toBe(403);
      expect((await c.post('/staff/policies/new', { effective_from: '2027-01-01' })).status).toBe(403);
    }
    expect((await admin.get('/staff/policies/999')).status).toBe(404);
    expect((await admin.get('/staff/policies/diff?a=1&b=999')).status).toBe(404);
  });
});

describe('the editor', () => {
  it('a bad field is shown next to it with what was typed kept; a date before this month is refused', async () => {
    const form = formOf((await admin.get('/staff/policies/new')).text);
    expect(form.effective_from).toBe('2027-01-01');
    expect(form['allowance.age_bands.0.points']).toBe('30');
    const bad = await admin.post('/staff/policies/new', {
      ...form,
      effective_from: '2027-01-15',
      'allowance.age_bands.0.points': 'abc',
      note: '试一试',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="f-allowance.age_bands.0.points-err"');
    expect(bad.text).toContain('id="f-effective_from-err"');
    expect(bad.text).toContain('value="abc"');
    expect(bad.text).toContain('value="2027-01-15"');
    expect(bad.text).toContain('value="试一试"');
    const past = await admin.post('/staff/policies/new', { ...form, effective_from: '2026-11-01' });
    expect(past.status).toBe(422);
    expect(textOf(past.text)).toContain('生效日期不能早于本月1日');
    expect(past.text).toContain('value="2026-11-01"');
    expect(await newest()).toBe(1);
  });

  it('saves a version (audited), then shows the difference with the changed rows marked', async () => {
    const form = formOf((await admin.get('/staff/policies/new')).text);
    const r = await admin.post('/staff/policies/new', { ...form, 'allowance.age_bands.2.points': '120' });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/staff/policies/diff?a=1&b=2');
    const diff = await admin.get(r.location ?? '');
    const row = /<tr data-changed="yes" data-path="allowance.age_bands.2.points">([\s\S]*?)<\/tr>/.exec(diff.text);
    expect(textOf(row?.[1] ?? '')).toBe('年龄段3：每月积分 Age band 3: points a month 80 120 已修改 changed');
    expect(diff.text).toContain('data-changed="no" data-path="fen_per_point"');
    expect(diff.text.match(/已修改 changed/g)?.length).toBe(2); // the band and the effective date
    const audit = await site.deps.audit.listBySubject('policy:2', 10);
    expect(audit.items.map((a) => a.action)).toEqual(['policy.create']);
    expect(textOf((await street.get('/staff/policies')).text)).toContain('新建积分政策 · admin');
    expect((await street.get('/staff/policies')).text).toContain('action="/staff/policies/diff"');
    const v2 = await street.get('/staff/policies/2');
    expect(textOf(v2.text)).toContain('120');
    expect(v2.text).toContain('href="/staff/policies/diff?a=1&amp;b=2"');
  });

  it('a double submit of one form saves once and lands both on the same difference', async () => {
    const form = formOf((await admin.get('/staff/policies/new')).text);
    const before = await newest();
    const send = { ...form, hold_ttl_hours: '48' };
    const [x, y] = await Promise.all([
      admin.post('/staff/policies/new', send),
      admin.post('/staff/policies/new', send),
    ]);
    expect([x.status, y.status]).toEqual([303, 303]);
    expect(x.location).toBe(`/staff/policies/diff?a=${before}&b=${before + 1}`);
    expect(y.location).toBe(x.location);
    expect(await newest()).toBe(before + 1);
  });

  it('20 parallel saves of one edited version: one new version, one audit record, the rest told', async () => {
    const form = formOf((await admin.get('/staff/policies/new')).text);
    const before = await newest();
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        admin.post('/staff/policies/new', { ...form, 'circle.minutes': String(20 + i) }),
      ),
    );
    expect(rs.filter((r) => r.status === 303)).toHaveLength(1);
    const lost = rs.filter((r) => r.status === 409);
    expect(lost).toHaveLength(19);
    expect(textOf(lost[0]?.text ?? '')).toContain(`已有人保存了第 ${before + 1} 版`);
    expect(lost[0]?.text).toContain(`name="after_version" value="${before + 1}"`);
    expect(await newest()).toBe(before + 1);
    const audit = await site.deps.audit.listBySubject(`policy:${before + 1}`, 10);
    expect(audit.items).toHaveLength(1);
  });
});
