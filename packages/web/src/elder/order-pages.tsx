// An elder's orders, for the elder and for bound family on the elder's behalf (one set of
// handlers, see booker.tsx): the list, the order page with the 6-digit code, cancel, rating and
// complaint. Every action is a plain form post, so nothing needs script.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { RATING_TAGS, allowedEvents, type Order, type OrderEvent } from '@tmc/core/orders/state';
import { cancelFee, cancelOrder } from '@tmc/core/orders/cancel';
import { disputeOrder, rateOrder } from '@tmc/core/orders/disputes';
import { orderCode } from '@tmc/core/orders/complete';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { policyNow } from '@tmc/app/public';
import { orderDeps } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import { ErrorBox, Notice, PostButton, ReadAloud, expected, msgOfError, type Msg } from '../kit/ui';
import { assetUrl } from '../kit/static';
import { ELDER_STATUS, OrderLink, WhenText, isOpen, shopKnown, spoken } from '../kit/order-ui';
import { Back, BaseP, ForWhom, OrderP, actorOf, flavorOf, type Booker, type Flavor } from './booker';

const RECENT_ORDERS = 20;

// ---------------------------------------------------------------------------------------------
// The order page

type OrderState = { error?: Msg; done?: Msg };

const DONE: Record<'cancelled' | 'rated' | 'disputed', Msg> = {
  cancelled: { zh: '已取消，积分已退回', en: 'Cancelled; points returned' }, // a fee, if any, is shown in the details
  rated: { zh: '谢谢您的评价', en: 'Thank you for rating' },
  disputed: { zh: '投诉已提交，民政工作人员会处理并联系您', en: 'Complaint sent; staff will follow up' },
};

const STAR_WORDS: readonly (readonly [number, string])[] = [
  [5, '很满意'],
  [4, '满意'],
  [3, '一般'],
  [2, '不满意'],
  [1, '很不满意'],
];

