// Sign-in pages. Elders, family and merchants (on the shop phone): phone -> 6-digit code by SMS
// -> signed in (post, redirect, get: the phone waits in a short-lived cookie scoped to the login
// path, never in a URL). Staff: username and password. Sign-out is a POST from a button on every
// signed-in page.
import * as z from 'zod/mini';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { OTP_TTL_MS, staffLogin } from '@tmc/core/auth/service';
import { Phone } from '@tmc/core/elders/model';
import { maskPhone } from '@tmc/core/elders/id-card';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { clearSessionCookies, setSessionCookies, startStaffSession } from '@tmc/app/public';
import { requestLoginCode, verifyLoginCode } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import { clientKey } from '@tmc/app/public';
import { setRetryAfter } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { ConsoleLayout, H5Layout, T, TextSizeSwitch, render, viewOf, type View } from '../kit/layout';
import { safeNext, type Portal } from '../kit/principal';
import { ErrorBox, Field, Notice, SIX_DIGITS_INPUT, expected, msgOfError, type Msg } from '../kit/ui';
import { HOTLINE } from '../kit/contacts';

const LOGIN_PHONE_COOKIE = 'tmc_login_phone';
// The code lives 5 minutes; the remembered phone a little longer so "send again" still works.
const LOGIN_PHONE_TTL_S = Math.ceil(OTP_TTL_MS / 1000) * 2;

type PhonePortal = Extract<Portal, 'elder' | 'family' | 'merchant'>;

const TITLES: Record<PhonePortal, Msg> = {
  elder: { zh: '老人登录', en: 'Elder sign-in' },
  family: { zh: '家属登录', en: 'Family sign-in' },
  merchant: { zh: '商户登录', en: 'Merchant sign-in' },
};

const NextQuery = z.object({
  next: z.optional(z.string().check(z.maxLength(300))),
  resent: z.optional(z.literal('1')),
});
const PhoneBody = z.object({
  phone: z.string().check(z.maxLength(20)),
  next: z.optional(z.string().check(z.maxLength(300))),
});
const CodeBody = z.object({
  code: z.string().check(z.maxLength(20)),
  next: z.optional(z.string().check(z.maxLength(300))),
});
const NextBody = z.object({ next: z.optional(z.string().check(z.maxLength(300))) });

const nextQs = (next: string | undefined) => (next ? `?next=${encodeURIComponent(next)}` : '');

const NextField = (props: { next: string | undefined }) =>
  props.next ? <input type="hidden" name="next" value={props.next} /> : null;

const PhonePage = (props: {
  view: View;
  portal: PhonePortal;
  next?: string | undefined;
  phone?: string;
  error?: Msg | undefined;
}) => (
  <H5Layout view={props.view} title={TITLES[props.portal].zh} titleEn={TITLES[props.portal].en}>
    <div class="panel">
      <h2>
        <T zh="用手机号登录" en="Sign in with your phone" />
      </h2>
      <p>
        <T zh="我们会把6位验证码发到您的手机。" en="We will text you a 6-digit code." block />
      </p>
      <ErrorBox msg={props.error} />
      <form method="post" action={`/${props.portal}/login`}>
        <NextField next={props.next} />
        <Field
          name="phone"
          type="tel"
          inputmode="numeric"
          autocomplete="tel"
          maxlength={13}
          required
          label={{ zh: '手机号码', en: 'Mobile number' }}
          value={props.phone}
          hint={{ zh: '11位数字', en: '11 digits' }}
        />
        <button type="submit" class="btn">
          <T zh="获取验证码" en="Send code" />
        </button>
      </form>
    </div>
    {props.portal === 'elder' && (
      <div class="panel">
        <h2>
          <T zh="没有手机或收不到短信？" en="No phone or no SMS?" />
        </h2>
        <p>
          <T
            zh="请带积分卡到社区服务站，或拨打热线。"
            en="Bring your points card to the community centre, or call."
            block
          />
        </p>
        <a class="btn btn-2" href={`tel:${HOTLINE.number}`}>
          <T zh={`拨打 ${HOTLINE.number}`} en={`Call ${HOTLINE.number}`} />
        </a>
      </div>
    )}
    {props.portal === 'merchant' && (
      <div class="panel">
        <p>
          <T
            zh="新商户：登录后填写入驻申请，民政审核通过后就能接单。"
            en="New shop: sign in, then apply to join; you can take orders once approved."
            block
          />
        </p>
      </div>
    )}
    <TextSizeSwitch view={props.view} />
    <a class="btn btn-2" href="/">
      <T zh="返回首页" en="Home" />
    </a>
  </H5Layout>
);

