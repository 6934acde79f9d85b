// Orders over HTTP: book (elder, bound family, staff on behalf), 帮我找, merchant accept/reject/
// complete/no-show, cancel, rate, dispute and staff decisions; lists for elder and merchant.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { CategoryCode } from '@tmc/core/merchants/model';
import { RATING_TAGS, type Order } from '@tmc/core/orders/state';
import { searchServices } from '@tmc/core/search/search';
import { findOffers } from '@tmc/core/search/find-for-me';
import { acceptOrder, rejectOrder } from '@tmc/core/orders/answer';
import { cancelOrder, noShow } from '@tmc/core/orders/cancel';
import { completeOrder, orderCode } from '@tmc/core/orders/complete';
import { decideDispute, disputeOrder, rateOrder } from '@tmc/core/orders/disputes';
import { requestOrder } from '@tmc/core/orders/book';
import { visitDetails } from '@tmc/core/orders/visit';
import { FIND_OFFERS_MAX } from '@tmc/core/orders/state';
import type { Principal } from '@tmc/core/auth/service';
import { defineRoute, pathElder, queryInt } from '../http/route';
import { describeRule } from '@tmc/core/auth/attempts';
import { loadElderFor, staffScope } from '@tmc/core/elders/access';
import { createDisputeQueue } from '@tmc/store/entities/disputes';
import { ElderIdParam } from './elders';
import { idempotencyOf, markReplay } from '../http/idempotency';
import { policyNow } from '../compose/policy-now';
import { orderDeps } from '../compose/order-deps';
import type { Ctx } from '../http/context';
import { FreeText } from '@tmc/core/kernel/text';
import { OrderId, MerchantId, ServiceId, CardNumber, SixDigits } from '@tmc/core/kernel/ids';

const OrderIdP = z.object({ order_id: OrderId });
const BOOKERS = ['elder', 'family', 'admin', 'district', 'street'] as const;
const OFFICERS = ['admin', 'district', 'street'] as const;
const ELDER_SIDE = ['elder', 'family'] as const;
const Reason = z.object({ reason: FreeText(2, 300) });

const actorOf = (p: Principal) => (p.kind === 'staff' ? ('staff' as const) : p.kind);

/** The elder an order is for: an elder books for themself; family and staff name a visible elder. */
const elderFor = async (c: Ctx, p: Principal, elder_id: string | undefined) => {
  const id = p.kind === 'elder' ? p.elder_id : elder_id;
  if (!id)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'body.elder_id', code: 'REQUIRED', message: 'elder_id is required' }],
    });
  return loadElderFor(c.get('deps'), p, id);
};

/** Elder-side viewers see the completion code; merchants and staff never do. */
const view = (c: Ctx, o: Order, withCode: boolean) => {
  const { code_cipher: _c, ...rest } = o;
  return {
    ...rest,
    ...(withCode && ['requested', 'accepted'].includes(o.status) ? { code: orderCode(c.get('deps'), o) } : {}),
  };
};

const loadVisible = async (c: Ctx, p: Principal, order_id: string) => {
  const deps = c.get('deps');
  const o = await deps.orders.get(order_id);
  if (!o) throw new AppError('ORDER_NOT_FOUND');
  if (p.kind === 'merchant') {
    if (o.merchant_id !== p.merchant_id) throw new AppError('ORDER_NOT_FOUND');
    return { o, elderSide: false };
  }
  try {
    await loadElderFor(deps, p, o.elder_id);
  } catch (e) {
    // an elder or family member is not told that someone else's order exists
    if (e instanceof AppError && e.code === 'FORBIDDEN' && p.kind !== 'staff') throw new AppError('ORDER_NOT_FOUND');
    throw e;
  }
  return { o, elderSide: p.kind === 'elder' || p.kind === 'family' };
};

