// The staff-account rules without a store: usernames, one-time passwords, acceptable new passwords,
// the area a role needs, and the refusals that come before any write.
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors';
import type { Area } from '../areas/model';
import type { AreaStore } from '../areas/ports';
import type { StaffAccount } from './model';
import type { StaffStore } from './ports';
import {
  checkScope,
  oneTimePassword,
  ONE_TIME_PASSWORD_CHARS,
  passwordAcceptable,
  setStaffStatus,
  StaffCreate,
  staffView,
  updateStaffAccount,
} from './staff-accounts';

const area = (code: string, level: Area['level']): Area => ({
  code,
  name: code,
  level,
  parent_code: null,
  centroid: { lat: 31.7, lng: 113.4 },
});
const AREAS: AreaStore = {
  get: async (code) =>
    ({ zengdu: area('zengdu', 'district'), 'zengdu.xicheng': area('zengdu.xicheng', 'street') })[code] ?? null,
  put: async () => {
    throw new Error('not here');
  },
  children: async () => [],
};
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

const ACCOUNT: StaffAccount = {
  username: 'admin',
  display_name: '管理员',
  role: 'admin',
  scope: null,
  password_hash: 'scrypt.x.y',
  failures: 0,
  locked_until_ms: 0,
  version: 3,
};
/** A store that holds one account and fails the test if anything writes. */
const readOnly = (a: StaffAccount): StaffStore => ({
  get: async (u) => (u === a.username ? a : null),
  put: async () => {
    throw new Error('no write expected');
  },
  create: async () => {
    throw new Error('no write expected');
  },
  update: async () => {
    throw new Error('no write expected');
  },
  list: async () => ({ items: [a], cursor: null }),
  recordLogin: async () => a,
});
const deps = (a: StaffAccount) => ({
  staff: readOnly(a),
  areas: AREAS,
  clock: { now: () => new Date('2026-11-23T08:00:00Z') },
  sessions: { revokeAllOf: async () => 0 },
});
const ADMIN = { sub: 'staff:admin', username: 'admin', role: 'admin' as const };

describe('usernames and passwords', () => {
  it('takes lower-case usernames that start with a letter, and not the pages’ path words', () => {
    const base = { display_name: '李', role: 'admin' };
    for (const ok of ['li.officer', 'abc', 'wang_2'])
      expect(StaffCreate.safeParse({ ...base, username: ok }).success).toBe(true);
    for (const bad of ['Li', 'ab', '1abc', 'li officer', 'new', 'export', 'a'.repeat(33)])
      expect(StaffCreate.safeParse({ ...base, username: bad }).success, bad).toBe(false);
  });

  it('makes one-time passwords of unambiguous characters, different each time', () => {
    const seen = new Set(Array.from({ length: 200 }, oneTimePassword));
    expect(seen.size).toBe(200);
    for (const p of seen) expect(p).toMatch(new RegExp(`^[a-km-np-z2-9]{${ONE_TIME_PASSWORD_CHARS}}$`));
  });

  it('asks for a new password of 10 or more characters, not the old one or the username', () => {
    expect(passwordAcceptable('li.officer', 'old-password', 'a-new-password')).toBe(true);
    expect(passwordAcceptable('li.officer', 'old-password', 'short')).toBe(false);
    expect(passwordAcceptable('li.officer', 'old-password', 'old-password')).toBe(false);
    expect(passwordAcceptable('li.officer', 'old-password', 'LI.OFFICER')).toBe(false);
  });

  it('never shows the password hash', () => {
    expect(JSON.stringify(staffView(ACCOUNT))).not.toContain('scrypt');
    expect(staffView(ACCOUNT).status).toBe('active'); // an account stored before issue 12
  });
});

describe('the area a role needs', () => {
  it('a district for district officers, a street for street officers, none for admin and finance', async () => {
    expect(await codeOf(checkScope({ areas: AREAS }, 'district', 'zengdu'))).toBe('ok');
    expect(await codeOf(checkScope({ areas: AREAS }, 'street', 'zengdu.xicheng'))).toBe('ok');
    expect(await codeOf(checkScope({ areas: AREAS }, 'admin', null))).toBe('ok');
    expect(await codeOf(checkScope({ areas: AREAS }, 'street', 'zengdu'))).toBe('STAFF_SCOPE_INVALID');
    expect(await codeOf(checkScope({ areas: AREAS }, 'street', 'zengdu.nosuch'))).toBe('STAFF_SCOPE_INVALID');
    expect(await codeOf(checkScope({ areas: AREAS }, 'district', null))).toBe('STAFF_SCOPE_INVALID');
    expect(await codeOf(checkScope({ areas: AREAS }, 'finance', 'zengdu'))).toBe('STAFF_SCOPE_INVALID');
  });
});

describe('refused before any write', () => {
  it('an administrator cannot demote or disable themselves', async () => {
    const d = deps(ACCOUNT);
    expect(await codeOf(updateStaffAccount(d, 'admin', { version: 3, role: 'finance' }, ADMIN))).toBe(
      'STAFF_SELF_LOCKOUT',
    );
    expect(await codeOf(setStaffStatus(d, 'admin', 'disabled', 3, ADMIN))).toBe('STAFF_SELF_LOCKOUT');
  });

  it('a change at a version other than the stored one is a conflict', async () => {
    const other = { ...ACCOUNT, username: 'li.officer', role: 'street' as const, scope: 'zengdu.xicheng' };
    expect(await codeOf(updateStaffAccount(deps(other), 'li.officer', { version: 2, display_name: 'x' }, ADMIN))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(updateStaffAccount(deps(other), 'nobody', { version: 1 }, ADMIN))).toBe('STAFF_NOT_FOUND');
  });
});
