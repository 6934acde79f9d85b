// An elder's orders, for the elder and for bound family on the elder's behalf (one set of
// handlers, see booker.tsx): the list, the order page with the 6-digit code, cancel, rating and
// complaint. Every action is a plain form post, so nothing needs script.
// The order page itself lives in order-page.tsx; this file holds the list, the complaint form and the routes.
import * as z from 'zod/mini';
import { RATING_TAGS, type Order } from '@tmc/core/orders/state';
import { cancelOrder } from '@tmc/core/orders/cancel';
import { disputeOrder, rateOrder } from '@tmc/core/orders/disputes';
import type { Deps } from '@tmc/app/public';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { policyForOrders } from '@tmc/app/public';
import { orderDeps } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import { ErrorBox, expected, msgOfError, type Msg } from '../kit/ui';
import { OrderLink } from '../kit/order-ui';
import { Back, BaseP, ForWhom, OrderP, actorOf, flavorOf, type Booker, type Flavor } from './booker';
import { loadOrder, orderPage } from './order-page';

const RECENT_ORDERS = 20;

const DONE: Record<'cancelled' | 'rated' | 'disputed', Msg> = {
  cancelled: { zh: '已取消，积分已退回', en: 'Cancelled; points returned' }, // a fee, if any, is shown in the details
  rated: { zh: '谢谢您的评价', en: 'Thank you for rating' },
  disputed: { zh: '投诉已提交，民政工作人员会处理并联系您', en: 'Complaint sent; staff will follow up' },
};

const DisputePage = (props: { view: View; b: Booker; o: Order; error?: Msg | undefined; reason?: string }) => (
  <H5Layout view={props.view} title="投诉" titleEn="Complaint">
    <ForWhom b={props.b} />
    <section class="panel">
      <h2>
        {props.o.service_name} · {props.o.merchant_name}
      </h2>
      <p>
        <T
          zh="请说一说哪里不满意。民政工作人员会核实，情况属实会退回积分。"
          en="Tell us what went wrong; staff will check and may return the points."
          block
        />
      </p>
      <ErrorBox msg={props.error} />
      <form method="post" action={`${props.b.base}/orders/${props.o.order_id}/dispute`}>
        <div class="field">
          <label for="f-reason">
            <T zh="投诉原因" en="Reason" />
          </label>
          <textarea id="f-reason" name="reason" required minlength={2} maxlength={300} rows={4}>
            {props.reason ?? ''}
          </textarea>
        </div>
        <button type="submit" class="btn btn-warn">
          <T zh="提交投诉" en="Send complaint" />
        </button>
      </form>
    </section>
    <Back href={`${props.b.base}/orders/${props.o.order_id}`} />
  </H5Layout>
);

const OrdersPage = (props: { view: View; b: Booker; orders: Order[] }) => (
  <H5Layout view={props.view} title="我的订单" titleEn="My orders">
    <ForWhom b={props.b} />
    {props.orders.length === 0 ? (
      <p class="panel">
        <T zh="还没有订单。" en="No orders yet." />
      </p>
    ) : (
      <ul class="list">
        {props.orders.map((o) => (
          <OrderLink o={o} base={props.b.base} />
        ))}
      </ul>
    )}
    <Back href={props.b.base} label={{ zh: '返回首页', en: 'Home' }} />
  </H5Layout>
);

// ---------------------------------------------------------------------------------------------
// Routes, once per flavor

