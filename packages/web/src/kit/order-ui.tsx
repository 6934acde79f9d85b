// What the order pages say: the status of an order in the elder's words and in the merchant's,
// booking and completion errors with what to do next (Chinese first), and the pieces the elder,
// family and merchant pages share (points panel, category buttons, a service hit, an order row).
import type { Category } from '@tmc/core/merchants/model';
import type { Order, OrderState } from '@tmc/core/orders/state';
import type { SearchHit } from '@tmc/core/search/search';
import type { AppError } from '@tmc/core/kernel/errors';
import { T } from './layout';
import { ReadAloud, msgOfError, type Msg } from './ui';
import { chinaDateTime, chinaDateTimeEn, chinaDay, distanceZh, type PointsSummary } from './booking';

/** A moment in China time, in the page's language. */
export const Stamp = (props: { iso: string }) => <T zh={chinaDateTime(props.iso)} en={chinaDateTimeEn(props.iso)} />;
import { HOTLINE } from './contacts';

/** The elder's and family's words for each state (short enough for one big line). */
export const ELDER_STATUS: Record<OrderState, Msg> = {
  requested: { zh: '已预约，等商户接单', en: 'Booked; waiting for the shop' },
  accepted: { zh: '商户已接单', en: 'The shop accepted' },
  rejected: { zh: '商户无法接单，积分已退回', en: 'The shop declined; points returned' },
  // both ways an order runs out of time: no answer, or (the hold's lapse) not done by the end of its window
  expired: { zh: '订单超时已关闭，积分已退回', en: 'Timed out; points returned' },
  unmatched: { zh: '附近暂时没有商户接单，积分已退回', en: 'No shop was free; points returned' },
  cancelled: { zh: '已取消，积分已退回', en: 'Cancelled; points returned' },
  completed: { zh: '已完成', en: 'Done' },
  no_show: { zh: '商户记为未到，积分已退回', en: 'Marked as missed; points returned' },
  rated: { zh: '已完成，已评价', en: 'Done and rated' },
  disputed: { zh: '已投诉，等待民政处理', en: 'Complaint sent; waiting for the bureau' },
  refunded: { zh: '投诉成立，积分已退回', en: 'Complaint upheld; points returned' },
  dispute_dismissed: { zh: '投诉未成立', en: 'Complaint not upheld' },
};

/** The merchant's words for the same states. */
export const MERCHANT_STATUS: Record<OrderState, Msg> = {
  requested: { zh: '新订单，请接单', en: 'New: accept or decline' },
  accepted: { zh: '已接单，服务后核销', en: 'Accepted: redeem after service' },
  rejected: { zh: '已拒绝', en: 'Declined' },
  expired: { zh: '超时已关闭', en: 'Timed out' },
  unmatched: { zh: '已转给其他商户', en: 'Passed on' },
  cancelled: { zh: '老人已取消', en: 'Cancelled by the elder' },
  completed: { zh: '已完成', en: 'Done' },
  no_show: { zh: '未到店', en: 'No-show' },
  rated: { zh: '已完成，已评价', en: 'Done and rated' },
  disputed: { zh: '老人投诉中', en: 'Under complaint' },
  refunded: { zh: '投诉成立，积分已退回', en: 'Complaint upheld' },
  dispute_dismissed: { zh: '投诉未成立', en: 'Complaint dismissed' },
};

/** 帮我找 names a shop only once one has accepted: until then the order's shop is merely the one
 * being asked, and may change (or none may take it). A direct booking names its shop at once. */
export const shopKnown = (o: Pick<Order, 'mode' | 'offers'>): boolean =>
  o.mode === 'direct' || o.offers.some((x) => x.outcome === 'accepted');

/** The code is shown (and can be used) only while the order is open. */
export const isOpen = (o: Pick<Order, 'status'>): boolean => o.status === 'requested' || o.status === 'accepted';

