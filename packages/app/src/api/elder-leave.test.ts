// Leaving the scheme through HTTP on DynamoDB Local: the balance is settled (paid points refunded
// to the payer through the payment port, allowance and award points back to the bureau), family
// bindings and the elder's sessions end, health data is erased, all audited; refused while an
// order is open; parallel requests leave once. The ledger verifies after each.
import { beforeEach, describe, expect, it } from 'vitest';
import { isFakeGateway, type FakeGateway } from '@tmc/payments/fake';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';
import { orderCode } from '@tmc/core/orders/complete';
import { orderDeps } from '../compose/order-deps';
import { runJob } from '../compose/jobs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { counterKeys, createCounterStore } from '@tmc/store/entities/counters';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let g: FakeGateway;
let admin: string;
let family: string;
let elderToken: string;
let elder: { elder_id: string; card_number: string; phone: string };
const FAMILY_PHONE = '17000007801';

const errCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const wallet = async () => (await t.deps.ledger.account(`wallet:${elder.elder_id}`)).balance_points;
const leave = (token = admin) =>
  t.app.request(`/api/elders/${elder.elder_id}/leave`, bearer(token, json({ reason: '本人申请退出' })));

/** A paid top-up of `fen` by the bound family member, credited through the signed webhook. */
const topUp = async (fen: number, key: string): Promise<string> => {
  const res = await t.app.request(
    '/api/topups',
    bearer(family, json({ elder_id: elder.elder_id, amount_fen: fen }, { 'idempotency-key': key })),
  );
  const topup_id = ((await res.json()) as { topup_id: string }).topup_id;
  const s = g.signEvent({ type: 'payment.succeeded', topup_id, amount_fen: fen }, t.clock.now());
  const hook = await t.app.request('/api/payments/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fake-signature': s.header },
    body: s.body,
  });
  expect(hook.status).toBe(200);
  return topup_id;
};

beforeEach(async () => {
  t = await makeTestApp({ seedElders: 3, merchants: true });
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  t.deps.scheduler = { at: async () => undefined };
  if (!isFakeGateway(t.deps.payments)) throw new Error('tests expect the fake gateway');
  g = t.deps.payments;
  await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  const phone = t.seed?.elderPhones[0] ?? '';
  const rec = await t.deps.elders.get(
    (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone)))[0] ?? '',
  );
  elder = { elder_id: rec?.elder_id ?? '', card_number: rec?.card_number ?? '', phone };
  admin = await staffToken(t.app, 'admin');
  family = await phoneToken(t.app, t.deps, FAMILY_PHONE, 'family');
  await t.app.request(
    '/api/family/bindings',
    bearer(family, json({ card_number: elder.card_number, relation: '女儿' })),
  );
  const code = (await t.deps.outbox?.latestFor(phone))?.text_zh.match(/(\d{6})/)?.[1] ?? '';
  expect(
    (await t.app.request(`/api/family/bindings/${elder.elder_id}/confirm`, bearer(family, json({ code })))).status,
  ).toBe(200);
  elderToken = await phoneToken(t.app, t.deps, phone, 'elder');
}, 180_000);

