// Developer-only pages: the outbox where sign-in codes and notices land locally. Not mounted
// in production (no outbox there), so it cannot leak codes.
import { defineRoute } from '../http/route';
import type { Deps } from '../compose/deps';

export const devRoutes = (deps: Deps) => {
  if (deps.stage === 'production' || !deps.outbox) return [];
  const outbox = deps.outbox;
  return [
    defineRoute({
      method: 'get',
      path: '/dev/outbox',
      access: { public: true },
      tags: ['dev'],
      page: true,
      summary: 'Local only: messages that would have gone out by SMS or WeChat (newest first)',
      async handler(c) {
        const items = await outbox.recent();
        const esc = (s: string) =>
          s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);
        const rows = items
          .map(
            (m) =>
              `<tr><td>${esc(m.at.slice(11, 19))}</td><td>${esc(m.to_phone)}</td><td>${esc(m.template)}` +
              `</td><td>${esc(m.text_zh)}</td></tr>`,
          )
          .join('');
        return c.html(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>开发发件箱 Dev outbox</title>
<style>body{font:18px/1.5 system-ui,sans-serif;margin:16px;color:#111}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #999;padding:6px;text-align:left}</style></head>
<body><h1>开发发件箱 Dev outbox</h1><p>本地开发专用：短信与微信通知落在这里（生产环境不存在此页）。Local only.</p>
<table><thead><tr><th>时间 UTC</th><th>手机</th><th>模板</th><th>内容</th></tr></thead><tbody>
${rows || '<tr><td colspan="4">暂无消息 No messages yet</td></tr>'}</tbody></table></body></html>`);
      },
    }),
  ];
};
