// The staff console: area tree by scope, community pages with the cursor, search, register,
// the audited reveal, edit by version, PIN reset, leaving, and scope enforcement.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COMMUNITIES } from '@tmc/local/demo/district';
import { demoElders } from '@tmc/local/demo/district';
import { COMMUNITY_PAGE_SIZE } from './pages';
import { Client, makeSite, signInPhone, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let street: Client; // xicheng: 西城街道 only

const XICHENG = DEMO_COMMUNITIES.filter((c) => c.street_code === 'zengdu.xicheng');
const OTHERS = DEMO_COMMUNITIES.filter((c) => c.street_code !== 'zengdu.xicheng');

// A valid person nobody has registered: from a later demo roster than the 20 seeded.
const newcomer = () => {
  const p = demoElders(40)[39];
  if (!p) throw new Error('demo roster too short');
  return p;
};

const firstElderIn = async (community: string) => {
  const e = (await site.deps.elders.listByCommunity(community, 100)).items.find((x) => x.status === 'active');
  if (!e) throw new Error(`no elder in ${community}`);
  return e;
};

beforeAll(async () => {
  site = await makeSite({ elders: 20 });
  admin = await signInStaff(site, 'admin');
  street = await signInStaff(site, 'xicheng');
});

describe('access by role', () => {
  it.each([
    ['admin', 200],
    ['zengdu', 200],
    ['xicheng', 200],
    ['finance', 200],
  ])('%s opens the console', async (user, status) => {
    const c = await signInStaff(site, user);
    expect((await c.get('/staff')).status).toBe(status);
  });

  it('finance sees the console but not elder records', async () => {
    const c = await signInStaff(site, 'finance');
    const dash = await c.get('/staff');
    expect(dash.text).not.toContain('href="/staff/communities/');
    expect((await c.get(`/staff/communities/${XICHENG[0]?.code}`)).status).toBe(403);
    expect((await c.get('/staff/import')).status).toBe(403);
  });

  it('an elder cannot open the console (403 page, not JSON)', async () => {
    const e = await signInPhone(site, 'elder', site.seed.elderPhones[0] ?? '');
    const r = await e.get('/staff');
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('area tree', () => {
  it('a street officer sees their street and its communities only', async () => {
    const t = textOf((await street.get('/staff')).text);
    expect(t).toContain('西城街道');
    for (const c of XICHENG) expect(t).toContain(c.name);
    for (const c of OTHERS) expect(t).not.toContain(c.name);
  });

  it('the city admin sees district, streets and every community', async () => {
    const r = await admin.get('/staff');
    const t = textOf(r.text);
    expect(t).toContain('曾都区');
    for (const c of DEMO_COMMUNITIES) expect(r.text).toContain(`href="/staff/communities/${c.code}"`);
  });
});

describe('scope', () => {
  it("a street officer cannot open another street's community, card sheet or elder (OUT_OF_SCOPE page)", async () => {
    const other = OTHERS[0]?.code ?? '';
    for (const path of [`/staff/communities/${other}`, `/staff/communities/${other}/cards`]) {
      const r = await street.get(path);
      expect(r.status).toBe(403);
      expect(textOf(r.text)).toContain('该数据不在您的管辖范围内');
    }
    const e = await firstElderIn(other);
    const r = await street.get(`/staff/elders/${e.elder_id}`);
    expect(r.status).toBe(403);
    expect(textOf(r.text)).toContain('OUT_OF_SCOPE');
    const reveal = await street.post(`/staff/elders/${e.elder_id}/reveal`, { reason: '核对身份' });
    expect(reveal.status).toBe(403);
    const audit = await site.deps.audit.listBySubject(`elder:${e.elder_id}`, 20);
    expect(audit.items.some((a) => a.action === 'elder.read_sensitive')).toBe(false);
  });

  it('a street officer cannot register an elder in another street', async () => {
    const p = newcomer();
    const r = await street.post('/staff/elders/new', {
      name: p.name,
      id_number: p.id_number,
      community_code: OTHERS[0]?.code ?? '',
      address: p.address,
      care_level: p.care_level,
    });
    expect(r.status).toBe(403);
    expect(await site.deps.elders.findIdByIdHash(site.deps.blindIndex('id', p.id_number))).toBeNull();
  });
});

describe('community pages and search', () => {
  it("lists a community's elders a page at a time with a Next link", async () => {
    // top up one community so it spans more than one page
    const code = XICHENG[0]?.code ?? '';
    const before = (await site.deps.elders.listByCommunity(code, 100)).items.length;
    const extra = demoElders(200)
      .slice(100)
      .filter((p) => p.community_code === code)
      .slice(0, COMMUNITY_PAGE_SIZE + 1 - before);
    for (const p of extra) {
      const r = await admin.post('/staff/elders/new', {
        name: p.name,
        id_number: p.id_number,
        community_code: code,
        address: p.address,
        care_level: p.care_level,
      });
      expect(r.status).toBe(201);
    }
    const total = (await site.deps.elders.listByCommunity(code, 100)).items.length;
    expect(total).toBeGreaterThan(COMMUNITY_PAGE_SIZE);
    const first = await street.get(`/staff/communities/${code}`);
    expect(first.status).toBe(200);
    const rows = (html: string) => [...html.matchAll(/<a href="\/staff\/elders\/(e_[A-Za-z0-9]+)">/g)].map((m) => m[1]);
    expect(rows(first.text)).toHaveLength(COMMUNITY_PAGE_SIZE);
    const next = first.text.match(/href="(\/staff\/communities\/[^"?]+\?cursor=[^"]+)" rel="next"/)?.[1];
    expect(next).toBeDefined();
    const second = await street.get((next ?? '').replace(/&amp;/g, '&'));
    expect(second.status).toBe(200);
    expect(rows(second.text).length).toBe(total - COMMUNITY_PAGE_SIZE);
    expect(rows(second.text).some((id) => rows(first.text).includes(id))).toBe(false);
  });

  it('searches by name, phone or card within scope; a partial number is refused', async () => {
    const e = await firstElderIn(XICHENG[0]?.code ?? '');
    const byName = await street.get(`/staff/search?q=${encodeURIComponent(e.name)}`);
    expect(byName.text).toContain(`/staff/elders/${e.elder_id}`);
    const byCard = await street.get(`/staff/search?q=${e.card_number}`);
    expect(byCard.text).toContain(`/staff/elders/${e.elder_id}`);
    const phone = site.seed.elderPhones[0] ?? '';
    const [pid] = await site.deps.elders.findIdsByPhoneHash(site.deps.blindIndex('phone', phone));
    const byPhone = await admin.get(`/staff/search?q=${phone}`);
    expect(byPhone.text).toContain(`/staff/elders/${pid}`);
    const partial = await street.get('/staff/search?q=1234');
    expect(partial.status).toBe(400);
    const outside = await firstElderIn(OTHERS[0]?.code ?? '');
    const hidden = await street.get(`/staff/search?q=${outside.card_number}`);
    expect(hidden.text).not.toContain(outside.elder_id);
    expect(textOf(hidden.text)).toContain('没有找到');
  });
});

describe('one elder', () => {
  it('register shows the card number and PIN once, and writes an audit record', async () => {
    const p = newcomer();
    const form = await street.get('/staff/elders/new');
    for (const c of XICHENG) expect(form.text).toContain(`value="${c.code}"`);
    for (const c of OTHERS) expect(form.text).not.toContain(`value="${c.code}"`);
    const r = await street.post('/staff/elders/new', {
      name: p.name,
      id_number: p.id_number,
      phone: '',
      community_code: XICHENG[1]?.code ?? '',
      address: p.address,
      care_level: 'semi_disabled',
      cat_living_alone: '1',
      ec_name: '王伟',
      ec_phone: '17000017777',
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const id = await site.deps.elders.findIdByIdHash(site.deps.blindIndex('id', p.id_number));
    const e = await site.deps.elders.get(id ?? '');
    expect(e?.gender).toBe(p.gender); // filled from the ID number
    expect(e?.birth_date).toBe(p.birth_date);
    expect(e?.special_categories).toEqual(['living_alone']);
    expect(e?.emergency_contact_name).toBe('王伟');
    const pin = r.text.match(/<p class="secret">(\d{6})<\/p>/)?.[1];
    expect(pin).toMatch(/^\d{6}$/);
    expect(textOf((await street.get(`/staff/elders/${id}`)).text)).not.toContain(pin ?? 'x');
    const audit = await site.deps.audit.listBySubject(`elder:${id}`, 10);
    expect(audit.items.map((a) => a.action)).toContain('elder.create');

    const again = await street.post('/staff/elders/new', {
      name: p.name,
      id_number: p.id_number,
      community_code: XICHENG[1]?.code ?? '',
      address: p.address,
      care_level: 'self_care',
    });
    expect(again.status).toBe(409);
    expect(textOf(again.text)).toContain('该身份证号已登记');
  });

  it('invalid input comes back on the form with field errors and the values kept', async () => {
    const r = await street.post('/staff/elders/new', {
      name: '张三',
      id_number: '11010119400101123',
      community_code: XICHENG[0]?.code ?? '',
      address: '',
      care_level: 'self_care',
      lng: '113.3',
    });
    expect(r.status).toBe(400);
    const t = textOf(r.text);
    expect(t).toContain('身份证号码无效');
    expect(t).toContain('两项要么都填，要么都不填');
    expect(r.text).toContain('value="张三"');
  });

  it('reveal needs a reason, shows the full ID on that response only (no-store) and is audited', async () => {
    const e = await firstElderIn(XICHENG[0]?.code ?? '');
    const noReason = await street.post(`/staff/elders/${e.elder_id}/reveal`, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(textOf(noReason.text)).toContain('请写明原因');
    const r = await street.post(`/staff/elders/${e.elder_id}/reveal`, { reason: '老人来电核对身份' });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const full = r.text.match(/<dd class="secret">(\d{17}[\dX])<\/dd>/)?.[1];
    expect(full).toMatch(/^\d{17}[\dX]$/);
    expect(full?.slice(-4)).toBe(e.id_masked.slice(-4));
    const after = await street.get(`/staff/elders/${e.elder_id}`);
    expect(after.text).not.toContain(full ?? 'x');
    const audit = await site.deps.audit.listBySubject(`elder:${e.elder_id}`, 10);
    const rec = audit.items.find((a) => a.action === 'elder.read_sensitive');
    expect(rec?.actor).toBe('staff:xicheng');
    expect(rec?.detail?.reason).toBe('老人来电核对身份');
    expect(textOf(after.text)).toContain('原因：老人来电核对身份');
  });

  it('edit saves only what changed, by version; a stale form is refused (CONFLICT)', async () => {
    const e = await firstElderIn(XICHENG[1]?.code ?? '');
    const base = {
      name: e.name,
      community_code: e.community_code,
      address: `${e.address}（新）`,
      care_level: e.care_level ?? '',
      lng: e.location ? String(e.location.lng) : '',
      lat: e.location ? String(e.location.lat) : '',
      version: String(e.version),
      ...Object.fromEntries(e.special_categories.map((k) => [`cat_${k}`, '1'])),
    };
    const ok = await street.post(`/staff/elders/${e.elder_id}`, base);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/staff/elders/${e.elder_id}?done=saved`);
    const saved = await site.deps.elders.get(e.elder_id);
    expect(saved?.address).toBe(`${e.address}（新）`);
    expect(saved?.version).toBe(e.version + 1);
    const audit = await site.deps.audit.listBySubject(`elder:${e.elder_id}`, 10);
    expect(audit.items.find((a) => a.action === 'elder.update')?.detail?.fields).toBe('address');

    const stale = await street.post(`/staff/elders/${e.elder_id}`, { ...base, address: '别的地址' });
    expect(stale.status).toBe(409);
    expect(textOf(stale.text)).toContain('数据已被他人修改');
    expect((await site.deps.elders.get(e.elder_id))?.address).toBe(`${e.address}（新）`);

    const other = await street.post(`/staff/elders/${e.elder_id}`, {
      ...base,
      version: String(e.version + 1),
      community_code: OTHERS[0]?.code ?? '',
    });
    expect(other.status).toBe(403);
  });

  it('reset PIN shows a new PIN once; leaving erases the person and stops further actions', async () => {
    const e = await firstElderIn(XICHENG[0]?.code ?? '');
    const r = await street.post(`/staff/elders/${e.elder_id}/pin`);
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/<p class="secret">\d{6}<\/p>/);
    expect((await site.deps.elders.get(e.elder_id))?.pin_printed_at).not.toBeNull();

    const noTick = await street.post(`/staff/elders/${e.elder_id}/leave`, { reason: '本人申请退出' });
    expect(noTick.status).toBe(400);
    expect((await site.deps.elders.get(e.elder_id))?.status).toBe('active');
    const left = await street.post(`/staff/elders/${e.elder_id}/leave`, { reason: '本人申请退出', confirm: '1' });
    expect(left.status).toBe(303);
    const after = await site.deps.elders.get(e.elder_id);
    expect(after?.status).toBe('left');
    expect(after?.name).toBe('已退出');
    const page = await street.get(left.location ?? '');
    expect(textOf(page.text)).toContain('已退出');
    expect(page.text).not.toContain('/reveal"');
    const again = await street.post(`/staff/elders/${e.elder_id}/reveal`, { reason: '再看一次' });
    expect(again.status).toBe(409);
  });
});