describe('leaving the scheme', () => {
  it(
    'settles the balance (paid points to the payer, subsidy to the bureau), ' +
      'ends bindings and sessions, erases health data; all audited',
    async () => {
      const topup_id = await topUp(5_000, 'leave-topup-0001');
      expect(
        (
          await t.app.request(
            `/api/elders/${elder.elder_id}/awards`,
            bearer(
              admin,
              json({ kind: 'community_event', reason: '社区重阳活动' }, { 'idempotency-key': 'leave-award-0001' }),
            ),
          )
        ).status,
      ).toBe(201);
      const lots = (await t.deps.ledger.lots(`wallet:${elder.elder_id}`)).filter((l) => l.remaining_points > 0);
      const subsidy = lots.filter((l) => l.subsidy).reduce((s, l) => s + l.remaining_points, 0);
      expect(subsidy).toBeGreaterThan(0);
      expect(await wallet()).toBe(subsidy + 50);
      expect((await t.app.request(`/api/elders/${elder.elder_id}/points`, bearer(elderToken))).status).toBe(200);

      const res = await leave();
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'left', care_level: null, special_categories: [] });
      // money: the payer gets the paid points back through the provider, the bureau the rest
      expect(await wallet()).toBe(0);
      expect(g.calls.refunds).toEqual([expect.objectContaining({ topup_id, amount_fen: 5_000 })]);
      expect((await t.deps.topups.get(topup_id))?.status).toBe('refunded');
      for (const l of lots.filter((x) => x.subsidy)) {
        const e = await t.deps.ledger.entry(`scheme_exit:${elder.elder_id}:${l.lot_id}`);
        expect(e?.kind).toBe('scheme_exit');
        expect(
          e?.postings.find((p) => p.account.startsWith(l.source === 'award' ? 'awards:' : 'issuance:'))?.amount_points,
        ).toBe(l.remaining_points);
      }
      // people: the family and the elder lose access at once
      expect((await t.deps.bindings.ofElder(elder.elder_id)).map((b) => b.status)).toEqual(['removed']);
      expect((await t.app.request(`/api/elders/${elder.elder_id}/points`, bearer(family))).status).toBe(403);
      const old = await t.app.request(`/api/elders/${elder.elder_id}/points`, bearer(elderToken));
      expect(old.status).toBe(401);
      expect(await errCode(old)).toBe('SESSION_EXPIRED');
      // health data erased
      expect(await t.deps.elders.get(elder.elder_id)).toMatchObject({
        care_level: null,
        special_categories: [],
        status: 'left',
      });
      // audited: the leave, the refund, each return of subsidy points
      const actions = (await t.deps.audit.listBySubject(`elder:${elder.elder_id}`, 100)).items.map((a) => a.action);
      expect(actions.filter((a) => a === 'elder.leave')).toHaveLength(1);
      expect(actions.filter((a) => a === 'topup.refund')).toHaveLength(1);
      expect(actions.filter((a) => a === 'elder.leave.return_points')).toHaveLength(
        lots.filter((l) => l.subsidy).length,
      );
      expect((await verifyLedger(t.db)).problems).toEqual([]);
    },
    120_000,
  );

  it(
    'refused with 409 ELDER_HAS_OPEN_ORDERS while an order is open: nothing ' +
      'changes, the wallet is not left frozen',
    async () => {
      const hits = (
        (await (await t.app.request('/api/search?category=barber&minutes=60', bearer(elderToken))).json()) as {
          items: { merchant_id: string; service_id: string; home_visit: boolean }[];
        }
      ).items.filter((h) => !h.home_visit);
      const h = hits[0];
      if (!h) throw new Error('no barber near the demo elder');
      const booked = await t.app.request(
        '/api/orders',
        bearer(
          elderToken,
          json(
            { merchant_id: h.merchant_id, service_id: h.service_id, slot_start: null },
            { 'idempotency-key': 'leave-order-0001' },
          ),
        ),
      );
      expect(booked.status).toBe(201);
      const before = await wallet();
      const res = await leave();
      expect(res.status).toBe(409);
      expect(await errCode(res)).toBe('ELDER_HAS_OPEN_ORDERS');
      expect(await wallet()).toBe(before);
      expect((await t.deps.ledger.account(`wallet:${elder.elder_id}`)).frozen).toBe(false);
      expect((await t.deps.elders.get(elder.elder_id))?.status).toBe('active');
      expect((await t.deps.bindings.ofElder(elder.elder_id)).map((b) => b.status)).toEqual(['active']);
      expect((await verifyLedger(t.db)).problems).toEqual([]);
    },
    120_000,
  );

  it(
    'a completed order of an elder who left cannot be disputed (an upheld ' +
      'dispute would put points into the closed wallet); its analytics snapshot ' +
      'and the active tracker lose care and special',
    async () => {
      // Prepare: a completed order, then the elder leaves
      const hits = (
        (await (await t.app.request('/api/search?category=barber&minutes=60', bearer(elderToken))).json()) as {
          items: { merchant_id: string; service_id: string; home_visit: boolean }[];
        }
      ).items.filter((h) => !h.home_visit);
      const h = hits[0];
      if (!h) throw new Error('no barber near the demo elder');
      const booked = await t.app.request(
        '/api/orders',
        bearer(
          elderToken,
          json(
            { merchant_id: h.merchant_id, service_id: h.service_id, slot_start: null },
            { 'idempotency-key': 'leave-order-0002' },
          ),
        ),
      );
      expect(booked.status).toBe(201);
      const { order_id } = (await booked.json()) as { order_id: string };
      const o = await t.deps.orders.get(order_id);
      if (!o) throw new Error('order vanished');
      const code = orderCode(orderDeps(t.deps), o);
      const acct = [...Array(36).keys()].map((i) => `1700002${String(i).padStart(4, '0')}`);
      let shop = '';
      for (const phone of acct) {
        const a = await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone));
        if (a?.account_id === h.merchant_id) {
          shop = await phoneToken(t.app, t.deps, phone, 'merchant');
          break;
        }
      }
      expect((await t.app.request(`/api/orders/${order_id}/accept`, bearer(shop, json({})))).status).toBe(200);
      expect((await t.app.request(`/api/orders/${order_id}/complete`, bearer(shop, json({ code })))).status).toBe(200);
      // the snapshot is derived (review H3): an age band, never the birth date
      const snap = (await t.deps.orders.get(order_id))?.elder_dims as Record<string, unknown> | undefined;
      expect(Object.keys(snap ?? {}).sort()).toEqual(['age_band', 'care', 'community_code', 'special']);
      // the streams function's active tracker, as it would have counted the elder (care and special set)
      const community_code = String(snap?.community_code);
      const touch = { elder_id: elder.elder_id, day: '2026-11-23', community_code, age: '70-79' as const };
      await createCounterStore(t.db).touchActive({ ...touch, care: 'light', special: ['living_alone'] });
      expect((await leave()).status).toBe(200);
      // erased: care and special gone from the order's snapshot and from the tracker, whose buckets moved
      expect((await t.deps.orders.get(order_id))?.elder_dims).toEqual({
        community_code,
        age_band: snap?.age_band,
        care: null,
        special: [],
        erased: true,
      });
      const tracker = await t.db.doc.send(
        new GetCommand({ TableName: t.db.table, Key: counterKeys.activeTracker(elder.elder_id), ConsistentRead: true }),
      );
      expect(tracker.Item).toMatchObject({ last_day: '2026-11-23', age: '70-79', care: null, special: [] });
      const [month] = await createCounterStore(t.db).read([{ scope: 'all', period: 'M#2026-11' }]);
      expect(month?.counters).toMatchObject({
        'active.last|last=2026-11-23': 1,
        'active.last.age|last=2026-11-23#70-79': 1,
        'active.last.care|last=2026-11-23#light': 0,
        'active.last.special|last=2026-11-23#living_alone': 0,
      });
      const detail = (await t.deps.audit.listBySubject(`elder:${elder.elder_id}`, 100)).items.find(
        (a) => a.action === 'elder.leave',
      )?.detail;
      expect(detail).toMatchObject({ order_snapshots_erased: 1 });
      // Act: staff try to dispute on the elder's behalf
      const res = await t.app.request(
        `/api/orders/${order_id}/dispute`,
        bearer(admin, json({ reason: '没有理完就走了' })),
      );
      // Assess: refused, the order unchanged, the ledger whole
      expect(res.status).toBe(409);
      expect(await errCode(res)).toBe('ELDER_INACTIVE');
      expect((await t.deps.orders.get(order_id))?.status).toBe('completed');
      expect((await verifyLedger(t.db)).problems).toEqual([]);
    },
    120_000,
  );

  it(
    'a top-up paid after the elder left: nothing is credited, the money ' + 'goes back to the payer, audited once',
    async () => {
      const res = await t.app.request(
        '/api/topups',
        bearer(
          family,
          json({ elder_id: elder.elder_id, amount_fen: 2_000 }, { 'idempotency-key': 'leave-late-pay-01' }),
        ),
      );
      const topup_id = ((await res.json()) as { topup_id: string }).topup_id;
      expect((await leave()).status).toBe(200);
      const deliver = async (event_id: string) => {
        const s = g.signEvent({ event_id, type: 'payment.succeeded', topup_id, amount_fen: 2_000 }, t.clock.now());
        return (
          (await (
            await t.app.request('/api/payments/webhook', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-fake-signature': s.header },
              body: s.body,
            })
          ).json()) as { outcome: string }
        ).outcome;
      };
      expect(await deliver('evt_late_pay_0001')).toBe('refunded_elder_left');
      expect(await deliver('evt_late_pay_0002')).toBe('no_change'); // another event for the same payment
      expect(await wallet()).toBe(0);
      expect(await t.deps.ledger.entry(`topup:${topup_id}`)).toBeNull();
      expect(g.calls.refunds).toEqual([
        expect.objectContaining({ topup_id, amount_fen: 2_000, idempotency_key: `refund_${topup_id}` }),
      ]);
      expect(await t.deps.topups.get(topup_id)).toMatchObject({
        status: 'refunded',
        refund: { points: 0, fen: 2_000 },
      });
      const actions = (await t.deps.audit.listBySubject(`elder:${elder.elder_id}`, 100)).items.map((a) => a.action);
      expect(actions.filter((a) => a === 'topup.refund')).toHaveLength(1);
      expect((await verifyLedger(t.db)).problems).toEqual([]);
    },
    120_000,
  );

  it(
    '20 parallel leave requests: one 200, the others 409; one refund (one ' + 'provider key), one leave audit record',
    async () => {
      await topUp(3_000, 'leave-topup-0002');
      const answers = await Promise.all(Array.from({ length: 20 }, () => leave()));
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s !== 200).every((s) => s === 409)).toBe(true);
      // repeats carry one provider key: one refund
      expect(new Set(g.calls.refunds.map((r) => r.idempotency_key)).size).toBe(1);
      expect(await wallet()).toBe(0);
      const actions = (await t.deps.audit.listBySubject(`elder:${elder.elder_id}`, 100)).items.map((a) => a.action);
      expect(actions.filter((a) => a === 'elder.leave')).toHaveLength(1);
      expect(actions.filter((a) => a === 'topup.refund')).toHaveLength(1);
      expect((await verifyLedger(t.db)).problems).toEqual([]);
    },
    120_000,
  );
});
