// Issue 11 acceptance over HTTP: two elders in two streets each book a canteen (staff on their behalf),
// the shop accepts and completes with the order code, the elder's rating is given; the table's stream is
// then processed by the local poller (the streams Lambda's reactors), and GET /api/analytics/overview shows
// exactly those orders: both to the admin, one each to the two street officers (neither sees the other's,
// nor may ask for it). analytics:verify is green afterwards.
import { beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '@tmc/core/kernel/secrets';
import { verifyAnalytics } from '@tmc/store/analytics-verify';
import { streamReactors } from '@tmc/app/compose/streams';
import { createStreamReader, pollOnce } from '@tmc/local/stream-poller';
import { DEMO_PASSWORD } from '@tmc/local/seed';
import { orderCode } from '@tmc/core/orders/complete';
import type { SearchHit } from '@tmc/core/search/search';
import type { Overview } from '@tmc/core/analytics/dashboard';
import { bearer, json, phoneToken, staffToken } from '../support/app';
import { makeFlowWorld, type FlowWorld } from '../support/analytics-flows';
import { runJob } from '../../packages/app/src/compose/jobs';

const STREET_A = 'zengdu.xicheng'; // the demo's street officer 'xicheng'
const STREET_B = 'zengdu.dongcheng'; // an officer made here: 'dongcheng'
const MONTH = { from: '2026-11-01', to: '2026-11-30' };
const MERCHANT_PHONES = 36; // the demo's shops: 17000020000-35

type Done = { order_id: string; elder_id: string; merchant_id: string; points: number; stars: number };

let t: FlowWorld;
const done: Record<'A' | 'B', Done | null> = { A: null, B: null };
let elderCount = 0;

const overview = async (token: string, extra = '') => {
  const r = await t.app.request(`/api/analytics/overview?from=${MONTH.from}&to=${MONTH.to}${extra}`, bearer(token));
  return { status: r.status, body: (await r.json()) as Overview & { error?: { code: string } } };
};

beforeAll(async () => {
  t = await makeFlowWorld(); // 12 demo elders, the demo shops, Monday 10:00 in Suizhou
  await t.deps.staff.put({
    username: 'dongcheng',
    display_name: '东城街道干部',
    role: 'street',
    scope: STREET_B,
    password_hash: await hashSecret(DEMO_PASSWORD),
    failures: 0,
    locked_until_ms: 0,
    version: 1,
  });
  await runJob(t.deps, { job: 'issuance', month: '2026-11' }); // the month's allowance: points to spend
  let admin = await staffToken(t.app, 'admin');
  let n = 0;
  const post = (path: string, token: string, body: unknown = {}) =>
    t.app.request(path, bearer(token, json(body, { 'idempotency-key': `acceptance-${n++}` })));
  const ok = async <T>(r: Response, status = 200): Promise<T> => {
    expect(r.status, await r.clone().text()).toBe(status);
    return (await r.json()) as T;
  };
  const shopToken = async (merchant_id: string) => {
    for (let i = 0; i < MERCHANT_PHONES; i++) {
      const phone = `1700002${String(i).padStart(4, '0')}`;
      const acct = await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone));
      if (acct?.account_id === merchant_id) return phoneToken(t.app, t.deps, phone, 'merchant');
    }
    throw new Error(`no phone for ${merchant_id}`);
  };
  // the first elder of each street with a canteen (not a home visit) within an hour's walk
  const elders: { elder_id: string; street: string }[] = [];
  for (const phone of t.seed?.elderPhones ?? [])
    for (const elder_id of (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone))).slice(0, 1)) {
      const e = await t.deps.elders.get(elder_id);
      if (e) elders.push({ elder_id, street: e.community_code.split('.').slice(0, 2).join('.') });
    }
  elderCount = 12;
  const stars = { A: 4, B: 5 } as const;
  for (const [key, street] of [
    ['A', STREET_A],
    ['B', STREET_B],
  ] as const) {
    for (const e of elders.filter((x) => x.street === street)) {
      const r = await t.app.request(`/api/search?category=canteen&minutes=60&elder_id=${e.elder_id}`, bearer(admin));
      const hit = ((await r.json()) as { items: SearchHit[] }).items.find((h) => !h.home_visit);
      if (!hit) continue;
      const booked = await post('/api/orders', admin, {
        elder_id: e.elder_id,
        merchant_id: hit.merchant_id,
        service_id: hit.service_id,
        slot_start: null,
      });
      // a young elder's allowance may not cover the nearest canteen: the next elder of the street
      if (
        booked.status === 422 &&
        ((await booked.clone().json()) as { error: { code: string } }).error.code === 'INSUFFICIENT_POINTS'
      )
        continue;
      const o = await ok<{ order_id: string; price_points: number }>(booked, 201);
      const shop = await shopToken(hit.merchant_id);
      t.clock.advance(60_000); // the shop answers a minute later
      await ok(await post(`/api/orders/${o.order_id}/accept`, shop));
      t.clock.advance(5 * 60_000); // and serves for five minutes (within its session)
      const stored = await t.deps.orders.get(o.order_id);
      if (!stored) throw new Error('order gone');
      await ok(await post(`/api/orders/${o.order_id}/complete`, shop, { code: orderCode(t.deps, stored) }));
      admin = await staffToken(t.app, 'admin'); // a staff session lasts minutes, not the service
      await ok(await post(`/api/orders/${o.order_id}/rate`, admin, { stars: stars[key], tags: [] }));
      done[key] = {
        order_id: o.order_id,
        elder_id: e.elder_id,
        merchant_id: hit.merchant_id,
        points: o.price_points,
        stars: stars[key],
      };
      break;
    }
    if (!done[key]) throw new Error(`no elder of ${street} with a canteen in reach`);
  }
  // the stream, as the streams Lambda would see it: counters, flags and the coverage trigger
  t.deps.scheduler = { at: async () => undefined };
  const reader = createStreamReader(t.db);
  const reactors = streamReactors({ db: t.db, deps: t.deps });
  const first = await pollOnce(reader, reactors);
  expect(first.failedShards).toBe(0);
  await pollOnce(reader, reactors); // the counters' own writes come back: nothing more is counted
}, 600_000);

