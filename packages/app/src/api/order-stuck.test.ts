// Orders that cannot get stuck (issue 8, sections 4 and 8), through HTTP on DynamoDB Local with the fake
// clock: a booking two weeks ahead survives until its slot; a hold that runs out closes the order with
// its points and its slot; cancel, no-show and disputes are told to both sides. One success per change
// is in order-lifecycle.test.ts.
import { describe, expect, it } from 'vitest';
import { bearer } from '../../../../tests/support/app';
import { slotStarts } from '@tmc/core/merchants/model';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import { runHoldExpiry } from '@tmc/core/policy/expiry';
import { runJob } from '../compose/jobs';
import {
  bookAccepted,
  elderOf,
  hits,
  key,
  losersSay,
  merchantPhone,
  monday,
  noticesOf,
  onceEach,
  post,
  receivable,
  shop,
  slotPlaces,
  statuses,
  t,
  useOrderLifeApp,
  verifyOk,
  wallet,
  type Err,
  type O,
} from '../../../../tests/support/order-lifecycle';

useOrderLifeApp();

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
