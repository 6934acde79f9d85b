// Orders that cannot get stuck, and one success per change (issue 8, sections 4, 5, 8), through
// HTTP on DynamoDB Local with the fake clock: parallel completes / disputes / decisions have
// exactly one winner with one notice per phone and one audit record; a booking two weeks ahead
// survives until its slot; a hold that runs out closes the order with its points and its slot;
// cancel, no-show and disputes are told to both sides.
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { credit } from '@tmc/core/ledger/service';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { slotStarts } from '@tmc/core/merchants/model';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import type { Notice } from '@tmc/core/notices/ports';
import { runHoldExpiry } from '@tmc/core/policy/expiry';
import { runJob } from '../compose/jobs';

let t: Awaited<ReturnType<typeof makeTestApp>>;
const sent: Notice[] = [];
const START = '2026-11-23T02:00:00Z'; // Monday 10:00 in Suizhou: shops are open
/** Each test starts four weeks after the last one began (a Monday, 10:00), past any day an earlier
 * test moved the clock to: the outbox, where sign-in codes are read, is ordered by time. */
const monday = (k: number) => new Date(Date.parse(START) + k * 28 * 86_400_000).toISOString();
const merchantPhone = new Map<string, string>();

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 16, merchants: true });
  t.clock.set(START);
  t.deps.scheduler = { at: async () => undefined }; // timers are fired by hand below
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

type Hit = { merchant_id: string; service_id: string; price_points: number; home_visit: boolean };
type O = {
  order_id: string;
  status: string;
  code?: string;
  merchant_id: string;
  price_points: number;
  slot_start: string | null;
  offer_expires_at: string | null;
  hold_expires_at?: string;
};
type Err = { error: { code: string; details?: { status?: string } } };

