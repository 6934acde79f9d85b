// One elder in the staff console: register, the masked profile, edit (optimistic, by version),
// the audited reveal of the full ID number, PIN reset, leaving the scheme, family bindings and
// the audit trail. Every action checks the officer's scope first.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import type { ElderRecord } from '@tmc/core/elders/model';
import { leaveScheme, patchElder, registerElder, resetPin, revealSensitive } from '@tmc/core/elders/service';
import { confirmBindingDirect, removeBinding } from '@tmc/core/elders/family/bindings';
import { defineRoute, type RouteDef, type Deps } from '@tmc/app/public';
import { assertAreaInScope } from '@tmc/core/elders/access';
import { T } from '../kit/layout';
import { ELDER_OFFICERS, type StaffP } from '../kit/principal';
import { ErrorBox, CardNumber, expected, msgOfError, type Msg } from '../kit/ui';
import { communitiesOf, loadAreaTree } from '../kit/areas';
import { loadElderInScope, staffPage } from './kit';
import { ElderFields, ElderFormBody, toElderInput, toElderPatch, valuesOf, type ElderFormValues } from './elder-form';
import { ElderId, FamilyId } from '@tmc/core/kernel/ids';
import { profilePage } from './elder-profile';

export { AUDIT_PAGE_SIZE } from './elder-profile';

const ElderIdP = z.object({ elder_id: ElderId });
const BothP = z.extend(ElderIdP, { family_id: FamilyId });
const ReasonBody = z.object({
  reason: z.string().check(z.maxLength(400)),
  confirm: z.optional(z.string().check(z.maxLength(5))),
});
const DONE = {
  saved: { zh: '已保存', en: 'Saved' },
  nochange: { zh: '没有修改', en: 'Nothing changed' },
  left: { zh: '已办理退出服务，个人信息已删除', en: 'Left the scheme; personal data erased' },
  binding_confirmed: { zh: '已确认家属绑定', en: 'Binding confirmed' },
  binding_removed: { zh: '已解除家属绑定', en: 'Binding removed' },
} as const satisfies Record<string, Msg>;
type Done = keyof typeof DONE;

const REASON_MSG: Msg = { zh: '请写明原因（2 至 200 字）', en: 'Give a reason (2 to 200 characters)' };
const reasonOf = (s: string): string | null => {
  const r = s.trim();
  return r.length >= 2 && r.length <= 200 ? r : null;
};

const NewElder = (props: {
  values: ElderFormValues;
  errors: Record<string, Msg>;
  error?: Msg | undefined;
  communities: { code: string; label: string }[];
}) => (
  <div class="panel">
    <p class="muted">
      性别和出生日期可不填，系统按身份证号填写。Gender and birth date default to what the ID number says.
    </p>
    <ErrorBox msg={props.error} />
    <form method="post" action="/staff/elders/new">
      <ElderFields mode="new" values={props.values} errors={props.errors} communities={props.communities} />
      <button class="btn" type="submit">
        <T zh="登记" en="Register" />
      </button>
    </form>
  </div>
);

const Registered = (props: { e: ElderRecord; pin: string }) => (
  <>
    <p class="notice">登记成功 Registered：{props.e.name}</p>
    <div class="panel" role="status">
      <h2>
        <T zh="积分卡号" en="Card number" />
      </h2>
      <CardNumber value={props.e.card_number} cls="secret" />
      <h2>
        <T zh="初始 PIN（只显示这一次，请交给老人本人）" en="Initial PIN, shown once" />
      </h2>
      <p class="secret">{props.pin}</p>
    </div>
    <p class="links">
      <a href={`/staff/elders/${props.e.elder_id}`}>
        <T zh="查看资料" en="Open profile" />
      </a>
      <a href={`/staff/elders/new?community=${props.e.community_code}`}>
        <T zh="继续登记" en="Register another" />
      </a>
    </p>
  </>
);

