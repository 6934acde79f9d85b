// Session tokens: a short-lived signed access token (jose, HS256) plus a rotating refresh token
// whose hash lives in the sessions table, so logout and a replayed refresh revoke at once.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { randomBytes } from 'node:crypto';
import { AppError } from '@tmc/core/kernel/errors';
import { sha256 } from '@tmc/core/kernel/secrets';
import type { Principal, PrincipalInit, Role } from '@tmc/core/auth/service';
import type { Ctx, PendingSession } from './context';
import type { Deps } from '../compose/deps-type';
import type { SessionRecord } from '@tmc/store/entities/sessions';

export const ACCESS_TTL_S = 15 * 60;
export const REFRESH_TTL_S: Record<'phone' | 'staff', number> = {
  phone: 30 * 24 * 3600, // elders should not have to sign in every week on their own phone
  staff: 12 * 3600, // one working day on a shared office PC
};
export const ACCESS_COOKIE = 'tmc_at';
export const REFRESH_COOKIE = 'tmc_rt';
const ISSUER = 'tmc';

type Claims = Omit<Principal, 'sid' | 'sub' | 'kind'> & { kind: Principal['kind'] };

const signAccess = async (deps: Deps, p: Principal): Promise<string> => {
  const { sid, sub, ...claims } = p;
  return new SignJWT({ ...claims, sid })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setIssuedAt(Math.floor(deps.clock.now().getTime() / 1000))
    .setExpirationTime(Math.floor(deps.clock.now().getTime() / 1000) + ACCESS_TTL_S)
    .sign(deps.sessionKey);
};

export type Tokens = { access_token: string; refresh_token: string; expires_in: number };

const cookieOpts = (deps: Deps, maxAge: number) => ({
  httpOnly: true,
  sameSite: 'Lax' as const,
  path: '/',
  secure: deps.stage === 'production',
  maxAge,
});

export const setSessionCookies = (c: Ctx, t: Tokens, refreshTtl: number) => {
  const deps = c.get('deps');
  setCookie(c, ACCESS_COOKIE, t.access_token, cookieOpts(deps, ACCESS_TTL_S));
  setCookie(c, REFRESH_COOKIE, t.refresh_token, cookieOpts(deps, refreshTtl));
};

export const clearSessionCookies = (c: Ctx) => {
  deleteCookie(c, ACCESS_COOKIE, { path: '/' });
  deleteCookie(c, REFRESH_COOKIE, { path: '/' });
};

export const startSession = async (deps: Deps, p: PrincipalInit): Promise<Tokens & { refresh_ttl_s: number }> => {
  const sid = randomBytes(16).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  const refresh_ttl_s = p.kind === 'staff' ? REFRESH_TTL_S.staff : REFRESH_TTL_S.phone;
  await deps.sessions.create({
    sid,
    sub: p.sub,
    refresh_hash: sha256(secret),
    revoked: false,
    expires_at_ms: deps.clock.now().getTime() + refresh_ttl_s * 1000,
  });
  const principal = { ...p, sid } as Principal;
  return {
    access_token: await signAccess(deps, principal),
    refresh_token: `${sid}.${secret}`,
    expires_in: ACCESS_TTL_S,
    refresh_ttl_s,
  };
};

/** Reads the access token (Bearer header first, then cookie): the principal it names, and the session
 * still to be checked (null when there is nobody, or when a refresh just read and rotated it). */
export const readPrincipal = async (
  c: Ctx,
): Promise<{ principal: Principal | null; pending: PendingSession | null }> => {
  const deps = c.get('deps');
  const auth = c.req.header('authorization');
  const fromHeader = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
  const token = fromHeader ?? getCookie(c, ACCESS_COOKIE) ?? null;
  const settled = (principal: Principal | null) => ({ principal, pending: null });
  if (!token) return settled(fromHeader === null ? await tryRefreshCookie(c) : null);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, deps.sessionKey, {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: deps.clock.now(),
    }));
  } catch (e) {
    if (!fromHeader) return settled(await tryRefreshCookie(c)); // pages renew quietly
    if (e instanceof joseErrors.JWTExpired) throw new AppError('SESSION_EXPIRED');
    throw new AppError('UNAUTHENTICATED');
  }
  const sid = String(payload.sid ?? '');
  const { iat: _i, exp: _e, iss: _s, sub, ...rest } = payload;
  const principal = { ...(rest as Claims), sub: String(sub), sid } as Principal;
  return { principal, pending: { sid, fromHeader: fromHeader !== null } };
};

