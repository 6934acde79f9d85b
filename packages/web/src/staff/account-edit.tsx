// One staff account (issue 12), for administrators: its details and last sign-in, who changed it last
// (the audit trail), the edit form (display name, role, area, with the version read in a hidden field),
// disable / enable, and reset password (the new one-time password on the answer to that POST only).
// The same core calls and declared roles as the API (app api/staff.ts).
import * as z from 'zod/mini';
import {
  getStaffOrThrow,
  resetStaffPassword,
  setStaffStatus,
  StaffPatch,
  StaffUsername,
  staffView,
  updateStaffAccount,
  type StaffView,
} from '@tmc/core/auth/staff-accounts';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { defineRoute, zodFields, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { STAFF_ADMINS, staffActorOf } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Notice, PostButton, expected, fieldErrors, msgOfError, type Msg } from '../kit/ui';
import { staffPage } from './kit';
import { LastChangeLine, lastChangeOf } from './last-change';
import {
  AccountForm,
  areaChoices,
  areaLabel,
  DisplayNameField,
  OneTimePasswordPanel,
  RoleAndArea,
  roleZh,
  StatusText,
  timeOrDash,
} from './account-kit';

const UserP = z.object({ username: StaffUsername });
const MoveBody = z.object({ version: z.optional(z.string().check(z.maxLength(12))) });
const EDIT_ERRORS: readonly ErrorCode[] = ['STAFF_SCOPE_INVALID', 'STAFF_SELF_LOCKOUT', 'CONFLICT'];
const MOVE_ERRORS: readonly ErrorCode[] = ['STAFF_SELF_LOCKOUT', 'CONFLICT'];
const FIX: Msg = { zh: '请按提示改正', en: 'Please fix the marked fields' };

const DONE = {
  updated: { zh: '已保存', en: 'Saved' },
  disabled: { zh: '账号已停用，其登录已全部失效', en: 'Account disabled; its sessions have ended' },
  enabled: { zh: '账号已启用', en: 'Account enabled' },
} as const satisfies Record<string, Msg>;
const DoneQ = z.object({ done: z.optional(z.enum(['updated', 'disabled', 'enabled'])) });

/** A version from a form field (a whole number), or undefined when absent or not one. */
const versionOf = (s: string | undefined): number | undefined => (s && /^\d{1,9}$/.test(s) ? Number(s) : undefined);

type EditState = {
  done?: Msg | undefined;
  error?: Msg | undefined;
  errors?: Record<string, Msg>;
  form?: AccountForm;
  oneTime?: { account: StaffView; password: string };
};

const accountPage = async (c: Ctx, deps: Deps, p: StaffP, username: string, state: EditState, status = 200) => {
  const a = staffView(await getStaffOrThrow(deps, username));
  const [choices, last] = await Promise.all([areaChoices(deps), lastChangeOf(deps, `staff:${username}`)]);
  const base = `/staff/accounts/${a.username}`;
  const v = state.form ?? { display_name: a.display_name, role: a.role, scope: a.scope ?? '' };
  const errors = state.errors ?? {};
  const self = a.username === p.username;
  return staffPage(
    c,
    deps,
    p,
    `工作人员账号：${a.display_name}`,
    `Staff account: ${a.username}`,
    <>
      <Notice msg={state.done} />
      <ErrorBox msg={state.error} />
      {state.oneTime && <OneTimePasswordPanel account={state.oneTime.account} password={state.oneTime.password} />}
      <section class="panel" aria-labelledby="acct-h">
        <h2 id="acct-h">{a.username}</h2>
        <dl>
          <dt>姓名 Name</dt>
          <dd>{a.display_name}</dd>
          <dt>角色 Role</dt>
          <dd>{roleZh(a.role)}</dd>
          <dt>区域 Area</dt>
          <dd>{areaLabel(choices, a.scope)}</dd>
          <dt>状态 Status</dt>
          <dd>
            <StatusText s={a.status} />
            {a.must_change_password && <T zh="（待首次改密码）" en=" (must change password)" />}
          </dd>
          <dt>最近登录 Last sign-in</dt>
          <dd class="num">{timeOrDash(a.last_login_at)}</dd>
          <dt>上次登录 Sign-in before</dt>
          <dd class="num">{timeOrDash(a.prev_login_at)}</dd>
        </dl>
        <LastChangeLine last={last} />
      </section>
      <section class="panel narrow" aria-labelledby="edit-h">
        <h2 id="edit-h">
          <T zh="修改" en="Edit" />
        </h2>
        <form method="post" action={base}>
          <input type="hidden" name="version" value={String(a.version)} />
          <DisplayNameField value={v.display_name} error={errors.display_name} />
          <RoleAndArea role={v.role} scope={v.scope} choices={choices} errors={errors} />
          <button type="submit" class="btn">
            <T zh="保存" en="Save" />
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="moves-h">
        <h2 id="moves-h">
          <T zh="账号操作" en="Account actions" />
        </h2>
        {self ? (
          <p class="muted">
            <T zh="不能停用自己的账号。" en="You cannot disable your own account." />
          </p>
        ) : a.status === 'active' ? (
          <PostButton
            action={`${base}/disable`}
            label={{ zh: '停用账号', en: 'Disable account' }}
            cls="btn-warn"
            fields={{ version: String(a.version) }}
          />
        ) : (
          <PostButton
            action={`${base}/enable`}
            label={{ zh: '启用账号', en: 'Enable account' }}
            fields={{ version: String(a.version) }}
          />
        )}
        <PostButton
          action={`${base}/reset-password`}
          label={{ zh: '重置密码（生成一次性密码）', en: 'Reset password (one-time)' }}
          fields={{ version: String(a.version) }}
        />
      </section>
      <p class="links">
        <a href="/staff/accounts">
          <T zh="返回账号列表" en="Back to the list" />
        </a>
      </p>
    </>,
    { status },
  );
};

