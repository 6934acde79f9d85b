// Anomaly flags for staff (issue 11): the list (by status, optionally one street, newest first, paged
// by key), one flag with its orders, and the decision: dismiss or escalate with a reason (audited; one
// winner). Street officers see and decide flags of merchants in their street; district officers in
// their district; admin city-wide.
import * as z from 'zod/mini';
import { AREA_CODE_RE } from '@tmc/core/kernel/ids';
import { FreeText } from '@tmc/core/kernel/text';
import {
  FLAG_ID_RE,
  FLAG_REASON_MAX,
  FLAG_REASON_MIN,
  FLAG_STATUSES,
  flagRuleWords,
  type Flag,
} from '@tmc/core/analytics/flags';
import { decideFlagAudited, flagInScope, flagVisibleTo } from '@tmc/core/analytics/flag-review';
import { streetKey } from '@tmc/core/settlement/model';
import type { Order } from '@tmc/core/orders/state';
import { defineRoute } from '../http/route';
import type { Deps } from '../compose/deps-type';

export const FLAG_READERS = ['admin', 'district', 'street'] as const;
export const FLAG_PAGE_SIZE = 50;

export const FlagIdParam = z.object({ flag_id: z.string().check(z.regex(FLAG_ID_RE)) });
export const FlagListQuery = z.object({
  status: z._default(z.enum(FLAG_STATUSES), 'open'),
  street: z.optional(
    z.string().check(
      z.regex(AREA_CODE_RE),
      z.refine((s) => s.split('.').length === 2, 'a street code'),
    ),
  ),
  cursor: z.optional(z.string().check(z.maxLength(800))),
});
export const FlagReason = z.object({ reason: FreeText(FLAG_REASON_MIN, FLAG_REASON_MAX) });

/** A flag as the API shows it: with its rule in words. */
export const flagView = (f: Flag) => ({ ...f, rule_words: flagRuleWords(f) });

/** The index a caller's list reads: a street officer's own street (a filter for another street then
 * finds nothing), else the street asked for, else city-wide (a district officer's filtered to it). */
export const flagListStreet = (scope: string | null, asked: string | undefined): string | null =>
  streetKey(scope) ?? asked ?? null;

/** One page of flags the caller may see. */
export const listFlagsFor = async (
  deps: Pick<Deps, 'flags'>,
  scope: string | null,
  q: { status: Flag['status']; street?: string | undefined; cursor?: string | undefined },
) => {
  const street = flagListStreet(scope, q.street);
  const page = await deps.flags.list(q.status, street, FLAG_PAGE_SIZE, q.cursor);
  const asked = q.street;
  return {
    items: page.items.filter((f) => flagVisibleTo(f, scope) && (asked === undefined || f.street === asked)),
    cursor: page.cursor,
  };
};

/** The orders a flag names (at most FLAG_ORDER_IDS_MAX reads by key), missing ones left out. */
export const ordersOfFlag = async (deps: Pick<Deps, 'orders'>, f: Flag): Promise<Order[]> =>
  (await Promise.all(f.order_ids.map((id) => deps.orders.get(id)))).filter((o): o is Order => o !== null);

const orderLink = (o: Order) => ({
  order_id: o.order_id,
  elder_id: o.elder_id,
  service_name: o.service_name,
  price_points: o.price_points,
  status: o.status,
  accepted_at: o.accepted_at ?? null,
  completed_at: o.completed_at,
  completed_with: o.completed_with ?? null,
  href: `/api/orders/${o.order_id}`,
  elder_href: `/api/elders/${o.elder_id}`,
});

const by = (p: { sub: string; scope: string | null }) => ({ actor: p.sub, scope: p.scope });
export { by as flagDeciderOf };

const FlagOut = z.looseObject({ flag_id: z.string(), status: z.string(), version: z.number() });

export const flagRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/analytics/flags',
    access: { roles: FLAG_READERS },
    tags: ['analytics'],
    summary: 'Anomaly flags in a status (default open) in my area, newest first; ?street= narrows to one street',
    query: FlagListQuery,
    async handler(c, { query, principal }) {
      const page = await listFlagsFor(c.get('deps'), principal.scope, query);
      return c.json({ items: page.items.map(flagView), cursor: page.cursor });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/analytics/flags/:flag_id',
    access: { roles: FLAG_READERS },
    tags: ['analytics'],
    summary: 'One anomaly flag: its rule, the numbers that tripped it, and links to its orders',
    params: FlagIdParam,
    errors: ['FLAG_NOT_FOUND'],
    async handler(c, { params, principal }) {
      const deps = c.get('deps');
      const f = await flagInScope(deps, params.flag_id, principal.scope);
      return c.json({ flag: flagView(f), orders: (await ordersOfFlag(deps, f)).map(orderLink) });
    },
  }),
  ...(['dismiss', 'escalate'] as const).map((move) =>
    defineRoute({
      method: 'post',
      path: `/api/analytics/flags/:flag_id/${move}`,
      access: { roles: FLAG_READERS },
      tags: ['analytics'],
      summary:
        move === 'dismiss'
          ? 'Dismiss an open flag as a false alarm, with a reason (audited; of parallel decisions one wins)'
          : 'Escalate an open flag for investigation, with a reason (audited; of parallel decisions one wins)',
      params: FlagIdParam,
      body: FlagReason,
      response: z.object({ flag: FlagOut }),
      errors: ['FLAG_NOT_FOUND', 'FLAG_STATE_CONFLICT'],
      async handler(c, { params, body, principal }) {
        const deps = c.get('deps');
        const to = move === 'dismiss' ? 'dismissed' : 'escalated';
        const f = await decideFlagAudited(deps, params.flag_id, to, body.reason, by(principal));
        return c.json({ flag: flagView(f) });
      },
    }),
  ),
];
