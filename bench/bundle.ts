// Bundle budget of the API Lambda (issue 13's goal: cold import <= 1.3x a bare Hono handler that
// builds a DynamoDB client, measured as before, with the runtime's SDK; earlier goals, reported:
// <= 300 KB minified of our own code, <= 2x a bare Hono hello-world). All are built with
// scripts/esbuild-options.ts, exactly as `npm run build` ships them, and imported in fresh Node
// processes. Results go to docs/BENCHMARKS.md (`bench:bundle`).
//
// The build is code-split (index.mjs + chunks/*.mjs). The budget is about cold starts, so the size
// held against it is what a cold start loads: the entry plus every chunk it reaches through static
// imports. Chunks reachable only through a dynamic `import()` (the CSV importer) load on the first
// request that needs them; they are reported separately, with the total beside them.
import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildChartsInto, heaviestInputs, lambdaBuildOptions, RUNTIME_SDK_EXTERNALS } from '../scripts/esbuild-options';
import { runBench } from './fixtures/entry';
import { provenance, writeSection } from './fixtures/report';
import { median } from './fixtures/stats';

/** ` (+ N unreachable, size)` when some chunk is imported by no file; empty otherwise. */
const unreachableNote = (split: { unreachableChunks: number; unreachableBytes: number }): string =>
  split.unreachableChunks > 0 ? ` (+ ${split.unreachableChunks} unreachable, ${kb(split.unreachableBytes)})` : '';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Inside the repo, so the external @aws-sdk/* resolves from its node_modules the way it resolves
// from the runtime's node_modules in Lambda.
const OUT_DIR = join(ROOT, 'dist', 'bench', 'bundle');
const SECTION = 'bench:bundle';

const RUNS = 15; // per bundle, interleaved so drift in machine load hits both alike
const WARMUP_RUNS = 1; // first import of each pays for a cold disk cache; not what Lambda sees
const BUDGET_KB = 300;
const RATIO_BUDGET = 2;
const SDK_RATIO_GOAL = 1.3; // issue 13: api over hello+dynamodb (the runtime's SDK), as measured before
const KB = 1024;

// `runtimeSdk`: @aws-sdk/* external, loaded from node_modules as from the Lambda runtime's copy: the
// alternative weighed in scripts/esbuild-options.ts (`api-sdk-external`), and the baseline as the
// issue measures it (`hello+dynamodb`). `charts`: the pages function, which `npm run build` ships with
// the chart island beside it (a file it serves).
type Target = { name: string; entry: string; runtimeSdk?: true; charts?: true };
const TARGETS: readonly Target[] = [
  { name: 'api', entry: join(ROOT, 'functions', 'api.ts') },
  { name: 'api-sdk-external', entry: join(ROOT, 'functions', 'api.ts'), runtimeSdk: true },
  // the pages function (no budget of its own in the issue; shown so its growth is seen)
  { name: 'pages', entry: join(ROOT, 'functions', 'web.ts'), charts: true },
  { name: 'hello', entry: join(ROOT, 'bench', 'fixtures', 'hello.ts') },
  { name: 'hello+dynamodb', entry: join(ROOT, 'bench', 'fixtures', 'hello-dynamo.ts'), runtimeSdk: true },
  { name: 'hello+dynamodb-bundled', entry: join(ROOT, 'bench', 'fixtures', 'hello-dynamo.ts') },
];

/** Bytes of the cold start that come from the SDK (@aws-sdk, @smithy, and their helpers). */
const SDK_INPUT = /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws\/|tslib|bowser|fast-xml-parser|strnum|uuid)/;
const sdkColdBytes = (meta: Metafile): number =>
  Object.values(meta.outputs).reduce(
    (n, o) =>
      n + Object.entries(o.inputs).reduce((m, [path, i]) => m + (SDK_INPUT.test(path) ? i.bytesInOutput : 0), 0),
    0,
  );

