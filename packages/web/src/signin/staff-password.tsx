// A staff member changes their own password (issue 12): the sign-in sends here first when the account
// has a one-time password (a new account, a reset), and the console links here any time. The same
// core call and declared roles as POST /api/auth/staff/password (app api/staff.ts).
import { changeOwnPassword, PASSWORD_MAX, PASSWORD_MIN } from '@tmc/core/auth/staff-accounts';
import { defineRoute, setRetryAfter, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { STAFF_SELF } from '@tmc/app/public';
import { T } from '../kit/layout';
import { safeNext, type StaffP } from '../kit/principal';
import { ErrorBox, Field, expected, fieldMsg, msgOfError, type Msg } from '../kit/ui';
import { PasswordForm } from '../staff/account-kit';
import { staffPage } from '../staff/kit';
import { NextField, NextQuery } from './next-param';

type PwState = { error?: Msg | undefined; errors?: Record<string, Msg>; next?: string | undefined };

const passwordPage = async (c: Ctx, deps: Deps, p: StaffP, state: PwState, status = 200) => {
  const acct = await deps.staff.get(p.username);
  const errors = state.errors ?? {};
  return staffPage(
    c,
    deps,
    p,
    '修改密码',
    'Change password',
    <section class="panel narrow">
      {acct?.must_change_password && (
        <p class="notice" role="status">
          <T
            zh="您正在使用管理员给的一次性密码，请先设置自己的密码。"
            en="You signed in with a one-time password: set your own password first."
          />
        </p>
      )}
      <ErrorBox msg={state.error} />
      <form method="post" action="/staff/password">
        <NextField next={state.next} />
        <Field
          name="current_password"
          type="password"
          autocomplete="current-password"
          label={{ zh: '当前密码（或一次性密码）', en: 'Current (or one-time) password' }}
          maxlength={PASSWORD_MAX}
          error={errors.current_password}
          required
        />
        <Field
          name="new_password"
          type="password"
          autocomplete="new-password"
          label={{ zh: '新密码', en: 'New password' }}
          hint={{
            zh: `至少 ${PASSWORD_MIN} 位，不能与用户名相同`,
            en: `At least ${PASSWORD_MIN} characters, not the username`,
          }}
          minlength={PASSWORD_MIN}
          maxlength={PASSWORD_MAX}
          error={errors.new_password}
          required
        />
        <Field
          name="new_password2"
          type="password"
          autocomplete="new-password"
          label={{ zh: '再输一次新密码', en: 'New password again' }}
          maxlength={PASSWORD_MAX}
          error={errors.new_password2}
          required
        />
        <button type="submit" class="btn">
          <T zh="保存新密码" en="Save new password" />
        </button>
      </form>
    </section>,
    { status },
  );
};

export const staffPasswordRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/password',
    access: { roles: STAFF_SELF },
    tags: ['pages'],
    page: true,
    summary: 'Change my password (first sign-in with a one-time password, or any time)',
    query: NextQuery,
    handler(c, { query, principal: p }) {
      return passwordPage(c, deps, p, { next: query.next });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/password',
    access: { roles: STAFF_SELF },
    tags: ['pages'],
    page: true,
    summary: 'Save my new password',
    bodyKind: 'form',
    body: PasswordForm,
    async handler(c, { body, principal: p }) {
      const current = body.current_password ?? '';
      const next = body.new_password ?? '';
      const again = body.new_password2 ?? '';
      const fix = { zh: '请按提示改正', en: 'Please fix the marked fields' };
      if (!current || !next || next !== again) {
        const errors: Record<string, Msg> = {};
        if (!current) errors.current_password = fieldMsg({ path: '', code: 'REQUIRED', message: '' });
        if (!next) errors.new_password = fieldMsg({ path: '', code: 'REQUIRED', message: '' });
        else if (next !== again) errors.new_password2 = fieldMsg({ path: '', code: 'PASSWORD_MISMATCH', message: '' });
        return passwordPage(c, deps, p, { errors, error: fix, next: body.next }, 400);
      }
      const r = await expected(['PASSWORD_WEAK', 'LOGIN_FAILED', 'ACCOUNT_LOCKED', 'ACCOUNT_DISABLED'], () =>
        changeOwnPassword(deps, p.username, current, next),
      );
      if (!r.ok) {
        setRetryAfter(c, r.error);
        const field = r.error.code === 'PASSWORD_WEAK' ? 'new_password' : 'current_password';
        const msg = msgOfError(r.error);
        return passwordPage(c, deps, p, { errors: { [field]: msg }, error: msg, next: body.next }, r.error.status);
      }
      const to = safeNext('staff', body.next);
      return c.redirect(to === '/staff' ? '/staff?done=password' : to, 303);
    },
  }),
];