export const staffElderPageRoutes = (deps: Deps): RouteDef[] => {
  const scopedCommunities = async (p: StaffP) => communitiesOf(await loadAreaTree(deps, p.scope));
  return [
    defineRoute({
      method: 'get',
      path: '/staff/elders/new',
      access: { roles: ELDER_OFFICERS },
      tags: ['pages'],
      page: true,
      summary: 'Form to register an elder',
      query: z.object({ community: z.optional(z.string().check(z.maxLength(120))) }),
      async handler(c, { query, principal: p }) {
        return staffPage(
          c,
          deps,
          p,
          '登记老人',
          'Register an elder',
          <NewElder
            values={{ community_code: query.community }}
            errors={{}}
            communities={await scopedCommunities(p)}
          />,
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/staff/elders/new',
      access: { roles: ELDER_OFFICERS },
      tags: ['pages'],
      page: true,
      summary: 'Register an elder; shows the card number and the one-time PIN',
      bodyKind: 'form',
      body: ElderFormBody,
      async handler(c, { body, principal: p }) {
        const communities = await scopedCommunities(p);
        const again = (errors: Record<string, Msg>, error?: Msg, status = 400) =>
          staffPage(
            c,
            deps,
            p,
            '登记老人',
            'Register an elder',
            <NewElder values={body} errors={errors} error={error} communities={communities} />,
            { status },
          );
        const input = toElderInput(body);
        if (!input.ok) return again(input.errors, { zh: '请修改标出的项目', en: 'Fix the marked fields' });
        assertAreaInScope(p, input.value.community_code);
        const r = await expected(['ELDER_EXISTS', 'VALIDATION_FAILED'], () => registerElder(deps, input.value, p.sub));
        if (!r.ok) return again({}, msgOfError(r.error), r.error.status);
        return staffPage(
          c,
          deps,
          p,
          '登记老人',
          'Register an elder',
          <Registered e={r.value.record} pin={r.value.pin} />,
          { status: 201 },
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/staff/elders/:elder_id',
      access: { roles: ELDER_OFFICERS },
      tags: ['pages'],
      page: true,
      summary: 'Masked profile, edit form, reveal, PIN, leave, bindings and audit trail of one elder',
      params: ElderIdP,
      query: z.object({
        done: z.optional(z.string().check(z.maxLength(30))),
        audit: z.optional(z.string().check(z.maxLength(500))),
      }),
      async handler(c, { params, query, principal: p }) {
        const e = await loadElderInScope(deps, p, params.elder_id);
        const done = query.done && query.done in DONE ? DONE[query.done as Done] : undefined;
        return profilePage(c, deps, p, e, done ? { done } : {}, query.audit ? { auditCursor: query.audit } : {});
      },
    }),
    defineRoute({
      method: 'post',
      path: '/staff/elders/:elder_id',
      access: { roles: ELDER_OFFICERS },
      tags: ['pages'],
      page: true,
      summary: 'Save edits to an elder (optimistic: the form carries the version it was read at)',
      params: ElderIdP,
      bodyKind: 'form',
      body: ElderFormBody,
      async handler(c, { params, body, principal: p }) {
        const e = await loadElderInScope(deps, p, params.elder_id);
        const patch = toElderPatch(body, e);
        if (!patch.ok)
          return profilePage(
            c,
            deps,
            p,
            e,
            {
              edit: {
                values: body,
                errors: patch.errors,
                error: { zh: '请修改标出的项目', en: 'Fix the marked fields' },
              },
            },
            { status: 400 },
          );
        if (Object.keys(patch.value).length === 1) return c.redirect(`/staff/elders/${e.elder_id}?done=nochange`, 303);
        if (patch.value.community_code) assertAreaInScope(p, patch.value.community_code);
        const r = await expected(['CONFLICT', 'VALIDATION_FAILED', 'ELDER_INACTIVE'], () =>
          patchElder(deps, e, patch.value, p.sub),
        );
        if (!r.ok) {
          // someone saved first: show their version, keep nothing of ours silently
          const fresh = await loadElderInScope(deps, p, params.elder_id);
          return profilePage(
            c,
            deps,
            p,
            fresh,
            { edit: { values: valuesOf(fresh), errors: {}, error: msgOfError(r.error) } },
            { status: r.error.status },
          );
        }
        return c.redirect(`/staff/elders/${e.elder_id}?done=saved`, 303);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/staff/elders/:elder_id/reveal',
      access: { roles: ELDER_OFFICERS },
      tags: ['pages'],
      page: true,
      summary: 'Reveal the full ID number and phones with a reason (audited); shown on this response only',
      params: ElderIdP,
      bodyKind: 'form',
      body: ReasonBody,
      async handler(c, { params, body, principal: p }) {
        const e = await loadElderInScope(deps, p, params.elder_id);
        const reason = reasonOf(body.reason);
        if (!reason) return profilePage(c, deps, p, e, { revealError: REASON_MSG }, { status: 400 });
        const reveal = await revealSensitive(deps, e, p.sub, reason, c.get('requestId'));
        return profilePage(c, deps, p, e, { reveal });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/staff/elders/:elder_id/pin',
      access: { roles: ELDER_OFFICERS },
      tags: ['pages'],
      page: true,
      summary: 'Issue a new card PIN; shown on this response only',
      params: ElderIdP,
      bodyKind: 'form',
      body: z.object({}),
      async handler(c, { params, principal: p }) {
        const e = await loadElderInScope(deps, p, params.elder_id);
        const r = await resetPin(deps, e, p.sub);
        return profilePage(c, deps, p, r.record, { pin: r.pin });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/staff/elders/:elder_id/leave',
      access: { roles: ELDER_OFFICERS },
      tags: ['pages'],
      page: true,
      summary: "Leave the scheme at the elder's request (personal fields erased)",
      params: ElderIdP,
      bodyKind: 'form',
      body: ReasonBody,
      async handler(c, { params, body, principal: p }) {
        const e = await loadElderInScope(deps, p, params.elder_id);
        const reason = reasonOf(body.reason);
        if (!reason || !body.confirm) {
          return profilePage(
            c,
            deps,
            p,
            e,
            { leaveError: reason ? { zh: '请勾选确认', en: 'Tick the confirmation' } : REASON_MSG },
            { status: 400 },
          );
        }
        await leaveScheme(deps, e, p.sub, reason);
        return c.redirect(`/staff/elders/${e.elder_id}?done=left`, 303);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/staff/elders/:elder_id/bindings/:family_id/confirm',
      access: { roles: ELDER_OFFICERS },
      tags: ['pages'],
      page: true,
      summary: 'Staff confirm a family binding for an elder without a phone',
      params: BothP,
      bodyKind: 'form',
      body: z.object({}),
      async handler(c, { params, principal: p }) {
        const e = await loadElderInScope(deps, p, params.elder_id);
        if (e.status !== 'active') throw new AppError('ELDER_INACTIVE');
        await confirmBindingDirect(deps, params.family_id, e.elder_id, p.sub);
        return c.redirect(`/staff/elders/${e.elder_id}?done=binding_confirmed`, 303);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/staff/elders/:elder_id/bindings/:family_id/remove',
      access: { roles: ELDER_OFFICERS },
      tags: ['pages'],
      page: true,
      summary: "Staff remove a family binding on the elder's behalf",
      params: BothP,
      bodyKind: 'form',
      body: z.object({}),
      async handler(c, { params, principal: p }) {
        const e = await loadElderInScope(deps, p, params.elder_id);
        await removeBinding(deps, params.family_id, e.elder_id, p.sub);
        return c.redirect(`/staff/elders/${e.elder_id}?done=binding_removed`, 303);
      },
    }),
  ];
};
