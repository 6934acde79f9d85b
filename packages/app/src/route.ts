// Every route is declared once: method, path, who may call it, its schemas and the error codes
// it can answer with. The same declaration mounts the handler, enforces access and input
// validation, and feeds the OpenAPI document; a test fails if any route lacks an access rule.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';
import { AppError, type ErrorCode } from '@tmc/core/errors';
import type { Principal, Role } from '@tmc/core/auth';
import type { AppEnv, Ctx } from './context';
import { zodFields } from './http-error';

/** A whole number from the query string, bounds checked before the integer check so the OpenAPI
 * document (which shows a pipe's input side) still states them. */
export const queryInt = (min: number, max: number) => z.pipe(z.coerce.number().check(z.gte(min), z.lte(max)), z.int());

export const BODY_MAX_BYTES = 1024 * 1024; // 1 MB for JSON and forms
export const CSV_MAX_BYTES = 10 * 1024 * 1024; // 10 MB: ~60,000 roster rows from Excel

export type Access = { public: true; roles?: undefined } | { public?: undefined; roles: readonly Role[] };

export type RouteDef<B = unknown, Q = unknown, P = unknown> = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  access: Access;
  summary: string;
  /** Longer OpenAPI text, e.g. the attempt limits a route enforces (core/attempts.ts describeRule). */
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
  // method syntax on purpose: lets a RouteDef<B, Q, P> sit in a plain RouteDef[] list
  handler(c: Ctx, input: { body: B; query: Q; params: P; raw: Uint8Array | null; principal: Principal | null }): Response | Promise<Response>;
};

export const defineRoute = <B = undefined, Q = undefined, P = undefined>(r: RouteDef<B, Q, P>): RouteDef<B, Q, P> => r;

const parseWith = <T>(schema: z.ZodMiniType<T> | undefined, value: unknown, prefix: string): T => {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError('VALIDATION_FAILED', { fields: zodFields(r.error, prefix) });
  return r.data;
};

const readBody = async (c: Ctx, kind: RouteDef['bodyKind']): Promise<{ value: unknown; raw: Uint8Array | null }> => {
  const type = c.req.header('content-type') ?? '';
  if (kind === 'csv') {
    if (!/^(text\/csv|application\/octet-stream|text\/plain|application\/vnd\.ms-excel)/i.test(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    return { value: undefined, raw: new Uint8Array(await c.req.arrayBuffer()) };
  }
  if (kind === 'form') {
    if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
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

export const mountRoutes = (app: Hono<AppEnv>, routes: readonly RouteDef[]) => {
  for (const r of routes) {
    const limit = bodyLimit({ maxSize: r.maxBytes ?? (r.bodyKind === 'csv' ? CSV_MAX_BYTES : BODY_MAX_BYTES), onError: () => { throw new AppError('PAYLOAD_TOO_LARGE'); } });
    app.on(r.method.toUpperCase(), r.path, limit, async (c) => {
      c.set('isPage', Boolean(r.page));
      const principal = c.get('principal');
      const authError = c.get('authError');
      if (authError && !r.access.public) throw authError;
      checkAccess(r.access, principal);
      const params = parseWith(r.params, c.req.param(), 'params');
      const query = parseWith(r.query, c.req.query(), 'query');
      let body: unknown;
      let raw: Uint8Array | null = null;
      if (r.body || r.bodyKind === 'csv') {
        const b = await readBody(c, r.bodyKind ?? 'json');
        raw = b.raw;
        body = r.body ? parseWith(r.body, b.value, 'body') : undefined;
      }
      return r.handler(c, { body, query, params, raw, principal });
    });
  }
};
