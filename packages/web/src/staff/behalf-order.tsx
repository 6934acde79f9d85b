// 代下单, the order half: one order of an elder as the officer on the phone sees it: the 6-digit code
// large enough to read out (shown to staff only on an order booked on behalf, the API's seesCode rule),
// a print slip (?print=1, plain CSS, no script), the status, who changed it last, and the on-behalf
// actions the state machine allows staff now: cancel, rate, dispute. behalf-pages.tsx holds the routes.
import { RATING_TAGS, type Order, type OrderEvent } from '@tmc/core/orders/state';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Deps } from '@tmc/app/public';
import { T } from '../kit/layout';
import { CardNumber, ErrorBox, Notice, PostButton, type Msg } from '../kit/ui';
import { ELDER_STATUS, WhenText, isOpen, shopKnown, spoken } from '../kit/order-ui';
import { LastChangeLine, lastChangeOf, type LastChange } from './last-change';
import { chinaTime } from './kit';

/** On-behalf records (booking, rating, dispute) are filed under the elder, the rest under the order: the
 * newest of this order's is among the elder's latest few while the officer is still working on it. */
const ELDER_RECORDS_READ = 20;

/** Who changed this order last: the newest of its own audit records and the on-behalf ones about it. */
export const orderLastChange = async (deps: Deps, o: Order): Promise<LastChange> => {
  const [own, elder] = await Promise.all([
    lastChangeOf(deps, `order:${o.order_id}`),
    deps.audit.listBySubject(`elder:${o.elder_id}`, ELDER_RECORDS_READ),
  ]);
  const behalf = elder.items.find((a) => a.detail?.order_id === o.order_id) ?? null;
  if (!own || !behalf) return own ?? behalf;
  if (own.at !== behalf.at) return own.at > behalf.at ? own : behalf;
  return behalf.actor === o.change?.by ? behalf : own; // same instant: the order says who moved it last
};

export type OrderForm = {
  done?: Msg | undefined;
  error?: Msg | undefined;
  rate?: { errors: Record<string, Msg>; values: { stars?: string; comment?: string } };
  dispute?: { errors: Record<string, Msg>; reason: string };
};

export type OrderViewProps = {
  base: string; // /staff/elders/:elder_id
  e: ElderRecord;
  o: Order;
  code: string | null;
  merchantPhone: string | null;
  address: string | null;
  can: readonly OrderEvent[];
  last: LastChange;
  f: OrderForm;
};

const StarPicks = (props: { value?: string | undefined; error?: Msg | undefined }) => (
  <fieldset aria-describedby={props.error ? 'stars-err' : undefined}>
    <legend>
      <T zh="评分（1 至 5 星）" en="Stars (1 to 5)" />
    </legend>
    {props.error && (
      <div class="err" id="stars-err">
        <T zh={props.error.zh} en={props.error.en} />
      </div>
    )}
    <div class="checks">
      {[5, 4, 3, 2, 1].map((n) => (
        <label>
          <input type="radio" name="stars" value={String(n)} checked={props.value === String(n)} required /> {n} 星
        </label>
      ))}
    </div>
  </fieldset>
);