export const orderRoutes = () => [
  defineRoute({
    method: 'post',
    path: '/api/orders',
    access: { roles: BOOKERS },
    tags: ['orders'],
    summary:
      'Book a service for an elder (by the elder, bound family, or staff on ' +
      'behalf, audited): points held, slot taken. Idempotency-Key required.',
    body: z.object({
      elder_id: z.optional(ElderIdParam),
      merchant_id: MerchantId,
      service_id: ServiceId,
      slot_start: z._default(z.nullable(z.iso.datetime()), null),
    }),
    successStatus: 201,
    errors: [
      'SERVICE_UNAVAILABLE',
      'SLOT_FULL',
      'SLOT_INVALID',
      'INSUFFICIENT_POINTS',
      'CATEGORY_NOT_ALLOWED',
      'CAP_EXCEEDED',
      'WALLET_FROZEN',
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
      'OUT_OF_SCOPE',
      'ELDER_NOT_FOUND',
      'HOLD_ALREADY_FINAL',
      'POLICY_MISSING',
      'CONFLICT',
    ],
    async handler(c, { body, principal: p }) {
      const deps = c.get('deps');
      const e = await elderFor(c, p, body.elder_id);
      const idem = idempotencyOf(c, body);
      const before = await deps.ledger.idempotency(idem.scope, idem.key);
      const o = await requestOrder(
        orderDeps(deps),
        await policyNow(deps),
        {
          elder_id: e.elder_id,
          booked_by: p.sub,
          mode: 'direct',
          merchant_id: body.merchant_id,
          service_id: body.service_id,
          slot_start: body.slot_start,
        },
        idem,
      );
      markReplay(c, before !== null);
      return c.json(view(c, o, p.kind !== 'staff'), 201);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/orders/find',
    access: { roles: BOOKERS },
    tags: ['orders'],
    summary:
      '帮我找: offer the request to the best nearby merchant (open, walking ' +
      'time, rating); if it does not accept in time, the next, up to five. ' +
      'Idempotency-Key required.',
    // service_name: the service the elder asked for (e.g. 老人理发); without it, the kind of the best hit of the category
    body: z.object({
      elder_id: z.optional(ElderIdParam),
      category: CategoryCode,
      service_name: z.optional(FreeText(1, 40)),
    }),
    successStatus: 201,
    errors: [
      'SERVICE_UNAVAILABLE',
      'INSUFFICIENT_POINTS',
      'CATEGORY_NOT_ALLOWED',
      'CAP_EXCEEDED',
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
      'WALLET_FROZEN',
      'ELDER_NOT_FOUND',
      'OUT_OF_SCOPE',
      'AREA_NOT_FOUND',
      'POLICY_MISSING',
      'HOLD_ALREADY_FINAL',
      'CONFLICT',
    ],
    async handler(c, { body, principal: p }) {
      const deps = c.get('deps');
      const e = await elderFor(c, p, body.elder_id);
      const policy = await policyNow(deps);
      const origin = e.location ?? (await deps.areas.get(e.community_code))?.centroid;
      if (!origin) throw new AppError('AREA_NOT_FOUND');
      const r = await searchServices(deps.merchants, {
        category: body.category,
        origin,
        now: deps.clock.now(),
        limit: 50,
        offset: 0,
        walking: policy.circle,
      });
      // one kind of service throughout, within the first offer's price
      const ranked = findOffers(r.items, FIND_OFFERS_MAX, { service_name: body.service_name });
      const first = ranked[0];
      if (!first) return c.json({ status: 'unmatched', nearest: r.items.slice(0, 5) }, 200);
      const o = await requestOrder(
        orderDeps(deps),
        policy,
        {
          elder_id: e.elder_id,
          booked_by: p.sub,
          mode: 'find_for_me',
          merchant_id: first.merchant_id,
          service_id: first.service_id,
          slot_start: null,
          candidates: ranked,
        },
        idempotencyOf(c, body),
      );
      return c.json(view(c, o, p.kind !== 'staff'), 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/orders/:order_id',
    access: { roles: [...BOOKERS, 'merchant'] },
    tags: ['orders'],
    summary: 'One order (the elder and bound family also see the completion code while it is open)',
    params: OrderIdP,
    errors: ['ORDER_NOT_FOUND'],
    async handler(c, { params, principal }) {
      const { o, elderSide } = await loadVisible(c, principal, params.order_id);
      return c.json(view(c, o, elderSide));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/orders/:order_id/visit',
    access: { roles: ['merchant'] },
    tags: ['orders'],
    summary:
      'Merchant of an accepted home-visit order: the address and the masked name (audited; gone once the order closes)',
    params: OrderIdP,
    errors: ['ORDER_NOT_FOUND', 'NOT_HOME_VISIT', 'ORDER_STATE'],
    async handler(c, { params, principal }) {
      const merchant_id = principal.merchant_id;
      const v = await visitDetails(orderDeps(c.get('deps')), params.order_id, merchant_id);
      c.header('cache-control', 'no-store'); // a home address: never kept by a cache on the way
      return c.json(v);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/elders/:elder_id/orders',
    access: { roles: BOOKERS },
    tags: ['orders'],
    summary: "An elder's orders, newest first",
    params: z.object({ elder_id: ElderIdParam }),
    query: z.object({ cursor: z.optional(z.string().check(z.maxLength(500))) }),
    async handler(c, { query, elder }) {
      // the elder the access rule admitted, never the caller's own id in place of the path's
      const page = await c.get('deps').orders.ofElder(pathElder(elder).elder_id, 20, query.cursor);
      return c.json({ items: page.items.map((o) => view(c, o, false)), cursor: page.cursor });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/merchant/orders',
    access: { roles: ['merchant'] },
    tags: ['orders'],
    summary: 'My orders, newest first',
    query: z.object({ cursor: z.optional(z.string().check(z.maxLength(500))) }),
    async handler(c, { query, principal: p }) {
      const page = await c.get('deps').orders.ofMerchant(p.merchant_id, 20, query.cursor);
      return c.json({ items: page.items.map((o) => view(c, o, false)), cursor: page.cursor });
    },
  }),
  ...(['accept', 'reject', 'no-show'] as const).map((what) =>
    defineRoute({
      method: 'post',
      path: `/api/orders/:order_id/${what}`,
      access: { roles: ['merchant'] },
      tags: ['orders'],
      summary: `Merchant: ${what} an order offered to it`,
      params: OrderIdP,
      errors: ['ORDER_NOT_FOUND', 'ORDER_STATE', 'HOLD_ALREADY_FINAL', 'CONFLICT'],
      async handler(c, { params, principal }) {
        // Another shop's order is not found, as for reads, so its state (409 ORDER_STATE) never tells a shop
        // about a competitor's orders: the order service answers ORDER_NOT_FOUND for it before any state check.
        const merchant_id = principal.merchant_id;
        const d = orderDeps(c.get('deps'));
        const o =
          what === 'accept'
            ? await acceptOrder(d, params.order_id, merchant_id)
            : what === 'reject'
              ? await rejectOrder(d, params.order_id, merchant_id)
              : await noShow(d, params.order_id, merchant_id);
        return c.json(view(c, o, false));
      },
    }),
  ),
  defineRoute({
    method: 'post',
    path: '/api/orders/:order_id/complete',
    access: { roles: ['merchant'] },
    tags: ['orders'],
    summary:
      "Merchant: complete with the elder's 6-digit code or card number + PIN (5 wrong tries lock); points captured",
    params: OrderIdP,
    body: z.union([z.object({ code: SixDigits }), z.object({ card_number: CardNumber, pin: SixDigits })]),
    description:
      `Code: ${describeRule('order_code', 'CODE_LOCKED')} Card + PIN: ` +
      `${describeRule('card_pin', 'CODE_LOCKED')} A right PIN does not count.`,
    errors: [
      'ORDER_NOT_FOUND',
      'ORDER_STATE',
      'CODE_INVALID',
      'CODE_LOCKED',
      'POLICY_MISSING',
      'HOLD_ALREADY_FINAL',
      'CONFLICT',
    ],
    async handler(c, { params, body, principal }) {
      const merchant_id = principal.merchant_id;
      const deps = c.get('deps');
      return c.json(
        view(c, await completeOrder(orderDeps(deps), await policyNow(deps), params.order_id, merchant_id, body), false),
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/orders/:order_id/cancel',
    access: { roles: BOOKERS },
    tags: ['orders'],
    summary:
      'Cancel before completion: free before acceptance; after it the ' +
      "policy's cancel fee (default 0) goes to the merchant and the rest is " +
      'released',
    params: OrderIdP,
    errors: ['ORDER_NOT_FOUND', 'ORDER_STATE', 'OUT_OF_SCOPE', 'POLICY_MISSING', 'HOLD_ALREADY_FINAL', 'CONFLICT'],
    async handler(c, { params, principal: p }) {
      await loadVisible(c, p, params.order_id);
      return c.json(
        view(
          c,
          await cancelOrder(
            orderDeps(c.get('deps')),
            await policyNow(c.get('deps')),
            params.order_id,
            actorOf(p),
            p.sub,
          ),
          false,
        ),
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/orders/:order_id/rate',
    access: { roles: [...ELDER_SIDE, ...OFFICERS] },
    tags: ['orders'],
    summary:
      'Rate a completed order once: 1-5 stars, tags, comment (the elder, ' +
      'bound family, or staff on behalf of an elder in scope, audited)',
    params: OrderIdP,
    body: z.object({
      stars: z.int().check(z.gte(1), z.lte(5)),
      tags: z._default(z.array(z.enum(RATING_TAGS)).check(z.maxLength(5)), []),
      comment: z._default(FreeText(0, 200).check(z.regex(/^[^<>]*$/)), ''),
    }),
    errors: ['ORDER_NOT_FOUND', 'ORDER_STATE', 'OUT_OF_SCOPE', 'CONFLICT'],
    async handler(c, { params, body, principal: p }) {
      await loadVisible(c, p, params.order_id);
      return c.json(
        view(c, await rateOrder(orderDeps(c.get('deps')), params.order_id, actorOf(p), body, p.sub), false),
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/orders/:order_id/dispute',
    access: { roles: [...ELDER_SIDE, ...OFFICERS] },
    tags: ['orders'],
    summary:
      'Dispute a completed order within 7 days (the elder, bound family, or ' +
      'staff on behalf of an elder in scope, audited)',
    params: OrderIdP,
    body: Reason,
    errors: ['ORDER_NOT_FOUND', 'ORDER_STATE', 'DISPUTE_WINDOW_CLOSED', 'OUT_OF_SCOPE', 'ELDER_INACTIVE', 'CONFLICT'],
    async handler(c, { params, body, principal: p }) {
      await loadVisible(c, p, params.order_id);
      return c.json(
        view(c, await disputeOrder(orderDeps(c.get('deps')), params.order_id, actorOf(p), p.sub, body.reason), false),
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/disputes',
    access: { roles: OFFICERS },
    tags: ['orders'],
    summary: 'Staff: open disputes of elders in my area, by community then oldest first (paged)',
    query: z.object({ cursor: z.optional(z.string().check(z.maxLength(500))), limit: z.optional(queryInt(1, 100)) }),
    async handler(c, { query, principal: p }) {
      const page = await createDisputeQueue(c.get('deps').db).list(staffScope(p), query.limit ?? 20, query.cursor);
      return c.json({
        items: page.items.map((d) => ({ ...view(c, d.order, false), community_code: d.community_code })),
        cursor: page.cursor,
      });
    },
  }),
  ...(['uphold', 'dismiss'] as const).map((decision) =>
    defineRoute({
      method: 'post',
      path: `/api/orders/:order_id/dispute/${decision}`,
      access: { roles: OFFICERS },
      tags: ['orders'],
      summary:
        decision === 'uphold'
          ? 'Staff: uphold a dispute (points reversed to the elder; audited)'
          : 'Staff: dismiss a dispute (audited)',
      params: OrderIdP,
      body: Reason,
      errors: ['ORDER_NOT_FOUND', 'ORDER_STATE', 'OUT_OF_SCOPE', 'HOLD_ALREADY_FINAL', 'CONFLICT'],
      async handler(c, { params, body, principal: p }) {
        await loadVisible(c, p, params.order_id);
        return c.json(
          view(c, await decideDispute(orderDeps(c.get('deps')), params.order_id, decision, p.sub, body.reason), false),
        );
      },
    }),
  ),
];
