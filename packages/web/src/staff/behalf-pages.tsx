// 代下单 in the staff console (issue 12): an officer takes a call from an elder without a smartphone,
// finds a service in the elder's ten-minute circle, books it for them, reads out or prints the code,
// and later rates or disputes on their behalf. Every route calls the core service the API calls, under
// the API's declared roles (their staff part) and the same elder and order visibility (loadElderFor,
// loadVisible); every form is a plain POST that redirects, errors re-rendered inline.
import * as z from 'zod/mini';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { AppError } from '@tmc/core/kernel/errors';
import type { ElderRecord } from '@tmc/core/elders/model';
import { loadElderFor } from '@tmc/core/elders/access';
import { CategoryCode } from '@tmc/core/merchants/model';
import { requestOrder } from '@tmc/core/orders/book';
import { cancelOrder } from '@tmc/core/orders/cancel';
import { orderCode } from '@tmc/core/orders/complete';
import { disputeOrder, rateOrder } from '@tmc/core/orders/disputes';
import { RATING_TAGS, allowedEvents, type Order } from '@tmc/core/orders/state';
import { ElderId, OrderId } from '@tmc/core/kernel/ids';
import { defineRoute, queryInt, zodFields, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { BOOKERS, DISPUTERS, RATERS, RateBody, Reason, SEARCHERS, loadVisible, seesCode } from '@tmc/app/public';
import { orderDeps, policyForOrders } from '@tmc/app/public';
import { staffRolesOf, type StaffP } from '../kit/principal';
import { ErrorBox, expected, fieldErrors, msgOfError, type Msg } from '../kit/ui';
import { FormKey, elderOrigin, formIdem, newFormKey, pointsSummary, servicesNear } from '../kit/booking';
import { isOpen } from '../kit/order-ui';
import { MerchantId, ServiceId } from '../elder/booker';
import { confirmOf } from '../elder/confirm-page';
import { staffPage } from './kit';
import { ConfirmView, RESULTS_PAGE_SIZE, SearchView } from './behalf-find';
import { ElderPanel, RecentOrders } from './behalf-elder';
import { OrderView, PrintSlip, orderLastChange, type OrderForm } from './behalf-order';

const ElderP = z.object({ elder_id: ElderId });
const OrderP = z.extend(ElderP, { order_id: OrderId });
const RECENT_ORDERS = 10; // the calls an officer follows up this week

/** What POST /api/orders answers besides access: the refusals the confirm form explains inline. */
const BOOKING_ERRORS: readonly ErrorCode[] = [
  'SERVICE_UNAVAILABLE',
  'SLOT_FULL',
  'SLOT_INVALID',
  'INSUFFICIENT_POINTS',
  'CATEGORY_NOT_ALLOWED',
  'CAP_EXCEEDED',
  'WALLET_FROZEN',
  'IDEMPOTENCY_KEY_REUSED',
  'ELDER_NOT_FOUND',
];

const DONE = {
  booked: { zh: '已代老人下单，请把核销码念给老人，或打印预约单', en: 'Booked: read the code out or print the slip' },
  cancelled: { zh: '已取消，冻结的积分已退回老人', en: 'Cancelled; the held points are back' },
  rated: { zh: '已代老人评价', en: 'Rated on the elder’s behalf' },
  disputed: { zh: '已代老人投诉，等待处理', en: 'Dispute sent; waiting for a decision' },
} as const satisfies Record<string, Msg>;
const DoneQ = z.enum(['booked', 'cancelled', 'rated', 'disputed']);

const MOVED: Msg = { zh: '订单状态已经变了，请看下面的当前状态。', en: 'The order has moved on; see its state below.' };

const areaName = async (deps: Deps, e: ElderRecord) =>
  (await deps.areas.get(e.community_code))?.name ?? e.community_code;

/** The order of this elder, visible to this officer by the API's rule; another elder's is not found. */
const loadOrder = async (c: Ctx, deps: Deps, p: StaffP, e: ElderRecord, order_id: string): Promise<Order> => {
  const { o } = await loadVisible(c, p, order_id);
  if (o.elder_id !== e.elder_id) throw new AppError('ORDER_NOT_FOUND');
  return o;
};

const bookPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  e: ElderRecord,
  q: { category?: string | undefined; minutes?: number | undefined; offset?: number | undefined },
) => {
  const base = `/staff/elders/${e.elder_id}`;
  const [categories, policy, points, recent, area] = await Promise.all([
    deps.merchants.categories(),
    policyForOrders(deps),
    pointsSummary(deps, e.elder_id),
    deps.orders.ofElder(e.elder_id, RECENT_ORDERS),
    areaName(deps, e),
  ]);
  const category = categories.find((x) => x.code === q.category) ?? null;
  const minutes = q.minutes ?? policy.circle.minutes;
  const offset = q.offset ?? 0;
  const active = e.status === 'active';
  const r =
    category && active
      ? await servicesNear(deps, policy, await elderOrigin(deps, e), category.code, {
          minutes,
          offset,
          limit: RESULTS_PAGE_SIZE,
        })
      : { items: [], total: 0, truncated: false };
  return staffPage(
    c,
    deps,
    p,
    `代下单：${e.name}`,
    'Book for an elder',
    <>
      <ElderPanel e={e} area={area} points={points} />
      <SearchView
        base={base}
        active={active}
        s={{ category, categories, minutes, offset, hits: r.items, total: r.total, truncated: r.truncated }}
      />
      <RecentOrders base={base} orders={recent.items} />
    </>,
  );
};

const confirmPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  e: ElderRecord,
  want: { merchant_id: string; service_id: string; slot?: string | null },
  error?: { msg: Msg; status: number },
) => {
  const base = `/staff/elders/${e.elder_id}`;
  const [points, area] = await Promise.all([pointsSummary(deps, e.elder_id), areaName(deps, e)]);
  const conf = await expected(['SERVICE_UNAVAILABLE', 'AREA_NOT_FOUND'], () =>
    confirmOf(deps, { elder: e }, want.merchant_id, want.service_id, { slot: want.slot }),
  );
  return staffPage(
    c,
    deps,
    p,
    `代下单：${e.name}`,
    'Book for an elder',
    <>
      <ElderPanel e={e} area={area} points={points} />
      {conf.ok ? (
        <ConfirmView
          base={base}
          c={conf.value}
          formKey={newFormKey()}
          balance={points.balance_points}
          error={error?.msg}
        />
      ) : (
        <section class="panel" aria-labelledby="cf-h">
          <h2 id="cf-h">确认预约 Confirm</h2>
          <ErrorBox msg={msgOfError(conf.error)} />
          <p class="links">
            <a href={`${base}/book`}>返回查找 Back to search</a>
          </p>
        </section>
      )}
    </>,
    { status: error?.status ?? (conf.ok ? 200 : conf.error.status) },
  );
};

const orderPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  e: ElderRecord,
  o: Order,
  f: OrderForm,
  opts: { print?: boolean; status?: number } = {},
) => {
  const [m, last] = await Promise.all([deps.merchants.getMerchant(o.merchant_id), orderLastChange(deps, o)]);
  const props = {
    base: `/staff/elders/${e.elder_id}`,
    e,
    o,
    // the API's rule: staff are shown the code only of an order booked on behalf, while it is open
    code: seesCode(p, o) && isOpen(o) ? orderCode(deps, o) : null,
    merchantPhone: m?.contact_phone ?? null,
    address: m?.address ?? null,
    // the buttons are the state machine's answer for staff now, not worked out here
    can: allowedEvents(o, 'staff', deps.clock.now()),
    last,
    f,
  };
  return staffPage(
    c,
    deps,
    p,
    opts.print ? `预约单：${e.name}` : `订单：${e.name}`,
    opts.print ? 'Booking slip' : 'Order',
    opts.print ? <PrintSlip {...props} /> : <OrderView {...props} />,
    { status: opts.status ?? 200 },
  );
};