// Configuration the app parses at import (APP_SECRET_ARN unset: keys come from the environment, so
// nothing calls AWS); throwaway keys, the process never serves a request.
const key = (): string => randomBytes(32).toString('base64');
const CHILD_ENV: Record<string, string> = {
  STAGE: 'production',
  TABLE_NAME: 'bench-table',
  AWS_REGION: 'cn-north-1',
  FIELD_KEY: key(),
  INDEX_KEY: key(),
  SESSION_KEY: key(),
  // Production refuses to start without a notifier; nothing is sent during an import.
  SMS_ENDPOINT: 'https://sms.invalid/send',
  SMS_API_KEY: 'bench',
  SMS_TEMPLATES: '{"otp":"SMS_BENCH_OTP"}', // the one template the notifier config insists on
};

// Times only the module load (dynamic import, timed inside the child), so Node's own start-up,
// the same for both bundles, does not dilute the ratio. Importing index.mjs evaluates its static
// chunks and none of the lazy ones: the same code a Lambda cold start runs.
const IMPORT_TIMER =
  'const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t0));';

const importMs = (file: string): number => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER, pathToFileURL(file).href], {
    cwd: ROOT,
    env: { ...process.env, ...CHILD_ENV },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`importing ${file} failed (exit ${r.status}):\n${r.stderr}`);
  const ms = Number(r.stdout);
  if (!Number.isFinite(ms)) throw new Error(`unexpected timer output from ${file}: ${r.stdout}`);
  return ms;
};

/** Bytes of one build's JavaScript files, by when they load. Source maps never count. */
type Split = {
  coldBytes: number; // entry + chunks reached through static imports: what `import('index.mjs')` loads
  lazyBytes: number; // chunks reached only through dynamic import(): loaded on first use
  coldChunks: number; // chunk files besides the entry in the cold set
  lazyChunks: number;
  // Written but imported by no output: esbuild still emits the target of a dynamic import whose
  // importing code it tree-shook away (bowser, in the SDK-bundled build). Ships, never loads.
  unreachableBytes: number;
  unreachableChunks: number;
  coldMeta: Metafile; // the cold set folded into the entry's output, for heaviestInputs
};

const STATIC_EDGE = 'import-statement';
const DYNAMIC_EDGE = 'dynamic-import';

/** Outputs reachable from `start` along import edges of the given kinds. External modules are not
 * files of the build (@aws-sdk/* comes from the runtime, outside the size by design). */
const reachable = (meta: Metafile, start: string, kinds: ReadonlySet<string>): Set<string> => {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    for (const edge of meta.outputs[path]?.imports ?? []) {
      if (edge.external === true || !kinds.has(edge.kind) || seen.has(edge.path)) continue;
      seen.add(edge.path);
      queue.push(edge.path);
    }
  }
  return seen;
};

const splitOutputs = (meta: Metafile, outfile: string): Split => {
  // Metafile paths are relative to esbuild's working directory, which defaults to process.cwd().
  const entry = Object.keys(meta.outputs).find((p) => resolve(p) === outfile);
  const entryOutput = entry === undefined ? undefined : meta.outputs[entry];
  if (entry === undefined || entryOutput === undefined) throw new Error(`no output ${outfile} in the metafile`);
  const cold = reachable(meta, entry, new Set([STATIC_EDGE]));
  const all = reachable(meta, entry, new Set([STATIC_EDGE, DYNAMIC_EDGE]));
  const lazy = [...all].filter((p) => !cold.has(p));
  const unreachable = Object.keys(meta.outputs).filter((p) => !p.endsWith('.map') && !all.has(p));
  const bytesOf = (paths: Iterable<string>): number =>
    [...paths].reduce((n, p) => n + (meta.outputs[p]?.bytes ?? 0), 0);
  // esbuild puts each module in exactly one chunk, so the cold set's inputs merge without overlap.
  const inputs: Metafile['outputs'][string]['inputs'] = {};
  for (const p of cold) Object.assign(inputs, meta.outputs[p]?.inputs);
  return {
    coldBytes: bytesOf(cold),
    lazyBytes: bytesOf(lazy),
    coldChunks: cold.size - 1,
    lazyChunks: lazy.length,
    unreachableBytes: bytesOf(unreachable),
    unreachableChunks: unreachable.length,
    coldMeta: { inputs: meta.inputs, outputs: { [entry]: { ...entryOutput, inputs } } },
  };
};

