// One elder's orders in the staff console (issue 12): newest first, paged by key, with status, shop,
// points and who booked; an order with a dispute links to its dispute page. The same read as GET
// /api/elders/:id/orders (the orders port's ofElder) and its staff roles (OFFICERS).
import * as z from 'zod/mini';
import { ElderId } from '@tmc/core/kernel/ids';
import type { Order } from '@tmc/core/orders/state';
import { defineRoute, OFFICERS, type Deps, type RouteDef } from '@tmc/app/public';
import { T } from '../kit/layout';
import { ELDER_STATUS } from '../kit/order-ui';
import { chinaTime, loadElderInScope, staffPage } from './kit';
import { ElderNav } from './elder-nav';

const PAGE = 20; // as the API's page
const bookedBy = (o: Order): string =>
  o.booked_by.startsWith('staff:')
    ? `工作人员代下单 ${o.booked_by.slice('staff:'.length)}`
    : o.booked_by.startsWith('family:')
      ? '家属 Family'
      : o.booked_by.startsWith('elder:')
        ? '本人 Elder'
        : o.booked_by;

export const staffElderOrderPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/elders/:elder_id/orders',
    access: { roles: OFFICERS },
    tags: ['pages'],
    page: true,
    summary: "An elder's orders, newest first, paged",
    params: z.object({ elder_id: ElderId }),
    query: z.object({ cursor: z.optional(z.string().check(z.maxLength(500))) }),
    async handler(c, { params, query, principal: p }) {
      const e = await loadElderInScope(deps, p, params.elder_id);
      const page = await deps.orders.ofElder(e.elder_id, PAGE, query.cursor);
      const base = `/staff/elders/${e.elder_id}/orders`;
      return staffPage(
        c,
        deps,
        p,
        `老人订单：${e.name}`,
        'Elder orders',
        <>
          <ElderNav elder_id={e.elder_id} current="orders" name={e.name} role={p.role} />
          <section class="panel" aria-labelledby="orders-h">
            <h2 id="orders-h">
              <T zh="订单" en="Orders" />
            </h2>
            {page.items.length === 0 ? (
              <p>
                <T zh="暂无订单。" en="No orders." />
              </p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">下单时间 Booked</th>
                    <th scope="col">服务 Service</th>
                    <th scope="col">商户 Shop</th>
                    <th scope="col">积分 Points</th>
                    <th scope="col">状态 Status</th>
                    <th scope="col">下单人 Booked by</th>
                    <th scope="col">投诉 Dispute</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((o) => (
                    <tr data-order={o.order_id}>
                      <td class="num">{chinaTime(o.created_at)}</td>
                      <td>{o.service_name}</td>
                      <td>{o.merchant_name}</td>
                      <td class="num">{o.price_points}</td>
                      <td>
                        <T zh={ELDER_STATUS[o.status].zh} en={ELDER_STATUS[o.status].en} />
                      </td>
                      <td>{bookedBy(o)}</td>
                      <td>
                        {o.dispute ? (
                          <a href={`/staff/disputes/${o.order_id}`}>
                            <T zh="查看投诉" en="Dispute" />
                          </a>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p class="pager links">
              {query.cursor && (
                <a href={base}>
                  <T zh="最新" en="Newest" />
                </a>
              )}
              {page.cursor && (
                <a href={`${base}?cursor=${encodeURIComponent(page.cursor)}`} rel="next">
                  <T zh="更早" en="Older" />
                </a>
              )}
            </p>
          </section>
        </>,
      );
    },
  }),
];