const CodePage = (props: {
  view: View;
  portal: PhonePortal;
  phoneMasked: string;
  next?: string | undefined;
  error?: Msg | undefined;
  notice?: Msg | undefined;
  devHint: boolean;
}) => (
  <H5Layout view={props.view} title={TITLES[props.portal].zh} titleEn={TITLES[props.portal].en}>
    <div class="panel">
      <h2>
        <T zh="输入验证码" en="Enter the code" />
      </h2>
      <p>
        <T zh={`验证码已发到 ${props.phoneMasked}`} en={`Code sent to ${props.phoneMasked}`} />
      </p>
      <Notice msg={props.notice} />
      <ErrorBox msg={props.error} />
      <form method="post" action={`/${props.portal}/login/code`}>
        <NextField next={props.next} />
        <Field
          name="code"
          type="text"
          {...SIX_DIGITS_INPUT}
          autocomplete="one-time-code"
          cls="code"
          label={{ zh: '6位验证码', en: '6-digit code' }}
          autofocus
        />
        <button type="submit" class="btn">
          <T zh="登录" en="Sign in" />
        </button>
      </form>
    </div>
    <form method="post" action={`/${props.portal}/login/resend`}>
      <NextField next={props.next} />
      <button type="submit" class="btn btn-2">
        <T zh="重新发送验证码" en="Send a new code" />
      </button>
    </form>
    <a class="btn btn-2" href={`/${props.portal}/login${nextQs(props.next)}`}>
      <T zh="换一个手机号" en="Use another number" />
    </a>
    {props.devHint && (
      <div class="panel">
        <p>
          <T
            zh="本地开发：短信不会真的发出，验证码在开发发件箱里。"
            en="Local only: codes land in the dev outbox."
            block
          />
        </p>
        <a class="btn btn-2" href="/dev/outbox">
          <T zh="打开开发发件箱" en="Open dev outbox" />
        </a>
      </div>
    )}
  </H5Layout>
);

const rememberPhone = (c: Ctx, portal: PhonePortal, phone: string) =>
  setCookie(c, LOGIN_PHONE_COOKIE, phone, {
    path: `/${portal}/login`,
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.get('deps').stage === 'production',
    maxAge: LOGIN_PHONE_TTL_S,
  });

const rememberedPhone = (c: Ctx): string | null => {
  const v = getCookie(c, LOGIN_PHONE_COOKIE);
  const r = Phone.safeParse(v);
  return r.success ? r.data : null;
};