export const staffBehalfPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/elders/:elder_id/book',
    access: { roles: staffRolesOf(SEARCHERS) },
    tags: ['pages'],
    page: true,
    summary: "代下单: services of a category in the elder's ten-minute circle (as GET /api/search), recent orders",
    params: ElderP,
    query: z.object({
      category: z.optional(z.union([z.literal(''), CategoryCode])),
      minutes: z.optional(queryInt(1, 60)),
      offset: z.optional(queryInt(0, 500)),
    }),
    async handler(c, { params, query, principal: p }) {
      const e = await loadElderFor(deps, p, params.elder_id);
      return bookPage(c, deps, p, e, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/elders/:elder_id/book/confirm',
    access: { roles: staffRolesOf(BOOKERS) },
    tags: ['pages'],
    page: true,
    summary: '代下单: the confirm form (free times, one-time form key) for one service',
    params: ElderP,
    query: z.object({ merchant_id: MerchantId, service_id: ServiceId }),
    async handler(c, { params, query, principal: p }) {
      const e = await loadElderFor(deps, p, params.elder_id);
      return confirmPage(c, deps, p, e, query);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/elders/:elder_id/book',
    access: { roles: staffRolesOf(BOOKERS) },
    tags: ['pages'],
    page: true,
    summary: '代下单: book as POST /api/orders does (audited); the same form posted again is the same order',
    params: ElderP,
    bodyKind: 'form',
    body: z.object({
      merchant_id: MerchantId,
      service_id: ServiceId,
      slot_start: z.union([z.literal(''), z.iso.datetime()]),
      key: FormKey,
    }),
    async handler(c, { params, body, principal: p }) {
      const e = await loadElderFor(deps, p, params.elder_id);
      const slot = body.slot_start === '' ? null : body.slot_start;
      // the key was minted when the confirm form rendered: a double submit or a retry is the same order
      const idem = formIdem(p.sub, body.key, {
        what: 'book',
        elder_id: e.elder_id,
        merchant_id: body.merchant_id,
        service_id: body.service_id,
        slot,
      });
      const policy = await policyForOrders(deps);
      const r = await expected(BOOKING_ERRORS, () =>
        requestOrder(
          orderDeps(deps),
          policy,
          {
            elder: e,
            elder_id: e.elder_id,
            booked_by: p.sub,
            mode: 'direct',
            merchant_id: body.merchant_id,
            service_id: body.service_id,
            slot_start: slot,
          },
          idem,
        ),
      );
      if (r.ok) return c.redirect(`/staff/elders/${e.elder_id}/orders/${r.value.order.order_id}?done=booked`, 303);
      // shown again with a fresh key (the refused attempt wrote nothing), the time asked for kept while free
      return confirmPage(c, deps, p, e, { ...body, slot }, { msg: msgOfError(r.error), status: r.error.status });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/elders/:elder_id/orders/:order_id',
    access: { roles: staffRolesOf(BOOKERS) },
    tags: ['pages'],
    page: true,
    summary: 'One order of an elder: the code to read out (booked on behalf), print slip, cancel, rate, dispute',
    params: OrderP,
    query: z.object({ done: z.optional(DoneQ), print: z.optional(z.literal('1')) }),
    async handler(c, { params, query, principal: p }) {
      const e = await loadElderFor(deps, p, params.elder_id);
      const o = await loadOrder(c, deps, p, e, params.order_id);
      return orderPage(c, deps, p, e, o, { done: query.done ? DONE[query.done] : undefined }, { print: !!query.print });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/elders/:elder_id/orders/:order_id/cancel',
    access: { roles: staffRolesOf(BOOKERS) },
    tags: ['pages'],
    page: true,
    summary: 'Cancel on behalf before completion (as POST /api/orders/:id/cancel; no fee for a staff cancel)',
    params: OrderP,
    bodyKind: 'form',
    body: z.object({}),
    async handler(c, { params, principal: p }) {
      const e = await loadElderFor(deps, p, params.elder_id);
      const o = await loadOrder(c, deps, p, e, params.order_id);
      const policy = await policyForOrders(deps);
      const r = await expected(['ORDER_STATE'], () => cancelOrder(orderDeps(deps), policy, o.order_id, 'staff', p.sub));
      const url = `/staff/elders/${e.elder_id}/orders/${o.order_id}`;
      if (r.ok) return c.redirect(`${url}?done=cancelled`, 303);
      const now = await loadOrder(c, deps, p, e, o.order_id);
      if (now.status === 'cancelled') return c.redirect(`${url}?done=cancelled`, 303); // a double click
      return orderPage(c, deps, p, e, now, { error: MOVED }, { status: r.error.status });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/elders/:elder_id/orders/:order_id/rate',
    access: { roles: staffRolesOf(RATERS) },
    tags: ['pages'],
    page: true,
    summary: 'Rate a completed order on behalf (as POST /api/orders/:id/rate; audited under the elder)',
    params: OrderP,
    bodyKind: 'form',
    // tags arrive as tag_0 .. tag_7 checkboxes: the form parser keeps one value per name
    body: z.looseObject({
      stars: z.optional(z.string().check(z.maxLength(2))),
      comment: z.optional(z.string().check(z.maxLength(1000))),
    }),
    async handler(c, { params, body, principal: p }) {
      const e = await loadElderFor(deps, p, params.elder_id);
      const o = await loadOrder(c, deps, p, e, params.order_id);
      const values = { stars: body.stars, comment: body.comment };
      // the API's schema checks the form, so the page accepts exactly what the API accepts
      const parsed = RateBody.safeParse({
        stars: body.stars ? Number(body.stars) : undefined,
        tags: RATING_TAGS.filter((_, i) => body[`tag_${i}`] === '1'),
        comment: body.comment ?? '',
      });
      if (!parsed.success)
        return orderPage(
          c,
          deps,
          p,
          e,
          o,
          { rate: { errors: fieldErrors(zodFields(parsed.error)), values } },
          { status: 400 },
        );
      const r = await expected(['ORDER_STATE'], () =>
        rateOrder(orderDeps(deps), o.order_id, 'staff', parsed.data, p.sub),
      );
      if (r.ok) return c.redirect(`/staff/elders/${e.elder_id}/orders/${o.order_id}?done=rated`, 303);
      const now = await loadOrder(c, deps, p, e, o.order_id);
      return orderPage(c, deps, p, e, now, { error: msgOfError(r.error) }, { status: r.error.status });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/elders/:elder_id/orders/:order_id/dispute',
    access: { roles: staffRolesOf(DISPUTERS) },
    tags: ['pages'],
    page: true,
    summary: 'Dispute a completed order on behalf within the window (as POST /api/orders/:id/dispute; audited)',
    params: OrderP,
    bodyKind: 'form',
    body: z.object({ reason: z.optional(z.string().check(z.maxLength(2000))) }),
    async handler(c, { params, body, principal: p }) {
      const e = await loadElderFor(deps, p, params.elder_id);
      const o = await loadOrder(c, deps, p, e, params.order_id);
      const reason = body.reason ?? '';
      const parsed = Reason.safeParse({ reason });
      if (!parsed.success)
        return orderPage(
          c,
          deps,
          p,
          e,
          o,
          { dispute: { errors: fieldErrors(zodFields(parsed.error)), reason } },
          { status: 400 },
        );
      const r = await expected(['ORDER_STATE', 'DISPUTE_WINDOW_CLOSED', 'ELDER_INACTIVE'], () =>
        disputeOrder(orderDeps(deps), o.order_id, 'staff', p.sub, parsed.data.reason),
      );
      if (r.ok) return c.redirect(`/staff/elders/${e.elder_id}/orders/${o.order_id}?done=disputed`, 303);
      const now = await loadOrder(c, deps, p, e, o.order_id);
      return orderPage(
        c,
        deps,
        p,
        e,
        now,
        { error: msgOfError(r.error), dispute: { errors: {}, reason } },
        { status: r.error.status },
      );
    },
  }),
];
