// The route table itself: every route declares who may call it, and each route x role gets the
// status its access rule promises (table-driven, through app.request()).
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, staffToken, phoneToken, bearer } from '../../../../tests/support/app';
import type { RouteDef } from './route';

let t: Awaited<ReturnType<typeof makeTestApp>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 5 });
  for (const u of ['admin', 'zengdu', 'xicheng', 'finance']) tokens[u] = await staffToken(t.app, u);
  tokens.elder = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
  tokens.family = await phoneToken(t.app, t.deps, '17000009999', 'family');
});

describe('route declarations', () => {
  it('every route has an access rule and error codes are known', () => {
    expect(t.routes.length).toBeGreaterThan(20);
    for (const r of t.routes as RouteDef[]) {
      const ok = r.access.public === true || (Array.isArray(r.access.roles) && r.access.roles.length > 0);
      expect(ok, `${r.method} ${r.path} has no access rule`).toBe(true);
      expect(r.summary.length, `${r.method} ${r.path} has no summary`).toBeGreaterThan(5);
    }
  });

  it('no two routes share method and path', () => {
    const seen = new Set(t.routes.map((r) => `${r.method} ${r.path}`));
    expect(seen.size).toBe(t.routes.length);
  });

  it('every non-page route is in the OpenAPI document with its error codes', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of t.routes.filter((x) => !x.page)) {
      const op = doc.paths[r.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method];
      expect(op, `${r.method} ${r.path} missing from OpenAPI`).toBeDefined();
      expect(Object.keys(op?.responses ?? {})).toContain('500');
    }
  });
});

// role -> token key; `null` = anonymous
const ROLES = {
  anonymous: null,
  admin: 'admin',
  district: 'zengdu',
  street: 'xicheng',
  finance: 'finance',
  elder: 'elder',
  family: 'family',
} as const;

describe('route x role access (table-driven)', () => {
  it('every protected route refuses the anonymous caller and the roles it does not list', async () => {
    const failures: string[] = [];
    for (const r of t.routes as RouteDef[]) {
      // logout would end the sessions under test
      if (r.access.public || r.page || r.path === '/api/auth/logout') continue;
      const path = r.path
        .replace(':elder_id', 'e_AAAAAAAAAAAA')
        .replace(':family_id', 'f_AAAAAAAAAAAA')
        .replace(':import_id', 'imp_AAAAAAAAAAAA')
        .replace(':code', 'zengdu');
      for (const [role, key] of Object.entries(ROLES)) {
        const init: RequestInit = { method: r.method.toUpperCase() };
        const res = await t.app.request(path, key ? bearer(tokens[key] ?? '', init) : init);
        const allowed = role !== 'anonymous' && (r.access.roles as readonly string[]).includes(role);
        const expected = role === 'anonymous' ? [401] : allowed ? null : [403];
        if (expected && !expected.includes(res.status))
          failures.push(`${r.method} ${r.path} as ${role}: ${res.status}, expected ${expected}`);
        if (
          !expected &&
          (res.status === 401 ||
            (res.status === 403 &&
              !['OUT_OF_SCOPE', 'FORBIDDEN'].includes(((await res.json()) as { error: { code: string } }).error.code)))
        ) {
          failures.push(`${r.method} ${r.path} as ${role}: ${res.status}, expected to pass access`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
