// Staff accounts managed by an administrator (issue 12): create with a one-time password, change
// display name, role and area, disable and enable, reset the password; and the staff member's own
// change of the one-time password. Every change is a versioned write with its audit record in the
// same transaction (of parallel changes one wins, the rest get 409 CONFLICT with the state now). A
// change that narrows what the account may do (disable, a new role or area, a reset password) ends
// the account's sessions, so it takes effect at the next request. Passwords are never in a record.
import * as z from 'zod/mini';
import { randomBytes } from 'node:crypto';
import { AppError } from '../kernel/errors';
import type { AuditEvent } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import { AREA_CODE_RE } from '../kernel/ids';
import { safeLine } from '../kernel/text';
import { hashSecret, sha256, verifySecret } from '../kernel/secrets';
import type { AreaStore } from '../areas/ports';
import { levelOf } from '../areas/model';
import { admitOrThrow, wrongGuess, type AttemptLimiter } from './attempts';
import { STAFF_ROLES, staffStatusOf, type StaffAccount, type StaffRole, type StaffStatus } from './model';
import type { SessionEnder, StaffListQuery, StaffStore } from './ports';

/** Lower-case letters, digits and . _ - ; 3 to 32 characters, starting with a letter. */
export const USERNAME_RE = /^[a-z][a-z0-9._-]{2,31}$/;
/** Path words of the account pages (/staff/accounts/new; 'export' kept from its old CSV path): never a username. */
export const RESERVED_USERNAMES: readonly string[] = ['new', 'export', 'admin-console'];
export const DISPLAY_NAME_MAX = 40;
/** A password people choose: long rather than clever (NIST SP 800-63B: at least 8; we ask 10). */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200; // the sign-in form's limit
/** One-time passwords: 12 characters from 32 that are not confused when read out or copied
 * (no 0/O, 1/l/I): 60 bits, and they are replaced at the first sign-in. */
export const ONE_TIME_PASSWORD_CHARS = 12;
const OTP_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
/** A page of the account list: an administrator's screen; the bureau has a few hundred staff. */
export const STAFF_PAGE_SIZE = 50;

export const StaffUsername = z.string().check(
  z.trim(),
  z.regex(USERNAME_RE, 'USERNAME_INVALID'),
  z.refine((u) => !RESERVED_USERNAMES.includes(u), 'USERNAME_INVALID'),
);
const DisplayName = z.string().check(z.trim(), z.minLength(1), z.maxLength(DISPLAY_NAME_MAX), safeLine());
const Scope = z.nullable(z.string().check(z.regex(AREA_CODE_RE)));

export const StaffCreate = z.object({
  username: StaffUsername,
  display_name: DisplayName,
  role: z.enum(STAFF_ROLES),
  scope: z.optional(Scope),
});
export type StaffCreate = z.infer<typeof StaffCreate>;

export const StaffPatch = z.object({
  version: z.number().check(z.int(), z.gte(1)),
  display_name: z.optional(DisplayName),
  role: z.optional(z.enum(STAFF_ROLES)),
  scope: z.optional(Scope),
});
export type StaffPatch = z.infer<typeof StaffPatch>;

export const StaffListFilter = z.object({
  role: z.optional(z.enum(STAFF_ROLES)),
  scope: z.optional(z.string().check(z.regex(AREA_CODE_RE))),
  cursor: z.optional(z.string().check(z.maxLength(800))),
});

/** An account as the API and pages show it: never its password hash. */
export type StaffView = {
  username: string;
  display_name: string;
  role: StaffRole;
  scope: string | null;
  status: StaffStatus;
  must_change_password: boolean;
  last_login_at: string | null;
  prev_login_at: string | null;
  created_at: string | null;
  updated_at: string | null;
  version: number;
};

export const staffView = (a: StaffAccount): StaffView => ({
  username: a.username,
  display_name: a.display_name,
  role: a.role,
  scope: a.scope,
  status: staffStatusOf(a),
  must_change_password: a.must_change_password ?? false,
  last_login_at: a.last_login_at ?? null,
  prev_login_at: a.prev_login_at ?? null,
  created_at: a.created_at ?? null,
  updated_at: a.updated_at ?? null,
  version: a.version,
});

export type StaffAdminDeps = { staff: StaffStore; areas: AreaStore; clock: Clock; sessions: SessionEnder };
/** Who makes the change: an administrator's principal (`sub` = `staff:<username>`). */
export type StaffActor = { sub: string; username: string; role: StaffRole };

