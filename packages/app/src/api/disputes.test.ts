// Staff act for an elder without a phone (rate and dispute on behalf, audited, in scope only), the
// staff queue of open disputes (by key, scoped, paged, gone once decided), and 帮我找 keeping to
// the kind of service the elder asked for.
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';
import { orderCode } from '@tmc/core/orders/complete';
import { requestOrder } from '@tmc/core/orders/book';
import { isWithin } from '@tmc/core/areas/model';
import type { Order } from '@tmc/core/orders/state';
import type { SearchHit } from '@tmc/core/search/search';
import { runJob } from '../compose/jobs';
import { orderDeps } from '../compose/order-deps';
import { policyNow } from '../compose/policy-now';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
let street: string; // 'xicheng': zengdu.xicheng only
const inStreet: string[] = []; // elder ids inside xicheng
const outside: string[] = []; // elder ids elsewhere
const merchantTokens = new Map<string, string>();
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 16, merchants: true });
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  t.deps.scheduler = { at: async () => undefined }; // offer timers play no part here
  await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  admin = await staffToken(t.app, 'admin');
  street = await staffToken(t.app, 'xicheng');
  for (const phone of t.seed?.elderPhones ?? []) {
    for (const id of await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone))) {
      const e = await t.deps.elders.get(id);
      if (e) (isWithin(e.community_code, 'zengdu.xicheng') ? inStreet : outside).push(id);
    }
  }
  for (let i = 0; i < 36; i++) {
    const phone = `1700002${String(i).padStart(4, '0')}`;
    const acct = await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone));
    if (acct) merchantTokens.set(acct.account_id, await phoneToken(t.app, t.deps, phone, 'merchant'));
  }
}, 240_000);

