// One order in the merchant's list, with the buttons the state machine allows now: accept or
// decline, the redemption forms (6-digit code, or card number + PIN), no-show, the visit address.
import type { Order, OrderEvent } from '@tmc/core/orders/state';
import { T } from '../kit/layout';
import { ErrorBox, Field, PostButton, SIX_DIGITS_INPUT, type Msg } from '../kit/ui';
import { chinaDateTime } from '../kit/booking';
import { MERCHANT_STATUS, WhenText } from '../kit/order-ui';

export type OrderError = { order_id: string; msg: Msg };

const CompleteForms = (props: { o: Order; noShow: boolean; error?: Msg | undefined }) => {
  const id = props.o.order_id;
  const action = `/merchant/orders/${id}/complete`;
  return (
    <>
      <ErrorBox msg={props.error} />
      <form method="post" action={action}>
        <Field
          name="code"
          id={`code-${id}`}
          {...SIX_DIGITS_INPUT}
          autocomplete="off"
          cls="code"
          label={{ zh: '老人的6位核销码', en: "Elder's 6-digit code" }}
        />
        <button type="submit" class="btn">
          <T zh="核销完成" en="Redeem" />
        </button>
      </form>
      <details class="alt">
        <summary>
          <T zh="老人没有手机？用积分卡号和密码" en="No phone? Use card and PIN" />
        </summary>
        <form method="post" action={action}>
          <Field
            name="card_number"
            id={`card-${id}`}
            inputmode="numeric"
            autocomplete="off"
            maxlength={16}
            required
            label={{ zh: '积分卡号（12位）', en: 'Card number' }}
          />
          <Field
            name="pin"
            id={`pin-${id}`}
            type="password"
            {...SIX_DIGITS_INPUT}
            autocomplete="off"
            label={{ zh: '老人输入6位密码', en: 'Elder types the PIN' }}
          />
          <button type="submit" class="btn">
            <T zh="用卡核销" en="Redeem with card" />
          </button>
        </form>
      </details>
      {props.noShow && (
        <PostButton
          action={`/merchant/orders/${id}/no-show`}
          label={{ zh: '未到店 / 未遇到老人', en: 'No-show' }}
          cls="btn-warn"
        />
      )}
    </>
  );
};

/** `can`: the state machine's allowed events for the merchant now (orders.ts allowedEvents). */
export const MerchantOrder = (props: { o: Order; can: readonly OrderEvent[]; error?: Msg | undefined }) => {
  const o = props.o;
  const answer = props.can.includes('accept') || props.can.includes('reject');
  const redeem = props.can.includes('complete');
  return (
    <li id={`o-${o.order_id}`}>
      <h3>
        {o.service_name} · <span class="num">{o.price_points} 积分</span>
      </h3>
      <p>
        <b class={o.status === 'requested' || o.status === 'accepted' ? 'price' : undefined}>
          <T zh={MERCHANT_STATUS[o.status].zh} en={MERCHANT_STATUS[o.status].en} />
        </b>{' '}
        {o.home_visit && (
          <span class="tag">
            <T zh="上门" en="Home visit" />
          </span>
        )}
      </p>
      <p>
        <b>
          <T zh="时间" en="When" />
        </b>{' '}
        <WhenText slot={o.slot_start} />
      </p>
      <p class="muted num">下单 {chinaDateTime(o.created_at)}</p>
      {answer && (
        <>
          <ErrorBox msg={props.error} />
          <div class="row">
            {props.can.includes('accept') && (
              <PostButton action={`/merchant/orders/${o.order_id}/accept`} label={{ zh: '接单', en: 'Accept' }} />
            )}
            {props.can.includes('reject') && (
              <PostButton
                action={`/merchant/orders/${o.order_id}/reject`}
                label={{ zh: '拒绝', en: 'Decline' }}
                cls="btn-warn"
              />
            )}
          </div>
        </>
      )}
      {o.status === 'accepted' && o.home_visit && (
        <a class="btn btn-2" href={`/merchant/orders/${o.order_id}/visit`}>
          <T zh="查看上门地址" en="Visit address" />
        </a>
      )}
      {redeem && <CompleteForms o={o} noShow={props.can.includes('no_show')} error={props.error} />}
      {!redeem && props.can.includes('no_show') && (
        <PostButton
          action={`/merchant/orders/${o.order_id}/no-show`}
          label={{ zh: '未到店 / 未遇到老人', en: 'No-show' }}
          cls="btn-warn"
        />
      )}
      {!answer && !redeem && <ErrorBox msg={props.error} />}
      {o.rating && (
        <p>
          <T
            zh={`老人评价：${o.rating.stars} 星${o.rating.tags.length ? `（${o.rating.tags.join('、')}）` : ''}`}
            en={`${o.rating.stars} stars`}
          />
        </p>
      )}
    </li>
  );
};
