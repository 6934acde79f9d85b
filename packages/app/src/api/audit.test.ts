// The audit log through HTTP: who may read it (route x role), staff sign-ins and failed sign-ins in
// it (an unknown username leaves the same record as a wrong password), the limiter still refusing,
// filters and cursors, the CSV export (BOM, GBK, formula guard) audited, and no phone or ID number in
// any record's detail.
import { beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { idCheckChar } from '@tmc/core/elders/id-card';
import { PERSONAL_NUMBER_MASK } from '@tmc/core/kernel/audit';
import { bearer, json, makeTestApp, phoneToken, staffToken, tableSnapshot } from '../../../../tests/support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 3 });
  for (const u of ['admin', 'zengdu', 'xicheng', 'finance']) tokens[u] = await staffToken(t.app, u);
  tokens.elder = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
});

type Rec = {
  at: string;
  actor: string;
  role: string;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
};
const list = async (qs: string, who = 'admin') => {
  const res = await t.app.request(`/api/audit?${qs}`, bearer(tokens[who] ?? ''));
  expect(res.status).toBe(200);
  return (await res.json()) as { items: Rec[]; cursor: string | null; from: string; to: string };
};
const login = (username: string, password: string) =>
  t.app.request('/api/auth/staff/login', json({ username, password }));
/** Moves the clock (sessions expire meanwhile) and signs the readers in again. */
const at = async (iso: string) => {
  t.clock.set(iso);
  for (const u of ['admin', 'zengdu']) tokens[u] = await staffToken(t.app, u);
};
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('who may read the log', () => {
  const table: [string, number][] = [
    ['admin', 200],
    ['zengdu', 200], // district: the bureau
    ['xicheng', 403], // street: records carry no area (see api/audit.ts)
    ['finance', 403],
    ['elder', 403],
    ['nobody', 401],
  ];
  it.each(table)('%s: GET /api/audit and /api/audit.csv answer %i', async (who, status) => {
    for (const path of ['/api/audit', '/api/audit.csv']) {
      const res = await t.app.request(path, who === 'nobody' ? {} : bearer(tokens[who] ?? ''));
      expect(res.status).toBe(status);
    }
  });
});

describe('staff sign-in in the log', () => {
  it('records a sign-in with the role, and failed ones under the username tried, never the password', async () => {
    // one second apart: records of the same instant have no order among them
    t.clock.advance(1000);
    expect((await login('zengdu', 'demo-2026')).status).toBe(200);
    t.clock.advance(1000);
    expect((await login('zengdu', 'wrong-password-1')).status).toBe(401);
    expect((await login('nobody-here', 'wrong-password-2')).status).toBe(401);
    const zengdu = await list('actor=staff:zengdu');
    expect(zengdu.items.slice(0, 2).map((r) => [r.action, r.role])).toEqual([
      ['staff.login_failed', 'staff'],
      ['staff.login', 'district'],
    ]);
    const nobody = await list('actor=staff:nobody-here');
    expect(nobody.items.map((r) => r.action)).toEqual(['staff.login_failed']);
    // the same record for a known and an unknown username: the log does not tell which exist
    const shape = (r: Rec | undefined) => ({ role: r?.role, action: r?.action, detail: r?.detail });
    expect(shape(nobody.items[0])).toEqual(shape(zengdu.items[0]));
    const all = JSON.stringify(await tableSnapshot(t.deps));
    expect(all).not.toContain('wrong-password-1');
    expect(all).not.toContain('wrong-password-2');
    // a failed sign-in is found by action too, across actors
    const failed = await list('action=staff.login_failed');
    expect(failed.items.map((r) => r.actor)).toEqual(expect.arrayContaining(['staff:zengdu', 'staff:nobody-here']));
  });

  it('the limiter still locks after 5 wrong passwords, refuses the right one, and each step is audited', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      codes.push(await code(await login('finance', `wrong-${i}`)));
    }
    t.clock.advance(1000);
    expect(codes).toEqual(['LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'ACCOUNT_LOCKED']);
    const right = await login('finance', 'demo-2026');
    expect(right.status).toBe(423);
    expect(await code(right)).toBe('ACCOUNT_LOCKED');
    const recs = (await list('actor=staff:finance')).items;
    expect(recs.slice(0, 6).map((r) => r.action)).toEqual([
      'staff.login_refused',
      'staff.login_locked',
      'staff.login_failed',
      'staff.login_failed',
      'staff.login_failed',
      'staff.login_failed',
    ]);
    expect(recs[0]?.detail).toMatchObject({ reason: 'account_locked' });
    t.clock.advance(15 * 60_000 + 1);
    for (const u of ['admin', 'zengdu']) tokens[u] = await staffToken(t.app, u);
    expect((await login('finance', 'demo-2026')).status).toBe(200);
  });
});

