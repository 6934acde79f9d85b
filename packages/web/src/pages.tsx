// Server-rendered pages. Elder pages follow 适老化 rules: large text, big targets, high
// contrast, Chinese first, no pop-ups, little script.
import type { Context } from 'hono';
import { defineRoute, type RouteDef } from '@tmc/app/route';
import type { AppEnv } from '@tmc/app/context';
import type { ErrorBody } from '@tmc/app/http-error';
import type { Deps } from '@tmc/app/deps';

const Layout = (props: { title: string; children?: unknown }) => (
  <html lang="zh-CN">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width,initial-scale=1" />
      <title>{props.title}</title>
      <link rel="stylesheet" href="/static/app.css" />
    </head>
    <body>{props.children}</body>
  </html>
);

export const renderErrorPage = (c: Context<AppEnv>, body: ErrorBody, status: number) =>
  c.html(
    <Layout title="出错了">
      <main>
        <h1>{body.error.message}</h1>
        <p lang="en">{body.error.message_en}</p>
        <p>请求编号 Request id: {body.error.request_id}</p>
        <p><a href="/">返回首页</a></p>
      </main>
    </Layout>,
    status as 400,
  );

export const pageRoutes = (_deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get', path: '/', access: { public: true }, tags: ['pages'], page: true, summary: 'Home: pick who you are',
    handler(c) {
      return c.html(
        <Layout title="十分钟服务圈">
          <main>
            <h1>十分钟服务圈</h1>
            <p>居家养老积分服务</p>
            <ul>
              <li><a href="/elder">我是老人</a></li>
              <li><a href="/family">我是家属</a></li>
              <li><a href="/staff">民政工作人员</a></li>
            </ul>
          </main>
        </Layout>,
      );
    },
  }),
];
