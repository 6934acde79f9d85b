// Who is looking at a page, and where to send them after sign-in. A page's declared roles type
// its handler's principal (app http/route.ts); asElder/asFamily narrow by hand only where one
// function serves both flavors (elder/service-pages.tsx).
import { AppError } from '@tmc/core/kernel/errors';
import { STAFF_ROLES, type Principal, type Role, type StaffRole } from '@tmc/core/auth/service';

export type ElderP = Extract<Principal, { kind: 'elder' }>;
export type FamilyP = Extract<Principal, { kind: 'family' }>;
export type StaffP = Extract<Principal, { kind: 'staff' }>;
export type MerchantP = Extract<Principal, { kind: 'merchant' }>;

const need = (p: Principal | null): Principal => {
  if (!p) throw new AppError('UNAUTHENTICATED');
  return p;
};

export const asElder = (p: Principal | null): ElderP => {
  const q = need(p);
  if (q.kind !== 'elder') throw new AppError('FORBIDDEN');
  return q;
};

export const asFamily = (p: Principal | null): FamilyP => {
  const q = need(p);
  if (q.kind !== 'family') throw new AppError('FORBIDDEN');
  return q;
};

/** Staff who work with elder records (finance sees the console but not elders). */
export const ELDER_OFFICERS = ['admin', 'district', 'street'] as const satisfies readonly StaffRole[];
export const ALL_STAFF = ['admin', 'district', 'street', 'finance'] as const satisfies readonly StaffRole[];
/** The staff roles of an API route's declared role list: a staff page serves exactly the staff the
 * API serves (elders and family have their own pages), derived, never a second hand-written list. */
export const staffRolesOf = <R extends Role>(roles: readonly R[]): readonly Extract<R, StaffRole>[] =>
  roles.filter((r): r is Extract<R, StaffRole> => (STAFF_ROLES as readonly Role[]).includes(r));
export const isOfficer = (p: StaffP): boolean => (ELDER_OFFICERS as readonly string[]).includes(p.role);

export const ROLE_ZH: Record<StaffRole, string> = {
  admin: '市级管理员',
  district: '区级干部',
  street: '街道干部',
  finance: '财务',
};

export type Portal = 'elder' | 'family' | 'merchant' | 'staff';
export const PORTALS: readonly Portal[] = ['elder', 'family', 'merchant', 'staff'];

/** The portal a path belongs to, by its first segment. */
export const portalOf = (path: string): Portal | null =>
  PORTALS.find((p) => path === `/${p}` || path.startsWith(`/${p}/`)) ?? null;

const NEXT_MAX_CHARS = 300;

/** A same-site path inside `portal` to return to after sign-in, or the portal's home. Anything
 * else (another host, `//evil`, the login page itself) falls back, so it cannot be an open redirect. */
export const safeNext = (portal: Portal, next: string | undefined | null): string => {
  const home = `/${portal}`;
  if (!next || next.length > NEXT_MAX_CHARS) return home;
  if (!/^\/[A-Za-z0-9_\-./?=&%]*$/.test(next) || next.includes('//') || next.includes('..')) return home;
  if (portalOf(next.split('?')[0] ?? '') !== portal) return home;
  if (next.startsWith(`${home}/login`) || next.startsWith(`${home}/logout`)) return home;
  return next;
};

export const loginUrl = (portal: Portal, next?: string): string =>
  next && safeNext(portal, next) !== `/${portal}`
    ? `/${portal}/login?next=${encodeURIComponent(next)}`
    : `/${portal}/login`;
