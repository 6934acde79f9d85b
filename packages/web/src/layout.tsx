// Page shells: the H5 layout for elders and family (WeChat care-mode look, large text switch),
// the staff console layout, and the one function that turns a page into a response.
import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { getCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Ctx } from '@tmc/app/context';
import { assetUrl } from './static';

export const SITE_NAME = '十分钟服务圈';
export const SITE_NAME_EN = 'Ten-minute service circle';

/** Cookie of the large-text switch: 'large' or absent. Not a secret, so readable by any page. */
export const TEXT_SIZE_COOKIE = 'tmc_text';

/** Chinese first, short English after it (smaller, marked lang="en" for screen readers). */
export const T = (props: { zh: Child; en: string; block?: boolean }) => (
  <>
    {props.zh}
    <span class={props.block ? 'en en-b' : 'en'} lang="en">{props.en}</span>
  </>
);

export type View = { big: boolean; path: string };
export const viewOf = (c: Ctx): View => ({ big: getCookie(c, TEXT_SIZE_COOKIE) === 'large', path: c.req.path });

type LayoutProps = { view: View; title: string; titleEn: string; children?: Child; scripts?: string[] };

const Head = (props: { title: string; titleEn: string; scripts?: string[] }) => (
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width,initial-scale=1" />
    <meta name="format-detection" content="telephone=no" />
    <title>{`${props.title} ${props.titleEn} - ${SITE_NAME}`}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href={assetUrl('css')} />
    {(props.scripts ?? []).map((s) => <script src={s} defer />)}
  </head>
);

/** Elder and family pages: a title bar, one column, nothing that pops up. */
export const H5Layout = (props: LayoutProps) => (
  <html lang="zh-CN" class={props.view.big ? 'big' : undefined}>
    <Head title={props.title} titleEn={props.titleEn} scripts={props.scripts} />
    <body class="h5">
      <header class="bar"><h1><T zh={props.title} en={props.titleEn} /></h1></header>
      <main id="main">{props.children}</main>
    </body>
  </html>
);

/** The large-text switch: a plain form, so it works without script; the cookie remembers it. */
export const TextSizeSwitch = (props: { view: View }) => (
  <form method="post" action="/prefs/text-size">
    <input type="hidden" name="size" value={props.view.big ? 'normal' : 'large'} />
    <input type="hidden" name="back" value={props.view.path} />
    <button type="submit" class="btn btn-2">
      {props.view.big ? <T zh="标准字号" en="Normal text" /> : <T zh="放大字体" en="Larger text" />}
    </button>
  </form>
);

export type StaffHeader = { username: string; roleZh: string; scopeName: string; officer: boolean };

/** Staff console: a denser desktop page with a top bar. */
export const ConsoleLayout = (props: LayoutProps & { staff: StaffHeader | null }) => (
  <html lang="zh-CN" class={props.view.big ? 'big' : undefined}>
    <Head title={props.title} titleEn={props.titleEn} scripts={props.scripts} />
    <body class="console">
      <a class="skip" href="#main">跳到正文 Skip to content</a>
      <header class="top">
        <a class="brand" href="/staff">{SITE_NAME} · 民政工作台</a>
        {props.staff && (
          <>
            <nav aria-label="主菜单 Main menu">
              <a href="/staff"><T zh="区域" en="Areas" /></a>
              {props.staff.officer && <a href="/staff/search"><T zh="查找老人" en="Find" /></a>}
              {props.staff.officer && <a href="/staff/elders/new"><T zh="登记老人" en="Register" /></a>}
              {props.staff.officer && <a href="/staff/import"><T zh="导入名单" en="Import" /></a>}
            </nav>
            <span class="who">{props.staff.username} · {props.staff.roleZh} · {props.staff.scopeName}</span>
            <form method="post" action="/staff/logout"><button class="btn" type="submit"><T zh="退出" en="Sign out" /></button></form>
          </>
        )}
      </header>
      <main id="main">
        <h1><T zh={props.title} en={props.titleEn} /></h1>
        {props.children}
      </main>
    </body>
  </html>
);

/** Renders a page. Signed-in pages are never stored by a cache or shown again from history after
 * sign-out (office PCs are shared; a phone may be lent). */
export const render = async (c: Ctx, page: JSX.Element, opts: { status?: number; store?: boolean } = {}): Promise<Response> => {
  const html = `<!doctype html>${await page}`;
  return c.html(html, (opts.status ?? 200) as ContentfulStatusCode, { 'cache-control': opts.store ? 'no-cache' : 'no-store' });
};
