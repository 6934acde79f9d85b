// One success per change (issue 8, section 5), through HTTP on DynamoDB Local with the fake clock:
// parallel accepts / cancels / completes / disputes / decisions have exactly one winner with one
// notice per phone and one audit record. Orders that cannot get stuck are in order-stuck.test.ts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import { staffToken } from '../../../../tests/support/app';
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
  statuses,
  t,
  useOrderLifeApp,
  verifyOk,
  wallet,
} from '../../../../tests/support/order-lifecycle';

useOrderLifeApp();

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

  it('30 parallel accepts, then 30 parallel cancels: one winner each, one notice per phone, one audit', async () => {
    t.clock.set(monday(2));
    const e = await elderOf(2);
    const tok = await e.token();
    const h = (await hits(tok, 'barber'))[0]!;
    const before = await wallet(e.id);
    const booked = await post(
      '/api/orders',
      tok,
      { merchant_id: h.merchant_id, service_id: h.service_id, slot_start: null },
      key(),
    );
    const o = (await booked.json()) as { order_id: string };
    expect(booked.status).toBe(201);
    const m = await shop(h.merchant_id);
    const accepts = await Promise.all(Array.from({ length: 30 }, () => post(`/api/orders/${o.order_id}/accept`, m)));
    expect(statuses(accepts).filter((s) => s === 200)).toHaveLength(1);
    await losersSay(accepts, 'accepted');
    onceEach(noticesOf(o.order_id, 'order_accepted'), e.phone);

    const cancels = await Promise.all(Array.from({ length: 30 }, () => post(`/api/orders/${o.order_id}/cancel`, tok)));
    expect(statuses(cancels).filter((s) => s === 200)).toHaveLength(1);
    await losersSay(cancels, 'cancelled');
    const told = noticesOf(o.order_id, 'order_cancelled');
    onceEach(told, e.phone);
    expect(told.filter((x) => x.to_phone === merchantPhone.get(h.merchant_id))).toHaveLength(1);
    expect(
      (await t.deps.audit.listBySubject(`order:${o.order_id}`, 50)).items.filter((a) => a.action === 'order.cancel'),
    ).toHaveLength(1);
    expect(await wallet(e.id)).toBe(before); // cancelled before service with the default fee of 0: all back
    await verifyOk();
  });

  it('30 parallel cancels of an accepted order under a fee: one keeps the fee once, the rest is back', async () => {
    t.clock.set(monday(3));
    const e = await elderOf(2);
    const tok = await e.token();
    const admin = await staffToken(t.app, 'admin');
    const setFee = async (points: number) => {
      const month = `${monday(3).slice(0, 7)}-01`; // a policy takes effect from this month on
      const policy = { ...DEFAULT_POLICY, effective_from: month, cancel_fee_after_accept_points: points };
      const res = await post('/api/policies', admin, policy);
      expect(res.status, await res.text()).toBe(201);
    };
    await setFee(5);
    try {
      const before = await wallet(e.id);
      const { o, h } = await bookAccepted(tok, 'barber');
      const shopBefore = await receivable(h.merchant_id);
      const cancels = await Promise.all(
        Array.from({ length: 30 }, () => post(`/api/orders/${o.order_id}/cancel`, tok)),
      );
      expect(statuses(cancels).filter((s) => s === 200)).toHaveLength(1);
      await losersSay(cancels, 'cancelled');
      const fee = Math.min(5, h.price_points);
      expect(await wallet(e.id)).toBe(before - fee);
      expect(await receivable(h.merchant_id)).toBe(shopBefore + fee);
      onceEach(noticesOf(o.order_id, 'order_cancelled'), e.phone);
    } finally {
      await setFee(0);
    }
    await verifyOk();
  });
});
