// Builds the real app against this test file's own DynamoDB Local table, with a clock the test
// moves by hand and logs captured in memory.
import { randomBytes } from 'node:crypto';
import { buildDeps, type Deps } from '@tmc/app/compose/deps';
import { parseEnv } from '@tmc/app/compose/env';
import { createApp } from '@tmc/app/compose/app';
import { captureLogger } from '@tmc/app/http/logger';
import { seedDemo } from '@tmc/local/seed';
import { makeTestDb } from './db';

export type FakeClock = { now: () => Date; set: (iso: string) => void; advance: (ms: number) => void };

export const fakeClock = (iso = '2026-11-23T08:00:00Z'): FakeClock => {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    set: (s) => {
      t = new Date(s).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
};

export const testEnv = () =>
  parseEnv({
    STAGE: 'test',
    TABLE_NAME: 'unused',
    FIELD_KEY: randomBytes(32).toString('base64'),
    INDEX_KEY: randomBytes(32).toString('base64'),
    SESSION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: 'http://localhost',
    LOG_LEVEL: 'debug',
  });

export const makeTestApp = async (opts: { seedElders?: number; merchants?: boolean } = {}) => {
  const db = await makeTestDb('app');
  const clock = fakeClock();
  const logger = captureLogger();
  const env = testEnv();
  const deps: Deps = buildDeps(env, { db, clock, logger });
  const seed =
    opts.seedElders === 0
      ? null
      : await seedDemo(deps, { elders: opts.seedElders ?? 30, merchants: opts.merchants ?? false });
  const { app, routes } = createApp(deps);
  return { app, routes, deps, clock, logger, db, seed, env }; // env: the same keys for a second instance (a restart)
};

type App = Awaited<ReturnType<typeof makeTestApp>>['app'];

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const staffToken = async (app: App, username: string, password = 'demo-2026'): Promise<string> => {
  const res = await app.request('/api/auth/staff/login', json({ username, password }));
  if (res.status !== 200) throw new Error(`staff login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
};

export const phoneToken = async (
  app: App,
  deps: Deps,
  phone: string,
  role: 'elder' | 'family' | 'merchant',
): Promise<string> => {
  const sent = await app.request('/api/auth/otp', json({ phone, role }));
  if (sent.status !== 202) throw new Error(`otp send: ${sent.status} ${await sent.text()}`);
  const msg = await deps.outbox?.latestFor(phone);
  const code = msg?.text_zh.match(/(\d{6})/)?.[1];
  if (!code) throw new Error('no code in outbox');
  const res = await app.request('/api/auth/otp/verify', json({ phone, role, code }));
  if (res.status !== 200) throw new Error(`otp verify: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
};

export const bearer = (token: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
});

const stable = (v: unknown): string =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
        .join(',')}}`
    : Array.isArray(v)
      ? `[${v.map(stable).join(',')}]`
      : JSON.stringify(v);

/** Every item in the table: tests may Scan (requests never do) to prove "nothing changed". */
export const tableSnapshot = async (deps: Deps): Promise<string[]> => {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const out: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await deps.db.doc.send(new ScanCommand({ TableName: deps.db.table, ExclusiveStartKey: start }));
    for (const it of r.Items ?? []) out.push(stable(it));
    start = r.LastEvaluatedKey;
  } while (start);
  return out.sort();
};
