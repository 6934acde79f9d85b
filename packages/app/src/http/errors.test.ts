// One error shape for everything: unknown route, wrong method, malformed and oversized bodies,
// wrong content type, and unknown failures (500 with a request id, logged, no stack).
import { beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { bearer, json, makeTestApp, staffToken, tableSnapshot } from '../../../../tests/support/app';
import { createApp } from '../compose/app';
import { defineRoute } from './route';
import { buildDeps } from '../compose/deps';
import { createDb } from '@tmc/store/table';
import { testEnv } from '../../../../tests/support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 2 });
  admin = await staffToken(t.app, 'admin');
});

type ErrBody = { error: { code: string; message: string; message_en: string; request_id: string } };

describe('error mapper', () => {
  it.each([
    ['unknown route', '/api/nothing', { method: 'GET' }, 404, 'NOT_FOUND'],
    ['wrong method', '/health', { method: 'DELETE' }, 405, 'METHOD_NOT_ALLOWED'],
    [
      'malformed JSON',
      '/api/auth/otp',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"phone":' },
      400,
      'MALFORMED_JSON',
    ],
    [
      'wrong content type',
      '/api/auth/otp',
      { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['wrong types', '/api/auth/otp', json({ phone: 13800000000, role: 'king' }), 400, 'VALIDATION_FAILED'],
    [
      'oversized JSON body',
      '/api/auth/otp',
      json({ phone: 'x'.repeat(1024 * 1024 + 10), role: 'elder' }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ] as const)('%s -> %i %s with zh and en messages and a request id', async (_n, path, init, status, code) => {
    const before = await tableSnapshot(t.deps);
    const res = await t.app.request(path, init as RequestInit);
    expect(res.status).toBe(status);
    const body = (await res.json()) as ErrBody;
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(body.error.message_en).toMatch(/[a-z]/);
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('405 carries an Allow header', async () => {
    const res = await t.app.request('/api/elders', bearer(admin, { method: 'PUT' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
  });

  it('oversized CSV upload (over 10 MB) -> 413, nothing written', async () => {
    const before = await tableSnapshot(t.deps);
    const res = await t.app.request(
      '/api/imports/elders',
      bearer(admin, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'a'.repeat(10 * 1024 * 1024 + 1),
      }),
    );
    expect(res.status).toBe(413);
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('an unknown failure is 500 with the request id, logged, no stack or message leaked', async () => {
    const boom = defineRoute({
      method: 'get',
      path: '/boom',
      access: { public: true },
      tags: ['test'],
      summary: 'always fails',
      handler() {
        throw new Error('secret internals 420303194503120017');
      },
    });
    const { app } = createApp(t.deps, { extraRoutes: [boom] });
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internals');
    expect(text).not.toContain('at ');
    const body = JSON.parse(text) as ErrBody;
    expect(body.error.code).toBe('INTERNAL');
    expect(t.logger.lines.some((l) => l.includes(body.error.request_id) && l.includes('unhandled error'))).toBe(true);
  });

  it('health answers 503 with the reason when the store is unreachable', async () => {
    const deps = buildDeps(testEnv(), {
      db: createDb({ table: 'x', endpoint: 'http://127.0.0.1:9', region: 'local' }),
    });
    const { app } = createApp(deps);
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { store: string }).store).toBe('unreachable');
  });

  it('health answers 200 when the store is reachable', async () => {
    expect((await t.app.request('/health')).status).toBe(200);
  });

  it('the docs page lists routes', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/api/elders');
  });
});

void Hono;