let keyN = 0;
const key = () => ({ 'idempotency-key': `disputes-test-${keyN++}` });
const post = (path: string, token: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  t.app.request(path, bearer(token, json(body, headers)));
const hitsFor = async (elder_id: string, category: string) =>
  (
    (await (
      await t.app.request(`/api/search?category=${category}&minutes=60&elder_id=${elder_id}`, bearer(admin))
    ).json()) as { items: SearchHit[] }
  ).items.filter((h) => !h.home_visit);

/** A completed order for `elder_id`, booked by staff on behalf and completed by the shop with the code. */
const completed = async (elder_id: string): Promise<Order> => {
  const h = (await hitsFor(elder_id, 'canteen'))[0];
  if (!h) throw new Error('no canteen near the elder');
  const res = await post(
    '/api/orders',
    admin,
    { elder_id, merchant_id: h.merchant_id, service_id: h.service_id },
    key(),
  );
  expect(res.status, await res.clone().text()).toBe(201);
  const { order_id } = (await res.json()) as { order_id: string };
  const shop = merchantTokens.get(h.merchant_id) ?? '';
  expect((await post(`/api/orders/${order_id}/accept`, shop)).status).toBe(200);
  const o = await t.deps.orders.get(order_id);
  if (!o) throw new Error('order gone');
  expect((await post(`/api/orders/${order_id}/complete`, shop, { code: orderCode(t.deps, o) })).status).toBe(200);
  return (await t.deps.orders.get(order_id)) ?? o;
};
const audits = async (elder_id: string, action: string) =>
  (await t.deps.audit.listBySubject(`elder:${elder_id}`, 100)).items.filter((a) => a.action === action);
type Queue = { items: { order_id: string; status: string; community_code: string }[]; cursor: string | null };
const queue = async (token: string, q = '') => {
  const res = await t.app.request(`/api/disputes${q}`, bearer(token));
  expect(res.status).toBe(200);
  return (await res.json()) as Queue;
};

describe('staff rate and dispute on behalf', () => {
  it('staff rate for an elder in scope, once, audited once; 20 at once: one wins, the rest 409', async () => {
    const elder = inStreet[0] ?? '';
    const o = await completed(elder);
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(`/api/orders/${o.order_id}/rate`, i % 2 ? admin : street, { stars: 4, tags: ['准时'] }),
      ),
    );
    expect(rs.map((r) => r.status).sort()).toEqual([200, ...Array.from({ length: 19 }, () => 409)]);
    expect((await t.deps.orders.get(o.order_id))?.status).toBe('rated');
    expect(await audits(elder, 'order.rate_on_behalf')).toHaveLength(1);
  });

  it(
    "an officer outside the elder's area can neither rate nor dispute (403 " + 'OUT_OF_SCOPE, nothing changes)',
    async () => {
      const o = await completed(outside[0] ?? '');
      for (const what of ['rate', 'dispute'] as const) {
        const r = await post(
          `/api/orders/${o.order_id}/${what}`,
          street,
          what === 'rate' ? { stars: 1 } : { reason: '服务没有做' },
        );
        expect(r.status).toBe(403);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('OUT_OF_SCOPE');
      }
      expect((await t.deps.orders.get(o.order_id))?.status).toBe('completed');
    },
  );

  it(
    'staff dispute for an elder, 20 at once: one dispute, audited once, ' +
      'queued once; the queue is scoped, paged, and drops it once decided',
    async () => {
      const elder = inStreet[1] ?? inStreet[0] ?? '';
      const o = await completed(elder);
      const rs = await Promise.all(
        Array.from({ length: 20 }, () => post(`/api/orders/${o.order_id}/dispute`, street, { reason: '饭菜没有送到' })),
      );
      expect(rs.filter((r) => r.status === 200)).toHaveLength(1);
      expect(rs.filter((r) => r.status === 409)).toHaveLength(19);
      const now = await t.deps.orders.get(o.order_id);
      expect(now?.status).toBe('disputed');
      expect(now?.dispute?.by).toMatch(/^staff:/);
      expect(await audits(elder, 'order.dispute_on_behalf')).toHaveLength(1);

      const far = await completed(outside[1] ?? outside[0] ?? '');
      expect((await post(`/api/orders/${far.order_id}/dispute`, admin, { reason: '没有上门' })).status).toBe(200);

      const mine = await queue(street);
      expect(mine.items.map((x) => x.order_id)).toEqual([o.order_id]); // only xicheng's, once
      expect(mine.items[0]?.status).toBe('disputed');
      const all = await queue(admin);
      expect(all.items.map((x) => x.order_id).sort()).toEqual([o.order_id, far.order_id].sort());
      // narrowed to a street or community of the caller's area; another street's is refused
      expect((await queue(admin, '?area=zengdu.xicheng')).items.map((x) => x.order_id)).toEqual([o.order_id]);
      const own = (await t.deps.elders.get(elder))?.community_code ?? '';
      expect((await queue(street, `?area=${own}`)).items.map((x) => x.order_id)).toEqual([o.order_id]);
      const other = await t.app.request('/api/disputes?area=zengdu.dongcheng', bearer(street));
      expect(other.status).toBe(403);
      expect(((await other.json()) as { error: { code: string } }).error.code).toBe('OUT_OF_SCOPE');
      // paged: one at a time walks the same two
      const first = await queue(admin, '?limit=1');
      expect(first.items).toHaveLength(1);
      const second = await queue(admin, `?limit=1&cursor=${first.cursor ?? ''}`);
      expect([...first.items, ...second.items].map((x) => x.order_id).sort()).toEqual(
        [o.order_id, far.order_id].sort(),
      );
      // a cursor pointing outside the officer's area is refused, not followed
      const forged = Buffer.from(JSON.stringify({ pk: 'DISPUTES_OPEN', sk: 'zengdu.dongcheng.x#~' })).toString(
        'base64url',
      );
      const refused = await t.app.request(`/api/disputes?cursor=${forged}`, bearer(street));
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { fields: { code: string }[] } }).error.fields[0]?.code).toBe(
        'CURSOR_INVALID',
      );

      expect((await post(`/api/orders/${o.order_id}/dispute/dismiss`, street, { reason: '已核实送达' })).status).toBe(
        200,
      );
      expect((await post(`/api/orders/${far.order_id}/dispute/uphold`, admin, { reason: '确未上门' })).status).toBe(
        200,
      );
      expect((await queue(admin)).items).toEqual([]);
    },
  );

  it('the queue is staff only', async () => {
    const elderToken = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
    expect((await t.app.request('/api/disputes', bearer(elderToken))).status).toBe(403);
  });
});

