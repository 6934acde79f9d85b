// The order steps over HTTP, after booking: merchant accept/reject/no-show and complete, cancel, rate,
// dispute and the staff dispute queue and decisions. orders.ts lists these after its own routes.

import * as z from 'zod/mini';
import { RATING_TAGS } from '@tmc/core/orders/state';
import { acceptOrder, rejectOrder } from '@tmc/core/orders/answer';
import { cancelOrder, noShow } from '@tmc/core/orders/cancel';
import { completeOrder } from '@tmc/core/orders/complete';
import { decideDispute, disputeOrder, rateOrder } from '@tmc/core/orders/disputes';
import { defineRoute, queryInt } from '../http/route';
import { describeRule } from '@tmc/core/auth/attempts';
import { assertAreaInScope, staffScope } from '@tmc/core/elders/access';
import { AreaCode } from '@tmc/core/areas/model';
import { createDisputeQueue } from '@tmc/store/entities/disputes';
import { policyForOrders } from '../compose/policy-now';
import { orderDeps } from '../compose/order-deps';
import { FreeText } from '@tmc/core/kernel/text';
import { CardNumber, SixDigits } from '@tmc/core/kernel/ids';
import type { Principal } from '@tmc/core/auth/service';
import type { Ctx } from '../http/context';
import type { Deps } from '../compose/deps';
import { BOOKERS, DISPUTERS, OFFICERS, OrderIdP, RATERS, Reason, actorOf, loadVisible, view } from './order-access';

/** A rating as the API takes it; the staff page checks its form with the same schema. */
export const RateBody = z.object({
  stars: z.int().check(z.gte(1), z.lte(5)),
  tags: z._default(z.array(z.enum(RATING_TAGS)).check(z.maxLength(5)), []),
  comment: z._default(FreeText(0, 200).check(z.regex(/^[^<>]*$/)), ''),
});

/** Open disputes of elders in the caller's area (GET /api/disputes and the staff queue page). */
export const openDisputesFor = (deps: Deps, p: Principal, limit: number, cursor?: string, area?: string) => {
  // a street or community inside the caller's area narrows the same key range (OUT_OF_SCOPE otherwise)
  if (area) assertAreaInScope(p, area);
  return createDisputeQueue(deps.db).list(area ?? staffScope(p), limit, cursor);
};

/** Uphold or dismiss a dispute on an order the caller may see (the API route and the staff page). */
export const decideDisputeAs = async (
  c: Ctx,
  p: Principal,
  order_id: string,
  decision: 'uphold' | 'dismiss',
  reason: string,
) => {
  await loadVisible(c, p, order_id);
  return decideDispute(orderDeps(c.get('deps')), order_id, decision, p.sub, reason);
};

export const orderStepRoutes = () => [
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
        view(
          c,
          await completeOrder(orderDeps(deps), await policyForOrders(deps), params.order_id, merchant_id, body),
          false,
        ),
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
      const { o, elder } = await loadVisible(c, p, params.order_id);
      return c.json(
        view(
          c,
          await cancelOrder(
            orderDeps(c.get('deps')),
            await policyForOrders(c.get('deps')),
            params.order_id,
            actorOf(p),
            p.sub,
            { order: o, ...(elder ? { elder } : {}) },
          ),
          false,
        ),
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/orders/:order_id/rate',
    access: { roles: RATERS },
    tags: ['orders'],
    summary:
      'Rate a completed order once: 1-5 stars, tags, comment (the elder, ' +
      'bound family, or staff on behalf of an elder in scope, audited)',
    params: OrderIdP,
    body: RateBody,
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
    access: { roles: DISPUTERS },
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
    summary:
      'Staff: open disputes of elders in my area (or a street or community of it: `area`), by community then ' +
      'oldest first (paged)',
    query: z.object({
      cursor: z.optional(z.string().check(z.maxLength(500))),
      limit: z.optional(queryInt(1, 100)),
      area: z.optional(AreaCode),
    }),
    errors: ['OUT_OF_SCOPE'],
    async handler(c, { query, principal: p }) {
      const page = await openDisputesFor(c.get('deps'), p, query.limit ?? 20, query.cursor, query.area);
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
        return c.json(view(c, await decideDisputeAs(c, p, params.order_id, decision, body.reason), false));
      },
    }),
  ),
];
