// Every route is declared once: method, path, who may call it, its schemas and the error codes
// it can answer with. The same declaration mounts the handler, enforces access and input
// validation, and feeds the OpenAPI document; a test fails if any route lacks an access rule.
// Under tests the mount also checks that every error a route answers is one it declares.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';
import { AppError, ERRORS, type ErrorCode } from '@tmc/core/kernel/errors';
import type { Principal, Role } from '@tmc/core/auth/service';
import type { ElderRecord } from '@tmc/core/elders/model';
import { CSV_MAX_BYTES } from '@tmc/core/kernel/limits';
import type { AppEnv, Ctx } from './context';
import { toAppError, zodFields } from './http-error';
import { loadElderFor } from '@tmc/core/elders/access';
import { recordUndeclaredError } from './error-contract';
import { confirmSession } from './session';
import { withSessionGate, type SessionGate } from './session-gate';

/** A whole number from the query string, bounds checked before the integer check so the OpenAPI
 * document (which shows a pipe's input side) still states them. */
export const queryInt = (min: number, max: number) => z.pipe(z.coerce.number().check(z.gte(min), z.lte(max)), z.int());

export const BODY_MAX_BYTES = 1024 * 1024; // 1 MB for JSON and forms
export { CSV_MAX_BYTES }; // one limit with the CSV decoder (core kernel/limits.ts)

export type Access = { public: true; roles?: undefined } | { public?: undefined; roles: readonly Role[] };

/** The principals whose role is one of `R` (a staff role keeps the whole staff shape). */
export type PrincipalOf<R extends Role> = Principal extends infer P
  ? P extends { role: infer PR }
    ? [Extract<PR, R>] extends [never]
      ? never
      : P
    : never
  : never;

/** What the handler of a route with access `A` receives: checkAccess has already refused anyone
 * else, so a route for `['merchant']` gets a merchant principal, a public route `Principal | null`. */
export type PrincipalFor<A extends Access> = A extends { roles: readonly (infer R extends Role)[] }
  ? PrincipalOf<R>
  : Principal | null;

export type RouteDef<B = unknown, Q = unknown, P = unknown, A extends Access = Access> = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  access: A;
  summary: string;
  /** Longer OpenAPI text, e.g. the attempt limits a route enforces (core/auth/attempts.ts describeRule). */
  description?: string;
  tags: string[];
  /** json: application/json; form: HTML form posts (pages); csv: raw bytes (CSV upload) */
  bodyKind?: 'json' | 'form' | 'csv';
  /** Body limit when not the default for its kind (a form that uploads a CSV takes CSV_MAX_BYTES). */
  maxBytes?: number;
  body?: z.ZodMiniType<B>;
  query?: z.ZodMiniType<Q>;
  params?: z.ZodMiniType<P>;
  response?: z.ZodMiniType;
  successStatus?: number;
  errors?: ErrorCode[];
  /** HTML pages: rendered errors, redirects to sign-in, left out of the OpenAPI document. */
  page?: boolean;
  /**
   * An API route with `:elder_id` in its path goes through the one elder-access rule (core elders/access.ts) at
   * mount, before its handler, and the handler receives the elder. The only way out is to name
   * why here: a route whose path elder id is only a key into the caller's own records.
   */
  elderAccessExempt?: string;
  /**
   * For the principals `when` admits, the handler reads the caller's session itself, in a batch it sends
   * anyway (`session` below; one request fewer), and the mount lets the answer out only when that read
   * found it live (session-gate.ts). Everyone else's session the mount reads first, as on every route.
   * Not for public routes nor routes with `:elder_id`: both settle the caller before the handler.
   */
  sessionInHandler?: { when: (p: Principal) => boolean; why: string };
  // method syntax on purpose: lets a RouteDef<B, Q, P, A> sit in a plain RouteDef[] list
  handler(
    c: Ctx,
    input: {
      body: B;
      query: Q;
      params: P;
      raw: Uint8Array | null;
      principal: PrincipalFor<A>;
      elder: ElderRecord | null;
      /** Set only on a route with `sessionInHandler`, for the principals it names. */
      session: SessionGate | null;
    },
  ): Response | Promise<Response>;
};

/** Codes any route may answer without declaring them: malformed requests, sign-in and access,
 * unknown routes, body size and type, and failures of the service itself. */
export const GENERIC_ERRORS: readonly ErrorCode[] = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  'STORE_UNAVAILABLE',
  'INTERNAL',
];
/** Only routes that need a principal can answer these. */
export const AUTH_ERRORS: readonly ErrorCode[] = ['UNAUTHENTICATED', 'SESSION_EXPIRED', 'FORBIDDEN'];
/** What the elder-access rule answers, so every route with an elder id in its path may. */
export const ELDER_ACCESS_ERRORS: readonly ErrorCode[] = ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE', 'FORBIDDEN'];

/** API routes only: pages (packages/web) check the same rule themselves (staff-kit.tsx,
 * family-pages.tsx) because they render a refusal as a page, not as JSON. */
export const hasElderPath = (r: Pick<RouteDef, 'path' | 'elderAccessExempt' | 'page'>): boolean =>
  /:elder_id\b/.test(r.path) && !r.elderAccessExempt && !r.page;

/** Every code the route may answer: its own list plus the generic ones. The OpenAPI document
 * lists exactly these, and under tests the mount refuses to answer any other (see below). */
export const declaredErrors = (r: RouteDef): ErrorCode[] => [
  ...new Set<ErrorCode>([
    ...(r.errors ?? []),
    ...GENERIC_ERRORS,
    ...(r.access.public ? [] : AUTH_ERRORS),
    ...(hasElderPath(r) ? ELDER_ACCESS_ERRORS : []),
  ]),
];