/** Settles the pending session with its record as read (null: no such session). Live, the principal
 * stands. Ended (signed out, revoked, expired), the request goes on signed out, as if no token had
 * come: the API answers SESSION_EXPIRED where a principal is needed, a page forgets its cookies.
 * Answers whether the principal stands. */
export const settleSession = (c: Ctx, s: SessionRecord | null): boolean => {
  const pending = c.get('sessionPending');
  if (!pending) return c.get('principal') !== null;
  c.set('sessionPending', null);
  if (s && s.sid === pending.sid && !s.revoked && s.expires_at_ms >= c.get('deps').clock.now().getTime()) return true;
  c.set('principal', null);
  if (pending.fromHeader) c.set('authError', new AppError('SESSION_EXPIRED'));
  else clearSessionCookies(c);
  return false;
};

/** The mount's read of a pending session: one GetItem. */
export const confirmSession = async (c: Ctx): Promise<void> => {
  const pending = c.get('sessionPending');
  if (pending) settleSession(c, await c.get('deps').sessions.get(pending.sid));
};

export const refreshSession = async (
  deps: Deps,
  refresh_token: string,
): Promise<{ principal: Principal; tokens: Tokens; refresh_ttl_s: number }> => {
  const [sid, secret] = refresh_token.split('.');
  if (!sid || !secret) throw new AppError('SESSION_EXPIRED');
  const s = await deps.sessions.get(sid);
  if (!s || s.revoked || s.expires_at_ms < deps.clock.now().getTime()) throw new AppError('SESSION_EXPIRED');
  const principal = await principalFromSub(deps, s.sub, sid);
  if (!principal) throw new AppError('SESSION_EXPIRED');
  const next = randomBytes(32).toString('base64url');
  const refresh_ttl_s = principal.kind === 'staff' ? REFRESH_TTL_S.staff : REFRESH_TTL_S.phone;
  // A refresh token works once: reuse of an old one (theft) fails here and the caller signs in again.
  if (
    !(await deps.sessions.rotate(sid, sha256(secret), sha256(next), deps.clock.now().getTime() + refresh_ttl_s * 1000))
  ) {
    await deps.sessions.revoke(sid);
    throw new AppError('SESSION_EXPIRED');
  }
  return {
    principal,
    tokens: {
      access_token: await signAccess(deps, principal),
      refresh_token: `${sid}.${next}`,
      expires_in: ACCESS_TTL_S,
    },
    refresh_ttl_s,
  };
};

const tryRefreshCookie = async (c: Ctx): Promise<Principal | null> => {
  const rt = getCookie(c, REFRESH_COOKIE);
  if (!rt) return null;
  try {
    const r = await refreshSession(c.get('deps'), rt);
    setSessionCookies(c, r.tokens, r.refresh_ttl_s);
    return r.principal;
  } catch (e) {
    if (e instanceof AppError) {
      clearSessionCookies(c);
      return null;
    }
    throw e;
  }
};

/** Rebuilds the principal from the session's subject, re-reading the role so a demoted staff
 * member or a departed elder loses access at the next refresh. */
const principalFromSub = async (deps: Deps, sub: string, sid: string): Promise<Principal | null> => {
  const [kind, id] = sub.split(':') as [string, string | undefined];
  if (!id) return null;
  if (kind === 'staff') {
    const a = await deps.staff.get(id);
    // a disabled account's sessions are revoked when it is disabled; this catches any that slipped by
    return a && a.status !== 'disabled'
      ? { kind: 'staff', role: a.role, sub, username: a.username, scope: a.scope, sid }
      : null;
  }
  if (kind === 'elder') {
    const e = await deps.elders.get(id);
    return e && e.status === 'active' ? { kind: 'elder', role: 'elder', sub, elder_id: id, sid } : null;
  }
  if (kind === 'family') return { kind: 'family', role: 'family', sub, family_id: id, sid };
  if (kind === 'merchant') return { kind: 'merchant', role: 'merchant', sub, merchant_id: id, sid };
  return null;
};

export const ALL_STAFF: readonly Role[] = ['admin', 'district', 'street', 'finance'];
