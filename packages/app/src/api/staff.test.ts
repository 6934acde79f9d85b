// Staff accounts through the API (issue 12): create with a one-time password, a taken username, one
// winner of 30 parallel changes at one version (and one audit record), disable (sign-in refused, the
// open session refused), reset password, self-disable and self-demotion refused, the list and its
// filters, the own password change, and the last sign-in times.
import { beforeEach, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, staffToken } from '../../../../tests/support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp({ seedElders: 1 });
  admin = await staffToken(t.app, 'admin');
});

type Account = { username: string; role: string; scope: string | null; status: string; version: number };
type Created = { account: Account & { must_change_password: boolean }; one_time_password: string };
const errCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const as = (token: string, init: RequestInit = {}) => bearer(token, init);
const patch = (body: unknown): RequestInit => ({ ...json(body), method: 'PATCH' });

const OFFICER = { username: 'li.officer', display_name: '李干部', role: 'street', scope: 'zengdu.xicheng' };

const createOfficer = async (body: Record<string, unknown> = OFFICER): Promise<Created> => {
  const res = await t.app.request('/api/staff', as(admin, json(body)));
  expect(res.status).toBe(201);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as Created;
};

const login = (username: string, password: string) =>
  t.app.request('/api/auth/staff/login', json({ username, password }));

describe('create', () => {
  it('creates a street officer with a one-time password that signs in and must be changed', async () => {
    const c = await createOfficer();
    expect(c.account).toMatchObject({ username: 'li.officer', role: 'street', scope: 'zengdu.xicheng', version: 1 });
    expect(c.account.must_change_password).toBe(true);
    expect(c.one_time_password).toMatch(/^[a-z2-9]{12}$/);
    expect(JSON.stringify(c.account)).not.toContain('password_hash');
    const res = await login('li.officer', c.one_time_password);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { must_change_password: boolean }).must_change_password).toBe(true);
    const audit = await t.deps.audit.listBySubject('staff:li.officer', 10);
    const created = audit.items.find((e) => e.action === 'staff.create');
    expect(created?.actor).toBe('staff:admin');
    expect(JSON.stringify(audit.items)).not.toContain(c.one_time_password);
  });

  it('refuses a taken username with 409 STAFF_EXISTS and writes nothing', async () => {
    await createOfficer();
    const again = await t.app.request('/api/staff', as(admin, json({ ...OFFICER, display_name: '别人' })));
    expect(again.status).toBe(409);
    expect(await errCode(again)).toBe('STAFF_EXISTS');
    const seeded = await t.app.request('/api/staff', as(admin, json({ ...OFFICER, username: 'xicheng' })));
    expect(await errCode(seeded)).toBe('STAFF_EXISTS');
    expect((await t.deps.staff.get('li.officer'))?.display_name).toBe('李干部');
  });

  it('checks the area against the role', async () => {
    for (const body of [
      { ...OFFICER, scope: 'zengdu' }, // a district for a street officer
      { ...OFFICER, scope: 'zengdu.nosuch' }, // no such street
      { ...OFFICER, scope: null },
      { ...OFFICER, role: 'finance' }, // finance is city-wide
    ]) {
      const res = await t.app.request('/api/staff', as(admin, json(body)));
      expect(res.status).toBe(400);
      expect(await errCode(res)).toBe('STAFF_SCOPE_INVALID');
    }
    const bad = await t.app.request('/api/staff', as(admin, json({ ...OFFICER, username: 'New' })));
    expect(await errCode(bad)).toBe('VALIDATION_FAILED');
    expect(await t.deps.staff.get('li.officer')).toBeNull();
  });

  it('is for administrators only', async () => {
    for (const who of ['zengdu', 'xicheng', 'finance']) {
      const token = await staffToken(t.app, who);
      expect((await t.app.request('/api/staff', as(token, json(OFFICER)))).status).toBe(403);
      expect((await t.app.request('/api/staff', as(token))).status).toBe(403);
    }
  });
});

describe('change', () => {
  it('of 30 parallel changes at one version one wins; the rest 409 CONFLICT with the account now', async () => {
    await createOfficer();
    const res = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.app.request('/api/staff/li.officer', as(admin, patch({ version: 1, display_name: `李干部${i}` }))),
      ),
    );
    const statuses = res.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(29);
    const loser = res.find((r) => r.status === 409);
    const body = (await loser?.json()) as { error: { code: string; details: { current: Account } } };
    expect(body.error.code).toBe('CONFLICT');
    expect(body.error.details.current.version).toBe(2);
    const audit = await t.deps.audit.listBySubject('staff:li.officer', 100);
    expect(audit.items.filter((e) => e.action === 'staff.update')).toHaveLength(1);
    expect((await t.deps.staff.get('li.officer'))?.version).toBe(2);
  });

  it('moves an officer to another street and ends their sessions', async () => {
    const c = await createOfficer();
    const token = await staffToken(t.app, 'li.officer', c.one_time_password);
    const res = await t.app.request(
      '/api/staff/li.officer',
      as(admin, patch({ version: 1, role: 'district', scope: 'zengdu' })),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { account: Account }).account).toMatchObject({ role: 'district', scope: 'zengdu' });
    expect((await t.app.request('/api/me', as(token))).status).toBe(401);
  });

  it('refuses an administrator demoting or disabling themselves', async () => {
    const me = await t.app.request('/api/staff/admin', as(admin));
    const { account } = (await me.json()) as { account: Account };
    const demote = await t.app.request(
      '/api/staff/admin',
      as(admin, patch({ version: account.version, role: 'finance' })),
    );
    expect(demote.status).toBe(403);
    expect(await errCode(demote)).toBe('STAFF_SELF_LOCKOUT');
    const off = await t.app.request('/api/staff/admin/disable', as(admin, json({})));
    expect(await errCode(off)).toBe('STAFF_SELF_LOCKOUT');
    expect((await t.deps.staff.get('admin'))?.status ?? 'active').toBe('active');
  });

  it('answers STAFF_NOT_FOUND for an unknown account', async () => {
    const res = await t.app.request('/api/staff/nobody', as(admin));
    expect(res.status).toBe(404);
    expect(await errCode(res)).toBe('STAFF_NOT_FOUND');
  });
});

