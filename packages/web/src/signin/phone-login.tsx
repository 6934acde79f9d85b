// Phone sign-in routes (elders, family, merchants): phone -> 6-digit code by SMS -> signed in, the
// phone kept meanwhile in a short-lived cookie scoped to the login path. Split out of pages.tsx.
import * as z from 'zod/mini';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { OTP_TTL_MS } from '@tmc/core/auth/service';
import { Phone } from '@tmc/core/elders/model';
import { maskPhone } from '@tmc/core/elders/id-card';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { setSessionCookies } from '@tmc/app/public';
import { requestLoginCode, verifyLoginCode } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import { clientKey } from '@tmc/app/public';
import { setRetryAfter } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { render, viewOf } from '../kit/layout';
import { safeNext } from '../kit/principal';
import { expected, msgOfError, type Msg } from '../kit/ui';
import { NextQuery, nextQs } from './next-param';
import { CodePage, PhonePage, TITLES, type PhonePortal } from './phone-screens';

const LOGIN_PHONE_COOKIE = 'tmc_login_phone';
// The code lives 5 minutes; the remembered phone a little longer so "send again" still works.
const LOGIN_PHONE_TTL_S = Math.ceil(OTP_TTL_MS / 1000) * 2;

const PhoneBody = z.object({
  phone: z.string().check(z.maxLength(20)),
  next: z.optional(z.string().check(z.maxLength(300))),
});
const CodeBody = z.object({
  code: z.string().check(z.maxLength(20)),
  next: z.optional(z.string().check(z.maxLength(300))),
});
const NextBody = z.object({ next: z.optional(z.string().check(z.maxLength(300))) });

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

export const phoneLoginRoutes = (deps: Deps, portal: PhonePortal): RouteDef[] => {
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
