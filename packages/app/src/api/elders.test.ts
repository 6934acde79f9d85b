// The elder database through HTTP: register, duplicate, edit with versions, scope, masking,
// audited reveal, PIN reset, leaving the scheme, and bad input that changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { idCheckChar } from '@tmc/core/elders/id-card';
import { bearer, json, makeTestApp, staffToken, tableSnapshot } from '../../../../tests/support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
let xicheng: string;
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 12 });
  admin = await staffToken(t.app, 'admin');
  xicheng = await staffToken(t.app, 'xicheng');
});

let seq = 0;
const newId = (birth = '19450312', male = true) => {
  const body = `421303${birth}${String(seq++ % 90).padStart(2, '0')}${male ? '1' : '2'}`;
  return body + idCheckChar(body);
};
const elderBody = (over: Record<string, unknown> = {}) => ({
  name: '张三',
  gender: 'M',
  birth_date: '1945-03-12',
  id_number: newId(),
  phone: '17000005001',
  community_code: 'zengdu.xicheng.shengli',
  address: '胜利社区1栋101',
  location: { lat: 31.7, lng: 113.35 },
  care_level: 'semi_disabled',
  special_categories: ['living_alone'],
  emergency_contact: { name: '张小明', phone: '17000005002' },
  ...over,
});
const err = async (res: Response) =>
  ((await res.json()) as { error: { code: string; fields?: { path: string; code: string }[] } }).error;