describe('browsing', () => {
  it('filters by entity type, role and subject; a cursor walks the rest; bad input is a 400', async () => {
    const body = (n: number) => {
      const base = `42130319450313${String(n).padStart(2, '0')}1`; // odd 17th digit: male
      return {
        name: '张审计',
        gender: 'M',
        birth_date: '1945-03-13',
        id_number: base.slice(0, 17) + idCheckChar(base.slice(0, 17)),
        phone: '17000006001',
        community_code: 'zengdu.xicheng.shengli',
        address: '胜利社区2栋202',
        location: { lat: 31.7, lng: 113.35 },
        care_level: 'self_care',
        special_categories: [],
        emergency_contact: { name: '张小审', phone: '17000006002' },
      };
    };
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const res = await t.app.request('/api/elders', bearer(tokens.zengdu ?? '', json(body(n))));
      expect(res.status, await res.clone().text()).toBe(201);
      ids.push(((await res.json()) as { elder: { elder_id: string } }).elder.elder_id);
    }
    const created = await list('entity_type=elder&action=elder.create');
    expect(created.items.map((r) => r.subject).sort()).toEqual(ids.map((i) => `elder:${i}`).sort());
    // written by a core service that knows only the actor string: the request gave it the role
    expect(created.items.every((r) => r.actor === 'staff:zengdu' && r.role === 'district')).toBe(true);
    const seen: string[] = [];
    let cursor = '';
    do {
      const p = await list(`role=district&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...p.items.map((r) => r.action));
      cursor = p.cursor ?? '';
    } while (cursor);
    expect(seen.filter((a) => a === 'elder.create')).toHaveLength(3);
    const one = await list(`subject=elder:${ids[0]}`);
    expect(one.items.map((r) => r.action)).toEqual(['elder.create']);
    for (const qs of [
      'from=2026-01-01&to=2026-12-31x',
      'from=2026-13-01', // the right shape, no such month: 400, not a RangeError (500)
      'to=2026-02-30',
      'role=boss',
      'limit=0',
      'cursor=%%%',
      'from=2024-01-01',
    ])
      expect((await t.app.request(`/api/audit?${qs}`, bearer(tokens.admin ?? ''))).status).toBe(400);
  });

  it('the range is in China dates: a record at 23:30 China time is on that date, not the UTC one', async () => {
    await at('2026-11-24T15:30:00Z'); // 2026-11-24 23:30 in China
    await t.deps.audit.write({ actor: 'system', action: 'test.late', subject: 'staff:admin' });
    const on24 = await list('from=2026-11-24&to=2026-11-24&action=test.late');
    expect(on24.items).toHaveLength(1);
    expect((await list('from=2026-11-25&to=2026-11-25&action=test.late')).items).toHaveLength(0);
  });
});

describe('export', () => {
  it('writes UTF-8 with BOM or GBK, guards formulas, and is itself audited', async () => {
    await at('2026-11-26T02:00:00Z');
    await t.deps.audit.write({
      actor: 'staff:admin',
      action: 'elder.read_sensitive',
      subject: 'elder:e_formula',
      detail: { reason: '=HYPERLINK("http://x")' },
    });
    const res = await t.app.request('/api/audit.csv?from=2026-11-26&to=2026-11-26', bearer(tokens.zengdu ?? ''));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('utf-8');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('时间(北京时间)');
    expect(text).toContain('2026-11-26 10:00:00');
    expect(text).toContain('"reason==HYPERLINK(""http://x"")"'); // quoted; the formula is not at a cell's start
    t.clock.advance(1000);
    const gbk = await t.app.request(
      '/api/audit.csv?from=2026-11-26&to=2026-11-26&encoding=gbk',
      bearer(tokens.admin ?? ''),
    );
    const decoded = iconv.decode(Buffer.from(await gbk.arrayBuffer()), 'gbk');
    expect(decoded.startsWith('时间(北京时间)')).toBe(true);
    const exports = await list('action=audit.export&from=2026-11-26&to=2026-11-26');
    expect(exports.items.map((r) => [r.actor, r.role, r.detail?.encoding])).toEqual([
      ['staff:admin', 'admin', 'gbk'],
      ['staff:zengdu', 'district', 'utf8-bom'],
    ]);
  });

  it('guards a cell that starts with a formula character', async () => {
    await at('2026-11-27T02:00:00Z');
    await t.deps.audit.write({ actor: 'system', action: 'test.formula', subject: '=SUM(1,2)' });
    const res = await t.app.request(
      '/api/audit.csv?from=2026-11-27&to=2026-11-27&action=test.formula',
      bearer(tokens.admin ?? ''),
    );
    const text = new TextDecoder().decode(await res.arrayBuffer());
    expect(text).toContain(`"'=SUM(1,2)"`);
    expect(text).not.toMatch(/(^|,)"?=SUM/m);
  });
});

describe('no sensitive values in the log', () => {
  it('register, edit, reveal, reset PIN, leave: no ID number or phone in any record', async () => {
    await at('2026-11-28T02:00:00Z');
    const base = '42130319450314';
    const id17 = `${base}021`;
    const id_number = id17 + idCheckChar(id17);
    const phone = '17000007001';
    const admin = tokens.admin ?? '';
    const res = await t.app.request(
      '/api/elders',
      bearer(
        admin,
        json({
          name: '李敏感',
          gender: 'M',
          birth_date: '1945-03-14',
          id_number,
          phone,
          community_code: 'zengdu.xicheng.shengli',
          address: '胜利社区3栋303',
          location: { lat: 31.7, lng: 113.35 },
          care_level: 'self_care',
          special_categories: [],
          emergency_contact: { name: '李小敏', phone: '17000007002' },
        }),
      ),
    );
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { elder: { elder_id: string } }).elder.elder_id;
    const patch = { ...json({ phone: '17000007003', version: 1 }), method: 'PATCH' };
    expect((await t.app.request(`/api/elders/${id}`, bearer(admin, patch))).status).toBe(200);
    // a person may type a number into a reason: it is masked on the way into the log
    const reveal = json({ reason: `核对 ${id_number} 和 17000007003` });
    expect((await t.app.request(`/api/elders/${id}/sensitive`, bearer(admin, reveal))).status).toBe(200);
    expect((await t.app.request(`/api/elders/${id}/pin`, bearer(admin, json({})))).status).toBeLessThan(300);
    expect((await t.app.request(`/api/elders/${id}/leave`, bearer(admin, json({ reason: '本人申请' })))).status).toBe(
      200,
    );

    const records = (await tableSnapshot(t.deps)).filter((s) => s.includes('"type":"audit"'));
    expect(records.length).toBeGreaterThan(10);
    const PHONE_OR_ID = /(?<![0-9A-Za-z])(?:1[3-9]\d{9}|\d{17}[0-9Xx])(?![0-9A-Za-z])/;
    for (const r of records) {
      expect(r).not.toMatch(PHONE_OR_ID);
      for (const p of t.seed?.elderPhones ?? []) expect(r).not.toContain(p);
    }
    const mine = (await list(`subject=elder:${id}&from=2026-11-28&to=2026-11-28`)).items;
    expect(mine.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'elder.create',
        'elder.update',
        'elder.read_sensitive',
        'elder.reset_pin',
        'elder.leave',
      ]),
    );
    expect(mine.find((r) => r.action === 'elder.read_sensitive')?.detail?.reason).toBe(
      `核对 ${PERSONAL_NUMBER_MASK} 和 ${PERSONAL_NUMBER_MASK}`,
    );
  });
});
