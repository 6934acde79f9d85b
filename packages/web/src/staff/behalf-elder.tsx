// 代下单: whose booking it is (the elder's panel on every screen: name, address, card number, points)
// and the elder's latest orders, each linked to its staff order page.
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Order } from '@tmc/core/orders/state';
import { T } from '../kit/layout';
import { CardNumber } from '../kit/ui';
import type { PointsSummary } from '../kit/booking';
import { ELDER_STATUS, shopKnown } from '../kit/order-ui';
import { chinaTime } from './kit';

/** Whose booking this is, on every screen of 代下单, so nobody books for the wrong elder. */
export const ElderPanel = (props: { e: ElderRecord; area: string; points: PointsSummary }) => (
  <section class="panel" aria-labelledby="who-h">
    <h2 id="who-h">
      <T zh={`为 ${props.e.name} 代下单`} en={`Booking for ${props.e.name}`} />
    </h2>
    <dl class="kv">
      <dt>
        <T zh="社区" en="Community" />
      </dt>
      <dd>{props.area}</dd>
      <dt>
        <T zh="住址" en="Address" />
      </dt>
      <dd>{props.e.address || '—'}</dd>
      <dt>
        <T zh="积分卡号" en="Card number" />
      </dt>
      <dd>
        <CardNumber value={props.e.card_number} cls="num" />
      </dd>
      <dt>
        <T zh="积分余额" en="Points" />
      </dt>
      <dd class="num" id="balance">
        {props.points.balance_points}
        {props.points.soonest && (
          <>
            {' '}
            <T
              zh={`（其中 ${props.points.soonest.points} 积分 ${props.points.soonest.expires_on} 到期）`}
              en={`(${props.points.soonest.points} expire on ${props.points.soonest.expires_on})`}
            />
          </>
        )}
      </dd>
    </dl>
    {props.points.frozen && (
      <p class="err">
        <T zh="积分账户已冻结，不能预约。" en="The wallet is frozen: no booking." />
      </p>
    )}
    <p class="links">
      <a href={`/staff/elders/${props.e.elder_id}`}>
        <T zh="返回老人资料" en="Back to the elder" />
      </a>
    </p>
  </section>
);

/** The elder's latest orders, each linked to its staff page (the code, print, rate, dispute). */
export const RecentOrders = (props: { base: string; orders: Order[] }) => (
  <section class="panel" aria-labelledby="recent-h">
    <h2 id="recent-h">
      <T zh="最近的订单" en="Recent orders" />
    </h2>
    {props.orders.length === 0 ? (
      <p>
        <T zh="还没有订单。" en="No orders yet." />
      </p>
    ) : (
      <table>
        <thead>
          <tr>
            <th scope="col">下单时间 Booked</th>
            <th scope="col">服务 Service</th>
            <th scope="col">状态 Status</th>
            <th scope="col">下单人 Booked by</th>
          </tr>
        </thead>
        <tbody>
          {props.orders.map((o) => (
            <tr>
              <td class="num">
                <a href={`${props.base}/orders/${o.order_id}`}>{chinaTime(o.created_at)}</a>
              </td>
              <td>{shopKnown(o) ? `${o.service_name} · ${o.merchant_name}` : '帮我找 Find one for me'}</td>
              <td>
                <T zh={ELDER_STATUS[o.status].zh} en={ELDER_STATUS[o.status].en} />
              </td>
              <td>{o.booked_by.replace(/^staff:/, '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
);