const RateForm = (props: { action: string; f: OrderForm }) => (
  <section class="panel noprint" aria-labelledby="rate-h">
    <h2 id="rate-h">
      <T zh="代老人评价" en="Rate on the elder's behalf" />
    </h2>
    <form method="post" action={props.action}>
      <StarPicks value={props.f.rate?.values.stars} error={props.f.rate?.errors.stars} />
      <fieldset>
        <legend>
          <T zh="印象（可不选，最多 5 个）" en="Tags (optional, up to 5)" />
        </legend>
        {props.f.rate?.errors.tags && (
          <div class="err">
            <T zh={props.f.rate.errors.tags.zh} en={props.f.rate.errors.tags.en} />
          </div>
        )}
        <div class="checks">
          {RATING_TAGS.map((t, i) => (
            <label>
              <input type="checkbox" name={`tag_${i}`} value="1" /> {t}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="field">
        <label for="f-comment">
          <T zh="老人的话（可不填，200 字内）" en="The elder's words (optional)" />
        </label>
        {props.f.rate?.errors.comment && (
          <div class="err" id="f-comment-err">
            <T zh={props.f.rate.errors.comment.zh} en={props.f.rate.errors.comment.en} />
          </div>
        )}
        <textarea
          id="f-comment"
          name="comment"
          maxlength={200}
          rows={3}
          aria-invalid={props.f.rate?.errors.comment ? 'true' : undefined}
          aria-describedby={props.f.rate?.errors.comment ? 'f-comment-err' : undefined}
        >
          {props.f.rate?.values.comment ?? ''}
        </textarea>
      </div>
      <button class="btn" type="submit">
        <T zh="提交评价" en="Submit rating" />
      </button>
    </form>
  </section>
);

const DisputeForm = (props: { action: string; f: OrderForm }) => {
  const err = props.f.dispute?.errors.reason;
  return (
    <section class="panel noprint" aria-labelledby="dispute-h">
      <h2 id="dispute-h">
        <T zh="代老人投诉" en="Dispute on the elder's behalf" />
      </h2>
      <p class="muted">
        <T
          zh="记下老人自己的话。投诉会进入民政的投诉队列，成立后积分退回老人。"
          en="Write down the elder's own words; an upheld dispute returns the points."
        />
      </p>
      <form method="post" action={props.action}>
        <div class="field">
          <label for="f-reason">
            <T zh="投诉内容（2 至 300 字）" en="What went wrong (2 to 300 characters)" />
          </label>
          {err && (
            <div class="err" id="f-reason-err">
              <T zh={err.zh} en={err.en} />
            </div>
          )}
          <textarea
            id="f-reason"
            name="reason"
            required
            minlength={2}
            maxlength={300}
            rows={4}
            aria-invalid={err ? 'true' : undefined}
            aria-describedby={err ? 'f-reason-err' : undefined}
          >
            {props.f.dispute?.reason ?? ''}
          </textarea>
        </div>
        <button class="btn btn-warn" type="submit">
          <T zh="提交投诉" en="Send dispute" />
        </button>
      </form>
    </section>
  );
};

/** The code, large, with its digits spaced for reading out, and the ways to complete the order. */
const CodePanel = (props: { code: string }) => (
  <section class="panel slip-code" aria-labelledby="code-h">
    <h2 id="code-h">
      <T zh="核销码（念给老人，或打印给老人）" en="Completion code (read it out, or print it)" />
    </h2>
    <p class="ocode num" id="code">
      {props.code}
    </p>
    <p class="muted">
      <T zh={`逐位念：${spoken(props.code)}`} en={`Digit by digit: ${spoken(props.code)}`} />
    </p>
    <p>
      <T
        zh="服务做完后，老人把这 6 位数字告诉商户；没有核销码时，商户也可以用积分卡号加老人输入的密码核销。"
        en="When served, the elder gives the shop these 6 digits, or the shop uses the card number and the elder's PIN."
      />
    </p>
  </section>
);

/** The order's facts, shared by the page and the print slip. */
const Facts = (props: OrderViewProps) => {
  const { o, e } = props;
  return (
    <dl class="kv">
      <dt>
        <T zh="老人" en="Elder" />
      </dt>
      <dd>{e.name}</dd>
      <dt>
        <T zh="积分卡号" en="Card number" />
      </dt>
      <dd>
        <CardNumber value={e.card_number} cls="num" />
      </dd>
      <dt>
        <T zh="服务" en="Service" />
      </dt>
      <dd>{shopKnown(o) ? o.service_name : <T zh="帮我找：还没有商户接单" en="Not yet accepted" />}</dd>
      <dt>
        <T zh="商户" en="Merchant" />
      </dt>
      <dd id="merchant">
        {shopKnown(o) ? o.merchant_name : '—'}
        {props.merchantPhone && shopKnown(o) && <span class="num"> · {props.merchantPhone}</span>}
      </dd>
      {props.address && shopKnown(o) && !o.home_visit && (
        <>
          <dt>
            <T zh="地址" en="Address" />
          </dt>
          <dd>{props.address}</dd>
        </>
      )}
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
            <T zh="上门服务" en="Home visit" />
          </dd>
        </>
      )}
      <dt>
        <T zh="积分" en="Points" />
      </dt>
      <dd class="num">{o.price_points}</dd>
      <dt>
        <T zh="订单号" en="Order" />
      </dt>
      <dd class="num">{o.order_id}</dd>
    </dl>
  );
};

export const OrderView = (props: OrderViewProps) => {
  const { o, base, can } = props;
  const url = `${base}/orders/${o.order_id}`;
  return (
    <>
      <Notice msg={props.f.done} />
      <ErrorBox msg={props.f.error} />
      <section class="panel" aria-labelledby="st-h">
        <h2 id="st-h">
          <T zh={`状态：${ELDER_STATUS[o.status].zh}`} en={`Status: ${ELDER_STATUS[o.status].en}`} />
        </h2>
        <p class="muted">
          <T
            zh={`下单：${chinaTime(o.created_at)} · ${o.booked_by.replace(/^staff:/, '')}`}
            en={`Booked ${chinaTime(o.created_at)} by ${o.booked_by.replace(/^staff:/, '')}`}
          />
        </p>
        <LastChangeLine last={props.last} />
        {o.rating && (
          <p>
            <T
              zh={`评价：${o.rating.stars} 星${o.rating.comment ? `，${o.rating.comment}` : ''}`}
              en={`Rated ${o.rating.stars} stars`}
            />
          </p>
        )}
        {o.dispute && (
          <p>
            <T zh={`投诉：${o.dispute.reason}`} en={`Dispute: ${o.dispute.reason}`} />
          </p>
        )}
      </section>
      {props.code && <CodePanel code={props.code} />}
      <section class="panel" aria-labelledby="what-h">
        <h2 id="what-h">
          <T zh="订单内容" en="Details" />
        </h2>
        <Facts {...props} />
      </section>
      <p class="links noprint">
        {props.code && (
          <a href={`${url}?print=1`}>
            <T zh="打印预约单" en="Print the slip" />
          </a>
        )}
        {isOpen(o) && (
          <a href={url}>
            <T zh="刷新状态" en="Refresh" />
          </a>
        )}
        <a href={`${base}/book`}>
          <T zh="再下一单" en="Book another" />
        </a>
        <a href={`/staff/elders/${props.e.elder_id}`}>
          <T zh="返回老人资料" en="Back to the elder" />
        </a>
      </p>
      {can.includes('rate') && <RateForm action={`${url}/rate`} f={props.f} />}
      {can.includes('dispute') && <DisputeForm action={`${url}/dispute`} f={props.f} />}
      {can.includes('cancel') && (
        <section class="panel noprint" aria-labelledby="cancel-h">
          <h2 id="cancel-h">
            <T zh="取消这个订单" en="Cancel this order" />
          </h2>
          <p class="muted">
            <T
              zh="工作人员取消不收取消费，冻结的积分马上退回老人。"
              en="A cancel by staff costs the elder nothing; the held points come back at once."
            />
          </p>
          <PostButton action={`${url}/cancel`} label={{ zh: '取消订单', en: 'Cancel order' }} cls="btn-warn" />
        </section>
      )}
    </>
  );
};

/** The slip to print and hand over or post to the elder: nothing but the order and its code. */
export const PrintSlip = (props: OrderViewProps) => (
  <>
    <p class="noprint">
      <T
        zh="用浏览器的“打印”（Ctrl+P）打印这一页；页首和按钮不会打印出来。"
        en="Print this page with the browser (Ctrl+P); the top bar and links are not printed."
      />{' '}
      <a href={`${props.base}/orders/${props.o.order_id}`}>
        <T zh="返回订单" en="Back to the order" />
      </a>
    </p>
    <section class="panel slip" aria-labelledby="slip-h">
      <h2 id="slip-h">十分钟服务圈 · 预约单 Booking slip</h2>
      {props.code && (
        <>
          <p>
            <T zh="核销码（服务做完后告诉商户）" en="Completion code (give it to the shop when served)" />
          </p>
          <p class="ocode num" id="code">
            {props.code}
          </p>
        </>
      )}
      <Facts {...props} />
      <p>
        <T
          zh="没有核销码时，商户可以用积分卡号加老人自己输入的密码核销。密码不要告诉别人。"
          en="Without the code the shop can use the card number and the PIN the elder types in. Keep the PIN private."
        />
      </p>
    </section>
  </>
);
