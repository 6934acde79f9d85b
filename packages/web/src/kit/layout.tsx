// Page shells: the H5 layout for elders and family (WeChat care-mode look, large text switch),
// the staff console layout, and the one function that turns a page into a response.
import { createContext, useContext, type Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { getCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Ctx } from '@tmc/app/public';
import { assetUrl } from './static';
import { portalOf } from './principal';

export const SITE_NAME = '十分钟服务圈';
export const SITE_NAME_EN = 'Ten-minute service circle';

/** Cookie of the large-text switch: 'large' or absent. Not a secret, so readable by any page. */
export const TEXT_SIZE_COOKIE = 'tmc_text';

/** Cookie of the language switch: 'en' or 'zh'; absent means Accept-Language decides. */
export const LANG_COOKIE = 'tmc_lang';

/** One language per page: side by side doubled every elder page's length on a phone. */
export type Lang = 'zh' | 'en';

/** The page's language while it renders: `render` provides it, every message reads it. */
const LangContext = createContext<Lang>('zh');
export const useLang = (): Lang => useContext(LangContext);

/** Chinese unless the visitor asked for English: the switch's cookie first, then the browser's
 * Accept-Language (the first of zh or en by preference; anything else keeps Chinese). */
export const langOf = (c: Ctx): Lang => {
  const chosen = getCookie(c, LANG_COOKIE);
  if (chosen === 'en' || chosen === 'zh') return chosen;
  const ranked = (c.req.header('accept-language') ?? '')
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .find((x) => x.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      );
      return { base: tag.split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const first = ranked.find((x) => x.base === 'zh' || x.base === 'en');
  return first?.base === 'en' ? 'en' : 'zh';
};

/** A message from the table ({ zh, en }) in the page's language. English text is marked
 * lang="en" for screen readers; `block` puts it on its own line as it always was. */
export const T = (props: { zh: Child; en: string; block?: boolean }) =>
  useLang() === 'en' ? (
    <span class={props.block ? 'en-b' : undefined} lang="en">
      {props.en}
    </span>
  ) : (
    <>{props.zh}</>
  );

/** The same choice for plain strings (titles, attributes). */
export const pick = (lang: Lang, m: { zh: string; en: string }): string => (lang === 'en' ? m.en : m.zh);

const BACK_MAX_CHARS = 300; // what the switches' forms accept

/** Where the switches return to: the same page with its query (a booking screen needs its
 * service), or, for a page rendered by a form post, which cannot be fetched again, the portal's home. */
const backOf = (c: Ctx): string => {
  if (c.req.method !== 'GET') return `/${portalOf(c.req.path) ?? ''}`;
  const full = c.req.path + new URL(c.req.url).search;
  return full.length <= BACK_MAX_CHARS ? full : c.req.path;
};

/** `path` is where the text-size and language switches send the visitor back to. */
export type View = { big: boolean; path: string; lang: Lang };
export const viewOf = (c: Ctx): View => ({
  big: getCookie(c, TEXT_SIZE_COOKIE) === 'large',
  path: backOf(c),
  lang: langOf(c),
});

type LayoutProps = { view: View; title: string; titleEn: string; children?: Child; scripts?: string[] };

const Head = (props: { title: string; titleEn: string; scripts?: string[] }) => (
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width,initial-scale=1" />
    <meta name="format-detection" content="telephone=no" />
    <title>{useLang() === 'en' ? `${props.titleEn} - ${SITE_NAME_EN}` : `${props.title} - ${SITE_NAME}`}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href={assetUrl('css')} />
    {(props.scripts ?? []).map((s) => (
      <script src={s} defer />
    ))}
  </head>
);

/** Elder and family pages: a title bar, one column, nothing that pops up. */
export const H5Layout = (props: LayoutProps) => (
  <html lang={useLang() === 'en' ? 'en' : 'zh-CN'} class={props.view.big ? 'big' : undefined}>
    <Head title={props.title} titleEn={props.titleEn} scripts={props.scripts} />
    <body class="h5">
      <header class="bar">
        <h1>
          <T zh={props.title} en={props.titleEn} />
        </h1>
      </header>
      <main id="main">
        {props.children}
        <LangSwitch view={props.view} />
      </main>
    </body>
  </html>
);

/** The language switch on every page: a plain form (no script); the cookie remembers it. Each
 * language is named in itself, so a visitor who cannot read the page still finds theirs. */
export const LangSwitch = (props: { view: View }) => (
  <form method="post" action="/prefs/lang" class="lang">
    <input type="hidden" name="lang" value={props.view.lang === 'en' ? 'zh' : 'en'} />
    <input type="hidden" name="back" value={props.view.path} />
    {props.view.lang === 'en' ? (
      <button type="submit" class="btn btn-2" lang="zh-CN">
        中文
      </button>
    ) : (
      <button type="submit" class="btn btn-2" lang="en">
        English
      </button>
    )}
  </form>
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
  <html lang={useLang() === 'en' ? 'en' : 'zh-CN'} class={props.view.big ? 'big' : undefined}>
    <Head title={props.title} titleEn={props.titleEn} scripts={props.scripts} />
    <body class="console">
      <a class="skip" href="#main">
        <T zh="跳到正文" en="Skip to content" />
      </a>
      <header class="top">
        <a class="brand" href="/staff">
          {SITE_NAME} · 民政工作台
        </a>
        {props.staff && (
          <>
            <nav aria-label={pick(useLang(), { zh: '主菜单', en: 'Main menu' })}>
              <a href="/staff">
                <T zh="区域" en="Areas" />
              </a>
              {props.staff.officer && (
                <a href="/staff/search">
                  <T zh="查找老人" en="Find" />
                </a>
              )}
              {props.staff.officer && (
                <a href="/staff/elders/new">
                  <T zh="登记老人" en="Register" />
                </a>
              )}
              {props.staff.officer && (
                <a href="/staff/import">
                  <T zh="导入名单" en="Import" />
                </a>
              )}
              <a href="/staff/settlement">
                <T zh="结算" en="Settlement" />
              </a>
            </nav>
            <span class="who">
              {props.staff.username} · {props.staff.roleZh} · {props.staff.scopeName}
            </span>
            <form method="post" action="/staff/logout">
              <button class="btn" type="submit">
                <T zh="退出" en="Sign out" />
              </button>
            </form>
          </>
        )}
        <LangSwitch view={props.view} />
      </header>
      <main id="main">
        <h1>
          <T zh={props.title} en={props.titleEn} />
        </h1>
        {props.children}
      </main>
    </body>
  </html>
);

/** Renders a page. Signed-in pages are never stored by a cache or shown again from history after
 * sign-out (office PCs are shared; a phone may be lent). */
export const render = async (
  c: Ctx,
  page: JSX.Element,
  opts: { status?: number; store?: boolean } = {},
): Promise<Response> => {
  const html =
    `<!doctype html>` + `${await (<LangContext.Provider value={langOf(c)}>{page}</LangContext.Provider>).toString()}`;
  // the language follows the cookie and Accept-Language: a shared cache must keep them apart
  return c.html(html, (opts.status ?? 200) as ContentfulStatusCode, {
    'cache-control': opts.store ? 'no-cache' : 'no-store',
    vary: 'Cookie, Accept-Language',
  });
};