describe('the completion code and staff', () => {
  it('staff in scope see the code of an order booked on behalf, never of one the elder booked', async () => {
    const elder_id = inStreet[0] ?? '';
    const h = (await hitsFor(elder_id, 'canteen'))[0];
    if (!h) throw new Error('no canteen near the elder');
    const body = { elder_id, merchant_id: h.merchant_id, service_id: h.service_id };
    const booked = await post('/api/orders', street, body, key());
    expect(booked.status).toBe(201);
    const mine = (await booked.json()) as { order_id: string; code?: string };
    const o = await t.deps.orders.get(mine.order_id);
    if (!o) throw new Error('order gone');
    expect(mine.code).toBe(orderCode(t.deps, o));
    const read = async (token: string, id: string) =>
      (await (await t.app.request(`/api/orders/${id}`, bearer(token))).json()) as { code?: string; status: string };
    expect((await read(admin, o.order_id)).code).toBe(orderCode(t.deps, o));
    expect((await read(merchantTokens.get(h.merchant_id) ?? '', o.order_id)).code).toBeUndefined();

    const phone = t.seed?.elderPhones[0] ?? '';
    const elderToken = await phoneToken(t.app, t.deps, phone, 'elder');
    const own = await post('/api/orders', elderToken, { merchant_id: h.merchant_id, service_id: h.service_id }, key());
    expect(own.status).toBe(201);
    const theirs = (await own.json()) as { order_id: string; code?: string };
    expect(theirs.code).toMatch(/^\d{6}$/);
    expect((await read(admin, theirs.order_id)).code).toBeUndefined();
    for (const id of [o.order_id, theirs.order_id])
      expect((await post(`/api/orders/${id}/cancel`, admin)).status).toBe(200);
  });
});

describe('帮我找 keeps to what the elder asked for', () => {
  it(
    'later shops are offered the same kind of service as the first, never ' +
      'dearer, whatever the candidate list holds',
    async () => {
      const elder = inStreet[2] ?? inStreet[0] ?? '';
      const all = (await hitsFor(elder, 'barber')).filter((h) => h.open_now && h.next_slot);
      const first = all.find((h) => h.name === '老人理发');
      if (!first) throw new Error('no haircut nearby');
      // shaves are there to be wrongly offered
      expect(all.some((h) => h.name !== first.name && h.merchant_id !== first.merchant_id)).toBe(true);
      const { order: o } = await requestOrder(
        orderDeps(t.deps),
        await policyNow(t.deps),
        {
          elder_id: elder,
          booked_by: 'staff:admin',
          mode: 'find_for_me',
          merchant_id: first.merchant_id,
          service_id: first.service_id,
          slot_start: null,
          candidates: [first, ...all.filter((h) => h !== first)],
        },
        { scope: 'staff:admin', key: 'find-kind-1', request_hash: 'x' },
      );
      expect(o.offers.length).toBeGreaterThan(1);
      expect(o.held_points).toBe(first.price_points);
      for (const offer of o.offers) {
        const s = (await t.deps.merchants.services(offer.merchant_id)).find((x) => x.service_id === offer.service_id);
        expect(s?.name).toBe('老人理发');
        expect(s?.price_points).toBeLessThanOrEqual(first.price_points);
      }
      expect(new Set(o.offers.map((x) => x.merchant_id)).size).toBe(o.offers.length);
      // the cascade moves on to a haircut at the next shop
      const shop = merchantTokens.get(o.merchant_id) ?? '';
      expect((await post(`/api/orders/${o.order_id}/reject`, shop)).status).toBe(200);
      const next = await t.deps.orders.get(o.order_id);
      expect(next?.service_name).toBe('老人理发');
      expect(next?.merchant_id).not.toBe(first.merchant_id);
      await post(`/api/orders/${o.order_id}/cancel`, admin);
    },
  );

  it('POST /api/orders/find offers one kind of service throughout', async () => {
    const elder = inStreet[3] ?? inStreet[0] ?? '';
    const res = await post('/api/orders/find', admin, { elder_id: elder, category: 'barber' }, key());
    expect(res.status).toBe(201);
    const o = (await res.json()) as Order;
    const names = new Set<string>();
    for (const offer of o.offers)
      names.add(
        (await t.deps.merchants.services(offer.merchant_id)).find((x) => x.service_id === offer.service_id)?.name ??
          '?',
      );
    expect([...names]).toEqual([o.service_name]);
    expect(o.held_points).toBe(o.price_points);
    await post(`/api/orders/${o.order_id}/cancel`, admin);
  });

  it('POST /api/orders/find with the service named (a shave) offers that service at every shop', async () => {
    const elder = inStreet[3] ?? inStreet[0] ?? '';
    const res = await post(
      '/api/orders/find',
      admin,
      { elder_id: elder, category: 'barber', service_name: '修面剃须' },
      key(),
    );
    expect(res.status).toBe(201);
    const o = (await res.json()) as Order;
    expect(o.service_name).toBe('修面剃须');
    for (const offer of o.offers)
      expect(
        (await t.deps.merchants.services(offer.merchant_id)).find((x) => x.service_id === offer.service_id)?.name,
      ).toBe('修面剃须');
    await post(`/api/orders/${o.order_id}/cancel`, admin);
  });
});

