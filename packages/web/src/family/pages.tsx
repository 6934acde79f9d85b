// Family pages: ask to bind to a parent by card number, confirm with the code the parent reads
// out, unbind, and see a bound parent's points, recent orders and masked profile, with the same
// service buttons the parent has (booking on their behalf: elder/booking-pages, elder/order-pages). Same H5 look
// as the elder's page: many family members are not young either.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { isValidCardNumber } from '@tmc/core/elders/points-card';
import { CARE_LEVEL_ZH, GENDER_ZH, SPECIAL_CATEGORY_ZH, type ElderRecord } from '@tmc/core/elders/model';
import { ageOn } from '@tmc/core/elders/id-card';
import { getElderOrThrow } from '@tmc/core/elders/service';
import { confirmBindingWithCode, removeBinding, requestBinding, type Binding } from '@tmc/core/elders/family/bindings';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { assertCanSeeElder } from '@tmc/core/elders/access';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, TextSizeSwitch, render, viewOf, type View } from '../kit/layout';
import type { FamilyP } from '../kit/principal';
import {
  ErrorBox,
  Field,
  Notice,
  PostButton,
  SelectField,
  SIX_DIGITS_INPUT,
  WECHAT_LINKED,
  WECHAT_UNLINKED,
  WechatPanel,
  expected,
  msgOfError,
  type Msg,
} from '../kit/ui';
import { areaLabel } from '../kit/areas';
import { pointsSummary, type PointsSummary } from '../kit/booking';
import { CategoryButtons, OrderLink, PointsPanel } from '../kit/order-ui';
import type { Category } from '@tmc/core/merchants/model';
import type { Order } from '@tmc/core/orders/state';
import { clientKey } from '@tmc/app/public';
import { ElderId } from '@tmc/core/kernel/ids';

const RECENT_ORDERS_SHOWN = 5; // the rest are one tap away on the orders page

export const RELATIONS = ['儿子', '女儿', '配偶', '儿媳', '女婿', '孙辈', '兄弟姐妹', '其他亲属'] as const;

const ElderIdP = z.object({ elder_id: ElderId });
const DoneQ = z.object({
  done: z.optional(z.enum(['requested', 'confirmed', 'removed', 'wechat_linked', 'wechat_unlinked'])),
  sent: z.optional(z.enum(['0', '1'])),
});

const doneMsg = (q: z.infer<typeof DoneQ>): Msg | undefined => {
  switch (q.done) {
    case 'requested':
      return q.sent === '1'
        ? {
            zh: '申请已发出。验证码已发到老人手机，请老人把6位验证码告诉您，再填在下面。',
            en: 'Request sent. Ask your parent for the 6-digit code they received.',
          }
        : {
            zh: '申请已发出。老人没有登记手机：请老人在自己的页面点“同意”，或到社区服务站办理。',
            en: 'Request sent. Your parent can agree on their own page or at the community centre.',
          };
    case 'confirmed':
      return { zh: '绑定成功', en: 'Linked' };
    case 'removed':
      return { zh: '已解除绑定', en: 'Unlinked' };
    case 'wechat_linked':
      return WECHAT_LINKED;
    case 'wechat_unlinked':
      return WECHAT_UNLINKED;
    default:
      return undefined;
  }
};

type Row = { b: Binding; elder: ElderRecord | null };
type FormState = { card?: string; relation?: string; bindError?: Msg; code?: { elder_id: string; error: Msg } };

const BindingRow = (props: { row: Row; state: FormState }) => {
  const { b, elder } = props.row;
  if (b.status === 'active') {
    return (
      <li>
        <p>
          <b>{elder?.name ?? '—'}</b>（{b.relation}）{' '}
          <span class="tag ok">
            <T zh="已绑定" en="Linked" />
          </span>
        </p>
        <div class="row">
          <a class="btn btn-2" href={`/family/elders/${b.elder_id}`}>
            <T zh="积分和预约" en="Points, booking" />
          </a>
          <PostButton
            action={`/family/bindings/${b.elder_id}/remove`}
            label={{ zh: '解除绑定', en: 'Unlink' }}
            cls="btn-warn"
          />
        </div>
      </li>
    );
  }
  const codeError = props.state.code?.elder_id === b.elder_id ? props.state.code.error : undefined;
  const tail = elder?.card_number.slice(-4) ?? '';
  return (
    <li>
      <p>
        <T zh={`积分卡尾号 ${tail}（${b.relation}）`} en={`Card ending ${tail}`} />{' '}
        <span class="tag">
          <T zh="等待老人同意" en="Waiting" />
        </span>
      </p>
      {elder?.phone_cipher ? (
        <form method="post" action={`/family/bindings/${b.elder_id}/confirm`}>
          <Field
            name="code"
            id={`code-${b.elder_id}`}
            type="text"
            {...SIX_DIGITS_INPUT}
            autocomplete="one-time-code"
            cls="code"
            error={codeError}
            label={{ zh: '老人收到的6位验证码', en: "Your parent's 6-digit code" }}
          />
          <button type="submit" class="btn">
            <T zh="确认绑定" en="Confirm" />
          </button>
        </form>
      ) : (
        <p>
          <T
            zh="老人没有登记手机：请老人在自己的页面点“同意”，或到社区服务站办理。"
            en="Your parent can agree on their own page or at the community centre."
            block
          />
        </p>
      )}
      <PostButton
        action={`/family/bindings/${b.elder_id}/remove`}
        label={{ zh: '撤回申请', en: 'Withdraw' }}
        cls="btn-warn"
      />
    </li>
  );
};

