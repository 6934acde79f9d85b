// Staff sign-in: username and password on the console look, an audit record on success and on
// failure (core auth/service.ts staffLogin). Split
// out of pages.tsx.
import * as z from 'zod/mini';
import { staffLogin } from '@tmc/core/auth/service';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { setSessionCookies, startStaffSession } from '@tmc/app/public';
import { clientKey } from '@tmc/app/public';
import { setRetryAfter } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { ConsoleLayout, T, render, viewOf, type View } from '../kit/layout';
import { safeNext } from '../kit/principal';
import { ErrorBox, Field, expected, msgOfError, type Msg } from '../kit/ui';
import { NextField, NextQuery } from './next-param';

const StaffLoginBody = z.object({
  username: z.string().check(z.maxLength(40)),
  password: z.string().check(z.maxLength(200)),
  next: z.optional(z.string().check(z.maxLength(300))),
});

const StaffLoginPage = (props: {
  view: View;
  next?: string | undefined;
  username?: string;
  error?: Msg | undefined;
}) => (
  <ConsoleLayout view={props.view} title="工作人员登录" titleEn="Staff sign-in" staff={null}>
    <div class="panel narrow">
      <ErrorBox msg={props.error} />
      <form method="post" action="/staff/login">
        <NextField next={props.next} />
        <Field
          name="username"
          autocomplete="username"
          required
          maxlength={40}
          value={props.username}
          label={{ zh: '用户名', en: 'Username' }}
        />
        <Field
          name="password"
          type="password"
          autocomplete="current-password"
          required
          maxlength={200}
          label={{ zh: '密码', en: 'Password' }}
        />
        <button type="submit" class="btn">
          <T zh="登录" en="Sign in" />
        </button>
      </form>
      <p class="muted">
        <T zh="输错5次，账号锁定，最长15分钟。" en="Five wrong passwords lock the account for up to 15 minutes." />
      </p>
    </div>
  </ConsoleLayout>
);

export const staffLoginRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/login',
    access: { public: true },
    tags: ['pages'],
    page: true,
    summary: 'Staff sign-in page',
    query: NextQuery,
    handler(c, { query, principal }) {
      if (principal?.kind === 'staff') return c.redirect(safeNext('staff', query.next), 303);
      return render(c, <StaffLoginPage view={viewOf(c)} next={query.next} />);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/login',
    access: { public: true },
    tags: ['pages'],
    page: true,
    summary: 'Staff sign-in with username and password',
    bodyKind: 'form',
    body: StaffLoginBody,
    async handler(c, { body }) {
      const username = body.username.trim();
      if (!username || !body.password) {
        return render(
          c,
          <StaffLoginPage
            view={viewOf(c)}
            next={body.next}
            username={username}
            error={{ zh: '请输入用户名和密码', en: 'Enter username and password' }}
          />,
          { status: 400 },
        );
      }
      const r = await expected(['LOGIN_FAILED', 'ACCOUNT_LOCKED', 'ADDRESS_RATE_LIMITED', 'ACCOUNT_DISABLED'], () =>
        staffLogin(deps, username, body.password, clientKey(c, deps.blindIndex), c.get('requestId')),
      );
      if (!r.ok) {
        setRetryAfter(c, r.error);
        return render(
          c,
          <StaffLoginPage view={viewOf(c)} next={body.next} username={username} error={msgOfError(r.error)} />,
          { status: r.error.status },
        );
      }
      const a = r.value;
      const s = await startStaffSession(deps, a, c.get('requestId'));
      setSessionCookies(c, s, s.refresh_ttl_s);
      // a one-time password (new account, reset) is replaced before anything else
      if (a.must_change_password) {
        const next = safeNext('staff', body.next);
        return c.redirect(`/staff/password${next === '/staff' ? '' : `?next=${encodeURIComponent(next)}`}`, 303);
      }
      return c.redirect(safeNext('staff', body.next), 303);
    },
  }),
];
