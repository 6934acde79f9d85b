// One order as the elder (or bound family) sees it: status, the 6-digit code while open, details,
// the rating form, cancel and complain buttons. Split out of order-pages.tsx so the routes file
// stays short; every route that acts on an order shows this page again with its outcome.
import { AppError } from '@tmc/core/kernel/errors';
import { RATING_TAGS, allowedEvents, type Order, type OrderEvent } from '@tmc/core/orders/state';
import { cancelFee } from '@tmc/core/orders/cancel';
import { orderCode } from '@tmc/core/orders/complete';
import { policyForOrders } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import { ErrorBox, Notice, PostButton, ReadAloud, type Msg } from '../kit/ui';
import { assetUrl } from '../kit/static';
import { ELDER_STATUS, WhenText, isOpen, shopKnown, spoken } from '../kit/order-ui';
import { Back, ForWhom, actorOf, type Booker } from './booker';

type OrderState = { error?: Msg; done?: Msg };

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

export const loadOrder = async (deps: Deps, b: Booker, order_id: string): Promise<Order> => {
  const o = await deps.orders.get(order_id);
  // Someone else's order answers exactly like a missing one: ids are not a way to probe.
  if (!o || o.elder_id !== b.elder.elder_id) throw new AppError('ORDER_NOT_FOUND');
  return o;
};

export const orderPage = async (c: Ctx, deps: Deps, b: Booker, o: Order, state: OrderState, status = 200) => {
  const m = isOpen(o) ? await deps.merchants.getMerchant(o.merchant_id) : null;
  const code = isOpen(o) ? orderCode(deps, o) : null;
  // the policy is read only when a fee can apply (after acceptance), not on every order page
  const fee = o.status === 'accepted' ? cancelFee(await policyForOrders(deps), o, actorOf(b)) : 0;
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