/** A fresh one-time password (uniform over the alphabet: 256 is a multiple of 32). */
export const oneTimePassword = (): string =>
  Array.from(randomBytes(ONE_TIME_PASSWORD_CHARS), (b) => OTP_ALPHABET[b % OTP_ALPHABET.length]).join('');

/** The area a role needs: a district for district officers, a street for street officers, none for
 * admin and finance (city-wide). It must exist. */
export const checkScope = async (deps: Pick<StaffAdminDeps, 'areas'>, role: StaffRole, scope: string | null) => {
  const level = role === 'district' ? 'district' : role === 'street' ? 'street' : null;
  if (level === null) {
    if (scope !== null) throw new AppError('STAFF_SCOPE_INVALID', { details: { role } });
    return;
  }
  if (scope === null || levelOf(scope) !== level || !(await deps.areas.get(scope)))
    throw new AppError('STAFF_SCOPE_INVALID', { details: { role } });
};

export const getStaffOrThrow = async (deps: Pick<StaffAdminDeps, 'staff'>, username: string) => {
  const a = await deps.staff.get(username);
  if (!a) throw new AppError('STAFF_NOT_FOUND');
  return a;
};

export const listStaff = (deps: Pick<StaffAdminDeps, 'staff'>, q: StaffListQuery & { cursor?: string | undefined }) =>
  deps.staff.list({ role: q.role, scope: q.scope }, STAFF_PAGE_SIZE, q.cursor);

const subOf = (username: string) => `staff:${username}`;

/** The versioned write; a lost race is 409 CONFLICT carrying the account as it is now. */
const commit = async (
  deps: Pick<StaffAdminDeps, 'staff'>,
  prev: StaffAccount,
  next: StaffAccount,
  event: AuditEvent,
): Promise<StaffAccount> => {
  const ok = await deps.staff.update(prev, next, { event, at: next.updated_at ?? '' }).catch((e: unknown) => {
    // two transactions on one item at the same instant: a lost race too
    if (e instanceof AppError && e.code === 'CONFLICT') return false;
    throw e;
  });
  if (!ok) {
    const now = await deps.staff.get(prev.username);
    throw new AppError('CONFLICT', { details: { current: now ? staffView(now) : null } });
  }
  return next;
};

/** The caller's view of `version`: a form or client that read an older account is told so. */
const expectVersion = (a: StaffAccount, version: number) => {
  if (a.version !== version) throw new AppError('CONFLICT', { details: { current: staffView(a) } });
};

export const createStaffAccount = async (
  deps: StaffAdminDeps,
  input: StaffCreate,
  by: StaffActor,
): Promise<{ account: StaffView; one_time_password: string }> => {
  const scope = input.scope ?? null;
  await checkScope(deps, input.role, scope);
  const password = oneTimePassword();
  const at = deps.clock.now().toISOString();
  const a: StaffAccount = {
    username: input.username,
    display_name: input.display_name,
    role: input.role,
    scope,
    password_hash: await hashSecret(password),
    failures: 0,
    locked_until_ms: 0,
    version: 1,
    status: 'active',
    must_change_password: true,
    last_login_at: null,
    prev_login_at: null,
    created_at: at,
    updated_at: at,
  };
  const event: AuditEvent = {
    actor: by.sub,
    role: by.role,
    action: 'staff.create',
    subject: subOf(a.username),
    detail: { role: a.role, scope, display_name: a.display_name },
  };
  await deps.staff.create(a, { event, at });
  return { account: staffView(a), one_time_password: password };
};

/** Display name, role and area. Demoting oneself is refused (STAFF_SELF_LOCKOUT): the city would be
 * left without the administrator who noticed. A new role or area ends the account's sessions. */
export const updateStaffAccount = async (
  deps: StaffAdminDeps,
  username: string,
  patch: StaffPatch,
  by: StaffActor,
): Promise<StaffView> => {
  const a = await getStaffOrThrow(deps, username);
  expectVersion(a, patch.version);
  const role = patch.role ?? a.role;
  // a role that takes no area drops the old one when the patch does not name one
  const scope = patch.scope !== undefined ? patch.scope : role === 'admin' || role === 'finance' ? null : a.scope;
  if (username === by.username && role !== 'admin') throw new AppError('STAFF_SELF_LOCKOUT');
  if (role !== a.role || scope !== a.scope) await checkScope(deps, role, scope);
  const changed = [
    ...(patch.display_name !== undefined && patch.display_name !== a.display_name ? ['display_name'] : []),
    ...(role !== a.role ? ['role'] : []),
    ...(scope !== a.scope ? ['scope'] : []),
  ];
  const at = deps.clock.now().toISOString();
  const next: StaffAccount = {
    ...a,
    display_name: patch.display_name ?? a.display_name,
    role,
    scope,
    version: a.version + 1,
    updated_at: at,
  };
  const event: AuditEvent = {
    actor: by.sub,
    role: by.role,
    action: 'staff.update',
    subject: subOf(username),
    detail: { changed: changed.join(',') || 'none', role, scope },
  };
  const done = await commit(deps, a, next, event);
  if (role !== a.role || scope !== a.scope) await deps.sessions.revokeAllOf(subOf(username));
  return staffView(done);
};

