// The one set of esbuild options for Lambda bundles. scripts/build.ts ships with them and
// bench/bundle.ts measures with them, so the benchmark always measures what ships.
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CHARTS_HASH_DEFINE, chartsBuildOptions, chartsHash, prebuiltChartsFile } from '@tmc/web/charts-build';

/** Must match the function runtime in infra/lib/api.ts (Lambda nodejs22.x). */
export const LAMBDA_NODE_TARGET = 'node22';

// The SDK is bundled (tree-shaken from its ES module builds), not taken from the Lambda runtime's
// copy. Decided with numbers (bench:bundle, issue 13): loading the runtime's many CommonJS files is
// what made the API's cold import slow (the `api-sdk-external` row against `api`), far more than the
// bytes a bundled client adds; a bundled SDK is also the lockfile's version, tested here, not whatever
// the runtime ships that week. The price is size: the 300 KB budget now holds our own code only
// (the bench reports the SDK's share of the cold start beside it). Clients used rarely (Lambda
// invoke for jobs, Scheduler, Secrets Manager) stay behind dynamic imports, so they are lazy chunks.
export const LAMBDA_EXTERNALS: readonly string[] = [];
/** The alternative the bench prices: the Lambda runtime's SDK copy, loaded from its node_modules. */
export const RUNTIME_SDK_EXTERNALS: readonly string[] = ['@aws-sdk/*'];

// Bundled CommonJS modules call `require`, which does not exist in an ES module: esbuild's shim
// throws "Dynamic require of X is not supported" unless a real `require` is in scope. The import
// is aliased so it cannot collide with a `createRequire` import hoisted from bundled code.
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __tmcCreateRequire } from 'node:module'; " +
  'const require = __tmcCreateRequire(import.meta.url);';

/** `outfile` names the entry chunk (…/index.mjs). Code splitting is on: modules behind a dynamic
 * `import()` (the CSV importer with its GBK tables) become chunks beside it, loaded only by the
 * requests that need them, so a cold start parses just the entry chunk. */
export const lambdaBuildOptions = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: { index: entry },
  outdir: dirname(outfile),
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: LAMBDA_NODE_TARGET,
  format: 'esm',
  minify: true,
  // Source maps keep stack traces readable (the function sets NODE_OPTIONS=--enable-source-maps);
  // they sit beside the bundle and do not count towards its size.
  sourcemap: true,
  // Prefer packages' ESM builds: esbuild tree-shakes ES modules, not CommonJS.
  mainFields: ['module', 'main'],
  external: [...LAMBDA_EXTERNALS],
  banner: { js: ESM_REQUIRE_BANNER },
  // The Lambdas always run with STAGE=production, where the developer pages (outbox, fake checkout)
  // are never mounted; folding this to a constant lets esbuild leave their code out of the bundle.
  define: { 'process.env.TMC_LAMBDA_BUNDLE': '"1"' },
  legalComments: 'none',
  logLevel: 'warning',
});

const TOP_INPUTS = 3;

/** The packages that weigh most in a bundle (from its metafile): where to look when it outgrows its budget. */
export const heaviestInputs = (meta: Metafile, outfile: string): string => {
  const output = Object.entries(meta.outputs).find(([path]) => outfile.endsWith(path))?.[1];
  const bytesByOrigin = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const origin = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
    bytesByOrigin.set(origin, (bytesByOrigin.get(origin) ?? 0) + bytesInOutput);
  }
  return [...bytesByOrigin]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_INPUTS)
    .map(([origin, bytes]) => `${origin} ${(bytes / 1024).toFixed(1)} KB`)
    .join(', ');
};

/** The pages function's folder under dist/functions (from functions/web.ts). */
export const PAGES_FUNCTION = 'web';

/** Builds the console's chart island (ECharts) into the pages function's folder as
 * static/charts-<hash>.js, and answers the `define` that tells the pages bundle its hash. The island is a
 * browser script the function serves as a file (/static/charts.js), never imported: it adds nothing to the
 * bundle's cold start, and the Lambda needs no esbuild at run time. */
export const buildChartsInto = async (
  functionDir: string,
): Promise<{ file: string; bytes: number; hash: string; define: Record<string, string> }> => {
  const r = await build(chartsBuildOptions());
  const body = r.outputFiles?.[0]?.text;
  if (!body) throw new Error('the chart island built to nothing');
  const hash = chartsHash(body);
  const file = join(functionDir, prebuiltChartsFile(hash));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, body);
  return { file, bytes: Buffer.byteLength(body), hash, define: { [CHARTS_HASH_DEFINE]: JSON.stringify(hash) } };
};
