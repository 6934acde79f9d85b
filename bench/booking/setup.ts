// The booking bench's world: the app on a fresh DynamoDB Local table with the demo seed, a policy
// without spending caps (the bench books hundreds of times per elder), eight elders with plenty of
// paid points, each signed in by SMS code as a user would be, and one shop signed in to answer.
import { randomBytes } from 'node:crypto';
import { buildDeps, type Deps } from '@tmc/app/compose/deps';
import { parseEnv } from '@tmc/app/compose/env';
import { createApp } from '@tmc/app/compose/app';
import { createLogger } from '@tmc/app/http/logger';
import { credit } from '@tmc/core/ledger/service';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import { seedDemo } from '@tmc/local/seed';
import { demoMerchants } from '@tmc/local/demo/merchants';
import type { Db } from '@tmc/store/table';
import { BENCH_ACTOR, topUpCredit } from '../fixtures/points';

export const ELDERS = 8; // the eight elders booking at once
const POINTS_EACH = 1_000_000;
// Monday 10:00 in Suizhou: every demo shop is open
export const BENCH_NOW = new Date('2026-11-23T02:00:00.000Z');

export type World = {
  deps: Deps;
  request: (path: string, init?: RequestInit) => Promise<Response>;
  elders: { elder_id: string; token: string }[];
  merchantToken: string;
  merchant_id: string;
  service_id: string;
};

const env = () =>
  parseEnv({
    STAGE: 'test',
    TABLE_NAME: 'unused',
    FIELD_KEY: randomBytes(32).toString('base64'),
    INDEX_KEY: randomBytes(32).toString('base64'),
    SESSION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: 'http://localhost',
    LOG_LEVEL: 'warn',
  });

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const bearer = (token: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
});
export { post };

const signIn = async (w: Pick<World, 'deps' | 'request'>, phone: string, role: 'elder' | 'merchant') => {
  const sent = await w.request('/api/auth/otp', post({ phone, role }));
  if (sent.status !== 202) throw new Error(`otp for ${role}: ${sent.status} ${await sent.text()}`);
  const code = (await w.deps.outbox?.latestFor(phone))?.text_zh.match(/(\d{6})/)?.[1];
  if (!code) throw new Error('no sign-in code in the dev outbox');
  const res = await w.request('/api/auth/otp/verify', post({ phone, role, code }));
  if (res.status !== 200) throw new Error(`sign-in of ${role}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
};

/** The elder's or shop's id from GET /api/me (`sub` is `<kind>:<id>`). */
const idOf = async (request: World['request'], token: string): Promise<string> => {
  const me = (await (await request('/api/me', bearer(token))).json()) as { sub: string };
  return me.sub.slice(me.sub.indexOf(':') + 1);
};

export const buildWorld = async (db: Db): Promise<World> => {
  const deps = buildDeps(env(), { db, clock: { now: () => BENCH_NOW }, logger: createLogger('warn') });
  deps.scheduler = { at: async () => undefined }; // offer timers: not what is measured
  const seed = await seedDemo(deps, { elders: 40, merchants: true });
  await deps.policies.append(
    { ...DEFAULT_POLICY, per_order_max_points: null, per_month_max_points: null, category_month_max_points: {} },
    BENCH_ACTOR,
    BENCH_NOW.toISOString(),
  );
  const { app } = createApp(deps);
  const request = async (path: string, init?: RequestInit) => app.request(path, init);
  const phones = seed.elderPhones.slice(0, ELDERS);
  if (phones.length < ELDERS) throw new Error(`the demo seed lists ${phones.length} elder phones, not ${ELDERS}`);
  const elders: World['elders'] = [];
  for (const phone of phones) {
    const token = await signIn({ deps, request }, phone, 'elder');
    const elder_id = await idOf(request, token);
    await credit(deps, topUpCredit(`bench-${elder_id}`, elder_id, POINTS_EACH, 'bench points'));
    elders.push({ elder_id, token });
  }
  const shop = demoMerchants()[0];
  if (!shop) throw new Error('no demo shop');
  const merchantToken = await signIn({ deps, request }, shop.phone, 'merchant');
  const merchant_id = await idOf(request, merchantToken);
  const service = (await deps.merchants.services(merchant_id)).find((s) => s.active && s.mode !== 'home_visit');
  if (!service) throw new Error('the first demo shop has no on-site service');
  return { deps, request, elders, merchantToken, merchant_id, service_id: service.service_id };
};