/** Booking errors with what to do about them. */
export const bookingMsg = (e: AppError, price_points?: number, balance_points?: number): Msg => {
  switch (e.code) {
    case 'INSUFFICIENT_POINTS': {
      const have = balance_points ?? (typeof e.details?.balance_points === 'number' ? e.details.balance_points : null);
      const need = price_points ? `这项服务要 ${price_points} 积分` : '积分不够';
      return {
        zh: `积分不足：${need}${have !== null ? `，现在有 ${have} 积分` : ''}。可以选便宜一些的服务，或请家属充值。`,
        en: 'Not enough points: choose a cheaper service or ask family to top up.',
      };
    }
    case 'SLOT_FULL':
      return {
        zh: '这个时段刚刚约满了。已为您选好下一个空闲时段，请看一下时间，再点一次“确认预约”。',
        en: 'That time just filled up. The next free time is chosen; check it and tap Confirm again.',
      };
    case 'SLOT_INVALID':
      return {
        zh: '这个时段已经过了。已换成下一个时段，请再点一次“确认预约”。',
        en: 'That time has passed. The next one is shown; tap Confirm again.',
      };
    case 'CATEGORY_NOT_ALLOWED':
      return {
        zh: '补贴积分不能用于这类服务，充值积分又不够。可以选别的服务，或请家属充值。',
        en: 'Subsidy points cannot buy this; choose another service or ask family to top up.',
      };
    case 'CAP_EXCEEDED':
      return {
        zh: '超过单笔或本月的积分使用上限。可以选便宜一些的服务，或下个月再约。',
        en: 'Over the per-order or monthly limit: choose a cheaper service or book next month.',
      };
    case 'WALLET_FROZEN':
      return {
        zh: `积分账户已冻结，暂时不能预约。请联系社区，或拨打 ${HOTLINE.number}。`,
        en: `Your points are frozen: contact your community or call ${HOTLINE.number}.`,
      };
    case 'SERVICE_UNAVAILABLE':
      return {
        zh: '这项服务暂时不能预约，请返回换一家。',
        en: 'This service cannot be booked now; go back and pick another.',
      };
    case 'IDEMPOTENCY_KEY_REUSED':
      return {
        zh: '这张预约单已经用过了，请返回重新选择。',
        en: 'This form was already used; go back and choose again.',
      };
    default:
      return msgOfError(e);
  }
};

/** Completion errors on the merchant's page, with the tries left. */
export const completionMsg = (e: AppError): Msg => {
  // CODE_INVALID with the tries left: the message table words it (msgOf)
  if (e.code === 'CODE_LOCKED')
    return {
      zh: `错误次数太多，这个订单已锁定。请老人联系社区，或拨打 ${HOTLINE.number}。`,
      en: 'Too many wrong tries; the order is locked. The elder should contact the community.',
    };
  if (e.code === 'ORDER_STATE') {
    const s = e.details?.status;
    const now = typeof s === 'string' && s in MERCHANT_STATUS ? MERCHANT_STATUS[s as OrderState] : null;
    return {
      zh: `订单状态已经变了${now ? `（现在：${now.zh}）` : ''}，不能再这样操作。`,
      en: `The order has moved on${now ? ` (now: ${now.en})` : ''}.`,
    };
  }
  return msgOfError(e);
};

/** Digits read one by one: "1 2 3 4 5 6". */
export const spoken = (digits: string): string => digits.split('').join(' ');

export const PointsPanel = (props: { points: PointsSummary; whose: 'mine' | 'theirs' }) => {
  const p = props.points;
  return (
    <section class="panel" aria-labelledby="pts-h">
      <h2 id="pts-h">
        {props.whose === 'mine' ? <T zh="我的积分" en="My points" /> : <T zh="老人的积分" en="Their points" />}
      </h2>
      <p class="pts num" id="balance">
        {p.balance_points}
        <span class="unit">
          <T zh="积分" en="points" />
        </span>
      </p>
      {p.soonest && (
        <p id="expiry">
          <T
            zh={`其中 ${p.soonest.points} 积分 ${chinaDay(p.soonest.expires_on)}到期，请在这之前用掉。`}
            en={`${p.soonest.points} expire on ${p.soonest.expires_on}.`}
          />
        </p>
      )}
      {p.frozen && (
        <p class="err">
          <T zh="积分账户已冻结，暂时不能预约，请联系社区。" en="Frozen: no booking for now." />
        </p>
      )}
      {props.whose === 'mine' && (
        <ReadAloud
          text={
            `您有${p.balance_points}积分` +
            `${p.soonest ? `，其中${p.soonest.points}积分${chinaDay(p.soonest.expires_on)}到期` : ''}`
          }
        />
      )}
    </section>
  );
};

