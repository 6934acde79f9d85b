// Bundle budget of the API Lambda (issue goals: <= 300 KB minified, cold import <= 2x a bare Hono
// hello-world). All are built with scripts/esbuild-options.ts, exactly as `npm run build` ships
// them, and imported in fresh Node processes. Results go to docs/BENCHMARKS.md (`bench:bundle`).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { heaviestInputs, LAMBDA_EXTERNALS, lambdaBuildOptions } from '../scripts/esbuild-options';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Inside the repo, so the external @aws-sdk/* resolves from its node_modules the way it resolves
// from the runtime's node_modules in Lambda.
const OUT_DIR = join(ROOT, 'dist', 'bench', 'bundle');
const REPORT = join(ROOT, 'docs', 'BENCHMARKS.md');
const SECTION = 'bench:bundle';

const RUNS = 15; // per bundle, interleaved so drift in machine load hits both alike
const WARMUP_RUNS = 1; // first import of each pays for a cold disk cache; not what Lambda sees
const BUDGET_KB = 300;
const RATIO_BUDGET = 2;

// `sdkBundled` is not what ships: it prices the alternative weighed in scripts/esbuild-options.ts.
type Target = { name: string; entry: string; sdkBundled?: true };
const TARGETS: readonly Target[] = [
  { name: 'api', entry: join(ROOT, 'functions', 'api.ts') },
  { name: 'api-sdk-bundled', entry: join(ROOT, 'functions', 'api.ts'), sdkBundled: true },
  { name: 'hello', entry: join(ROOT, 'bench', 'fixtures', 'hello.ts') },
  { name: 'hello+dynamodb', entry: join(ROOT, 'bench', 'fixtures', 'hello-dynamo.ts') },
];

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
};

// Times only the module load (dynamic import, timed inside the child), so Node's own start-up,
// the same for both bundles, does not dilute the ratio.
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

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const hi = s[mid];
  const lo = s[s.length % 2 === 0 ? mid - 1 : mid];
  if (hi === undefined || lo === undefined) throw new Error('median of no samples');
  return (lo + hi) / 2;
};

type Result = { name: string; sizeKb: number; largest: string; samplesMs: number[] };

const replaceSection = (doc: string, body: string): string => {
  const open = `<!-- ${SECTION} -->`;
  const close = `<!-- /${SECTION} -->`;
  const block = `${open}\n${body}\n${close}`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  if (start === -1 || end === -1 || end < start) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, start)}${block}${doc.slice(end + close.length)}`;
};

const main = async (): Promise<void> => {
  const results: Result[] = [];
  for (const t of TARGETS) {
    const outfile = join(OUT_DIR, t.name, 'index.mjs');
    const options = { ...lambdaBuildOptions(t.entry, outfile), metafile: true };
    const { metafile } = await build(t.sdkBundled ? { ...options, external: [] } : options);
    const largest = metafile ? heaviestInputs(metafile, outfile) : 'unknown';
    results.push({ name: t.name, sizeKb: (await stat(outfile)).size / 1024, largest, samplesMs: [] });
  }
  const file = (r: Result): string => join(OUT_DIR, r.name, 'index.mjs');
  for (const r of results) for (let i = 0; i < WARMUP_RUNS; i++) importMs(file(r));
  for (let i = 0; i < RUNS; i++) for (const r of results) r.samplesMs.push(importMs(file(r)));

  const [api, apiSdkBundled, hello, helloDynamo] = results;
  if (!api || !apiSdkBundled || !hello || !helloDynamo) throw new Error('expected a result per target');
  const apiMs = median(api.samplesMs);
  const ratio = apiMs / median(hello.samplesMs);
  // Not a goal: how much of the API's import is its own code rather than the SDK every table
  // handler loads.
  const ratioOverSdk = apiMs / median(helloDynamo.samplesMs);
  const sizeOk = api.sizeKb <= BUDGET_KB;
  const ratioOk = ratio <= RATIO_BUDGET;
  const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';

  const body = [
    '## Bundle size and cold import of the API Lambda',
    '',
    `Command: \`npm run bench:bundle\` · date: ${new Date().toISOString().slice(0, 10)} · machine: ${cpu}, ` +
      `${os.cpus().length} cores, Node ${process.version} (${os.platform()} ${os.arch()})`,
    '',
    `All bundles built with \`scripts/esbuild-options.ts\` (esm, minified, target node22, ` +
      `\`${LAMBDA_EXTERNALS.join(', ')}\` external: the Lambda runtime provides the SDK, so it is not in the ` +
      `size, but its load from \`node_modules\` is in the import time; \`api-sdk-bundled\` is the same build with ` +
      `the SDK bundled, for comparison only). Import time: \`await import()\` ` +
      `of the bundle in a fresh \`node\` process, median of ${RUNS} runs each, interleaved, after ${WARMUP_RUNS} warm-up.`,
    '',
    '| bundle | minified | import median | import min–max |',
    '| --- | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.sizeKb.toFixed(1)} KB | ${median(r.samplesMs).toFixed(1)} ms | ` +
        `${Math.min(...r.samplesMs).toFixed(1)}–${Math.max(...r.samplesMs).toFixed(1)} ms |`,
    ),
    '',
    `- API bundle ${api.sizeKb.toFixed(1)} KB, goal <= ${BUDGET_KB} KB: ${verdict(sizeOk)}. Largest inputs: ${api.largest}.`,
    `- Import-time ratio api/hello ${ratio.toFixed(2)}, goal <= ${RATIO_BUDGET}: ${verdict(ratioOk)}`,
    `- For reference, api/hello+dynamodb ${ratioOverSdk.toFixed(2)}: the API's import over the floor of any handler ` +
      'that builds a DynamoDB client at init.',
    `- Not shipped: with @aws-sdk bundled the API would be ${apiSdkBundled.sizeKb.toFixed(1)} KB and import in ` +
      `${median(apiSdkBundled.samplesMs).toFixed(1)} ms (ratio ${(median(apiSdkBundled.samplesMs) / median(hello.samplesMs)).toFixed(2)}).`,
  ].join('\n');

  const doc = existsSync(REPORT) ? await readFile(REPORT, 'utf8') : '# Benchmarks\n\nEach section is written by the bench named in its marker; rerun it to refresh.\n';
  await writeFile(REPORT, replaceSection(doc, body));
  console.log(body);
  // A missed budget fails the run, after the numbers are written.
  if (!sizeOk || !ratioOk) process.exitCode = 1;
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
