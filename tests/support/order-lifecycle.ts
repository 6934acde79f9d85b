// The order world both order-lifecycle test files share (packages/app/src/api/order-lifecycle.test.ts and
// order-stuck.test.ts): one app on DynamoDB Local with merchants and a fake clock, every notice recorded,
// and the helpers that book, sign in, count and check. useOrderLifeApp() builds it once per file.
import { beforeAll, expect } from 'vitest';
import { bearer, json, makeTestApp, phoneToken } from './app';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { credit } from '@tmc/core/ledger/service';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import type { Notice } from '@tmc/core/notices/ports';

export let t: Awaited<ReturnType<typeof makeTestApp>>;
export const sent: Notice[] = [];
export const START = '2026-11-23T02:00:00Z'; // Monday 10:00 in Suizhou: shops are open
/** Each test starts four weeks after the last one began (a Monday, 10:00), past any day an earlier
 * test moved the clock to: the outbox, where sign-in codes are read, is ordered by time. */
export const monday = (k: number) => new Date(Date.parse(START) + k * 28 * 86_400_000).toISOString();
export const merchantPhone = new Map<string, string>();

export const useOrderLifeApp = () => {
  beforeAll(async () => {
    t = await makeTestApp({ seedElders: 16, merchants: true });
    t.clock.set(START);
    t.deps.scheduler = { at: async () => undefined }; // timers are fired by hand in the tests
    const real = t.deps.notifier;
    t.deps.notifier = {
      send: async (n) => {
        sent.push(n);
        await real.send(n);
      },
    };
    for (let i = 0; i < 36; i++) {
      const phone = `1700002${String(i).padStart(4, '0')}`;
      const acct = await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone));
      if (acct) merchantPhone.set(acct.account_id, phone);
    }
  }, 180_000);
};

export type Hit = { merchant_id: string; service_id: string; price_points: number; home_visit: boolean };
export type O = {
  order_id: string;
  status: string;
  code?: string;
  merchant_id: string;
  price_points: number;
  slot_start: string | null;
  offer_expires_at: string | null;
  hold_expires_at?: string;
};
export type Err = { error: { code: string; details?: { status?: string } } };

export let n = 0;
export const key = () => ({ 'idempotency-key': `order-life-${n++}` });
export const post = (path: string, token: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  t.app.request(path, bearer(token, json(body, headers)));
/** A fresh sign-in (tokens are checked against the fake clock, which the tests move by days). */
export const elderOf = async (i: number) => {
  const phone = t.seed?.elderPhones[i] ?? '';
  const id = (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone)))[0] ?? '';
  // points of its own that never expire, so a test's outcome never depends on allowance or caps
  await credit(t.deps, {
    entry_id: `test:life-points-${i}`,
    kind: 'adjustment',
    elder_id: id,
    amount_points: 600,
    from: 'adjustments',
    source: 'top_up',
    subsidy: false,
    expires_on: NEVER_EXPIRES,
    reason: '测试积分',
    actor: 'test',
    policy_version: null,
  });
  return { phone, id, token: () => phoneToken(t.app, t.deps, phone, 'elder') };
};
export const shop = (merchant_id: string) =>
  phoneToken(t.app, t.deps, merchantPhone.get(merchant_id) ?? '', 'merchant');
export const hits = async (token: string, category: string) =>
  (
    (await (await t.app.request(`/api/search?category=${category}&minutes=60`, bearer(token))).json()) as {
      items: Hit[];
    }
  ).items.filter((h) => !h.home_visit);
export const wallet = async (elder_id: string) => (await t.deps.ledger.account(`wallet:${elder_id}`)).balance_points;
export const receivable = async (m: string) => (await t.deps.ledger.account(`merchant:${m}`)).balance_points;
export const slotPlaces = (o: O) =>
  t.deps.ledger.counter({
    kind: 'slot',
    service_id: (o as O & { service_id: string }).service_id,
    start: o.slot_start ?? '',
  });
export const verifyOk = async () => expect((await verifyLedger(t.db)).problems).toEqual([]);
export const noticesOf = (order_id: string, template: Notice['template']) =>
  sent.filter((x) => x.template === template && 'order_id' in x.params && x.params.order_id === order_id);
/** Each phone told exactly once, and `phone` among them. */
export const onceEach = (list: Notice[], phone: string) => {
  expect(list.map((x) => x.to_phone)).toContain(phone);
  expect(new Set(list.map((x) => x.to_phone)).size).toBe(list.length);
};
export const statuses = (rs: Response[]) => rs.map((r) => r.status).sort();
export const losersSay = async (rs: Response[], status: string) => {
  for (const r of rs.filter((x) => x.status !== 200)) {
    const e = ((await r.json()) as Err).error;
    expect(e.code).toBe('ORDER_STATE');
    expect(e.details?.status).toBe(status);
  }
};

export const bookAccepted = async (elderToken: string, category: string, slot: string | null = null) => {
  const h = (await hits(elderToken, category))[0];
  if (!h) throw new Error(`no ${category} near the elder`);
  const res = await post(
    '/api/orders',
    elderToken,
    { merchant_id: h.merchant_id, service_id: h.service_id, slot_start: slot },
    key(),
  );
  const o = (await res.json()) as O;
  expect(res.status, JSON.stringify(o)).toBe(201);
  const m = await shop(h.merchant_id);
  expect((await post(`/api/orders/${o.order_id}/accept`, m)).status).toBe(200);
  return { o, h, m };
};