type Result = { name: string; split: Split; largest: string; samplesMs: number[]; chartsBytes?: number };

const kb = (bytes: number): string => `${(bytes / KB).toFixed(1)} KB`;
const totalBytes = (s: Split): number => s.coldBytes + s.lazyBytes + s.unreachableBytes;

const main = async (): Promise<void> => {
  const results: Result[] = [];
  for (const t of TARGETS) {
    const outfile = join(OUT_DIR, t.name, 'index.mjs');
    // Chunk names carry content hashes: chunks of an earlier run would otherwise linger beside these.
    await rm(join(OUT_DIR, t.name), { recursive: true, force: true });
    const charts = t.charts ? await buildChartsInto(join(OUT_DIR, t.name)) : undefined;
    const base = lambdaBuildOptions(t.entry, outfile);
    const options = { ...base, define: { ...base.define, ...charts?.define }, metafile: true };
    const { metafile } = await build(t.runtimeSdk ? { ...options, external: [...RUNTIME_SDK_EXTERNALS] } : options);
    if (!metafile) throw new Error(`esbuild returned no metafile for ${t.name}`);
    // The island is a browser file the function serves; ECharts inside the function's code would mean the
    // page code imported it, and every cold start would parse it.
    const inFunction = Object.values(metafile.outputs).some((o) =>
      Object.keys(o.inputs).some((i) => i.includes('node_modules/echarts')),
    );
    if (inFunction) throw new Error(`${t.name}: ECharts is bundled into the function's code`);
    const split = splitOutputs(metafile, outfile);
    const largest = heaviestInputs(split.coldMeta, outfile);
    results.push({ name: t.name, split, largest, samplesMs: [], chartsBytes: charts?.bytes });
  }
  const file = (r: Result): string => join(OUT_DIR, r.name, 'index.mjs');
  for (const r of results) for (let i = 0; i < WARMUP_RUNS; i++) importMs(file(r));
  for (let i = 0; i < RUNS; i++) for (const r of results) r.samplesMs.push(importMs(file(r)));

  const byName = (name: string): Result => {
    const r = results.find((x) => x.name === name);
    if (!r) throw new Error(`no result for ${name}`);
    return r;
  };
  const [api, apiRuntimeSdk, hello, helloDynamo, helloDynamoBundled, pages] = [
    'api',
    'api-sdk-external',
    'hello',
    'hello+dynamodb',
    'hello+dynamodb-bundled',
    'pages',
  ].map(byName) as [Result, Result, Result, Result, Result, Result];
  const apiMs = median(api.samplesMs);
  const ratio = apiMs / median(hello.samplesMs);
  // issue 13's goal: the API's import over the floor of any table handler as it was measured (runtime SDK)
  const ratioOverSdk = apiMs / median(helloDynamo.samplesMs);
  const ratioOverBundled = apiMs / median(helloDynamoBundled.samplesMs);
  const ownColdBytes = api.split.coldBytes - sdkColdBytes(api.split.coldMeta);
  const sizeOk = ownColdBytes <= BUDGET_KB * KB;
  const ratioOk = ratio <= RATIO_BUDGET;
  const sdkRatioOk = ratioOverSdk <= SDK_RATIO_GOAL;
  const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');
  const runtimeSdkMs = median(apiRuntimeSdk.samplesMs);

  const body = [
    '## Bundle size and cold import of the API Lambda',
    '',
    provenance('npm run bench:bundle'),
    '',
    'All bundles built with `scripts/esbuild-options.ts` (esm, minified, code-split into `index.mjs` + ' +
      '`chunks/*.mjs`, target node22, the AWS SDK bundled and tree-shaken, as `npm run build` ships them). ' +
      "Rows with `@aws-sdk/*` external load the SDK from `node_modules`, as from the Lambda runtime's copy: " +
      '`api-sdk-external` (the alternative not shipped) and `hello+dynamodb` (the baseline as issue 13 measures ' +
      'it); their size columns leave the SDK out. Sizes are bytes of `.mjs` files as written (minified, not ' +
      'compressed); source maps are never counted.',
    '',
    '- **cold start**: `index.mjs` plus every chunk it reaches through static `import` statements, followed ' +
      'transitively in the esbuild metafile: what a cold start loads.',
    '- **lazy**: chunks reachable only through a dynamic `import()` (in `api`: the CSV importer with csv-parse and ' +
      ("iconv-lite's GBK tables, the OpenAPI generator, the payment flow with " +
        'Stripe, issuance and awards, the in-process job ') +
      ("runner, the SDK's credential providers and its rarely used clients), " +
        'loaded by the first request that needs them.'),
    '- **total**: every `.mjs` file of the function: cold start + lazy (+ any chunk no file imports, listed ' +
      'as "unreachable" in the files column).',
    `- **import**: \`await import()\` of \`index.mjs\` in a fresh \`node\` process, which loads the cold-start ` +
      `chunks only; median of ${RUNS} runs each, interleaved, after ${WARMUP_RUNS} warm-up.`,
    '',
    '| bundle | cold start | lazy | total | files (entry + cold + lazy chunks) | import median | import min–max |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      ({ name, split, samplesMs }) =>
        `| ${name} | ${kb(split.coldBytes)} | ${kb(split.lazyBytes)} | ${kb(totalBytes(split))} | ` +
        `1 + ${split.coldChunks} + ${split.lazyChunks}` +
        unreachableNote(split) +
        ` | ` +
        `${median(samplesMs).toFixed(1)} ms | ` +
        `${Math.min(...samplesMs).toFixed(1)}–${Math.max(...samplesMs).toFixed(1)} ms |`,
    ),
    '',
    `- **Import-time ratio api/hello+dynamodb ${ratioOverSdk.toFixed(2)}** (issue 13's goal <= ${SDK_RATIO_GOAL}, ` +
      `the baseline as measured before: a bare Hono handler building a DynamoDB client from the runtime's SDK): ` +
      `${verdict(sdkRatioOk)}. Against the same handler with its SDK bundled too: ${ratioOverBundled.toFixed(2)} ` +
      '(what our own code costs on top of a bundled client).',
    `- Bundling the SDK versus the runtime's copy: the API imports in ${apiMs.toFixed(1)} ms bundled and ` +
      `${runtimeSdkMs.toFixed(1)} ms with the runtime's SDK (${(runtimeSdkMs / apiMs).toFixed(2)}x slower), for ` +
      `${kb(api.split.coldBytes - apiRuntimeSdk.split.coldBytes)} more cold-start bytes: bundled ships.`,
    `- API cold-start bytes ${kb(api.split.coldBytes)}, of which our own code (everything but the SDK) ` +
      `${kb(ownColdBytes)}, budget <= ${BUDGET_KB} KB: ${verdict(sizeOk)}. ` +
      `Largest inputs of the cold start: ${api.largest}.`,
    `- Loaded lazily, by the first request that needs each part (CSV import, docs, a top-up, ` +
      `issuance): ${kb(api.split.lazyBytes)}; ` +
      `the function's total is ${kb(totalBytes(api.split))}.`,
    `- Import-time ratio api/hello ${ratio.toFixed(2)}, goal <= ${RATIO_BUDGET}: ${verdict(ratioOk)}`,
    `- The pages function ships the console's chart island (ECharts) as a file beside its bundle ` +
      `(static/charts-<hash>.js, ${kb(pages.chartsBytes ?? 0)}), served at /static/charts.js with a year of cache ` +
      'for the current hash; it is in none of the columns above (no chunk of the function contains ECharts: the ' +
      'bench checks), so cold starts do not load it.',
  ].join('\n');

  await writeSection(SECTION, body);
  console.log(body);
  // The open goal (issue 13) fails the run when missed, after the numbers are written; the two older
  // budgets are reported (they were missed before issue 13 and are not what the bundle is held to now).
  if (!sdkRatioOk) process.exitCode = 1;
};

runBench(main, { stack: false });