const RateForm = (props: { action: string }) => (
  <section class="panel" aria-labelledby="rate-h">
    <h2 id="rate-h">
      <T zh="给这次服务打分" en="Rate this service" />
    </h2>
    <form method="post" action={props.action}>
      <fieldset>
        <legend>
          <T zh="几颗星？" en="Stars" />
        </legend>
        <div class="picks one">
          {STAR_WORDS.map(([n, word]) => (
            <label class="pick">
              <input type="radio" name="stars" value={String(n)} required />
              <span>
                {'★'.repeat(n)} {n}星 {word}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>
          <T zh="印象（可不选）" en="Tags (optional)" />
        </legend>
        <div class="picks">
          {RATING_TAGS.map((t, i) => (
            <label class="pick">
              <input type="checkbox" name={`tag_${i}`} value="1" />
              <span>{t}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div class="field">
        <label for="f-comment">
          <T zh="想说的话（可不填）" en="Comment (optional)" />
        </label>
        <textarea id="f-comment" name="comment" maxlength={200} rows={3}></textarea>
      </div>
      <button type="submit" class="btn">
        <T zh="提交评价" en="Submit" />
      </button>
    </form>
  </section>
);

const OrderPage = (props: {
  view: View;
  b: Booker;
  o: Order;
  can: readonly OrderEvent[];
  code: string | null;
  merchantPhone: string | null;
  cancelFee: number;
  state: OrderState;
}) => {
  const { o, b } = props;
  const url = `${b.base}/orders/${o.order_id}`;
  const offer = o.offers.findIndex((x) => x.outcome === 'pending' && x.offered_at !== '');
  const known = shopKnown(o);
  return (
    <H5Layout
      view={props.view}
      title="我的订单"
      titleEn="My order"
      scripts={props.code ? [assetUrl('readAloud')] : undefined}
    >
      <ForWhom b={b} />
      <Notice msg={props.state.done} />
      <ErrorBox msg={props.state.error} />
      <section class="panel" aria-labelledby="st-h">
        <h2 id="st-h" class="status">
          <T zh={ELDER_STATUS[o.status].zh} en={ELDER_STATUS[o.status].en} block />
        </h2>
        {o.mode === 'find_for_me' && o.status === 'requested' && offer >= 0 && (
          // which shop is being asked stays unsaid: it may decline, and the elder would wait for the wrong one
          <p>
            <T
              zh={`帮我找：正在问第 ${offer + 1} 家，商户接单后告诉您是哪家`}
              en={`Asking shop no. ${offer + 1}; you will see which once one accepts`}
            />
          </p>
        )}
      </section>
      {props.code && (
        // right under the status, so it is on the first screen when the shop asks for it
        <section class="panel" aria-labelledby="code-h">
          <h2 id="code-h">
            <T zh="核销码" en="Code" />
          </h2>
          <p>
            <T zh="服务做完后，把这6位数字给商户看。" en="When served, show these 6 digits to the shop." block />
          </p>
          <p class="ocode num" id="code">
            {props.code}
          </p>
          <ReadAloud text={`核销码是：${spoken(props.code)}。再说一遍：${spoken(props.code)}`} />
        </section>
      )}
      <section class="panel" aria-labelledby="what-h">
        <h2 id="what-h">
          <T zh="订单内容" en="Details" />
        </h2>
        <dl class="kv">
          {known ? (
            <>
              <dt>
                <T zh="商户" en="Shop" />
              </dt>
              <dd id="merchant">{o.merchant_name}</dd>
              <dt>
                <T zh="服务" en="Service" />
              </dt>
              <dd>{o.service_name}</dd>
            </>
          ) : (
            <>
              <dt>
                <T zh="商户" en="Shop" />
              </dt>
              <dd id="merchant">
                <T zh="帮我找：还没有商户接单" en="Find one for me: no shop has accepted yet" />
              </dd>
            </>
          )}
          <dt>
            <T zh="积分" en="Points" />
          </dt>
          <dd class="num">
            <T zh={`${o.price_points} 积分`} en={`${o.price_points} points`} />
          </dd>
          {o.cancel_fee_points ? (
            <>
              <dt>
                <T zh="取消费" en="Cancel fee" />
              </dt>
              <dd class="num">
                <T zh={`${o.cancel_fee_points} 积分`} en={`${o.cancel_fee_points} points`} />
              </dd>
            </>
          ) : null}
          <dt>
            <T zh="时间" en="When" />
          </dt>
          <dd>
            <WhenText slot={o.slot_start} />
          </dd>
          {o.home_visit && (
            <>
              <dt>
                <T zh="方式" en="Where" />
              </dt>
              <dd>
                <T zh="上门" en="Home visit" />
              </dd>
            </>
          )}
        </dl>
      </section>
      {isOpen(o) && (
        <>
          {props.merchantPhone && known && (
            <a class="btn btn-2" href={`tel:${props.merchantPhone}`}>
              <T zh="打电话给商户" en="Call the shop" />
            </a>
          )}
          <a class="btn btn-2" href={url}>
            <T zh="刷新状态" en="Refresh" />
          </a>
        </>
      )}
      {props.can.includes('rate') && <RateForm action={`${url}/rate`} />}
      {o.status === 'rated' && o.rating && (
        <p class="panel">
          <T zh={`您的评价：${o.rating.stars} 星`} en={`You rated ${o.rating.stars} stars`} />
        </p>
      )}
      <div class="row">
        <Back href={`${b.base}/orders`} label={{ zh: '全部订单', en: 'All orders' }} />
        <Back href={b.base} label={{ zh: '返回首页', en: 'Home' }} />
      </div>
      {props.can.includes('cancel') && (
        // kept apart from the everyday buttons, at the end, so a slip of the thumb does not cancel
        <section class="panel" aria-labelledby="cancel-h">
          <h2 id="cancel-h">
            <T zh="不需要了？" en="No longer needed?" />
          </h2>
          {props.cancelFee > 0 ? (
            // said before the tap, in the page itself: no confirm pop-up for elders
            <p>
              <T
                zh={`商户已接单，现在取消要收 ${props.cancelFee} 积分取消费，其余 ${o.held_points - props.cancelFee} 积分马上退回。`}
                en={
                  `The shop has accepted: cancelling now costs ${props.cancelFee}` +
                  ` points; the rest comes back at once.`
                }
                block
              />
            </p>
          ) : (
            <p>
              <T zh="取消后积分马上退回。" en="Points come back at once." />
            </p>
          )}
          <PostButton action={`${url}/cancel`} label={{ zh: '取消预约', en: 'Cancel booking' }} cls="btn-warn" />
        </section>
      )}
      {props.can.includes('dispute') && (
        <section class="panel" aria-labelledby="cmp-h">
          <h2 id="cmp-h">
            <T zh="不满意？" en="Not happy?" />
          </h2>
          <a class="btn btn-warn" href={`${url}/dispute`}>
            <T zh="投诉" en="Complain" />
          </a>
        </section>
      )}
    </H5Layout>
  );
};

const loadOrder = async (deps: Deps, b: Booker, order_id: string): Promise<Order> => {
  const o = await deps.orders.get(order_id);
  // Someone else's order answers exactly like a missing one: ids are not a way to probe.
  if (!o || o.elder_id !== b.elder.elder_id) throw new AppError('ORDER_NOT_FOUND');
  return o;
};

const orderPage = async (c: Ctx, deps: Deps, b: Booker, o: Order, state: OrderState, status = 200) => {
  const m = isOpen(o) ? await deps.merchants.getMerchant(o.merchant_id) : null;
  const code = isOpen(o) ? orderCode(deps, o) : null;
  // the policy is read only when a fee can apply (after acceptance), not on every order page
  const fee = o.status === 'accepted' ? cancelFee(await policyNow(deps), o, actorOf(b)) : 0;
  // the buttons are the state machine's answer for this person now, not worked out here
  const can = allowedEvents(o, actorOf(b), deps.clock.now());
  return render(
    c,
    <OrderPage
      view={viewOf(c)}
      b={b}
      o={o}
      can={can}
      code={code}
      merchantPhone={m?.contact_phone ?? null}
      cancelFee={fee}
      state={state}
    />,
    { status },
  );
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
        const policy = await policyNow(deps);
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
