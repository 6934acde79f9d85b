// Real flows for the analytics tests (verify after the flows, the stream replay): an app on DynamoDB
// Local with merchants, the month's issuance, and orders through every milestone the counters count:
// completed, rated, disputed (upheld and dismissed), cancelled before and after acceptance, rejected,
// no-show, 帮我找 matched first and cascaded, plus a staff adjustment. Staff book on behalf, so no elder
// has to sign in; the clock moves across days so the facts land in different day items.
import { expect } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken } from './app';
import { orderCode } from '@tmc/core/orders/complete';
import { credit } from '@tmc/core/ledger/service';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import type { SearchHit } from '@tmc/core/search/search';
import { runJob } from '../../packages/app/src/compose/jobs';

export type FlowWorld = Awaited<ReturnType<typeof makeTestApp>>;

export const makeFlowWorld = async (): Promise<FlowWorld> => {
  const t = await makeTestApp({ seedElders: 12, merchants: true });
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  t.deps.scheduler = { at: async () => undefined }; // offer timers are not part of these flows
  return t;
};

/** Runs the flows; answers how many orders were booked. */
export const runFlows = async (t: FlowWorld): Promise<number> => {
  await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  let admin = await staffToken(t.app, 'admin');
  const shops = new Map<string, string>();
  const shop = async (merchant_id: string) => {
    const have = shops.get(merchant_id);
    if (have) return have;
    for (let i = 0; i < 36; i++) {
      const phone = `1700002${String(i).padStart(4, '0')}`;
      const acct = await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone));
      if (acct?.account_id === merchant_id) {
        const tok = await phoneToken(t.app, t.deps, phone, 'merchant');
        shops.set(merchant_id, tok);
        return tok;
      }
    }
    throw new Error(`no phone for ${merchant_id}`);
  };
  let n = 0;
  const post = (path: string, token: string, body: unknown = {}) =>
    t.app.request(path, bearer(token, json(body, { 'idempotency-key': `analytics-flow-${n++}` })));
  const ok = async (r: Response, status = 200) => {
    expect(r.status, await r.clone().text()).toBe(status);
    return (await r.json()) as { order_id: string; merchant_id: string; status: string };
  };
  const elders: string[] = [];
  for (const phone of t.seed?.elderPhones ?? [])
    elders.push(...(await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone))).slice(0, 1));
  const hit = async (elder_id: string, category = 'canteen'): Promise<SearchHit> => {
    const r = await t.app.request(`/api/search?category=${category}&minutes=60&elder_id=${elder_id}`, bearer(admin));
    const h = ((await r.json()) as { items: SearchHit[] }).items.filter((x) => !x.home_visit)[0];
    if (!h) throw new Error(`no ${category} near ${elder_id}`);
    return h;
  };
  const book = async (elder_id: string) => {
    const h = await hit(elder_id);
    const o = await ok(
      await post('/api/orders', admin, {
        elder_id,
        merchant_id: h.merchant_id,
        service_id: h.service_id,
        slot_start: null,
      }),
      201,
    );
    return { ...o, merchant_id: h.merchant_id };
  };
  const step = async (o: { order_id: string; merchant_id: string }, what: string, body: unknown = {}) =>
    ok(await post(`/api/orders/${o.order_id}/${what}`, await shop(o.merchant_id), body));
  const complete = async (o: { order_id: string; merchant_id: string }) => {
    const stored = await t.deps.orders.get(o.order_id);
    if (!stored) throw new Error('order gone');
    return step(o, 'complete', { code: orderCode(t.deps, stored) });
  };
  const staff = async (o: { order_id: string }, what: string, body: unknown) =>
    ok(await post(`/api/orders/${o.order_id}/${what}`, admin, body));
  const e = (i: number) => elders[i % elders.length] ?? '';
  let booked = 0;
  // a day later (between orders: an open order's hold would run out); sessions are signed in again
  const day = async () => {
    t.clock.advance(86_400_000);
    admin = await staffToken(t.app, 'admin');
    shops.clear();
  };

  // completed, rated, disputed, upheld
  const a = await book(e(0));
  booked++;
  await step(a, 'accept');
  await complete(a);
  await staff(a, 'rate', { stars: 2, tags: ['迟到'] });
  await day();
  await staff(a, 'dispute', { reason: '服务没有做完' });
  await staff(a, 'dispute/uphold', { reason: '确未做完' });
  // completed, rated 5, disputed, dismissed
  const b = await book(e(1));
  booked++;
  await step(b, 'accept');
  await complete(b);
  await staff(b, 'rate', { stars: 5, tags: ['准时'] });
  await staff(b, 'dispute', { reason: '不满意' });
  await day();
  await staff(b, 'dispute/dismiss', { reason: '已核实' });
  // cancelled before and after acceptance, rejected, no-show
  const c = await book(e(2));
  await staff(c, 'cancel', {});
  await day();
  const d = await book(e(3));
  await step(d, 'accept');
  await staff(d, 'cancel', {});
  const r = await book(e(4));
  await step(r, 'reject');
  const ns = await book(e(5));
  await step(ns, 'accept');
  await step(ns, 'no-show');
  booked += 4;
  // 帮我找: the first shop rejects, the next accepts (cascaded); another accepted at once (matched first)
  // the first elders with a canteen within their circle (some demo elders have none)
  const find = async (from: number) => {
    for (let i = from; i < from + elders.length; i++) {
      const r = await post('/api/orders/find', admin, { elder_id: e(i), category: 'canteen' });
      if (r.status === 201) return { ...(await ok(r, 201)), next: i + 1 };
    }
    throw new Error('帮我找 found no canteen for any elder');
  };
  const f1 = await find(6);
  booked++;
  const first = (await t.deps.orders.get(f1.order_id))?.merchant_id ?? '';
  await step({ order_id: f1.order_id, merchant_id: first }, 'reject');
  const moved = await t.deps.orders.get(f1.order_id);
  if (moved?.status === 'requested') {
    await step({ order_id: f1.order_id, merchant_id: moved.merchant_id }, 'accept');
    await complete({ order_id: f1.order_id, merchant_id: moved.merchant_id });
  }
  const f2 = await find(f1.next);
  booked++;
  const m2 = (await t.deps.orders.get(f2.order_id))?.merchant_id ?? '';
  await step({ order_id: f2.order_id, merchant_id: m2 }, 'accept');
  // a second order of an elder, days later: the active bucket moves
  await day();
  const a2 = await book(e(0));
  booked++;
  await step(a2, 'accept');
  await complete(a2);
  // a staff adjustment: points.adjusted and outstanding
  await credit(t.deps, {
    entry_id: 'test:analytics-adjust',
    kind: 'adjustment',
    elder_id: e(1),
    amount_points: 50,
    from: 'adjustments',
    source: 'top_up',
    subsidy: false,
    expires_on: NEVER_EXPIRES,
    reason: '测试调整',
    actor: 'test',
    policy_version: null,
  });
  return booked;
};