const FamilyHome = (props: {
  view: View;
  phoneMasked: string;
  rows: Row[];
  state: FormState;
  wechat: boolean;
  done?: Msg | undefined;
}) => (
  <H5Layout view={props.view} title="家属首页" titleEn="Family">
    <p class="hello">
      <T zh={`${props.phoneMasked}，您好`} en={`Hello, ${props.phoneMasked}`} />
    </p>
    <Notice msg={props.done} />
    <section class="panel" aria-labelledby="mine-h">
      <h2 id="mine-h">
        <T zh="我绑定的老人" en="My elders" />
      </h2>
      {props.rows.length === 0 ? (
        <p>
          <T zh="还没有绑定老人。" en="Not linked to anyone yet." />
        </p>
      ) : (
        <ul class="list">
          {props.rows.map((r) => (
            <BindingRow row={r} state={props.state} />
          ))}
        </ul>
      )}
    </section>
    <section class="panel" aria-labelledby="bind-h">
      <h2 id="bind-h">
        <T zh="绑定老人" en="Link an elder" />
      </h2>
      <p>
        <T
          zh="输入老人积分卡上的12位卡号。老人同意后才能绑定。"
          en="Enter the 12-digit number on the points card; your parent must agree."
          block
        />
      </p>
      <ErrorBox msg={props.state.bindError} />
      <form method="post" action="/family/bindings">
        <Field
          name="card_number"
          inputmode="numeric"
          autocomplete="off"
          maxlength={16}
          required
          value={props.state.card}
          label={{ zh: '积分卡号', en: 'Card number' }}
          hint={{ zh: '12位数字', en: '12 digits' }}
        />
        <SelectField
          name="relation"
          label={{ zh: '您是老人的', en: 'You are their' }}
          required
          value={props.state.relation}
          options={RELATIONS.map((r) => ({ value: r, label: r }))}
        />
        <button type="submit" class="btn">
          <T zh="申请绑定" en="Ask to link" />
        </button>
      </form>
    </section>
    <WechatPanel on={props.wechat} />
    <TextSizeSwitch view={props.view} />
    <PostButton action="/family/logout" label={{ zh: '退出登录', en: 'Sign out' }} cls="btn-2" />
  </H5Layout>
);

const familyHome = async (
  c: Ctx,
  deps: Deps,
  p: FamilyP,
  state: FormState,
  opts: { status?: number; done?: Msg } = {},
) => {
  const bindings = (await deps.bindings.ofFamily(p.family_id)).filter((b) => b.status !== 'removed');
  const elders = new Map((await deps.elders.getMany(bindings.map((b) => b.elder_id))).map((e) => [e.elder_id, e]));
  const acct = await deps.accounts.byId(p.family_id);
  const rows = bindings.map((b) => ({ b, elder: elders.get(b.elder_id) ?? null }));
  return render(
    c,
    <FamilyHome
      view={viewOf(c)}
      phoneMasked={acct?.phone_masked ?? ''}
      rows={rows}
      state={state}
      wechat={deps.wechatOAuth !== null}
      done={opts.done}
    />,
    { status: opts.status ?? 200 },
  );
};

type ElderExtras = { points: PointsSummary; categories: Category[]; orders: Order[] };