const phoneLoginRoutes = (deps: Deps, portal: PhonePortal): RouteDef[] => {
  const devHint = deps.stage !== 'production';
  const codePage = (
    c: Ctx,
    phone: string,
    next: string | undefined,
    extra: { error?: Msg; notice?: Msg; status?: number } = {},
  ) =>
    render(
      c,
      <CodePage
        view={viewOf(c)}
        portal={portal}
        phoneMasked={maskPhone(phone)}
        next={next}
        error={extra.error}
        notice={extra.notice}
        devHint={devHint}
      />,
      { status: extra.status ?? 200 },
    );
  const toCode = (next: string | undefined, resent = false) =>
    `/${portal}/login/code${nextQs(next)}${resent ? `${next ? '&' : '?'}resent=1` : ''}`;
  return [
    defineRoute({
      method: 'get',
      path: `/${portal}/login`,
      access: { public: true },
      tags: ['pages'],
      page: true,
      summary: `${TITLES[portal].en}: enter the phone number`,
      query: NextQuery,
      handler(c, { query, principal }) {
        if (principal?.kind === portal) return c.redirect(safeNext(portal, query.next), 303);
        return render(c, <PhonePage view={viewOf(c)} portal={portal} next={query.next} />);
      },
    }),
    defineRoute({
      method: 'post',
      path: `/${portal}/login`,
      access: { public: true },
      tags: ['pages'],
      page: true,
      summary: `${TITLES[portal].en}: send the code`,
      bodyKind: 'form',
      body: PhoneBody,
      async handler(c, { body }) {
        const phone = Phone.safeParse(body.phone.replace(/[\s-]/g, ''));
        if (!phone.success) {
          return render(
            c,
            <PhonePage
              view={viewOf(c)}
              portal={portal}
              next={body.next}
              phone={body.phone}
              error={{ zh: '请输入11位手机号码', en: 'Enter an 11-digit mobile number' }}
            />,
            { status: 400 },
          );
        }
        const sent = await expected(['OTP_RATE_LIMITED', 'ADDRESS_RATE_LIMITED'], () =>
          requestLoginCode(deps, phone.data, portal, clientKey(c, deps.blindIndex)),
        );
        if (!sent.ok) {
          setRetryAfter(c, sent.error);
          return render(
            c,
            <PhonePage
              view={viewOf(c)}
              portal={portal}
              next={body.next}
              phone={phone.data}
              error={msgOfError(sent.error)}
            />,
            { status: sent.error.status },
          );
        }
        rememberPhone(c, portal, phone.data);
        return c.redirect(toCode(body.next), 303);
      },
    }),
    defineRoute({
      method: 'get',
      path: `/${portal}/login/code`,
      access: { public: true },
      tags: ['pages'],
      page: true,
      summary: `${TITLES[portal].en}: enter the code`,
      query: NextQuery,
      handler(c, { query }) {
        const phone = rememberedPhone(c);
        if (!phone) return c.redirect(`/${portal}/login${nextQs(query.next)}`, 303);
        return codePage(
          c,
          phone,
          query.next,
          query.resent ? { notice: { zh: '新的验证码已发送', en: 'A new code is on its way' } } : {},
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: `/${portal}/login/code`,
      access: { public: true },
      tags: ['pages'],
      page: true,
      summary: `${TITLES[portal].en}: check the code and sign in`,
      bodyKind: 'form',
      body: CodeBody,
      async handler(c, { body }) {
        const phone = rememberedPhone(c);
        if (!phone) return c.redirect(`/${portal}/login${nextQs(body.next)}`, 303);
        const code = body.code.replace(/\s/g, '');
        if (!/^\d{6}$/.test(code))
          return codePage(c, phone, body.next, {
            error: { zh: '请输入6位数字验证码', en: 'Enter the 6-digit code' },
            status: 400,
          });
        const r = await expected(['OTP_INVALID', 'OTP_EXPIRED', 'OTP_LOCKED', 'PHONE_NOT_REGISTERED'], () =>
          verifyLoginCode(deps, phone, portal, code),
        );
        if (!r.ok) {
          setRetryAfter(c, r.error);
          return codePage(c, phone, body.next, { error: msgOfError(r.error), status: r.error.status });
        }
        setSessionCookies(c, r.value, r.value.refresh_ttl_s);
        deleteCookie(c, LOGIN_PHONE_COOKIE, { path: `/${portal}/login` });
        return c.redirect(safeNext(portal, body.next), 303);
      },
    }),
    defineRoute({
      method: 'post',
      path: `/${portal}/login/resend`,
      access: { public: true },
      tags: ['pages'],
      page: true,
      summary: `${TITLES[portal].en}: send a new code`,
      bodyKind: 'form',
      body: NextBody,
      async handler(c, { body }) {
        const phone = rememberedPhone(c);
        if (!phone) return c.redirect(`/${portal}/login${nextQs(body.next)}`, 303);
        const sent = await expected(['OTP_RATE_LIMITED', 'ADDRESS_RATE_LIMITED'], () =>
          requestLoginCode(deps, phone, portal, clientKey(c, deps.blindIndex)),
        );
        if (!sent.ok) {
          setRetryAfter(c, sent.error);
          return codePage(c, phone, body.next, { error: msgOfError(sent.error), status: sent.error.status });
        }
        return c.redirect(toCode(body.next, true), 303);
      },
    }),
  ];
};

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

const staffLoginRoutes = (deps: Deps): RouteDef[] => [
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
      const r = await expected(['LOGIN_FAILED', 'ACCOUNT_LOCKED', 'ADDRESS_RATE_LIMITED'], () =>
        staffLogin(deps, username, body.password, clientKey(c, deps.blindIndex)),
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
      return c.redirect(safeNext('staff', body.next), 303);
    },
  }),
];

/** Sign-out is public so a half-expired session can still clear its cookies. */
const logoutRoutes = (deps: Deps): RouteDef[] =>
  (['elder', 'family', 'merchant', 'staff'] as const).map((portal) =>
    defineRoute({
      method: 'post',
      path: `/${portal}/logout`,
      access: { public: true },
      tags: ['pages'],
      page: true,
      summary: `Sign out (${portal}) and go back to the sign-in page`,
      bodyKind: 'form',
      body: z.object({}),
      async handler(c, { principal }) {
        if (principal) await deps.sessions.revoke(principal.sid);
        clearSessionCookies(c);
        return c.redirect(`/${portal}/login`, 303);
      },
    }),
  );

export const authPageRoutes = (deps: Deps): RouteDef[] => [
  ...phoneLoginRoutes(deps, 'elder'),
  ...phoneLoginRoutes(deps, 'family'),
  ...phoneLoginRoutes(deps, 'merchant'),
  ...staffLoginRoutes(deps),
  ...logoutRoutes(deps),
];
