// Family pages: ask to bind to a parent by card number, confirm with the code the parent reads
// out, unbind, and see a bound parent's points, recent orders and masked profile, with the same
// service buttons the parent has (booking on their behalf: elder/booking-pages, elder/order-pages). Same H5 look
// as the elder's page: many family members are not young either.
// The home screen is in home.tsx and the parent's page in elder-profile.tsx; this file holds the routes.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { isValidCardNumber } from '@tmc/core/elders/points-card';
import { ageOn } from '@tmc/core/elders/id-card';
import { getElderOrThrow } from '@tmc/core/elders/service';
import { activeCategories } from '@tmc/core/merchants/model';
import { confirmBindingWithCode, removeBinding, requestBinding } from '@tmc/core/elders/family/bindings';
import type { Deps } from '@tmc/app/public';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { assertCanSeeElder } from '@tmc/core/elders/access';
import { render, viewOf } from '../kit/layout';
import { WECHAT_LINKED, WECHAT_UNLINKED, expected, msgOfError, type Msg } from '../kit/ui';
import { areaLabel } from '../kit/areas';
import { pointsSummary } from '../kit/booking';
import { clientKey } from '@tmc/app/public';
import { ElderId } from '@tmc/core/kernel/ids';
import { RELATIONS, familyHome, type FormState } from './home';
import { ElderProfile } from './elder-profile';

export { RELATIONS } from './home';

const RECENT_ORDERS_SHOWN = 5; // the rest are one tap away on the orders page

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
    async handler(c, { body, principal: p }) {
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
    async handler(c, { params, body, principal: p }) {
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
    async handler(c, { params, principal: p }) {
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
    async handler(c, { params, principal: p }) {
      const e = await getElderOrThrow(deps, params.elder_id);
      await assertCanSeeElder(deps, p, e);
      if (e.status !== 'active') throw new AppError('ELDER_INACTIVE');
      const [area, points, categories, orders] = await Promise.all([
        areaLabel(deps, e.community_code),
        pointsSummary(deps, e.elder_id),
        deps.merchants.categories().then(activeCategories),
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
