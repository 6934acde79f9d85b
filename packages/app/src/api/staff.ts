// Staff accounts (issue 12), administrators only: the list (by username, paged by key, filtered by role
// and area), create with a one-time password shown once, change display name / role / area with the
// version read, disable, enable, reset the password (a new one-time password, shown once). Every change
// is audited in its own transaction; of parallel changes at one version one wins, the rest 409 CONFLICT.
// And for every staff member: change their own password (the one-time one at the first sign-in).
import * as z from 'zod/mini';
import { STAFF_ROLES } from '@tmc/core/auth/service';
import {
  changeOwnPassword,
  createStaffAccount,
  getStaffOrThrow,
  listStaff,
  PASSWORD_MAX,
  resetStaffPassword,
  setStaffStatus,
  StaffCreate,
  StaffListFilter,
  StaffPatch,
  StaffUsername,
  staffView,
  updateStaffAccount,
  type StaffActor,
} from '@tmc/core/auth/staff-accounts';
import { defineRoute } from '../http/route';

/** Who manages staff accounts: the declared access of every route below and of the pages. */
export const STAFF_ADMINS = ['admin'] as const;
export const STAFF_SELF = STAFF_ROLES;

export const StaffParam = z.object({ username: StaffUsername });
/** disable / enable / reset-password: the version the caller read, when it has one. */
export const StaffMoveBody = z.object({ version: z.optional(z.number().check(z.int(), z.gte(1))) });
export const PasswordChange = z.object({
  current_password: z.string().check(z.minLength(1), z.maxLength(PASSWORD_MAX)),
  new_password: z.string().check(z.minLength(1), z.maxLength(PASSWORD_MAX)),
});

const StaffOut = z.looseObject({
  username: z.string(),
  role: z.string(),
  scope: z.nullable(z.string()),
  status: z.string(),
  version: z.number(),
});
const OneTime = z.object({ account: StaffOut, one_time_password: z.string() });

/** The actor of a change: the signed-in administrator. */
export const staffActorOf = (p: { sub: string; username: string; role: StaffActor['role'] }): StaffActor => ({
  sub: p.sub,
  username: p.username,
  role: p.role,
});

const noStore = { 'cache-control': 'no-store' };

export const staffRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/staff',
    access: { roles: STAFF_ADMINS },
    tags: ['staff'],
    summary: 'Staff accounts by username, a page at a time; ?role= and ?scope= (an area code) narrow the list',
    query: StaffListFilter,
    async handler(c, { query }) {
      const page = await listStaff(c.get('deps'), query);
      return c.json({ items: page.items.map(staffView), cursor: page.cursor });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/staff',
    access: { roles: STAFF_ADMINS },
    tags: ['staff'],
    summary: 'Create a staff account; answers its one-time password once (it must be changed at the first sign-in)',
    body: StaffCreate,
    response: OneTime,
    successStatus: 201,
    errors: ['STAFF_EXISTS', 'STAFF_SCOPE_INVALID', 'CONFLICT'],
    async handler(c, { body, principal }) {
      const r = await createStaffAccount(c.get('deps'), body, staffActorOf(principal));
      return c.json(r, 201, noStore);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/staff/:username',
    access: { roles: STAFF_ADMINS },
    tags: ['staff'],
    summary: 'One staff account: role, area, status, last sign-in, version',
    params: StaffParam,
    errors: ['STAFF_NOT_FOUND'],
    async handler(c, { params }) {
      return c.json({ account: staffView(await getStaffOrThrow(c.get('deps'), params.username)) });
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/staff/:username',
    access: { roles: STAFF_ADMINS },
    tags: ['staff'],
    summary:
      'Change display name, role or area at the version read (409 CONFLICT with the account now if it moved); ' +
      "a new role or area ends the account's sessions",
    params: StaffParam,
    body: StaffPatch,
    response: z.object({ account: StaffOut }),
    errors: ['STAFF_NOT_FOUND', 'STAFF_SCOPE_INVALID', 'STAFF_SELF_LOCKOUT', 'CONFLICT'],
    async handler(c, { params, body, principal }) {
      const account = await updateStaffAccount(c.get('deps'), params.username, body, staffActorOf(principal));
      return c.json({ account });
    },
  }),
  ...(['disable', 'enable'] as const).map((move) =>
    defineRoute({
      method: 'post',
      path: `/api/staff/:username/${move}`,
      access: { roles: STAFF_ADMINS },
      tags: ['staff'],
      summary:
        move === 'disable'
          ? 'Disable an account: it cannot sign in and its sessions end now (not your own)'
          : 'Enable a disabled account',
      params: StaffParam,
      body: StaffMoveBody,
      response: z.object({ account: StaffOut }),
      errors: ['STAFF_NOT_FOUND', 'STAFF_SELF_LOCKOUT', 'CONFLICT'],
      async handler(c, { params, body, principal }) {
        const to = move === 'disable' ? 'disabled' : 'active';
        const by = staffActorOf(principal);
        const account = await setStaffStatus(c.get('deps'), params.username, to, body.version, by);
        return c.json({ account });
      },
    }),
  ),
  defineRoute({
    method: 'post',
    path: '/api/staff/:username/reset-password',
    access: { roles: STAFF_ADMINS },
    tags: ['staff'],
    summary: "A new one-time password, answered once; the old password and the account's sessions stop working",
    params: StaffParam,
    body: StaffMoveBody,
    response: OneTime,
    errors: ['STAFF_NOT_FOUND', 'CONFLICT'],
    async handler(c, { params, body, principal }) {
      const by = staffActorOf(principal);
      const r = await resetStaffPassword(c.get('deps'), params.username, body.version, by);
      return c.json(r, 200, noStore);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/staff/password',
    access: { roles: STAFF_SELF },
    tags: ['auth'],
    summary: 'Change my own password (the one-time password after an account is created or reset)',
    description: 'The current password counts against the same attempt limit as a sign-in.',
    body: PasswordChange,
    response: z.object({ account: StaffOut }),
    errors: ['PASSWORD_WEAK', 'LOGIN_FAILED', 'ACCOUNT_LOCKED', 'ACCOUNT_DISABLED', 'CONFLICT'],
    async handler(c, { body, principal }) {
      const deps = c.get('deps');
      const account = await changeOwnPassword(deps, principal.username, body.current_password, body.new_password);
      return c.json({ account });
    },
  }),
];