/** Infers the schemas' types and the access rule (`const`: the roles stay a tuple of literals), so
 * the handler's principal is typed by the same declaration that mount checks. */
export const defineRoute = <B = undefined, Q = undefined, P = undefined, const A extends Access = Access>(
  r: RouteDef<B, Q, P, A>,
): RouteDef<B, Q, P, A> => r;

/** A field issue that carries a code the route documents (ID_NUMBER_INVALID on POST /api/elders)
 * answers with that code, fields still listed; any other invalid input is VALIDATION_FAILED. */
const parseWith = <T>(
  schema: z.ZodMiniType<T> | undefined,
  value: unknown,
  prefix: string,
  documented: readonly ErrorCode[] = [],
): T => {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) {
    const fields = zodFields(r.error, prefix);
    const specific = fields
      .map((f) => f.code)
      .find(
        (c): c is ErrorCode =>
          c in ERRORS && documented.includes(c as ErrorCode) && ERRORS[c as ErrorCode].status === 400,
      );
    throw new AppError(specific ?? 'VALIDATION_FAILED', { fields });
  }
  return r.data;
};

const readBody = async (c: Ctx, kind: RouteDef['bodyKind']): Promise<{ value: unknown; raw: Uint8Array | null }> => {
  const type = c.req.header('content-type') ?? '';
  if (kind === 'csv') {
    if (!/^(text\/csv|application\/octet-stream|text\/plain|application\/vnd\.ms-excel)/i.test(type))
      throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    return { value: undefined, raw: new Uint8Array(await c.req.arrayBuffer()) };
  }
  if (kind === 'form') {
    if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type))
      throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    return { value: await c.req.parseBody({ all: false }), raw: null };
  }
  if (!/^application\/json/i.test(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  const text = await c.req.text();
  try {
    return { value: JSON.parse(text) as unknown, raw: null };
  } catch {
    throw new AppError('MALFORMED_JSON');
  }
};

export const checkAccess = (access: Access, p: Principal | null): void => {
  if (access.public) return;
  if (!p) throw new AppError('UNAUTHENTICATED');
  if (!access.roles.includes(p.role)) throw new AppError('FORBIDDEN');
};

const run = async (c: Ctx, r: RouteDef): Promise<Response> => {
  c.set('isPage', Boolean(r.page));
  const claimed = c.get('principal');
  const inHandler = Boolean(c.get('sessionPending') && claimed && r.sessionInHandler?.when(claimed));
  if (!inHandler) await confirmSession(c);
  const principal = c.get('principal');
  const authError = c.get('authError');
  if (authError && !r.access.public) throw authError;
  checkAccess(r.access, principal);
  const documented = r.errors ?? [];
  const params = parseWith(r.params, c.req.param(), 'params', documented);
  // Before the query and body are even read: someone else's elder learns nothing from them.
  let elder: ElderRecord | null = null;
  if (hasElderPath(r)) {
    const elder_id = (params as { elder_id?: unknown } | undefined)?.elder_id;
    if (typeof elder_id !== 'string') throw new Error(`${r.method} ${r.path}: params schema must parse elder_id`);
    if (!principal) throw new AppError('UNAUTHENTICATED');
    elder = await loadElderFor(c.get('deps'), principal, elder_id);
  }
  const query = parseWith(r.query, c.req.query(), 'query', documented);
  let body: unknown;
  let raw: Uint8Array | null = null;
  if (r.body || r.bodyKind === 'csv') {
    const b = await readBody(c, r.bodyKind ?? 'json');
    raw = b.raw;
    body = r.body ? parseWith(r.body, b.value, 'body', documented) : undefined;
  }
  if (!inHandler) return r.handler(c, { body, query, params, raw, principal, elder, session: null });
  const strict = c.get('deps').stage === 'test';
  return withSessionGate(c, (session) => r.handler(c, { body, query, params, raw, principal, elder, session }), strict);
};

export const mountRoutes = (app: Hono<AppEnv>, routes: readonly RouteDef[]) => {
  for (const r of routes) {
    if (r.sessionInHandler && (r.access.public || hasElderPath(r)))
      throw new Error(`${r.method} ${r.path}: sessionInHandler is for routes that need a principal and no :elder_id`);
    const limit = bodyLimit({
      maxSize: r.maxBytes ?? (r.bodyKind === 'csv' ? CSV_MAX_BYTES : BODY_MAX_BYTES),
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE');
      },
    });
    // Pages render their errors and are not in the OpenAPI document, so only API routes are held to it.
    const contract = r.page ? null : new Set(declaredErrors(r));
    app.on(r.method.toUpperCase(), r.path, limit, async (c) => {
      try {
        return await run(c, r);
      } catch (e) {
        // Under tests, an answer the OpenAPI entry does not list is recorded; the shared vitest
        // setup (tests/support/error-contract-setup.ts) fails the file that produced it.
        if (contract && c.get('deps').stage === 'test') {
          const code = toAppError(e)?.code ?? 'INTERNAL';
          if (!contract.has(code))
            recordUndeclaredError(`${r.method.toUpperCase()} ${r.path} answered ${code}, not in its declared errors`);
        }
        throw e;
      }
    });
  }
};

/** The elder the mount loaded for a route with `:elder_id` in its path (a bug otherwise). */
export const pathElder = (e: ElderRecord | null): ElderRecord => {
  if (!e) throw new Error('pathElder: route has no :elder_id, or is exempt from the elder-access rule');
  return e;
};
