// How the chart island is built, shared by the two places that build it: `npm run build` (scripts/build.ts,
// which writes it beside the pages Lambda's bundle) and the on-demand build of the local server and tests
// (asset.ts). One set of options, so what ships is what the tests serve.
import type { BuildOptions } from 'esbuild';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** The island's source (the browser entry). */
export const CHARTS_ENTRY = fileURLToPath(new URL('./island.ts', import.meta.url));

/** esbuild options: one self-contained script for the browser (tree-shaken ECharts core, minified). */
export const chartsBuildOptions = (): BuildOptions => ({
  entryPoints: [CHARTS_ENTRY],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2018',
  write: false,
  legalComments: 'none',
});

/** The content hash in the URL (`?v=`) and in the prebuilt file's name. */
export const chartsHash = (body: string): string => createHash('sha256').update(body).digest('base64url').slice(0, 12);

/** Where the prebuilt island sits in the pages function's folder (beside index.mjs). */
export const prebuiltChartsFile = (hash: string): string => `static/charts-${hash}.js`;

/** The name scripts/build.ts defines in the pages bundle to the island's hash (esbuild `define`). */
export const CHARTS_HASH_DEFINE = 'process.env.TMC_CHARTS_HASH';