/** Disable or enable. A disabled account cannot sign in and its sessions end now. */
export const setStaffStatus = async (
  deps: StaffAdminDeps,
  username: string,
  to: StaffStatus,
  version: number | undefined,
  by: StaffActor,
): Promise<StaffView> => {
  if (to === 'disabled' && username === by.username) throw new AppError('STAFF_SELF_LOCKOUT');
  const a = await getStaffOrThrow(deps, username);
  if (version !== undefined) expectVersion(a, version);
  if (staffStatusOf(a) === to) throw new AppError('CONFLICT', { details: { current: staffView(a) } });
  const at = deps.clock.now().toISOString();
  const next: StaffAccount = { ...a, status: to, version: a.version + 1, updated_at: at };
  const event: AuditEvent = {
    actor: by.sub,
    role: by.role,
    action: to === 'disabled' ? 'staff.disable' : 'staff.enable',
    subject: subOf(username),
  };
  const done = await commit(deps, a, next, event);
  if (to === 'disabled') await deps.sessions.revokeAllOf(subOf(username));
  return staffView(done);
};

/** A new one-time password, shown once to the administrator; the old one stops working and so do the
 * account's sessions. */
export const resetStaffPassword = async (
  deps: StaffAdminDeps,
  username: string,
  version: number | undefined,
  by: StaffActor,
): Promise<{ account: StaffView; one_time_password: string }> => {
  const a = await getStaffOrThrow(deps, username);
  if (version !== undefined) expectVersion(a, version);
  const password = oneTimePassword();
  const at = deps.clock.now().toISOString();
  const next: StaffAccount = {
    ...a,
    password_hash: await hashSecret(password),
    must_change_password: true,
    version: a.version + 1,
    updated_at: at,
  };
  const event: AuditEvent = { actor: by.sub, role: by.role, action: 'staff.reset_password', subject: subOf(username) };
  const done = await commit(deps, a, next, event);
  await deps.sessions.revokeAllOf(subOf(username));
  return { account: staffView(done), one_time_password: password };
};

/** Whether `next` may replace `current` as the password of `username`. */
export const passwordAcceptable = (username: string, current: string, next: string): boolean =>
  next.length >= PASSWORD_MIN &&
  next.length <= PASSWORD_MAX &&
  next !== current &&
  next.toLowerCase() !== username.toLowerCase();

/** The staff member's own change (the one-time password after create or reset, or any time). The
 * current password is a guess like a sign-in: admitted by the same attempt rule and account key. */
export const changeOwnPassword = async (
  deps: { staff: StaffStore; clock: Clock; limiter: AttemptLimiter },
  username: string,
  current: string,
  next: string,
): Promise<StaffView> => {
  if (!passwordAcceptable(username, current, next)) throw new AppError('PASSWORD_WEAK');
  const subject = sha256(`staff:${username}`);
  const tries = await admitOrThrow(deps.limiter, 'staff_password', subject, 'ACCOUNT_LOCKED');
  const a = await deps.staff.get(username);
  if (!a || !(await verifySecret(current, a.password_hash))) throw wrongGuess(tries, 'LOGIN_FAILED', 'ACCOUNT_LOCKED');
  await deps.limiter.refund('staff_password', subject, tries);
  if (staffStatusOf(a) === 'disabled') throw new AppError('ACCOUNT_DISABLED');
  const at = deps.clock.now().toISOString();
  const updated: StaffAccount = {
    ...a,
    password_hash: await hashSecret(next),
    must_change_password: false,
    version: a.version + 1,
    updated_at: at,
  };
  const event: AuditEvent = {
    actor: subOf(username),
    role: a.role,
    action: 'staff.change_password',
    subject: subOf(username),
  };
  return staffView(await commit(deps, a, updated, event));
};
