// The one error mapper: every failure leaves as the same JSON shape with a stable code, a
// message in Chinese and English, and the request id. Unknown failures are logged, never echoed.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
// the class itself, not `$ZodError`: reading `core` off the namespace keeps every locale in the bundle
import { $ZodError } from 'zod/v4/core';
import { AppError, type FieldIssue } from '@tmc/core/kernel/errors';
import type { AppEnv } from './context';
import { errorBody, type ErrorBody } from './error-body';

export const zodFields = (e: $ZodError, prefix = ''): FieldIssue[] =>
  e.issues.slice(0, 50).map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    // custom refinements carry our own code as the message (e.g. ID_NUMBER_INVALID)
    code: i.code === 'custom' && /^[A-Z_]+$/.test(i.message) ? i.message : i.code.toUpperCase(),
    message: i.message,
  }));

export const toAppError = (err: unknown): AppError | null => {
  if (err instanceof AppError) return err;
  if (err instanceof $ZodError) return new AppError('VALIDATION_FAILED', { fields: zodFields(err) });
  if (err instanceof HTTPException) {
    if (err.status === 413) return new AppError('PAYLOAD_TOO_LARGE');
    if (err.status === 401) return new AppError('UNAUTHENTICATED');
    if (err.status === 403) return new AppError('FORBIDDEN'); // hono/csrf
    if (err.status === 400) return new AppError('VALIDATION_FAILED');
  }
  return null;
};

export const onError = (err: Error, c: Context<AppEnv>) => {
  const request_id = c.get('requestId') ?? 'unknown';
  const known = toAppError(err);
  const deps = c.get('deps');
  if (!known) {
    deps?.logger.log('error', 'unhandled error', {
      request_id,
      method: c.req.method,
      path: c.req.path,
      error: err.name,
      message: err.message,
      stack: err.stack?.split('\n').slice(0, 8).join(' | '),
    });
    return renderError(c, errorBody('INTERNAL', request_id), 500);
  }
  if (known.status >= 500)
    deps?.logger.log('warn', 'service error', { request_id, code: known.code, cause: String(known.cause ?? '') });
  setRetryAfter(c, known);
  return renderError(
    c,
    errorBody(known.code, request_id, {
      ...(known.fields ? { fields: known.fields } : {}),
      ...(known.details ? { details: known.details } : {}),
    }),
    known.status,
  );
};

/** A limit or lock says when to come back (core/auth/attempts.ts puts `retry_after_s` in the details);
 * pages that render such an error themselves call this too. */
export const setRetryAfter = (c: Context<AppEnv>, e: AppError) => {
  const retry = e.details?.retry_after_s;
  if (typeof retry === 'number' && retry > 0) c.header('Retry-After', String(Math.ceil(retry)));
};

/** Pages get the same error as a readable HTML page; API clients get JSON. */
const renderError = (c: Context<AppEnv>, body: ErrorBody, status: number) => {
  const renderPage = c.get('renderErrorPage');
  if (renderPage && c.get('isPage')) return renderPage(c, body, status);
  return c.json(body, status as ContentfulStatusCode);
};
