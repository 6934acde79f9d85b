// The tables of the staff merchant pages: status words, services, orders (with their ratings or
// complaints) and statements. Every table has a caption or a heading and column headers.
import type { Merchant, Service } from '@tmc/core/merchants/model';
import type { Statement } from '@tmc/core/settlement/model';
import type { MerchantOrderRow } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { Msg } from '../kit/ui';
import { MERCHANT_STATUS as ORDER_STATUS } from '../kit/order-ui';
import { statusMsg } from '../kit/settlement-ui';
import { chinaTime } from './kit';

export const MERCHANT_STATUS_MSG: Record<Merchant['status'], Msg> = {
  pending: { zh: '待审核', en: 'Pending review' },
  approved: { zh: '已入驻', en: 'Approved' },
  suspended: { zh: '已暂停', en: 'Suspended' },
  rejected: { zh: '未通过', en: 'Rejected' },
};

export const MerchantServices = (props: { services: Service[]; catName: (code: string) => string }) => (
  <section class="panel" aria-labelledby="services-h">
    <h2 id="services-h">
      <T zh="服务项目" en="Services" />
    </h2>
    {props.services.length === 0 ? (
      <p>
        <T zh="尚未添加服务。" en="No services yet." />
      </p>
    ) : (
      <table>
        <thead>
          <tr>
            <th scope="col">服务 Service</th>
            <th scope="col">类别 Category</th>
            <th scope="col">积分 Points</th>
            <th scope="col">方式 Mode</th>
            <th scope="col">状态 State</th>
          </tr>
        </thead>
        <tbody>
          {props.services.map((s) => (
            <tr>
              <td>{s.name}</td>
              <td>{props.catName(s.category)}</td>
              <td class="num">{s.price_points}</td>
              <td>{s.mode === 'home_visit' ? `上门 Home visit（${s.radius_m ?? 0} m）` : '到店 On site'}</td>
              <td>{s.active ? '上架 Active' : '已下架 Withdrawn'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
);

export const MerchantOrderTable = (props: {
  caption: Msg;
  items: MerchantOrderRow[];
  show: 'status' | 'rating' | 'dispute';
}) =>
  props.items.length === 0 ? (
    <p>
      <T zh={`${props.caption.zh}：无`} en={`${props.caption.en}: none`} />
    </p>
  ) : (
    <table>
      <caption>
        <T zh={props.caption.zh} en={props.caption.en} />
      </caption>
      <thead>
        <tr>
          <th scope="col">订单 Order</th>
          <th scope="col">下单 Booked</th>
          <th scope="col">服务 Service</th>
          <th scope="col">积分 Points</th>
          {props.show === 'status' && <th scope="col">状态 Status</th>}
          {props.show === 'rating' && <th scope="col">评价 Rating</th>}
          {props.show === 'dispute' && <th scope="col">投诉 Complaint</th>}
          <th scope="col">老人 Elder</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((o) => (
          <tr>
            <td class="num">{o.order_id}</td>
            <td class="num">{chinaTime(o.created_at)}</td>
            <td>{o.service_name}</td>
            <td class="num">{o.price_points}</td>
            {props.show === 'status' && (
              <td>
                <T zh={ORDER_STATUS[o.status].zh} en={ORDER_STATUS[o.status].en} />
              </td>
            )}
            {props.show === 'rating' && <td>{o.rating ? `${o.rating.stars} / 5 ${o.rating.comment}`.trim() : '—'}</td>}
            {props.show === 'dispute' && (
              <td>
                {o.dispute?.reason ?? '—'}（{ORDER_STATUS[o.status].zh}）
              </td>
            )}
            <td>
              <a href={`/staff/elders/${o.elder_id}`}>
                <T zh="老人档案" en="Elder" />
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );

export const MerchantStatements = (props: { items: Statement[] }) => (
  <section class="panel" aria-labelledby="statements-h">
    <h2 id="statements-h">
      <T zh="结算单（最新在前）" en="Statements, newest first" />
    </h2>
    {props.items.length === 0 ? (
      <p>
        <T zh="还没有结算单。" en="No statements yet." />
      </p>
    ) : (
      <table>
        <thead>
          <tr>
            <th scope="col">结算单 Statement</th>
            <th scope="col">期间 Period</th>
            <th scope="col">积分 Points</th>
            <th scope="col">状态 Status</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((s) => (
            <tr>
              <td>
                <a href={`/staff/settlement/statements/${s.statement_id}`}>{s.statement_no}</a>
              </td>
              <td class="num">{s.period}</td>
              <td class="num">{s.total_points}</td>
              <td>
                <T zh={statusMsg(s.status).zh} en={statusMsg(s.status).en} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
);
