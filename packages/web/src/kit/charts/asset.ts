// The chart island as a static asset (/static/charts.js), built from island.ts by esbuild (tree-shaken,
// minified) the first time a console analytics page asks for it, then kept in memory. Only the analytics
// pages link it: elder pages never load ECharts (site-wide test).
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { STATIC_IMMUTABLE_MAX_AGE_S, STATIC_UNVERSIONED_MAX_AGE_S } from '../static';

export const CHARTS_PATH = '/static/charts.js';
export type ChartsAsset = { body: string; hash: string };

// The name in a variable: the Lambda bundler must not pull esbuild (a build tool) into the pages function.
// There the import fails and the pages render their tables without charts (see docs/ARCHITECTURE.md).
const BUILDER = 'esbuild';
const ENTRY = fileURLToPath(new URL('./island.ts', import.meta.url));

let built: Promise<ChartsAsset | null> | null = null;
/** The built island, or null where it cannot be built (the pages then show tables only). */
export const chartsAsset = (): Promise<ChartsAsset | null> =>
  (built ??= (async () => {
    try {
      const esbuild = (await import(BUILDER)) as typeof import('esbuild');
      const r = await esbuild.build({
        entryPoints: [ENTRY],
        bundle: true,
        minify: true,
        format: 'iife',
        target: 'es2018',
        write: false,
        legalComments: 'none',
      });
      const body = r.outputFiles[0]?.text ?? '';
      return { body, hash: createHash('sha256').update(body).digest('base64url').slice(0, 12) };
    } catch {
      built = null; // try again on the next request
      return null;
    }
  })());

/** The versioned URL pages link to, or null when the island is not available. */
export const chartsUrl = async (): Promise<string | null> => {
  const a = await chartsAsset();
  return a ? `${CHARTS_PATH}?v=${a.hash}` : null;
};

export const chartsRoutes = (): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: CHARTS_PATH,
    access: { public: true },
    tags: ['static'],
    page: true,
    summary: 'The console chart island (ECharts, tree-shaken); cached for a year when ?v= is the current hash',
    query: z.object({ v: z.optional(z.string().check(z.maxLength(40))) }),
    async handler(c, { query }) {
      const a = await chartsAsset();
      if (!a) return c.body('/* charts unavailable */', 503, { 'content-type': 'text/javascript; charset=utf-8' });
      const etag = `"${a.hash}"`;
      const cache =
        query.v === a.hash
          ? `public, max-age=${STATIC_IMMUTABLE_MAX_AGE_S}, immutable`
          : `public, max-age=${STATIC_UNVERSIONED_MAX_AGE_S}`;
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag, 'cache-control': cache });
      return c.body(a.body, 200, { 'content-type': 'text/javascript; charset=utf-8', etag, 'cache-control': cache });
    },
  }),
];
