// Orders through HTTP on DynamoDB Local: every transition, illegal ones (409 with the state),
// double submission, races (last slot, capture vs cancel, cascaded accept), 帮我找 with timers
// firing twice, disputes; the ledger verifies after each.
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import { credit } from '@tmc/core/ledger/service';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { runJob } from '../compose/jobs';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let elder: string;
let elderId: string;
let admin: string;
const merchantTokens = new Map<string, string>();
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 16, merchants: true });
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  t.deps.scheduler = { at: async () => undefined }; // timers are fired by hand below
  await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  elder = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
  elderId = (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', t.seed?.elderPhones[0] ?? '')))[0] ?? '';
  admin = await staffToken(t.app, 'admin');
  for (let i = 0; i < 36; i++) {
    const phone = `1700002${String(i).padStart(4, '0')}`;
    const acct = await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone));
    if (acct) merchantTokens.set(acct.account_id, await phoneToken(t.app, t.deps, phone, 'merchant'));
  }
}, 180_000);

type Hit = {
  merchant_id: string;
  service_id: string;
  price_points: number;
  capacity_per_slot: number;
  next_slot: string | null;
  home_visit: boolean;
};
type O = { order_id: string; status: string; code?: string; merchant_id: string; price_points: number };
let keyN = 0;
const key = () => ({ 'idempotency-key': `order-test-${keyN++}-${Date.now()}` });
const balance = async () => (await t.deps.ledger.account(`wallet:${elderId}`)).balance_points;
const err = async (r: Response) =>
  ((await r.json()) as { error: { code: string; details?: { status?: string } } }).error;
const hits = async (category: string) =>
  (
    (await (await t.app.request(`/api/search?category=${category}&minutes=60`, bearer(elder))).json()) as {
      items: Hit[];
    }
  ).items.filter((h) => !h.home_visit);
const book = (h: Hit, k = key(), slot: string | null = null, token = elder) =>
  t.app.request(
    '/api/orders',
    bearer(token, json({ merchant_id: h.merchant_id, service_id: h.service_id, slot_start: slot }, k)),
  );
const as = (m: string) => merchantTokens.get(m) ?? '';
const post = (path: string, token: string, body: unknown = {}) => t.app.request(path, bearer(token, json(body)));
const racer = (i: number) => phoneToken(t.app, t.deps, t.seed?.elderPhones[i] ?? '', 'elder');
const verifyOk = async () => expect((await verifyLedger(t.db)).problems).toEqual([]);