const edit = async (c: Ctx, deps: Deps, p: StaffP, username: string, form: AccountForm) => {
  const parsed = StaffPatch.safeParse({
    version: versionOf(form.version),
    display_name: form.display_name ?? '',
    role: form.role ?? '',
    scope: form.scope ? form.scope : null,
  });
  if (!parsed.success)
    return accountPage(c, deps, p, username, { form, errors: fieldErrors(zodFields(parsed.error)), error: FIX }, 400);
  const r = await expected(EDIT_ERRORS, () => updateStaffAccount(deps, username, parsed.data, staffActorOf(p)));
  if (!r.ok) {
    const errors: Record<string, Msg> = r.error.code === 'STAFF_SCOPE_INVALID' ? { scope: msgOfError(r.error) } : {};
    // a lost race shows the account as it is now (the form reloads from it), with the reason
    const keep = r.error.code === 'CONFLICT' ? {} : { form };
    return accountPage(c, deps, p, username, { ...keep, errors, error: msgOfError(r.error) }, r.error.status);
  }
  return c.redirect(`/staff/accounts/${username}?done=updated`, 303);
};

const moveRoute = (deps: Deps, move: 'disable' | 'enable') =>
  defineRoute({
    method: 'post',
    path: `/staff/accounts/:username/${move}`,
    access: { roles: STAFF_ADMINS },
    tags: ['pages'],
    page: true,
    summary: move === 'disable' ? 'Disable a staff account (its sessions end)' : 'Enable a staff account',
    params: UserP,
    bodyKind: 'form',
    body: MoveBody,
    async handler(c, { params, body, principal: p }) {
      const to = move === 'disable' ? 'disabled' : 'active';
      const version = versionOf(body.version);
      const r = await expected(MOVE_ERRORS, () => setStaffStatus(deps, params.username, to, version, staffActorOf(p)));
      if (!r.ok) return accountPage(c, deps, p, params.username, { error: msgOfError(r.error) }, r.error.status);
      return c.redirect(`/staff/accounts/${params.username}?done=${move}d`, 303);
    },
  });

export const staffAccountEditRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/accounts/:username',
    access: { roles: STAFF_ADMINS },
    tags: ['pages'],
    page: true,
    summary: 'One staff account: details, last sign-in, last change, edit, disable/enable, reset password',
    params: UserP,
    query: DoneQ,
    handler(c, { params, query, principal: p }) {
      return accountPage(c, deps, p, params.username, { done: query.done ? DONE[query.done] : undefined });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/accounts/:username',
    access: { roles: STAFF_ADMINS },
    tags: ['pages'],
    page: true,
    summary: 'Save display name, role and area at the version read',
    params: UserP,
    bodyKind: 'form',
    body: AccountForm,
    handler(c, { params, body, principal: p }) {
      return edit(c, deps, p, params.username, body);
    },
  }),
  moveRoute(deps, 'disable'),
  moveRoute(deps, 'enable'),
  defineRoute({
    method: 'post',
    path: '/staff/accounts/:username/reset-password',
    access: { roles: STAFF_ADMINS },
    tags: ['pages'],
    page: true,
    summary: 'Reset a staff password: the answer shows the new one-time password once',
    params: UserP,
    bodyKind: 'form',
    body: MoveBody,
    async handler(c, { params, body, principal: p }) {
      const version = versionOf(body.version);
      const r = await expected(['CONFLICT'], () => resetStaffPassword(deps, params.username, version, staffActorOf(p)));
      if (!r.ok) return accountPage(c, deps, p, params.username, { error: msgOfError(r.error) }, r.error.status);
      const oneTime = { account: r.value.account, password: r.value.one_time_password };
      return accountPage(c, deps, p, params.username, {
        done: { zh: '已重置密码', en: 'Password reset' },
        oneTime,
      });
    },
  }),
];