describe('issue 11 acceptance: flows -> stream -> overview, by role and scope', () => {
  it('the admin sees both orders, their points and ratings, and every elder', async () => {
    const a = done.A!;
    const b = done.B!;
    const { status, body } = await overview(await staffToken(t.app, 'admin'));
    expect(status).toBe(200);
    expect(body.area.level).toBe('city');
    expect(body.elders.registered).toBe(elderCount);
    expect(body.elders.active).toBe(2);
    expect(body.orders.requested).toBe(2);
    expect(body.orders.accepted).toBe(2);
    expect(body.orders.completed).toBe(2);
    expect(body.orders.cancelled).toBe(0);
    expect(body.orders.points).toBe(a.points + b.points);
    expect(body.orders.completion_pct).toBe(100);
    expect(body.ratings.count).toBe(2);
    expect(body.ratings.by_stars.find((s) => s.stars === a.stars)?.count).toBe(1);
    expect(body.ratings.by_stars.find((s) => s.stars === b.stars)?.count).toBe(1);
    expect(body.orders.by_category).toEqual([
      { category: 'canteen', requested: 2, completed: 2, cancelled: 0, points: a.points + b.points },
    ]);
    expect(body.points?.redeemed).toBe(a.points + b.points);
  });

  it("each street's officer sees exactly their street's order, and not the other's", async () => {
    for (const [user, mine, other] of [
      ['xicheng', done.A!, STREET_B],
      ['dongcheng', done.B!, STREET_A],
    ] as const) {
      const tok = await staffToken(t.app, user);
      const { status, body } = await overview(tok);
      expect(status).toBe(200);
      expect(body.area.level).toBe('street');
      expect(body.orders.requested).toBe(1);
      expect(body.orders.completed).toBe(1);
      expect(body.orders.points).toBe(mine.points);
      expect(body.ratings.count).toBe(1);
      expect(body.ratings.average).toBe(mine.stars);
      expect(body.elders.active).toBe(1);
      expect(body.points).toBeNull(); // the ledger's figures are the city's only
      const out = await overview(tok, `&street=${other}`);
      expect(out.status).toBe(403);
      expect(out.body.error?.code).toBe('OUT_OF_SCOPE');
    }
  });

  it('the admin filtered by a street sees the same as its officer', async () => {
    const admin = await staffToken(t.app, 'admin');
    const { body } = await overview(admin, `&street=${STREET_B}`);
    expect(body.orders.requested).toBe(1);
    expect(body.orders.points).toBe(done.B!.points);
  });

  it('analytics:verify recomputes every counter from the table and agrees', async () => {
    const r = await verifyAnalytics(t.db);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });
});
