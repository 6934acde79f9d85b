// The elder's own page (适老化): name, points and what expires soonest, one big button per
// service category, the points card number big and readable aloud, family members with consent
// buttons, a one-tap call to the hotline, the large-text switch.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { getElderOrThrow } from '@tmc/core/elders/service';
import { confirmBindingDirect, removeBinding, type Binding } from '@tmc/core/elders/family/bindings';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, TextSizeSwitch, render, viewOf, type View } from '../kit/layout';
import {
  CardNumber,
  Notice,
  PostButton,
  ReadAloud,
  WECHAT_LINKED,
  WECHAT_UNLINKED,
  WechatPanel,
  type Msg,
} from '../kit/ui';
import { assetUrl } from '../kit/static';
import { HOTLINE } from '../kit/contacts';
import { pointsSummary, type PointsSummary } from '../kit/booking';
import { CategoryButtons, PointsPanel } from '../kit/order-ui';
import { activeCategories, type Category } from '@tmc/core/merchants/model';
import { FamilyId } from '@tmc/core/kernel/ids';

const FamilyIdP = z.object({ family_id: FamilyId });
const DONE: Record<'confirmed' | 'removed' | 'wechat_linked' | 'wechat_unlinked', Msg> = {
  confirmed: { zh: '已同意，对方现在是您的家属', en: 'Done: they are now your family member' },
  removed: { zh: '已处理，对方不再是您的家属', en: 'Done: they are no longer linked to you' },
  wechat_linked: WECHAT_LINKED,
  wechat_unlinked: WECHAT_UNLINKED,
};

/** Digits read one by one, in groups of four: "8 1 2 3，4 5 6 7，…". */
const spokenDigits = (card: string) => (card.match(/.{1,4}/g) ?? []).map((g) => g.split('').join(' ')).join('，');

const FamilyList = (props: { bindings: Binding[] }) =>
  props.bindings.length === 0 ? (
    <p>
      <T
        zh="还没有家属。家属可以用您的积分卡号申请绑定，帮您预约服务。"
        en="No family member yet. They can ask to link with your card number."
        block
      />
    </p>
  ) : (
    <ul class="list">
      {props.bindings.map((b) => (
        <li>
          <p>
            <b>{b.relation}</b> <span class="num">{b.family_phone_masked}</span>{' '}
            {b.status === 'active' ? (
              <span class="tag ok">
                <T zh="已绑定" en="Linked" />
              </span>
            ) : (
              <span class="tag">
                <T zh="等您同意" en="Waiting for you" />
              </span>
            )}
          </p>
          {b.status === 'pending' ? (
            <>
              <p>
                <T zh="申请成为您的家属，可以帮您预约服务、查看订单。" en="Asks to be your family member." block />
              </p>
              <div class="row">
                <PostButton action={`/elder/bindings/${b.family_id}/confirm`} label={{ zh: '同意', en: 'Agree' }} />
                <PostButton
                  action={`/elder/bindings/${b.family_id}/remove`}
                  label={{ zh: '不同意', en: 'Decline' }}
                  cls="btn-warn"
                />
              </div>
            </>
          ) : (
            <PostButton
              action={`/elder/bindings/${b.family_id}/remove`}
              label={{ zh: '解除绑定', en: 'Unlink' }}
              cls="btn-warn"
            />
          )}
        </li>
      ))}
    </ul>
  );

const ElderHome = (props: {
  view: View;
  name: string;
  card: string;
  bindings: Binding[];
  points: PointsSummary;
  categories: Category[];
  wechat: boolean;
  done?: Msg | undefined;
}) => (
  <H5Layout view={props.view} title="我的首页" titleEn="My page" scripts={[assetUrl('readAloud')]}>
    <p class="hello">
      <T zh={`${props.name}，您好`} en={`Hello, ${props.name}`} />
    </p>
    <Notice msg={props.done} />
    <PointsPanel points={props.points} whose="mine" />
    <CategoryButtons base="/elder" categories={props.categories} />
    <section class="panel" aria-labelledby="card-h">
      <h2 id="card-h">
        <T zh="我的积分卡号" en="My card" />
      </h2>
      <CardNumber value={props.card} />
      <ReadAloud text={`${props.name}，您的积分卡号是：${spokenDigits(props.card)}`} />
    </section>
    <section class="panel" aria-labelledby="fam-h">
      <h2 id="fam-h">
        <T zh="我的家属" en="My family" />
      </h2>
      <FamilyList bindings={props.bindings} />
    </section>
    <section class="panel" aria-labelledby="call-h">
      <h2 id="call-h">
        <T zh="一键拨打" en="Call" />
      </h2>
      <a class="btn" href={`tel:${HOTLINE.number}`}>
        <T zh={`${HOTLINE.zh} ${HOTLINE.number}`} en={HOTLINE.en} />
      </a>
    </section>
    <WechatPanel on={props.wechat} />
    <TextSizeSwitch view={props.view} />
    <PostButton action="/elder/logout" label={{ zh: '退出登录', en: 'Sign out' }} cls="btn-2" />
  </H5Layout>
);

export const elderPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/elder',
    access: { roles: ['elder'] },
    tags: ['pages'],
    page: true,
    summary: 'Elder home: points, service categories, card number, family members, call the hotline',
    query: z.object({ done: z.optional(z.enum(['confirmed', 'removed', 'wechat_linked', 'wechat_unlinked'])) }),
    async handler(c, { query, principal: p }) {
      const e = await getElderOrThrow(deps, p.elder_id);
      if (e.status !== 'active') throw new AppError('ELDER_INACTIVE');
      const bindings = (await deps.bindings.ofElder(e.elder_id)).filter((b) => b.status !== 'removed');
      bindings.sort((a, b) =>
        a.status === b.status ? a.requested_at.localeCompare(b.requested_at) : a.status === 'pending' ? -1 : 1,
      );
      const [points, categories] = await Promise.all([
        pointsSummary(deps, e.elder_id),
        deps.merchants.categories().then(activeCategories),
      ]);
      return render(
        c,
        <ElderHome
          view={viewOf(c)}
          name={e.name}
          card={e.card_number}
          bindings={bindings}
          points={points}
          categories={categories}
          wechat={deps.wechatOAuth !== null}
          done={query.done ? DONE[query.done] : undefined}
        />,
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/elder/bindings/:family_id/confirm',
    access: { roles: ['elder'] },
    tags: ['pages'],
    page: true,
    summary: 'The elder agrees to a family binding request',
    params: FamilyIdP,
    bodyKind: 'form',
    body: z.object({}),
    async handler(c, { params, principal: p }) {
      await confirmBindingDirect(deps, params.family_id, p.elder_id, p.sub);
      return c.redirect('/elder?done=confirmed', 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/elder/bindings/:family_id/remove',
    access: { roles: ['elder'] },
    tags: ['pages'],
    page: true,
    summary: 'The elder declines a request or unlinks a family member',
    params: FamilyIdP,
    bodyKind: 'form',
    body: z.object({}),
    async handler(c, { params, principal: p }) {
      await removeBinding(deps, params.family_id, p.elder_id, p.sub);
      return c.redirect('/elder?done=removed', 303);
    },
  }),
];
