// Errors on pages: a visitor who is not signed in is sent to the matching sign-in page; anyone
// else gets a readable page (Chinese, then English, the request id to quote) and never a stack.
import type { Context } from 'hono';
import type { AppEnv } from '@tmc/app/public';
import type { ErrorBody } from '@tmc/app/public';
import { ConsoleLayout, H5Layout, T, render, viewOf } from './layout';
import { loginUrl, portalOf } from './principal';
import { fieldMsg } from './ui';

const FIELDS_SHOWN_MAX = 20;

export const renderErrorPage = (c: Context<AppEnv>, body: ErrorBody, status: number): Response | Promise<Response> => {
  const portal = portalOf(c.req.path);
  const code = body.error.code;
  if (portal && (code === 'UNAUTHENTICATED' || code === 'SESSION_EXPIRED')) {
    // Only a GET can be repeated after sign-in; a form post starts again from the portal's home.
    const next = c.req.method === 'GET' ? c.req.path + new URL(c.req.url).search : undefined;
    c.header('cache-control', 'no-store');
    return c.redirect(loginUrl(portal, next), 303);
  }
  const view = viewOf(c);
  const home = portal ? `/${portal}` : '/';
  const content = (
    <>
      <div class="panel">
        <p class="err">
          <T zh={body.error.message} en={body.error.message_en} block />
        </p>
        {body.error.fields && body.error.fields.length > 0 && (
          <ul>
            {body.error.fields.slice(0, FIELDS_SHOWN_MAX).map((f) => {
              const m = fieldMsg(f);
              return (
                <li>
                  <code>{f.path}</code>：<T zh={m.zh} en={m.en} />
                </li>
              );
            })}
          </ul>
        )}
        <p class="muted">
          <T zh="请求编号" en="Request id" />：<code>{body.error.request_id}</code>
        </p>
        <p class="muted">
          <T zh="错误代码" en="Error code" /> <code>{code}</code>
        </p>
      </div>
      <a class="btn" href={home}>
        <T zh="返回首页" en="Back to home" />
      </a>
    </>
  );
  const page =
    portal === 'staff' ? (
      <ConsoleLayout view={view} title="出错了" titleEn="Something went wrong" staff={null}>
        {content}
      </ConsoleLayout>
    ) : (
      <H5Layout view={view} title="出错了" titleEn="Something went wrong">
        {content}
      </H5Layout>
    );
  return render(c, page, { status });
};