const ElderProfile = (props: { view: View; e: ElderRecord; area: string; age: number; x: ElderExtras }) => {
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

export const familyPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/family',
    access: { roles: ['family'] },
    tags: ['pages'],
    page: true,
    summary: 'Family home: my bindings, link an elder by card number',
    query: DoneQ,
    handler(c, { query, principal }) {
      const done = doneMsg(query);
      return familyHome(c, deps, principal, {}, done ? { done } : {});
    },
  }),
  defineRoute({
    method: 'post',
    path: '/family/bindings',
    access: { roles: ['family'] },
    tags: ['pages'],
    page: true,
    summary: 'Ask to bind to an elder by card number',
    bodyKind: 'form',
    body: z.object({ card_number: z.string().check(z.maxLength(30)), relation: z.string().check(z.maxLength(10)) }),
    async handler(c, { body, principal }) {
      const p = principal;
      const card = body.card_number.replace(/[\s-]/g, '');
      const state: FormState = { card: body.card_number, relation: body.relation };
      if (!(RELATIONS as readonly string[]).includes(body.relation)) {
        return familyHome(
          c,
          deps,
          p,
          { ...state, bindError: { zh: '请选择您和老人的关系', en: 'Choose your relation' } },
          { status: 400 },
        );
      }
      if (!isValidCardNumber(card)) {
        return familyHome(
          c,
          deps,
          p,
          {
            ...state,
            bindError: { zh: '卡号不正确，请核对积分卡上的12位数字', en: 'Check the 12 digits on the card' },
          },
          { status: 400 },
        );
      }
      const acct = await deps.accounts.byId(p.family_id);
      const r = await expected(['ELDER_NOT_FOUND', 'BINDING_EXISTS', 'OTP_RATE_LIMITED', 'ADDRESS_RATE_LIMITED'], () =>
        requestBinding(deps, {
          family_id: p.family_id,
          family_phone_masked: acct?.phone_masked ?? '家属',
          card_number: card,
          relation: body.relation,
          client: clientKey(c, deps.blindIndex),
        }),
      );
      if (!r.ok) {
        const msg =
          r.error.code === 'ELDER_NOT_FOUND'
            ? { zh: '没有找到这张积分卡，请核对卡号', en: 'No such card; check the number' }
            : msgOfError(r.error);
        return familyHome(c, deps, p, { ...state, bindError: msg }, { status: r.error.status });
      }
      return c.redirect(`/family?done=requested&sent=${r.value.code_sent ? '1' : '0'}`, 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/family/bindings/:elder_id/confirm',
    access: { roles: ['family'] },
    tags: ['pages'],
    page: true,
    summary: 'Confirm a pending binding with the code the elder read out',
    params: ElderIdP,
    bodyKind: 'form',
    body: z.object({ code: z.string().check(z.maxLength(20)) }),
    async handler(c, { params, body, principal }) {
      const p = principal;
      const code = body.code.replace(/\s/g, '');
      if (!/^\d{6}$/.test(code))
        return familyHome(
          c,
          deps,
          p,
          { code: { elder_id: params.elder_id, error: { zh: '请输入6位数字验证码', en: 'Enter the 6-digit code' } } },
          { status: 400 },
        );
      const r = await expected(
        ['OTP_INVALID', 'OTP_EXPIRED', 'OTP_LOCKED', 'BINDING_NOT_PENDING', 'BINDING_NOT_FOUND'],
        () => confirmBindingWithCode(deps, p.family_id, params.elder_id, code),
      );
      if (!r.ok)
        return familyHome(
          c,
          deps,
          p,
          { code: { elder_id: params.elder_id, error: msgOfError(r.error) } },
          { status: r.error.status },
        );
      return c.redirect('/family?done=confirmed', 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/family/bindings/:elder_id/remove',
    access: { roles: ['family'] },
    tags: ['pages'],
    page: true,
    summary: 'Unbind from an elder or withdraw a pending request',
    params: ElderIdP,
    bodyKind: 'form',
    body: z.object({}),
    async handler(c, { params, principal }) {
      const p = principal;
      await removeBinding(deps, p.family_id, params.elder_id, `family:${p.family_id}`);
      return c.redirect('/family?done=removed', 303);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/family/elders/:elder_id',
    access: { roles: ['family'] },
    tags: ['pages'],
    page: true,
    summary: "A bound elder's points, recent orders, service buttons and masked profile",
    params: ElderIdP,
    async handler(c, { params, principal }) {
      const p = principal;
      const e = await getElderOrThrow(deps, params.elder_id);
      await assertCanSeeElder(deps, p, e);
      if (e.status !== 'active') throw new AppError('ELDER_INACTIVE');
      const [area, points, categories, orders] = await Promise.all([
        areaLabel(deps, e.community_code),
        pointsSummary(deps, e.elder_id),
        deps.merchants.categories(),
        deps.orders.ofElder(e.elder_id, RECENT_ORDERS_SHOWN),
      ]);
      return render(
        c,
        <ElderProfile
          view={viewOf(c)}
          e={e}
          area={area}
          age={ageOn(e.birth_date, deps.clock.now())}
          x={{ points, categories, orders: orders.items }}
        />,
      );
    },
  }),
];