describe('register and read', () => {
  it('creates an elder, masks sensitive fields, returns a PIN once', async () => {
    const body = elderBody();
    const res = await t.app.request('/api/elders', bearer(admin, json(body)));
    expect(res.status).toBe(201);
    const out = (await res.json()) as { elder: Record<string, unknown>; pin: string };
    expect(out.pin).toMatch(/^\d{6}$/);
    expect(out.elder.id_number_masked).toBe(`421***********${body.id_number.slice(-4)}`);
    expect(out.elder.phone_masked).toBe('170****5001');
    expect(JSON.stringify(out)).not.toContain(body.id_number);
    expect(JSON.stringify(out)).not.toContain('17000005001');
    // stored encrypted: the clear ID number appears nowhere in the table
    expect((await tableSnapshot(t.deps)).join('\n')).not.toContain(body.id_number);
  });

  it('refuses the same ID number twice (blind index, no scan)', async () => {
    const body = elderBody();
    expect((await t.app.request('/api/elders', bearer(admin, json(body)))).status).toBe(201);
    const again = await t.app.request('/api/elders', bearer(admin, json({ ...body, name: '李四' })));
    expect(again.status).toBe(409);
    expect((await err(again)).code).toBe('ELDER_EXISTS');
  });

  it.each([
    ['invalid ID number', { id_number: '421303194503120011' }, 'body.id_number', 'ID_NUMBER_INVALID'],
    ['birth date disagrees with ID', { birth_date: '1945-03-13' }, 'body.birth_date', 'BIRTH_DATE_MISMATCH'],
    ['gender disagrees with ID', { gender: 'F' }, 'body.gender', 'GENDER_MISMATCH'],
    ['bad phone', { phone: '12345' }, 'body.phone', 'INVALID_FORMAT'],
    ['wrong type', { location: { lat: 'north', lng: 1 } }, 'body.location.lat', 'INVALID_TYPE'],
    ['markup in a name', { name: '<script>alert(1)</script>' }, 'body.name', 'INVALID_FORMAT'],
    ['SQL-looking name', { name: "x'; DROP TABLE elders;--" }, 'body.name', 'INVALID_FORMAT'],
  ])('400 for %s, nothing written', async (_n, over, path, code) => {
    const before = await tableSnapshot(t.deps);
    const res = await t.app.request('/api/elders', bearer(admin, json(elderBody(over))));
    expect(res.status).toBe(400);
    const e = await err(res);
    // a field code the route documents (ID_NUMBER_INVALID) is also the answer's code
    expect(e.code).toBe(code === 'ID_NUMBER_INVALID' ? 'ID_NUMBER_INVALID' : 'VALIDATION_FAILED');
    expect(
      e.fields?.some((f) => f.path === path && f.code === code),
      JSON.stringify(e.fields),
    ).toBe(true);
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('an unknown community is a field error, nothing written', async () => {
    const before = await tableSnapshot(t.deps);
    const res = await t.app.request(
      '/api/elders',
      bearer(admin, json(elderBody({ community_code: 'zengdu.xicheng.nowhere' }))),
    );
    expect(res.status).toBe(400);
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });
});

describe('scope', () => {
  it('a street officer lists and reads only their street', async () => {
    expect((await t.app.request('/api/elders?community=zengdu.xicheng.shengli', bearer(xicheng))).status).toBe(200);
    const other = await t.app.request('/api/elders?community=zengdu.dongcheng.qingnian', bearer(xicheng));
    expect(other.status).toBe(403);
    expect((await err(other)).code).toBe('OUT_OF_SCOPE');
    const created = (await (
      await t.app.request(
        '/api/elders',
        bearer(admin, json(elderBody({ community_code: 'zengdu.dongcheng.qingnian' }))),
      )
    ).json()) as { elder: { elder_id: string } };
    expect((await t.app.request(`/api/elders/${created.elder.elder_id}`, bearer(xicheng))).status).toBe(403);
    expect(
      (
        await t.app.request(
          '/api/elders',
          bearer(xicheng, json(elderBody({ community_code: 'zengdu.dongcheng.qingnian' }))),
        )
      ).status,
    ).toBe(403);
  });

  it('pages through a community with a cursor and rejects a forged cursor', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res: Response = await t.app.request(
        `/api/elders?community=zengdu.xicheng.shengli&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        bearer(admin),
      );
      const page = (await res.json()) as { items: { elder_id: string }[]; cursor: string | null };
      page.items.forEach((e) => seen.add(e.elder_id));
      cursor = page.cursor;
      if (!cursor) break;
    }
    expect(seen.size).toBeGreaterThan(2);
    const forged = Buffer.from(
      JSON.stringify({ gsi1pk: 'COMMUNITY_ELDERS#zengdu.dongcheng.qingnian', gsi1sk: 'e_x', pk: 'x', sk: 'y' }),
    ).toString('base64url');
    expect(
      (await t.app.request(`/api/elders?community=zengdu.xicheng.shengli&cursor=${forged}`, bearer(admin))).status,
    ).toBe(400);
  });

  it('searches by name, phone and card by key, within scope', async () => {
    const body = elderBody({ name: '王搜索', phone: '17000005077' });
    const created = (await (await t.app.request('/api/elders', bearer(admin, json(body)))).json()) as {
      elder: { elder_id: string; card_number: string };
    };
    for (const q of ['name=王搜索', 'phone=17000005077', `card=${created.elder.card_number}`]) {
      const r = (await (await t.app.request(`/api/elders/search?${encodeURI(q)}`, bearer(xicheng))).json()) as {
        items: { elder_id: string }[];
      };
      expect(
        r.items.map((e) => e.elder_id),
        q,
      ).toContain(created.elder.elder_id);
    }
    const dongcheng = await staffToken(t.app, 'zengdu');
    expect(
      (
        (await (await t.app.request(`/api/elders/search?${encodeURI('name=王搜索')}`, bearer(dongcheng))).json()) as {
          items: unknown[];
        }
      ).items.length,
    ).toBe(1);
    expect((await t.app.request('/api/elders/search?name=a&phone=17000005077', bearer(admin))).status).toBe(400);
  });
});

describe('edit, reveal, PIN, leave', () => {
  it('edits with the version read; a stale version is CONFLICT and changes nothing', async () => {
    const created = (await (await t.app.request('/api/elders', bearer(admin, json(elderBody())))).json()) as {
      elder: { elder_id: string; version: number };
    };
    const id = created.elder.elder_id;
    const ok = await t.app.request(
      `/api/elders/${id}`,
      bearer(admin, { ...json({ address: '新地址', phone: '17000005099', version: 1 }), method: 'PATCH' }),
    );
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { version: number; phone_masked: string }).phone_masked).toBe('170****5099');
    const before = await tableSnapshot(t.deps);
    const stale = await t.app.request(
      `/api/elders/${id}`,
      bearer(admin, { ...json({ address: '另一个', version: 1 }), method: 'PATCH' }),
    );
    expect(stale.status).toBe(409);
    expect(await tableSnapshot(t.deps)).toEqual(before);
    // the phone index follows the edit
    const found = (await (await t.app.request('/api/elders/search?phone=17000005099', bearer(admin))).json()) as {
      items: { elder_id: string }[];
    };
    expect(found.items.map((e) => e.elder_id)).toContain(id);
  });

  it('reveals the full ID number only with a reason, and audits it', async () => {
    const body = elderBody();
    const created = (await (await t.app.request('/api/elders', bearer(admin, json(body)))).json()) as {
      elder: { elder_id: string };
    };
    const id = created.elder.elder_id;
    expect((await t.app.request(`/api/elders/${id}/sensitive`, bearer(admin, json({})))).status).toBe(400);
    const res = await t.app.request(`/api/elders/${id}/sensitive`, bearer(admin, json({ reason: '核对低保资格' })));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(((await res.json()) as { id_number: string }).id_number).toBe(body.id_number);
    const audit = (await (await t.app.request(`/api/elders/${id}/audit`, bearer(admin))).json()) as {
      items: { action: string; actor: string }[];
    };
    expect(audit.items.some((a) => a.action === 'elder.read_sensitive' && a.actor === 'staff:admin')).toBe(true);
    // never in the logs
    expect(t.logger.lines.join('\n')).not.toContain(body.id_number);
  });

  it('leaving the scheme erases personal fields and frees the ID number', async () => {
    const body = elderBody();
    const created = (await (await t.app.request('/api/elders', bearer(admin, json(body)))).json()) as {
      elder: { elder_id: string };
    };
    const id = created.elder.elder_id;
    const res = await t.app.request(`/api/elders/${id}/leave`, bearer(admin, json({ reason: '本人申请退出' })));
    expect(res.status).toBe(200);
    const v = (await res.json()) as Record<string, unknown>;
    expect(v).toMatchObject({
      status: 'left',
      name: '已退出',
      id_number_masked: '',
      phone_masked: null,
      address: '',
      location: null,
    });
    const stored = await t.deps.elders.get(id);
    expect(stored).toMatchObject({
      id_cipher: '',
      phone_cipher: null,
      emergency_contact_cipher: null,
      address: '',
      pin_hash: '',
      birth_date: '1945-01-01',
    });
    expect((await t.app.request(`/api/elders/${id}/sensitive`, bearer(admin, json({ reason: '核对' })))).status).toBe(
      409,
    );
    expect((await t.app.request('/api/elders', bearer(admin, json(body)))).status).toBe(201);
  });

  it('a new PIN works once issued', async () => {
    const created = (await (await t.app.request('/api/elders', bearer(admin, json(elderBody())))).json()) as {
      elder: { elder_id: string };
    };
    const res = await t.app.request(`/api/elders/${created.elder.elder_id}/pin`, bearer(admin, { method: 'POST' }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { pin: string }).pin).toMatch(/^\d{6}$/);
  });
});