describe('帮我找 skips a candidate that went away', () => {
  it(
    'a skipped shop (its service withdrawn since the search) does not stall ' +
      'the cascade: the next shop of the same kind is asked',
    async () => {
      // Prepare: a 帮我找 request with at least three shops of one kind, then the second withdraws it
      // candidates within an hour's walk (hitsFor), so three shops of one kind exist in the demo
      const elder = inStreet[5] ?? inStreet[0] ?? '';
      const all = (await hitsFor(elder, 'barber')).filter((h) => h.open_now && h.next_slot);
      const cut = all.find((h) => h.name === '老人理发');
      if (!cut) throw new Error('no haircut nearby');
      const { order: o } = await requestOrder(
        orderDeps(t.deps),
        await policyNow(t.deps),
        {
          elder_id: elder,
          booked_by: 'staff:admin',
          mode: 'find_for_me',
          merchant_id: cut.merchant_id,
          service_id: cut.service_id,
          slot_start: null,
          candidates: [cut, ...all.filter((h) => h !== cut)],
        },
        { scope: 'staff:admin', key: 'find-skip-1', request_hash: 'x' },
      );
      const [first, second, third] = o.offers;
      if (!first || !second || !third) throw new Error('three offers expected');
      const m = await t.deps.merchants.getMerchant(second.merchant_id);
      const list = await t.deps.merchants.services(second.merchant_id);
      if (!m) throw new Error('merchant vanished');
      const withdrawn = list.map((s) =>
        s.service_id === second.service_id ? { ...s, active: false, version: s.version + 1 } : s,
      );
      await t.deps.merchants.save({ ...m, version: m.version + 1 }, withdrawn, m, list);
      try {
        // Act: the first shop says no
        const r = await post(`/api/orders/${o.order_id}/reject`, merchantTokens.get(first.merchant_id) ?? '');
        // Assess: the reject is answered, the second is skipped, the third is asked, points still held once
        expect(r.status, await r.clone().text()).toBe(200);
        const now = await t.deps.orders.get(o.order_id);
        expect(now?.status).toBe('requested');
        expect(now?.merchant_id).toBe(third.merchant_id);
        expect(now?.version).toBe(o.version + 1); // one write for the reject, the skip, and the new offer
        expect((await t.deps.ledger.hold(o.order_id))?.amount_points).toBe(o.held_points);
      } finally {
        const m2 = await t.deps.merchants.getMerchant(second.merchant_id);
        const list2 = await t.deps.merchants.services(second.merchant_id);
        if (m2)
          await t.deps.merchants.save(
            { ...m2, version: m2.version + 1 },
            list2.map((s) => (s.service_id === second.service_id ? { ...s, active: true, version: s.version + 1 } : s)),
            m2,
            list2,
          );
        await post(`/api/orders/${o.order_id}/cancel`, admin);
      }
    },
  );
});
