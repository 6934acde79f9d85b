// Sign-in: phone + one-time code for elders, family and merchants; username + password for staff;
// refresh and logout for everyone.
import * as z from 'zod/mini';
import { getCookie } from 'hono/cookie';
import { AppError } from '@tmc/core/kernel/errors';
import { PHONE_ROLES, staffLogin, type Role } from '@tmc/core/auth/service';
import { describeRule } from '@tmc/core/auth/attempts';
import { Phone } from '@tmc/core/elders/model';
import { SIX_DIGITS_RE } from '@tmc/core/kernel/ids';
import { defineRoute } from '../http/route';
import { clientKey } from '../http/client-address';
import { REFRESH_COOKIE, clearSessionCookies, refreshSession, setSessionCookies, type Tokens } from '../http/session';
import type { Ctx } from '../http/context';
import { requestLoginCode, verifyLoginCode } from '../compose/login-codes';
import { startStaffSession } from '../compose/staff-session';

export const OtpRequest = z.object({ phone: Phone, role: z.enum(PHONE_ROLES) });
export const OtpVerify = z.extend(OtpRequest, { code: z.string().check(z.regex(SIX_DIGITS_RE, '6 digits')) });
export const StaffLogin = z.object({
  username: z.string().check(z.trim(), z.minLength(1), z.maxLength(40)),
  password: z.string().check(z.minLength(1), z.maxLength(200)),
});
const TokensOut = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  expires_in: z.number(),
  role: z.string(),
  /** Staff only: the password is a one-time one and must be changed now (POST /api/auth/staff/password). */
  must_change_password: z.optional(z.boolean()),
});

/** A new session: cookies for the pages, the same tokens in the body for API clients. */
const signedIn = (c: Ctx, s: Tokens & { refresh_ttl_s: number }, role: Role) => {
  setSessionCookies(c, s, s.refresh_ttl_s);
  return c.json({ access_token: s.access_token, refresh_token: s.refresh_token, expires_in: s.expires_in, role });
};

export const authRoutes = () => [
  defineRoute({
    method: 'post',
    path: '/api/auth/otp',
    access: { public: true },
    tags: ['auth'],
    summary: 'Send a one-time sign-in code by SMS (answers the same whether or not the phone is registered)',
    description: `At most 5 codes per phone per hour. ${describeRule('otp_send_per_address', 'ADDRESS_RATE_LIMITED')}`,
    body: OtpRequest,
    response: z.object({ sent: z.literal(true), expires_in: z.number() }),
    successStatus: 202,
    errors: ['OTP_RATE_LIMITED', 'ADDRESS_RATE_LIMITED'],
    async handler(c, { body }) {
      const deps = c.get('deps');
      await requestLoginCode(deps, body.phone, body.role, clientKey(c, deps.blindIndex));
      return c.json({ sent: true as const, expires_in: 300 }, 202);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/otp/verify',
    access: { public: true },
    tags: ['auth'],
    summary: 'Exchange phone + code for a session (cookie and bearer tokens)',
    description: describeRule('otp_code', 'OTP_LOCKED'),
    body: OtpVerify,
    response: TokensOut,
    errors: ['OTP_INVALID', 'OTP_EXPIRED', 'OTP_LOCKED', 'PHONE_NOT_REGISTERED'],
    async handler(c, { body }) {
      const s = await verifyLoginCode(c.get('deps'), body.phone, body.role, body.code);
      return signedIn(c, s, body.role);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/staff/login',
    access: { public: true },
    tags: ['auth'],
    summary: 'Staff sign-in with username and password; 5 wrong passwords lock the account for up to 15 minutes',
    description:
      `${describeRule('staff_password', 'ACCOUNT_LOCKED')} A right password does not count. ` +
      `${describeRule('staff_login_per_address', 'ADDRESS_RATE_LIMITED')}`,
    body: StaffLogin,
    response: TokensOut,
    errors: ['LOGIN_FAILED', 'ACCOUNT_LOCKED', 'ADDRESS_RATE_LIMITED', 'ACCOUNT_DISABLED'],
    async handler(c, { body }) {
      const deps = c.get('deps');
      const client = clientKey(c, deps.blindIndex);
      const a = await staffLogin(deps, body.username, body.password, client, c.get('requestId'));
      const s = await startStaffSession(deps, a, c.get('requestId'));
      setSessionCookies(c, s, s.refresh_ttl_s);
      return c.json({
        access_token: s.access_token,
        refresh_token: s.refresh_token,
        expires_in: s.expires_in,
        role: a.role,
        must_change_password: a.must_change_password ?? false,
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/refresh',
    access: { public: true },
    tags: ['auth'],
    summary: 'Rotate the refresh token (body or cookie) for a new access token; a used refresh token is dead',
    body: z.object({ refresh_token: z.optional(z.string().check(z.maxLength(200))) }),
    response: TokensOut,
    errors: ['SESSION_EXPIRED'],
    async handler(c, { body }) {
      const rt = body.refresh_token ?? getCookie(c, REFRESH_COOKIE);
      if (!rt) throw new AppError('SESSION_EXPIRED');
      const r = await refreshSession(c.get('deps'), rt);
      setSessionCookies(c, r.tokens, r.refresh_ttl_s);
      return c.json({ ...r.tokens, role: r.principal.role });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/logout',
    access: { roles: ['elder', 'family', 'merchant', 'admin', 'district', 'street', 'finance'] },
    tags: ['auth'],
    summary: 'End this session everywhere it is used (access and refresh tokens stop working)',
    response: z.object({ ok: z.literal(true) }),
    async handler(c, { principal }) {
      if (principal) await c.get('deps').sessions.revoke(principal.sid);
      clearSessionCookies(c);
      return c.json({ ok: true as const });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/me',
    access: { roles: ['elder', 'family', 'merchant', 'admin', 'district', 'street', 'finance'] },
    tags: ['auth'],
    summary: 'Who am I: role and identifiers of the current session',
    response: z.object({ role: z.string(), sub: z.string(), scope: z.nullable(z.string()) }),
    handler(c, { principal }) {
      return c.json({
        role: principal.role,
        sub: principal.sub,
        scope: principal.kind === 'staff' ? principal.scope : null,
      });
    },
  }),
];
