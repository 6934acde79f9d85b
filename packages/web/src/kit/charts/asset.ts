// The chart island as a static asset (/static/charts.js). In the pages Lambda it is prebuilt by `npm run
// build` (scripts/build.ts) into the function's folder, read from there on the first request for it and
// kept in memory: esbuild is not in that bundle, and the island (~500 KB) stays out of the entry chunk, so
// cold starts do not pay for it. Locally and in tests it is built from island.ts by esbuild the first time
// a console analytics page asks for it. Only the analytics pages link it: elder pages never load ECharts
// (site-wide test).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { STATIC_IMMUTABLE_MAX_AGE_S, STATIC_UNVERSIONED_MAX_AGE_S } from '../static';
import { chartsBuildOptions, chartsHash, prebuiltChartsFile } from './build';

export const CHARTS_PATH = '/static/charts.js';
export type ChartsAsset = { body: string; hash: string };

// The name in a variable: the Lambda bundler must not pull esbuild (a build tool) into the pages function.
const BUILDER = 'esbuild';

// Folded to a string literal by scripts/build.ts in the pages bundle (CHARTS_HASH_DEFINE); unset when
// running from source, where the island is built on demand. Read where used, so tests can set it.
const prebuiltHash = (): string | undefined => process.env.TMC_CHARTS_HASH;

/** The prebuilt island beside the bundle: Lambda's LAMBDA_TASK_ROOT is the function's folder (index.mjs). */
const readPrebuilt = async (hash: string): Promise<ChartsAsset> => {
  const root = process.env.LAMBDA_TASK_ROOT ?? dirname(fileURLToPath(import.meta.url));
  return { body: await readFile(join(root, prebuiltChartsFile(hash)), 'utf8'), hash };
};

const buildNow = async (): Promise<ChartsAsset> => {
  const esbuild = (await import(BUILDER)) as typeof import('esbuild');
  const r = await esbuild.build(chartsBuildOptions());
  const body = r.outputFiles?.[0]?.text ?? '';
  return { body, hash: chartsHash(body) };
};

let built: Promise<ChartsAsset | null> | null = null;
/** The island, or null where it is neither prebuilt nor buildable (the pages then show tables only). */
export const chartsAsset = (): Promise<ChartsAsset | null> =>
  (built ??= (async () => {
    try {
      const hash = prebuiltHash();
      return await (hash ? readPrebuilt(hash) : buildNow());
    } catch {
      built = null; // try again on the next request
      return null;
    }
  })());

/** Forgets the island kept in memory (tests switching between the prebuilt and the on-demand path). */
export const resetChartsAsset = (): void => {
  built = null;
};

/** The versioned URL pages link to, or null when the island is not available. */
export const chartsUrl = async (): Promise<string | null> => {
  const prebuilt = prebuiltHash(); // known from the build: no file read to render a page
  if (prebuilt) return `${CHARTS_PATH}?v=${prebuilt}`;
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
