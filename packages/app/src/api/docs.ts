// The API contract: OpenAPI 3.1 JSON and a small docs page that renders it without any CDN.
// The generator (and zod's JSON Schema converter) loads on the first docs request, not at every
// cold start: nothing else needs it.
import { defineRoute, type RouteDef } from '../http/route';

const buildOpenApi = async (...args: Parameters<typeof import('../http/openapi').buildOpenApi>) =>
  (await import('../http/openapi')).buildOpenApi(...args);

export const docsRoutes = (all: () => readonly RouteDef[]) => [
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    access: { public: true },
    tags: ['docs'],
    summary: 'OpenAPI 3.1 document',
    async handler(c) {
      return c.json(await buildOpenApi(all(), c.get('deps').publicUrl));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/docs',
    access: { public: true },
    tags: ['docs'],
    summary: 'API reference page',
    page: true,
    async handler(c) {
      const doc = await buildOpenApi(all(), c.get('deps').publicUrl);
      const esc = (s: string) =>
        s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);
      const rows = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => {
          const o = op as { summary: string; 'x-access': unknown; responses: Record<string, { description: string }> };
          const errs = Object.entries(o.responses)
            .filter(([s]) => Number(s) >= 400)
            .map(([s, r]) => `<li><b>${s}</b> ${esc(r.description).replace(/\n\n/g, '<br>')}</li>`)
            .join('');
          return (
            `<section><h2><code>${method.toUpperCase()} ${esc(path)}</code></h2><p>${esc(o.summary)}` +
            `</p><p>Access: <code>${esc(JSON.stringify(o['x-access']))}</code></p><ul>${errs}` +
            `</ul></section>`
          );
        }),
      );
      return c.html(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>API 文档</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:16px;color:#111}
section{border-top:1px solid #ccc;padding:8px 0}
code{background:#f3f3f3;padding:0 4px}
h2{font-size:18px}</style></head>
<body><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p>
<p><a href="/openapi.json">openapi.json</a></p>${rows.join('')}</body></html>`);
    },
  }),
];