export const orderPageRoutes = (deps: Deps, flavor: Flavor): RouteDef[] => {
  const { prefix, roles, who, booker } = flavorOf(deps, flavor);
  return [
    defineRoute({
      method: 'get',
      path: `${prefix}/orders`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Recent orders, newest first (${who})`,
      params: BaseP,
      async handler(c, { params, principal }) {
        const b = await booker(principal, params.elder_id);
        const page = await deps.orders.ofElder(b.elder.elder_id, RECENT_ORDERS);
        return render(c, <OrdersPage view={viewOf(c)} b={b} orders={page.items} />);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/orders/:order_id`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `One order: status, shop, the 6-digit code while open, cancel, rate, complain (${who})`,
      params: OrderP,
      query: z.object({ done: z.optional(z.enum(['cancelled', 'rated', 'disputed'])) }),
      async handler(c, { params, query, principal }) {
        const b = await booker(principal, params.elder_id);
        const o = await loadOrder(deps, b, params.order_id);
        const done =
          query.done === 'cancelled' && o.cancel_fee_points
            ? {
                zh: `已取消，按政策收取 ${o.cancel_fee_points} 积分取消费，其余积分已退回`,
                en: `Cancelled; a ${o.cancel_fee_points}-point fee was kept, the rest returned`,
              }
            : query.done
              ? DONE[query.done]
              : undefined;
        return orderPage(c, deps, b, o, done ? { done } : {});
      },
    }),
    defineRoute({
      method: 'post',
      path: `${prefix}/orders/:order_id/cancel`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Cancel before completion; points released (${who})`,
      params: OrderP,
      bodyKind: 'form',
      body: z.object({}),
      async handler(c, { params, principal }) {
        const b = await booker(principal, params.elder_id);
        const o = await loadOrder(deps, b, params.order_id);
        const policy = await policyForOrders(deps);
        const r = await expected(['ORDER_STATE'], () =>
          cancelOrder(orderDeps(deps), policy, o.order_id, actorOf(b), b.p.sub),
        );
        if (!r.ok) {
          const now = await loadOrder(deps, b, o.order_id);
          // a double tap: the first tap already cancelled it, so show that rather than an error
          if (now.status === 'cancelled') return c.redirect(`${b.base}/orders/${o.order_id}?done=cancelled`, 303);
          return orderPage(
            c,
            deps,
            b,
            now,
            { error: { zh: '订单状态已经变了，不能取消。', en: 'The order has moved on and cannot be cancelled.' } },
            r.error.status,
          );
        }
        return c.redirect(`${b.base}/orders/${o.order_id}?done=cancelled`, 303);
      },
    }),
    defineRoute({
      method: 'post',
      path: `${prefix}/orders/:order_id/rate`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Rate a completed order once: 1-5 stars, tags, comment (${who})`,
      params: OrderP,
      bodyKind: 'form',
      // tags arrive as tag_0 .. tag_7 checkboxes: the form parser keeps one value per name
      body: z.looseObject({
        stars: z.optional(z.string().check(z.maxLength(2))),
        comment: z.optional(z.string().check(z.maxLength(1000))),
      }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const o = await loadOrder(deps, b, params.order_id);
        const stars = Number(body.stars);
        const comment = (body.comment ?? '').trim();
        if (!Number.isInteger(stars) || stars < 1 || stars > 5)
          return orderPage(c, deps, b, o, { error: { zh: '请先选几颗星（1到5）', en: 'Choose 1 to 5 stars' } }, 400);
        if (comment.length > 200 || /[<>]/.test(comment))
          return orderPage(
            c,
            deps,
            b,
            o,
            { error: { zh: '想说的话最多200字，不能有 < > 符号', en: 'Comment: at most 200 characters, no < >' } },
            400,
          );
        const tags = RATING_TAGS.filter((_, i) => body[`tag_${i}`] === '1');
        const r = await expected(['ORDER_STATE'], () =>
          rateOrder(orderDeps(deps), o.order_id, actorOf(b), { stars, tags: [...tags], comment }),
        );
        if (!r.ok)
          return orderPage(
            c,
            deps,
            b,
            await loadOrder(deps, b, o.order_id),
            { error: { zh: '这个订单已经评价过，或还不能评价。', en: 'Already rated, or not ready to rate.' } },
            r.error.status,
          );
        return c.redirect(`${b.base}/orders/${o.order_id}?done=rated`, 303);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/orders/:order_id/dispute`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Complaint form for a completed order (${who})`,
      params: OrderP,
      async handler(c, { params, principal }) {
        const b = await booker(principal, params.elder_id);
        return render(c, <DisputePage view={viewOf(c)} b={b} o={await loadOrder(deps, b, params.order_id)} />);
      },
    }),
    defineRoute({
      method: 'post',
      path: `${prefix}/orders/:order_id/dispute`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Send a complaint within 7 days of completion (${who})`,
      params: OrderP,
      bodyKind: 'form',
      body: z.object({ reason: z.string().check(z.maxLength(2000)) }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const o = await loadOrder(deps, b, params.order_id);
        const reason = body.reason.trim();
        if (reason.length < 2 || reason.length > 300) {
          return render(
            c,
            <DisputePage
              view={viewOf(c)}
              b={b}
              o={o}
              reason={body.reason}
              error={{ zh: '请写2到300个字', en: 'Write 2 to 300 characters' }}
            />,
            { status: 400 },
          );
        }
        const r = await expected(['ORDER_STATE', 'DISPUTE_WINDOW_CLOSED'], () =>
          disputeOrder(orderDeps(deps), o.order_id, actorOf(b), b.p.sub, reason),
        );
        if (!r.ok)
          return render(
            c,
            <DisputePage view={viewOf(c)} b={b} o={o} reason={body.reason} error={msgOfError(r.error)} />,
            { status: r.error.status },
          );
        return c.redirect(`${b.base}/orders/${o.order_id}?done=disputed`, 303);
      },
    }),
  ];
};