describe('order lifecycle', () => {
  it(
    'request -> accept -> complete by code -> rate; points held then ' +
      'captured; illegal steps are 409 with the state',
    async () => {
      const h = (await hits('barber'))[0];
      if (!h) throw new Error('no barber near the demo elder');
      const before = await balance();
      const k = key();
      const res = await book(h, k);
      expect(res.status).toBe(201);
      const o = (await res.json()) as O;
      expect(o.status).toBe('requested');
      expect(o.code).toMatch(/^\d{6}$/);
      expect(await balance()).toBe(before - h.price_points);
      const again = await book(h, k); // double submission: same order, points held once
      expect(((await again.json()) as O).order_id).toBe(o.order_id);
      expect(await balance()).toBe(before - h.price_points);
      const early = await post(`/api/orders/${o.order_id}/complete`, as(h.merchant_id), { code: o.code });
      expect(early.status).toBe(409);
      expect((await err(early)).details?.status).toBe('requested');
      expect((await post(`/api/orders/${o.order_id}/accept`, as(h.merchant_id))).status).toBe(200);
      expect((await post(`/api/orders/${o.order_id}/accept`, as(h.merchant_id))).status).toBe(409);
      const wrong = await post(`/api/orders/${o.order_id}/complete`, as(h.merchant_id), {
        code: o.code === '000000' ? '111111' : '000000',
      });
      expect((await err(wrong)).code).toBe('CODE_INVALID');
      const done = await post(`/api/orders/${o.order_id}/complete`, as(h.merchant_id), { code: o.code });
      expect(done.status).toBe(200);
      expect(await balance()).toBe(before - h.price_points);
      expect((await t.deps.ledger.account(`merchant:${h.merchant_id}`)).balance_points).toBeGreaterThanOrEqual(
        h.price_points,
      );
      expect((await post(`/api/orders/${o.order_id}/rate`, elder, { stars: 5, tags: ['准时'] })).status).toBe(200);
      expect((await post(`/api/orders/${o.order_id}/rate`, elder, { stars: 1 })).status).toBe(409);
      expect((await t.deps.merchants.getMerchant(h.merchant_id))?.rating_count).toBeGreaterThan(0);
      await verifyOk();
    },
  );

  it('cancel before acceptance releases the points; another merchant cannot touch the order', async () => {
    const all = await hits('barber');
    const h = all[0];
    const other = all.find((x) => x.merchant_id !== h?.merchant_id);
    if (!h || !other) throw new Error('need two barbers');
    const before = await balance();
    const o = (await (await book(h)).json()) as O;
    // not its order: not found, as for reads
    expect((await post(`/api/orders/${o.order_id}/accept`, as(other.merchant_id))).status).toBe(404);
    expect((await post(`/api/orders/${o.order_id}/cancel`, elder)).status).toBe(200);
    expect(await balance()).toBe(before);
    expect((await post(`/api/orders/${o.order_id}/accept`, as(h.merchant_id))).status).toBe(409);
    await verifyOk();
  });

  it('two bookings race for the last place of a slot: exactly one gets it', async () => {
    const h = (await hits('clinic')).find((x) => x.capacity_per_slot === 1 && x.next_slot);
    if (!h?.next_slot) throw new Error('need a clinic with capacity 1');
    // Two other elders race, so which one wins never changes the main elder's spending (caps).
    const [one, two] = [await racer(1), await racer(2)];
    const [a, b] = await Promise.all([book(h, key(), h.next_slot, one), book(h, key(), h.next_slot, two)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((await err(a.status === 409 ? a : b)).code).toBe('SLOT_FULL');
    // the same instant spelled another way is the same slot, not a fresh one
    const respelled = h.next_slot.replace('.000Z', 'Z');
    const third = await book(h, key(), respelled, await racer(7));
    expect(third.status).toBe(409);
    expect((await err(third)).code).toBe('SLOT_FULL');
    // search now offers the next slot with room instead of the full one
    const again = (await hits('clinic')).find((x) => x.service_id === h.service_id);
    expect(again?.next_slot && again.next_slot > h.next_slot).toBe(true);
    await verifyOk();
  });

  it('capture racing cancel, six times: exactly one wins; the loser is told the order moved on', async () => {
    const h = (await hits('canteen'))[0];
    if (!h) throw new Error('no canteen');
    for (let i = 0; i < 6; i++) {
      // not the main elder: the outcomes must not change later tests' caps
      const who = await racer([3, 6, 7][i % 3] ?? 3);
      const o = (await (await book(h, key(), null, who)).json()) as O;
      await post(`/api/orders/${o.order_id}/accept`, as(h.merchant_id));
      const [done, cancel] = await Promise.all([
        post(`/api/orders/${o.order_id}/complete`, as(h.merchant_id), { code: o.code }),
        post(`/api/orders/${o.order_id}/cancel`, who),
      ]);
      expect([done.status, cancel.status].sort()).toEqual([200, 409]);
      expect((await err(done.status === 409 ? done : cancel)).code).toBe('ORDER_STATE');
    }
    await verifyOk();
  });

  it('card number + PIN completes; five wrong tries lock the order', async () => {
    const h = (await hits('barber'))[1];
    if (!h) throw new Error('no barber');
    const card = (await t.deps.elders.get(elderId))?.card_number ?? '';
    const o1 = (await (await book(h)).json()) as O;
    await post(`/api/orders/${o1.order_id}/accept`, as(h.merchant_id));
    expect(
      (await post(`/api/orders/${o1.order_id}/complete`, as(h.merchant_id), { card_number: card, pin: '123456' }))
        .status,
    ).toBe(200);
    const r2 = await book(h);
    const o2 = (await r2.json()) as O;
    expect(r2.status, JSON.stringify(o2)).toBe(201);
    await post(`/api/orders/${o2.order_id}/accept`, as(h.merchant_id));
    const codes: string[] = [];
    for (let i = 0; i < 6; i++)
      codes.push(
        (
          await err(
            await post(`/api/orders/${o2.order_id}/complete`, as(h.merchant_id), { card_number: card, pin: '000000' }),
          )
        ).code,
      );
    expect(codes).toEqual([
      'CODE_INVALID',
      'CODE_INVALID',
      'CODE_INVALID',
      'CODE_INVALID',
      'CODE_LOCKED',
      'CODE_LOCKED',
    ]);
    await post(`/api/orders/${o2.order_id}/cancel`, elder);
    await verifyOk();
  });

  it('dispute within 7 days; staff uphold reverses the points to the elder', async () => {
    const h = (await hits('barber'))[0];
    if (!h) throw new Error('no barber');
    const o = (await (await book(h)).json()) as O;
    await post(`/api/orders/${o.order_id}/accept`, as(h.merchant_id));
    await post(`/api/orders/${o.order_id}/complete`, as(h.merchant_id), { code: o.code });
    const after = await balance();
    expect((await post(`/api/orders/${o.order_id}/dispute`, elder, { reason: '没有理完就走了' })).status).toBe(200);
    expect((await post(`/api/orders/${o.order_id}/dispute/uphold`, admin, { reason: '核实属实' })).status).toBe(200);
    expect(await balance()).toBe(after + h.price_points);
    expect((await post(`/api/orders/${o.order_id}/dispute/uphold`, admin, { reason: '再次' })).status).toBe(409);
    await verifyOk();
  });
});

describe("home visits: the address is the merchant's only while the order is open", () => {
  it(
    'hidden before acceptance and after completion, from other shops and ' + 'on-site orders; each read audited',
    async () => {
      const who = await racer(5);
      const whoId =
        (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', t.seed?.elderPhones[5] ?? '')))[0] ?? '';
      const all = (
        (await (await t.app.request('/api/search?category=domestic&minutes=60', bearer(who))).json()) as {
          items: Hit[];
        }
      ).items;
      const h = all.find((x) => x.home_visit);
      const onsite = all.find((x) => !x.home_visit && x.merchant_id !== h?.merchant_id);
      if (!h || !onsite) throw new Error('need a home-visit and an on-site domestic service');
      const visit = (m: string, id: string) => t.app.request(`/api/orders/${id}/visit`, bearer(as(m)));
      // on-site first (the elder's points cover one order at a time)
      const booked = await book(onsite, key(), null, who);
      const site = (await booked.json()) as O;
      expect(booked.status, JSON.stringify(site)).toBe(201);
      expect((await post(`/api/orders/${site.order_id}/accept`, as(onsite.merchant_id))).status).toBe(200);
      expect((await err(await visit(onsite.merchant_id, site.order_id))).code).toBe('NOT_HOME_VISIT');
      await post(`/api/orders/${site.order_id}/cancel`, who);

      const o = (await (await book(h, key(), null, who)).json()) as O;

      expect((await err(await visit(h.merchant_id, o.order_id))).code).toBe('ORDER_STATE');
      await post(`/api/orders/${o.order_id}/accept`, as(h.merchant_id));
      const res = await visit(h.merchant_id, o.order_id);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const v = (await res.json()) as { address: string; elder_name_masked: string };
      expect(v.address).toBe((await t.deps.elders.get(whoId))?.address);
      expect(v.elder_name_masked).toMatch(/^.\*{1,3}$/);
      expect(JSON.stringify(v)).not.toMatch(/\d{11}|\d{17}[\dX]/); // no phone, no ID number
      expect((await visit(onsite.merchant_id, o.order_id)).status).toBe(404); // another shop: no such order
      expect((await t.app.request(`/api/orders/${o.order_id}/visit`, bearer(who))).status).toBe(403);
      const audit = await t.deps.audit.listBySubject(`elder:${whoId}`, 20);
      expect(audit.items.filter((a) => a.action === 'order.read_visit_address')).toHaveLength(1);

      await post(`/api/orders/${o.order_id}/complete`, as(h.merchant_id), { code: o.code });
      expect((await err(await visit(h.merchant_id, o.order_id))).code).toBe('ORDER_STATE');
      await verifyOk();
    },
  );
});

describe('cancelling after acceptance under a policy fee', () => {
  const setFee = async (points: number) => {
    const res = await t.app.request(
      '/api/policies',
      bearer(admin, json({ ...DEFAULT_POLICY, effective_from: '2026-11-01', cancel_fee_after_accept_points: points })),
    );
    expect(res.status).toBe(201);
  };

  it('before acceptance it is free; after it the fee goes to the merchant and the rest comes back', async () => {
    const who = await racer(4); // an elder of its own: caps and balances of other tests stay put
    const whoId =
      (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', t.seed?.elderPhones[4] ?? '')))[0] ?? '';
    const wallet = async () => (await t.deps.ledger.account(`wallet:${whoId}`)).balance_points;
    const h = (await hits('domestic'))[0];
    if (!h) throw new Error('no domestic help');
    const receivable = async () => (await t.deps.ledger.account(`merchant:${h.merchant_id}`)).balance_points;
    await setFee(5);
    try {
      const start = await wallet();
      const free = (await (await book(h, key(), null, who)).json()) as O;
      expect((await post(`/api/orders/${free.order_id}/cancel`, who)).status).toBe(200);
      expect(await wallet()).toBe(start);

      const shopBefore = await receivable();
      const o = (await (await book(h, key(), null, who)).json()) as O;
      await post(`/api/orders/${o.order_id}/accept`, as(h.merchant_id));
      const res = await post(`/api/orders/${o.order_id}/cancel`, who);
      expect(res.status).toBe(200);
      const fee = Math.min(5, h.price_points);
      expect(((await res.json()) as O & { cancel_fee_points: number }).cancel_fee_points).toBe(fee);
      expect(await wallet()).toBe(start - fee);
      expect(await receivable()).toBe(shopBefore + fee);
      expect((await post(`/api/orders/${o.order_id}/cancel`, who)).status).toBe(409); // once
      expect(await wallet()).toBe(start - fee);

      // staff cancelling (a mistaken 代下单, a suspended shop) never costs the elder
      const byStaff = (await (await book(h, key(), null, who)).json()) as O;
      await post(`/api/orders/${byStaff.order_id}/accept`, as(h.merchant_id));
      expect((await post(`/api/orders/${byStaff.order_id}/cancel`, admin)).status).toBe(200);
      expect(await wallet()).toBe(start - fee);

      // a paid cancel racing the completion: one wins, the other is told ORDER_STATE, and the
      // wallet moved by exactly the winner's amount (the two write the same capture entry)
      await credit(t.deps, {
        entry_id: 'test:fee-race-points',
        kind: 'adjustment',
        elder_id: whoId,
        amount_points: 3 * h.price_points,
        from: 'adjustments',
        source: 'top_up',
        subsidy: false,
        expires_on: NEVER_EXPIRES,
        reason: '测试：竞态用积分',
        actor: 'test',
        policy_version: null,
      });
      for (let i = 0; i < 3; i++) {
        const before = await wallet();
        const r = (await (await book(h, key(), null, who)).json()) as O;
        await post(`/api/orders/${r.order_id}/accept`, as(h.merchant_id));
        const [done, cancel] = await Promise.all([
          post(`/api/orders/${r.order_id}/complete`, as(h.merchant_id), { code: r.code }),
          post(`/api/orders/${r.order_id}/cancel`, who),
        ]);
        expect([done.status, cancel.status].sort()).toEqual([200, 409]);
        expect((await err(done.status === 409 ? done : cancel)).code).toBe('ORDER_STATE');
        expect(await wallet()).toBe(before - (done.status === 200 ? h.price_points : fee));
      }
    } finally {
      await setFee(0);
    }
    await verifyOk();
  });
});

describe('帮我找 (find one for me)', () => {
  it(
    'offers in turn as offers expire; a timer firing twice changes nothing; ' +
      'the old merchant cannot accept; after five: unmatched, points back',
    async () => {
      const before = await balance();
      const res = await t.app.request('/api/orders/find', bearer(elder, json({ category: 'barber' }, key())));
      expect(res.status).toBe(201);
      const o = (await res.json()) as O & { offers: { merchant_id: string }[] };
      expect(o.offers.length).toBeGreaterThan(1);
      const first = o.merchant_id;
      t.clock.advance(3 * 60_000 + 1);
      expect(await runJob(t.deps, { job: 'offer-expiry', order_id: o.order_id, offer_index: 0 })).toMatchObject({
        outcome: 'done',
      });
      expect(await runJob(t.deps, { job: 'offer-expiry', order_id: o.order_id, offer_index: 0 })).toMatchObject({
        outcome: 'noop',
      });
      const moved = await t.deps.orders.get(o.order_id);
      expect(moved?.merchant_id).not.toBe(first);
      expect((await post(`/api/orders/${o.order_id}/accept`, as(first))).status).toBe(404); // no longer its order
      for (let i = 1; i < o.offers.length; i++) {
        t.clock.advance(3 * 60_000 + 1);
        await runJob(t.deps, { job: 'offer-expiry', order_id: o.order_id, offer_index: i });
      }
      expect((await t.deps.orders.get(o.order_id))?.status).toBe('unmatched');
      expect(await balance()).toBe(before);
      expect((await t.deps.outbox?.latestFor(t.seed?.elderPhones[0] ?? ''))?.text_zh).toContain('没有商户');
      await verifyOk();
    },
  );

  it('the second merchant accepts; the elder sees which merchant took it', async () => {
    const res = await t.app.request('/api/orders/find', bearer(elder, json({ category: 'barber' }, key())));
    const o = (await res.json()) as O;
    expect(res.status, JSON.stringify(o)).toBe(201);
    await post(`/api/orders/${o.order_id}/reject`, as(o.merchant_id));
    const now = await t.deps.orders.get(o.order_id);
    expect(now?.status).toBe('requested');
    expect((await post(`/api/orders/${o.order_id}/accept`, as(now?.merchant_id ?? ''))).status).toBe(200);
    const seen = (await (await t.app.request(`/api/orders/${o.order_id}`, bearer(elder))).json()) as {
      status: string;
      merchant_name: string;
    };
    expect(seen.status).toBe('accepted');
    expect(seen.merchant_name).toBe(now?.merchant_name);
    await post(`/api/orders/${o.order_id}/cancel`, elder);
    await verifyOk();
  });
});
