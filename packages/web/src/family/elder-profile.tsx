// A bound parent as family see it: points, the same service buttons the parent has, recent
// orders and the masked profile. Split out of pages.tsx.
import { CARE_LEVEL_ZH, GENDER_ZH, SPECIAL_CATEGORY_ZH, type ElderRecord } from '@tmc/core/elders/model';
import type { Category } from '@tmc/core/merchants/model';
import type { Order } from '@tmc/core/orders/state';
import { H5Layout, T, type View } from '../kit/layout';
import type { PointsSummary } from '../kit/booking';
import { CategoryButtons, OrderLink, PointsPanel } from '../kit/order-ui';

type ElderExtras = { points: PointsSummary; categories: Category[]; orders: Order[] };

export const ElderProfile = (props: { view: View; e: ElderRecord; area: string; age: number; x: ElderExtras }) => {
  const e = props.e;
  const cats = e.special_categories.map((x) => SPECIAL_CATEGORY_ZH[x]).join('、');
  const base = `/family/elders/${e.elder_id}`;
  return (
    <H5Layout view={props.view} title="老人资料" titleEn="Profile">
      <p class="hello">{e.name}</p>
      <PointsPanel points={props.x.points} whose="theirs" />
      <a class="btn" href={`${base}/topup`}>
        <T zh="给老人充值" en="Top up their points" />
      </a>
      <CategoryButtons base={base} categories={props.x.categories} />
      <section class="panel" aria-labelledby="ord-h">
        <h2 id="ord-h">
          <T zh="最近的订单" en="Recent orders" />
        </h2>
        {props.x.orders.length === 0 ? (
          <p>
            <T zh="还没有订单。" en="No orders yet." />
          </p>
        ) : (
          <ul class="list">
            {props.x.orders.map((o) => (
              <OrderLink o={o} base={base} />
            ))}
          </ul>
        )}
      </section>
      <section class="panel">
        <h2>
          <T zh="资料" en="Profile" />
        </h2>
        <dl class="kv">
          <dt>
            <T zh="性别" en="Gender" />
          </dt>
          <dd>{GENDER_ZH[e.gender]}</dd>
          <dt>
            <T zh="年龄" en="Age" />
          </dt>
          <dd>{props.age} 岁</dd>
          <dt>
            <T zh="身份证" en="ID" />
          </dt>
          <dd class="num wrap" id="id-masked">
            {e.id_masked}
          </dd>
          <dt>
            <T zh="手机" en="Phone" />
          </dt>
          <dd class="num">{e.phone_masked ?? '未登记'}</dd>
          <dt>
            <T zh="社区" en="Community" />
          </dt>
          <dd>{props.area}</dd>
          <dt>
            <T zh="住址" en="Address" />
          </dt>
          <dd>{e.address}</dd>
          <dt>
            <T zh="护理等级" en="Care level" />
          </dt>
          <dd>{e.care_level ? CARE_LEVEL_ZH[e.care_level] : '—'}</dd>
          {cats && (
            <>
              <dt>
                <T zh="类别" en="Category" />
              </dt>
              <dd>{cats}</dd>
            </>
          )}
          <dt>
            <T zh="积分卡号" en="Card" />
          </dt>
          <dd class="num wrap">{e.card_number}</dd>
        </dl>
      </section>
      <a class="btn btn-2" href="/family">
        <T zh="返回" en="Back" />
      </a>
    </H5Layout>
  );
};
