// The categories page against DynamoDB Local: every officer reads it, only an admin adds, renames and
// retires (POST and 303, a bad field inline with what was typed); a retired category leaves the public
// list and new applications, stays retired through a rename, and each change is audited once.
import { beforeAll, describe, expect, it } from 'vitest';
import { usccCheckChar } from '@tmc/core/merchants/model';
import { applyAsMerchant } from '@tmc/core/merchants/service';
import { AppError } from '@tmc/core/kernel/errors';
import { Client, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let street: Client;
let finance: Client;

beforeAll(async () => {
  site = await makeSite({ elders: 4 });
  const clients = await Promise.all(['admin', 'xicheng', 'finance'].map((u) => signInStaff(site, u)));
  [admin, street, finance] = clients as [Client, Client, Client];
}, 180_000);

const publicCodes = async () =>
  ((await (await site.app.request('/api/categories')).json()) as { items: { code: string }[] }).items.map(
    (c) => c.code,
  );

describe('categories page', () => {
  it('lists every category with icon and both names to all staff; only the admin gets the forms', async () => {
    for (const c of [admin, street, finance]) {
      const r = await c.get('/staff/categories');
      expect(r.status).toBe(200);
      expect(textOf(r.text)).toContain('家电水电维修');
      expect(textOf(r.text)).toContain('Home repair');
    }
    expect((await admin.get('/staff/categories')).text).toContain('action="/staff/categories"');
    expect((await street.get('/staff/categories')).text).not.toContain('action="/staff/categories"');
    expect(
      (await street.post('/staff/categories', { code: 'tailor', name_zh: '裁缝', name_en: 'Tailor' })).status,
    ).toBe(403);
    expect((await street.post('/staff/categories/barber/retire')).status).toBe(403);
  });

  it('adds and renames (audited); a bad field is shown inline and keeps what was typed', async () => {
    const bad = await admin.post('/staff/categories', {
      code: 'Tailor!',
      name_zh: '裁缝',
      name_en: 'Tailor',
      icon: '🧵',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('aria-invalid="true"');
    expect(bad.text).toContain('value="Tailor!"');
    expect(bad.text).toContain('value="裁缝"');
    const ok = await admin.post('/staff/categories', {
      code: 'tailor',
      name_zh: '裁缝',
      name_en: 'Tailor',
      icon: '🧵',
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/staff/categories?done=saved');
    await admin.post('/staff/categories', { code: 'tailor', name_zh: '缝补', name_en: 'Mending', icon: '🧵' });
    const page = textOf((await admin.get('/staff/categories')).text);
    expect(page).toContain('缝补');
    expect(page).toContain('设置服务类别 · admin');
    const audit = await site.deps.audit.listBySubject('category:tailor', 10);
    expect(audit.items.map((a) => a.action)).toEqual(['category.put', 'category.put']);
    expect(await publicCodes()).toContain('tailor');
  });

  it('retires once: gone from the public list and new applications, kept through a rename; audited once', async () => {
    const r = await admin.post('/staff/categories/tailor/retire');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/staff/categories?done=retired');
    const again = await admin.post('/staff/categories/tailor/retire');
    expect(again.status).toBe(409);
    expect(again.text).toContain('role="alert"');
    expect((await admin.post('/staff/categories/nosuch/retire')).status).toBe(404);
    expect(await publicCodes()).not.toContain('tailor');
    await admin.post('/staff/categories', { code: 'tailor', name_zh: '裁缝铺', name_en: 'Tailor', icon: '🧵' });
    expect((await site.deps.merchants.categories()).find((c) => c.code === 'tailor')).toMatchObject({
      name_zh: '裁缝铺',
      retired: true,
    });
    const audit = await site.deps.audit.listBySubject('category:tailor', 10);
    expect(audit.items.filter((a) => a.action === 'category.retire')).toHaveLength(1);
    const page = await admin.get('/staff/categories');
    expect(page.text).toContain('data-retired="yes"');
    expect(page.text).not.toContain('action="/staff/categories/tailor/retire"');
    const body = '91421303MA7700001';
    const refused = await applyAsMerchant(site.deps, 'm_retiredcat0001', {
      business_name: '老裁缝',
      uscc: body + (usccCheckChar(body) ?? ''),
      licence_number: 'JY1',
      licence_expires_on: null,
      contact_name: '王',
      contact_phone: '17000029101',
      address: '胜利社区 2 号',
      location: { lat: 31.7045, lng: 113.3495 },
      community_code: 'zengdu.xicheng.shengli',
      categories: ['tailor'],
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).fields?.[0]?.code).toBe('CATEGORY_RETIRED');
  });

  it('retires through the API too (the same service): admin only', async () => {
    const token = await admin.get('/staff'); // the staff session cookie signs API requests in too
    expect(token.status).toBe(200);
    const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const scookie = [...street.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = (ck: string, path: string) =>
      site.app.request(path, { method: 'POST', headers: { cookie: ck, origin: 'http://localhost' } });
    expect((await post(scookie, '/api/categories/canteen/retire')).status).toBe(403);
    const r = await post(cookie, '/api/categories/canteen/retire');
    expect(r.status).toBe(200);
    expect(await publicCodes()).not.toContain('canteen');
    const all = await site.app.request('/api/categories/all', { headers: { cookie: scookie } });
    expect(((await all.json()) as { items: { code: string; retired?: boolean }[] }).items).toContainEqual(
      expect.objectContaining({ code: 'canteen', retired: true }),
    );
  });
});