describe('disable, enable, reset', () => {
  it('a disabled account cannot sign in, and its open session stops working at once', async () => {
    const c = await createOfficer();
    const token = await staffToken(t.app, 'li.officer', c.one_time_password);
    expect((await t.app.request('/api/me', as(token))).status).toBe(200);
    const off = await t.app.request('/api/staff/li.officer/disable', as(admin, json({ version: 1 })));
    expect(off.status).toBe(200);
    expect((await t.app.request('/api/me', as(token))).status).toBe(401);
    const again = await login('li.officer', c.one_time_password);
    expect(again.status).toBe(403);
    expect(await errCode(again)).toBe('ACCOUNT_DISABLED');
    const wrong = await login('li.officer', 'not-the-password');
    expect(await errCode(wrong)).toBe('LOGIN_FAILED'); // the status is told only to who knows the password
    const twice = await t.app.request('/api/staff/li.officer/disable', as(admin, json({})));
    expect(twice.status).toBe(409);
    const on = await t.app.request('/api/staff/li.officer/enable', as(admin, json({})));
    expect(on.status).toBe(200);
    expect((await login('li.officer', c.one_time_password)).status).toBe(200);
    const actions = (await t.deps.audit.listBySubject('staff:li.officer', 50)).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['staff.disable', 'staff.enable', 'staff.login_refused']));
  });

  it('reset password: the old one stops working, the new one signs in', async () => {
    const c = await createOfficer();
    const res = await t.app.request('/api/staff/li.officer/reset-password', as(admin, json({})));
    expect(res.status).toBe(200);
    const r = (await res.json()) as Created;
    expect(r.one_time_password).not.toBe(c.one_time_password);
    expect(await errCode(await login('li.officer', c.one_time_password))).toBe('LOGIN_FAILED');
    expect((await login('li.officer', r.one_time_password)).status).toBe(200);
    const audit = await t.deps.audit.listBySubject('staff:li.officer', 50);
    expect(audit.items.some((e) => e.action === 'staff.reset_password')).toBe(true);
  });

  it('the staff member replaces the one-time password with their own', async () => {
    const c = await createOfficer();
    const token = await staffToken(t.app, 'li.officer', c.one_time_password);
    const change = (current: string, next: string) =>
      t.app.request('/api/auth/staff/password', as(token, json({ current_password: current, new_password: next })));
    expect(await errCode(await change(c.one_time_password, 'short'))).toBe('PASSWORD_WEAK');
    expect(await errCode(await change('wrong-password-1', 'a-long-new-password'))).toBe('LOGIN_FAILED');
    const ok = await change(c.one_time_password, 'a-long-new-password');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Created).account.must_change_password).toBe(false);
    const res = await login('li.officer', 'a-long-new-password');
    expect(((await res.json()) as { must_change_password: boolean }).must_change_password).toBe(false);
  });
});

describe('list and last sign-in', () => {
  it('lists by username, narrows by role and area, and pages by key', async () => {
    await createOfficer();
    const all = (await (await t.app.request('/api/staff', as(admin))).json()) as { items: Account[] };
    expect(all.items.map((a) => a.username)).toEqual(['admin', 'finance', 'li.officer', 'xicheng', 'zengdu']);
    const street = await t.app.request('/api/staff?scope=zengdu.xicheng', as(admin));
    const inStreet = (await street.json()) as { items: Account[] };
    expect(inStreet.items.map((a) => a.username)).toEqual(['li.officer', 'xicheng']);
    const fin = (await (await t.app.request('/api/staff?role=finance', as(admin))).json()) as { items: Account[] };
    expect(fin.items.map((a) => a.username)).toEqual(['finance']);
    const moved = await t.app.request('/api/staff/li.officer', as(admin, patch({ version: 1, role: 'finance' })));
    expect(((await moved.json()) as { account: Account }).account.scope).toBeNull();
    const after = (await (await t.app.request('/api/staff?scope=zengdu.xicheng', as(admin))).json()) as {
      items: Account[];
    };
    expect(after.items.map((a) => a.username)).toEqual(['xicheng']);
    const page = await t.deps.staff.list({}, 2);
    expect(page.items).toHaveLength(2);
    const next = await t.deps.staff.list({}, 2, page.cursor ?? undefined);
    expect(next.items[0]?.username).toBe('li.officer');
  });

  it('moves the latest sign-in to "before" at each sign-in', async () => {
    t.clock.set('2026-11-23T01:00:00Z');
    await staffToken(t.app, 'xicheng');
    t.clock.set('2026-11-24T02:00:00Z');
    await staffToken(t.app, 'xicheng');
    const fresh = await staffToken(t.app, 'admin'); // the first admin token ran out a day ago
    const res = await t.app.request('/api/staff/xicheng', as(fresh));
    const { account } = (await res.json()) as { account: { last_login_at: string; prev_login_at: string } };
    expect(account.last_login_at).toBe('2026-11-24T02:00:00.000Z');
    expect(account.prev_login_at).toBe('2026-11-23T01:00:00.000Z');
  });
});
