// The front door (pick who you are) and the large-text switch every H5 page carries.
import * as z from 'zod/mini';
import { setCookie } from 'hono/cookie';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import {
  H5Layout,
  LANG_COOKIE,
  SITE_NAME,
  SITE_NAME_EN,
  T,
  TEXT_SIZE_COOKIE,
  TextSizeSwitch,
  render,
  viewOf,
} from './layout';

const TEXT_SIZE_TTL_S = 365 * 24 * 3600; // a preference, not a secret: keep it for a year
const LANG_TTL_S = 365 * 24 * 3600; // the same for the language

/** Only a path on this site, so the switch cannot bounce a visitor elsewhere. */
const localPath = (s: string): string => (/^\/(?!\/)[A-Za-z0-9_\-./?=&%]*$/.test(s) && !s.includes('..') ? s : '/');

export const homePageRoutes = (): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/',
    access: { public: true },
    tags: ['pages'],
    page: true,
    summary: 'Home: pick who you are',
    handler(c) {
      const view = viewOf(c);
      return render(
        c,
        <H5Layout view={view} title={SITE_NAME} titleEn={SITE_NAME_EN}>
          <p class="hello">
            <T zh="您好，请选择您的身份" en="Who are you?" block />
          </p>
          <a class="choice" href="/elder">
            <T zh="我是老人" en="I am an elder" />
          </a>
          <a class="choice" href="/family">
            <T zh="我是家属" en="I am a family member" />
          </a>
          <a class="choice" href="/merchant">
            <T zh="我是商户" en="I run a shop" />
          </a>
          <a class="choice" href="/staff">
            <T zh="民政工作人员" en="Civil-affairs staff" />
          </a>
          <TextSizeSwitch view={view} />
        </H5Layout>,
        { store: true },
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/prefs/text-size',
    access: { public: true },
    tags: ['pages'],
    page: true,
    summary: 'Large-text switch: remember the choice in a cookie and go back to the page',
    bodyKind: 'form',
    body: z.object({ size: z.enum(['large', 'normal']), back: z._default(z.string().check(z.maxLength(300)), '/') }),
    handler(c, { body }) {
      setCookie(c, TEXT_SIZE_COOKIE, body.size, {
        path: '/',
        sameSite: 'Lax',
        httpOnly: true,
        secure: c.get('deps').stage === 'production',
        maxAge: body.size === 'large' ? TEXT_SIZE_TTL_S : 0,
      });
      return c.redirect(localPath(body.back), 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/prefs/lang',
    access: { public: true },
    tags: ['pages'],
    page: true,
    summary: 'Language switch (Chinese or English): remember the choice in a cookie and go back to the page',
    bodyKind: 'form',
    body: z.object({ lang: z.enum(['zh', 'en']), back: z._default(z.string().check(z.maxLength(300)), '/') }),
    handler(c, { body }) {
      // kept either way: a visitor who chose Chinese keeps it even if the browser asks for English
      setCookie(c, LANG_COOKIE, body.lang, {
        path: '/',
        sameSite: 'Lax',
        httpOnly: true,
        secure: c.get('deps').stage === 'production',
        maxAge: LANG_TTL_S,
      });
      return c.redirect(localPath(body.back), 303);
    },
  }),
];
