// Orders over HTTP: book (elder, bound family, staff on behalf), 帮我找, one order, its home visit and the
// lists for elder and merchant; then the steps after booking (order-steps.ts), in that route order.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { CategoryCode } from '@tmc/core/merchants/model';
import { searchServices } from '@tmc/core/search/search';
import { findOffers } from '@tmc/core/search/find-for-me';
import { requestOrder } from '@tmc/core/orders/book';
import { visitDetails } from '@tmc/core/orders/visit';
import { FIND_OFFERS_MAX } from '@tmc/core/orders/state';
import { defineRoute, pathElder } from '../http/route';
import { ElderIdParam } from './elders';
import { idempotencyOf, markReplay } from '../http/idempotency';
import { policyForOrders } from '../compose/policy-now';
import { orderDeps } from '../compose/order-deps';
import { FreeText } from '@tmc/core/kernel/text';
import { MerchantId, ServiceId } from '@tmc/core/kernel/ids';
import { BOOKERS, OrderIdP, elderFor, loadVisible, seesCode, view } from './order-access';
import { orderStepRoutes } from './order-steps';

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
    sessionInHandler: {
      when: (p) => p.kind === 'elder',
      why: 'an elder booking for themself: the session rides in the BatchGet of elder, shop and service',
    },
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
    async handler(c, { body, principal: p, session }) {
      const deps = c.get('deps');
      // an elder books for themself: their record (and their session) is read with the merchant's, in one
      // request; family and staff are checked against the elder first (binding, area)
      const e = p.kind === 'elder' ? null : await elderFor(c, p, body.elder_id);
      const { order: o, replayed } = await requestOrder(
        orderDeps(deps, session),
        await policyForOrders(deps),
        {
          ...(e ? { elder: e } : {}),
          elder_id: e?.elder_id ?? (p.kind === 'elder' ? p.elder_id : ''),
          booked_by: p.sub,
          mode: 'direct',
          merchant_id: body.merchant_id,
          service_id: body.service_id,
          slot_start: body.slot_start,
        },
        idempotencyOf(c, body),
      );
      markReplay(c, replayed);
      return c.json(view(c, o, seesCode(p, o)), 201);
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
      const policy = await policyForOrders(deps);
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
      const { order: o } = await requestOrder(
        orderDeps(deps),
        policy,
        {
          elder: e,
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
    summary:
      'One order (while it is open the elder and bound family see the completion code, and so does staff ' +
      'in scope on an order booked on behalf: they read it out to a phone-less elder)',
    params: OrderIdP,
    errors: ['ORDER_NOT_FOUND'],
    async handler(c, { params, principal }) {
      const { o } = await loadVisible(c, principal, params.order_id);
      return c.json(view(c, o, seesCode(principal, o)));
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
  ...orderStepRoutes(),
];