/** One big button per category, leading to the services near home. */
export const CategoryButtons = (props: { base: string; categories: Category[] }) => (
  <section class="panel" aria-labelledby="cat-h">
    <h2 id="cat-h">
      <T zh="找服务" en="Find a service" />
    </h2>
    <div class="cats">
      {props.categories.map((c) => (
        <a class="btn" href={`${props.base}/services?category=${c.code}`}>
          <T zh={c.name_zh} en={c.name_en} />
        </a>
      ))}
    </div>
    <a class="btn btn-2" href={`${props.base}/orders`}>
      <T zh="我的订单" en="My orders" />
    </a>
  </section>
);

/** "3 公里" / "800 米" for a travel radius, and the same in English. */
const radiusText = (m: number): Msg => ({
  zh: distanceZh(m),
  en: m < 1000 ? `${m} m` : `${(Math.round(m / 100) / 10).toFixed(1)} km`,
});

/** One service in the circle: what, who, how far, how much, open or resting; call or book. A home
 * visit says how far the shop travels and how far the elder lives from it, never a walk. */
export const HitCard = (props: { hit: SearchHit; base: string }) => {
  const h = props.hit;
  const far = radiusText(h.distance_m);
  const reach = h.radius_m !== null ? radiusText(h.radius_m) : null;
  return (
    <li class="svc">
      <h3>{h.name}</h3>
      <p class="who">{h.merchant_name}</p>
      <p>
        {h.home_visit ? (
          <>
            <span class="tag ok">
              <T zh="上门" en="Home visit" />
            </span>{' '}
            {reach && (
              <span class="tag num">
                <T zh={`上门范围 ${reach.zh}`} en={`Travels up to ${reach.en}`} />
              </span>
            )}{' '}
            <span class="tag num">
              <T zh={`离您家 ${far.zh}`} en={`${far.en} from you`} />
            </span>
          </>
        ) : (
          <>
            <span class="tag num">
              <T zh={`步行约 ${h.walking_minutes} 分钟`} en={`${h.walking_minutes} min walk`} />
            </span>{' '}
            <span class="tag num">
              <T zh={far.zh} en={far.en} />
            </span>
          </>
        )}{' '}
        {h.open_now ? (
          <span class="tag ok">
            <T zh="营业中" en="Open" />
          </span>
        ) : (
          <span class="tag">
            <T zh="休息" en="Closed" />
          </span>
        )}
      </p>
      {h.slots_full ? (
        <p>
          <span class="tag">
            <T zh="近期已约满" en="Fully booked for now" />
          </span>
        </p>
      ) : (
        h.next_slot && (
          <p class="num">
            <T zh={`最近可约：${chinaDateTime(h.next_slot)}`} en={`Next free: ${chinaDateTimeEn(h.next_slot)}`} />
          </p>
        )
      )}
      <p>
        <b class="price num">
          <T zh={`${h.price_points} 积分`} en={`${h.price_points} points`} />
        </b>
        {' · '}
        {h.rating_avg !== null ? (
          <span class="num">
            <T zh={`评分 ${h.rating_avg.toFixed(1)}（${h.rating_count}人）`} en={`${h.rating_avg.toFixed(1)} stars`} />
          </span>
        ) : (
          <T zh="暂无评分" en="No ratings yet" />
        )}
      </p>
      <div class="row">
        <a class="btn btn-2" href={`tel:${h.merchant_phone}`}>
          <T zh="打电话" en="Call" />
        </a>
        <a class="btn" href={`${props.base}/book?merchant_id=${h.merchant_id}&service_id=${h.service_id}`}>
          <T zh="预约" en="Book" />
        </a>
      </div>
    </li>
  );
};

/** When: the booked slot, or "as soon as possible" for an order without one. */
export const WhenText = (props: { slot: string | null }) =>
  props.slot ? (
    <span class="num">
      <Stamp iso={props.slot} />
    </span>
  ) : (
    <T zh="尽快（商户接单后联系您）" en="As soon as possible" />
  );

/** An order in a list: one big link to its page. */
export const OrderLink = (props: { o: Order; base: string }) => (
  <li>
    <a class="choice" href={`${props.base}/orders/${props.o.order_id}`}>
      {shopKnown(props.o) ? (
        <>
          {props.o.service_name} · {props.o.merchant_name}
        </>
      ) : (
        <T zh="帮我找" en="Find one for me" />
      )}
      <span class="en-b">
        <Stamp iso={props.o.created_at} /> ·{' '}
        <T zh={ELDER_STATUS[props.o.status].zh} en={ELDER_STATUS[props.o.status].en} />
      </span>
    </a>
  </li>
);