let n = 0;
const key = () => ({ 'idempotency-key': `order-life-${n++}` });
const post = (path: string, token: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  t.app.request(path, bearer(token, json(body, headers)));
/** A fresh sign-in (tokens are checked against the fake clock, which the tests move by days). */
const elderOf = async (i: number) => {
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
const shop = (merchant_id: string) => phoneToken(t.app, t.deps, merchantPhone.get(merchant_id) ?? '', 'merchant');
const hits = async (token: string, category: string) =>
  (
    (await (await t.app.request(`/api/search?category=${category}&minutes=60`, bearer(token))).json()) as {
      items: Hit[];
    }
  ).items.filter((h) => !h.home_visit);
const wallet = async (elder_id: string) => (await t.deps.ledger.account(`wallet:${elder_id}`)).balance_points;
const receivable = async (m: string) => (await t.deps.ledger.account(`merchant:${m}`)).balance_points;
const slotPlaces = (o: O) =>
  t.deps.ledger.counter({
    kind: 'slot',
    service_id: (o as O & { service_id: string }).service_id,
    start: o.slot_start ?? '',
  });
const verifyOk = async () => expect((await verifyLedger(t.db)).problems).toEqual([]);
const noticesOf = (order_id: string, template: Notice['template']) =>
  sent.filter((x) => x.template === template && 'order_id' in x.params && x.params.order_id === order_id);
/** Each phone told exactly once, and `phone` among them. */
const onceEach = (list: Notice[], phone: string) => {
  expect(list.map((x) => x.to_phone)).toContain(phone);
  expect(new Set(list.map((x) => x.to_phone)).size).toBe(list.length);
};
const statuses = (rs: Response[]) => rs.map((r) => r.status).sort();
const losersSay = async (rs: Response[], status: string) => {
  for (const r of rs.filter((x) => x.status !== 200)) {
    const e = ((await r.json()) as Err).error;
    expect(e.code).toBe('ORDER_STATE');
    expect(e.details?.status).toBe(status);
  }
};

const bookAccepted = async (elderToken: string, category: string, slot: string | null = null) => {
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

describe('exactly one success per order change', () => {
  it(
    '30 parallel completes with the right code: one 200, the rest 409 ' +
      'completed (or 423 CODE_LOCKED if refused by the attempt limit before ' +
      'the winner landed); one completed notice per phone; captured once',
    async () => {
      t.clock.set(monday(1));
      const e = await elderOf(1);
      const { o, h, m } = await bookAccepted(await e.token(), 'barber');
      const shopBefore = await receivable(h.merchant_id);
      const rs = await Promise.all(
        Array.from({ length: 30 }, () => post(`/api/orders/${o.order_id}/complete`, m, { code: o.code })),
      );
      expect(statuses(rs).filter((s) => s === 200)).toHaveLength(1);
      // the attempt limiter admits 5 tries per order code: the rest are refused before comparing,
      // and only those refused before the winner's commit still see an open order (CODE_LOCKED)
      expect(statuses(rs).filter((s) => s === 409 || s === 423)).toHaveLength(29);
      await losersSay(
        rs.filter((r) => r.status !== 423),
        'completed',
      );
      onceEach(noticesOf(o.order_id, 'order_completed'), e.phone);
      expect(
        (await t.deps.audit.listBySubject(`order:${o.order_id}`, 50)).items.filter(
          (a) => a.action === 'order.complete',
        ),
      ).toHaveLength(1);
      expect(await receivable(h.merchant_id)).toBe(shopBefore + h.price_points);
      // within the attempt limit every loser is a 409 with the winner's state
      const e2 = await elderOf(0);
      const b = await bookAccepted(await e2.token(), 'barber');
      const five = await Promise.all(
        Array.from({ length: 5 }, () => post(`/api/orders/${b.o.order_id}/complete`, b.m, { code: b.o.code })),
      );
      expect(statuses(five)).toEqual([200, 409, 409, 409, 409]);
      await losersSay(five, 'completed');
      await verifyOk();
    },
  );

  it('parallel disputes, upholds and dismissals: one winner each, one audit record, one notice per phone', async () => {
    t.clock.set(monday(2));
    const e = await elderOf(2);
    const tok = await e.token();
    const admin = await staffToken(t.app, 'admin');
    const { o, h, m } = await bookAccepted(tok, 'barber');
    expect((await post(`/api/orders/${o.order_id}/complete`, m, { code: o.code })).status).toBe(200);
    const afterCapture = await wallet(e.id);

    const disputes = await Promise.all(
      Array.from({ length: 20 }, () => post(`/api/orders/${o.order_id}/dispute`, tok, { reason: '没有理完就走了' })),
    );
    expect(statuses(disputes).filter((s) => s === 200)).toHaveLength(1);
    await losersSay(disputes, 'disputed');
    onceEach(noticesOf(o.order_id, 'dispute_opened'), e.phone);
    onceEach(noticesOf(o.order_id, 'dispute_opened'), merchantPhone.get(h.merchant_id) ?? '');

    const month = (await t.deps.ledger.hold(o.order_id))?.month ?? '';
    const spent = () => t.deps.ledger.counter({ kind: 'spent_month', elder_id: e.id, month });
    const spentBefore = await spent();
    const upholds = await Promise.all(
      Array.from({ length: 20 }, () => post(`/api/orders/${o.order_id}/dispute/uphold`, admin, { reason: '核实属实' })),
    );
    expect(statuses(upholds).filter((s) => s === 200)).toHaveLength(1);
    await losersSay(upholds, 'refunded');
    const audit = (await t.deps.audit.listBySubject(`order:${o.order_id}`, 50)).items;
    expect(audit.filter((a) => a.action === 'order.dispute_uphold')).toHaveLength(1);
    expect(await wallet(e.id)).toBe(afterCapture + h.price_points); // reversed once
    // the refunded order no longer counts against the month's cap, once
    expect(await spent()).toBe(spentBefore - h.price_points);
    const decided = noticesOf(o.order_id, 'dispute_decided');
    onceEach(
      decided.filter((x) => x.to_phone !== merchantPhone.get(h.merchant_id)),
      e.phone,
    );
    expect(decided.filter((x) => x.to_phone === merchantPhone.get(h.merchant_id))).toHaveLength(1);

    // dismissals race the same way
    const d = await bookAccepted(tok, 'barber');
    expect((await post(`/api/orders/${d.o.order_id}/complete`, d.m, { code: d.o.code })).status).toBe(200);
    expect((await post(`/api/orders/${d.o.order_id}/dispute`, tok, { reason: '服务态度不好' })).status).toBe(200);
    const dismissals = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(`/api/orders/${d.o.order_id}/dispute/dismiss`, admin, { reason: '核实不属实' }),
      ),
    );
    expect(statuses(dismissals).filter((s) => s === 200)).toHaveLength(1);
    await losersSay(dismissals, 'dispute_dismissed');
    expect(
      (await t.deps.audit.listBySubject(`order:${d.o.order_id}`, 50)).items.filter(
        (a) => a.action === 'order.dispute_dismiss',
      ),
    ).toHaveLength(1);
    await verifyOk();
  });
});

describe('orders that cannot get stuck', () => {
  it(
    'books 14 days ahead: the merchant may answer days later, the hold ' +
      'outlives 72 hours and the daily job, completion pays the merchant',
    async () => {
      t.clock.set(monday(3));
      const T0 = monday(3);
      const e = await elderOf(3);
      let tok = await e.token();
      const h = (await hits(tok, 'barber'))[0];
      if (!h) throw new Error('no barber');
      const s = (await t.deps.merchants.services(h.merchant_id)).find((x) => x.service_id === h.service_id);
      if (!s) throw new Error('no service');
      const slot = slotStarts(s, new Date(Date.parse(T0) + 13 * 86_400_000), 1)[0];
      if (!slot) throw new Error('no slot two weeks ahead');
      const res = await post(
        '/api/orders',
        tok,
        { merchant_id: h.merchant_id, service_id: h.service_id, slot_start: slot },
        key(),
      );
      const o = (await res.json()) as O;
      expect(res.status, JSON.stringify(o)).toBe(201);
      // the answer time is measured against the slot, the hold lives through the slot + completion window
      expect(o.offer_expires_at).toBe(
        new Date(Date.parse(slot) - DEFAULT_POLICY.answer_before_slot_minutes * 60_000).toISOString(),
      );
      expect((await t.deps.ledger.hold(o.order_id))?.expires_at).toBe(
        new Date(Date.parse(slot) + DEFAULT_POLICY.hold_ttl_hours * 3600_000).toISOString(),
      );
      // three days later (past the old 3-minute offer and 72-hour hold), the timers find nothing due
      t.clock.advance(3 * 86_400_000 + 60_000);
      expect(await runJob(t.deps, { job: 'offer-expiry', order_id: o.order_id, offer_index: 0 })).toMatchObject({
        outcome: 'noop',
      });
      await runJob(t.deps, { job: 'daily' });
      expect((await t.deps.orders.get(o.order_id))?.status).toBe('requested');
      expect((await post(`/api/orders/${o.order_id}/accept`, await shop(h.merchant_id))).status).toBe(200);
      // the day comes
      t.clock.set(new Date(Date.parse(slot) + 30 * 60_000).toISOString());
      await runJob(t.deps, { job: 'daily' });
      const shopBefore = await receivable(h.merchant_id);
      tok = await e.token();
      const seen = (await (await t.app.request(`/api/orders/${o.order_id}`, bearer(tok))).json()) as O;
      const done = await post(`/api/orders/${o.order_id}/complete`, await shop(h.merchant_id), { code: seen.code });
      expect(done.status, await done.clone().text()).toBe(200);
      expect(await receivable(h.merchant_id)).toBe(shopBefore + h.price_points);
      await verifyOk();
    },
  );

  it(
    'a hold that runs out closes the order in the same transaction: final ' +
      'state, slot and points given back, both sides told; ledger verifies',
    async () => {
      t.clock.set(monday(4));
      const T0 = monday(4);
      const e = await elderOf(4);
      const tok = await e.token();
      const h = (await hits(tok, 'barber'))[0];
      if (!h) throw new Error('no barber');
      const s = (await t.deps.merchants.services(h.merchant_id)).find((x) => x.service_id === h.service_id);
      const slot = s ? slotStarts(s, new Date(Date.parse(T0) + 2 * 86_400_000), 1)[0] : undefined;
      if (!slot) throw new Error('no slot');
      const before = await wallet(e.id);
      const { o, m } = await bookAccepted(tok, 'barber', slot);
      expect(await slotPlaces(o)).toBe(1);
      expect(await wallet(e.id)).toBe(before - h.price_points);

      t.clock.set(new Date(Date.parse(slot) + DEFAULT_POLICY.hold_ttl_hours * 3600_000 + 60_000).toISOString());
      const r = await runJob(t.deps, { job: 'daily' });
      expect(r).toMatchObject({ released: expect.any(Number) });
      const after = await t.deps.orders.get(o.order_id);
      expect(after?.status).toBe('expired');
      expect(after?.change?.event).toBe('lapse');
      expect((await t.deps.ledger.hold(o.order_id))?.status).toBe('expired');
      expect(await slotPlaces(o)).toBe(0);
      expect(await wallet(e.id)).toBe(before);
      onceEach(noticesOf(o.order_id, 'order_lapsed'), e.phone);
      expect(noticesOf(o.order_id, 'order_cancelled').map((x) => x.to_phone)).toEqual([
        merchantPhone.get(h.merchant_id),
      ]);
      // nothing is stuck: every late action is told the order's final state; a second run does nothing
      const late = await post(`/api/orders/${o.order_id}/complete`, await shop(h.merchant_id), { code: o.code });
      expect(late.status).toBe(409);
      expect(((await late.json()) as Err).error.details?.status).toBe('expired');
      expect(await runJob(t.deps, { job: 'hold-expiry' })).toMatchObject({ released: 0 });
      expect(m).toBeTruthy();
      await verifyOk();
    },
  );

  it(
    'accepting or completing on a hold that ran out (before any job) closes ' +
      'the order instead and answers 409 expired',
    async () => {
      t.clock.set(monday(5));
      const T0 = monday(5);
      const e = await elderOf(5);
      let tok = await e.token();
      const before = await wallet(e.id);
      // accepted, never completed; nobody ran the job
      const { o, h } = await bookAccepted(tok, 'canteen');
      // requested ahead, never answered
      const h2 = (await hits(tok, 'barber'))[0];
      const s2 = h2
        ? (await t.deps.merchants.services(h2.merchant_id)).find((x) => x.service_id === h2.service_id)
        : undefined;
      const slot = s2 ? slotStarts(s2, new Date(Date.parse(T0) + 86_400_000), 1)[0] : undefined;
      if (!h2 || !slot) throw new Error('no barber slot');
      const r2 = await post(
        '/api/orders',
        tok,
        { merchant_id: h2.merchant_id, service_id: h2.service_id, slot_start: slot },
        key(),
      );
      const o2 = (await r2.json()) as O;
      expect(r2.status).toBe(201);

      t.clock.set(new Date(Date.parse(slot) + DEFAULT_POLICY.hold_ttl_hours * 3600_000 + 60_000).toISOString());
      const done = await post(`/api/orders/${o.order_id}/complete`, await shop(h.merchant_id), { code: o.code });
      expect(done.status).toBe(409);
      expect(((await done.json()) as Err).error.details?.status).toBe('expired');
      const acc = await post(`/api/orders/${o2.order_id}/accept`, await shop(h2.merchant_id));
      expect(acc.status).toBe(409);
      expect(((await acc.json()) as Err).error.details?.status).toBe('expired');
      expect(await slotPlaces(o2)).toBe(0);
      expect(await wallet(e.id)).toBe(before);
      tok = await e.token();
      const cancel = await post(`/api/orders/${o.order_id}/cancel`, tok);
      expect(cancel.status).toBe(409);
      await verifyOk();
    },
  );
});

describe('orders left stuck by the old hold job', () => {
  it(
    'an accepted order whose hold the ledger job released (the old ' +
      'behaviour) is closed on the next touch: 409 expired, slot back, ledger ' +
      'verifies',
    async () => {
      t.clock.set(monday(7));
      const e = await elderOf(7);
      const tok = await e.token();
      const h = (await hits(tok, 'barber'))[0];
      const s = h
        ? (await t.deps.merchants.services(h.merchant_id)).find((x) => x.service_id === h.service_id)
        : undefined;
      const slot = s ? slotStarts(s, new Date(Date.parse(monday(7)) + 5 * 86_400_000), 1)[0] : undefined;
      if (!h || !slot) throw new Error('no barber slot');
      const before = await wallet(e.id);
      const { o, m } = await bookAccepted(tok, 'barber', slot);
      // what production holds today: an order without hold_expires_at whose hold (72 h from
      // booking) the ledger-only job released, leaving the order accepted and the slot taken
      const stored = await t.deps.orders.get(o.order_id);
      if (!stored) throw new Error('no order');
      const { hold_expires_at: _gone, ...legacy } = stored;
      await t.deps.orders.put({ ...legacy, version: stored.version + 1 }, stored.version);
      t.clock.set(new Date(Date.parse(stored.hold_expires_at ?? '') + 60_000).toISOString());
      await runHoldExpiry(t.deps, t.clock.now());
      expect((await t.deps.ledger.hold(o.order_id))?.status).toBe('expired');
      expect((await t.deps.orders.get(o.order_id))?.status).toBe('accepted');
      expect(await slotPlaces(o)).toBe(1);

      const late = await post(`/api/orders/${o.order_id}/complete`, await shop(h.merchant_id), { code: o.code });
      expect(late.status).toBe(409);
      expect(((await late.json()) as Err).error.details?.status).toBe('expired');
      expect((await t.deps.orders.get(o.order_id))?.change?.event).toBe('lapse');
      expect(await slotPlaces(o)).toBe(0);
      expect(await wallet(e.id)).toBe(before);
      expect(m).toBeTruthy();
      await verifyOk();
    },
  );
});

describe('declared notices are sent', () => {
  it('cancel and no-show reach the elder and the merchant, once', async () => {
    t.clock.set(monday(8));
    const e = await elderOf(6);
    const tok = await e.token();
    const c = await bookAccepted(tok, 'barber');
    const cancels = await Promise.all(
      Array.from({ length: 10 }, () => post(`/api/orders/${c.o.order_id}/cancel`, tok)),
    );
    expect(statuses(cancels).filter((s) => s === 200)).toHaveLength(1);
    await losersSay(cancels, 'cancelled');
    const told = noticesOf(c.o.order_id, 'order_cancelled');
    onceEach(told, e.phone);
    expect(told.map((x) => x.to_phone)).toContain(merchantPhone.get(c.h.merchant_id));
    expect(
      (await t.deps.audit.listBySubject(`order:${c.o.order_id}`, 50)).items.filter((a) => a.action === 'order.cancel'),
    ).toHaveLength(1);

    const ns = await bookAccepted(tok, 'barber');
    const marks = await Promise.all(
      Array.from({ length: 10 }, () => post(`/api/orders/${ns.o.order_id}/no-show`, ns.m)),
    );
    expect(statuses(marks).filter((s) => s === 200)).toHaveLength(1);
    await losersSay(marks, 'no_show');
    const told2 = noticesOf(ns.o.order_id, 'order_no_show');
    onceEach(told2, e.phone);
    expect(told2.map((x) => x.to_phone)).toContain(merchantPhone.get(ns.h.merchant_id));
    expect(
      (await t.deps.audit.listBySubject(`order:${ns.o.order_id}`, 50)).items.filter(
        (a) => a.action === 'order.no_show',
      ),
    ).toHaveLength(1);
    await verifyOk();
  });
});
