// The pages Lambda as `npm run build` ships it serves the chart island: built with the same options as
// scripts/build.ts (the island prebuilt into the function's folder, its hash folded into the bundle), then
// imported in a fresh Node process as Lambda would and asked for /static/charts.js. Proves the file is in
// the output, that the bundle needs no esbuild at run time, and that ECharts is in no chunk of the bundle.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { buildChartsInto, lambdaBuildOptions, PAGES_FUNCTION } from '../../scripts/esbuild-options';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repo, like the shipped build: node_modules resolves whatever the bundle leaves external.
const OUT = join(ROOT, 'dist', 'test', `pages-${randomBytes(4).toString('hex')}`);
afterAll(() => rm(OUT, { recursive: true, force: true }));

const key = (): string => randomBytes(32).toString('base64');
// What the production app parses at import (bench/bundle.ts uses the same); throwaway keys.
const CHILD_ENV: Record<string, string> = {
  STAGE: 'production',
  TABLE_NAME: 'test-table',
  AWS_REGION: 'cn-north-1',
  FIELD_KEY: key(),
  INDEX_KEY: key(),
  SESSION_KEY: key(),
  SMS_ENDPOINT: 'https://sms.invalid/send',
  SMS_API_KEY: 'test',
  SMS_TEMPLATES: '{"otp":"SMS_TEST_OTP"}',
  LAMBDA_TASK_ROOT: OUT, // what Lambda sets: the function's folder
};

// An HTTP API (payload 2.0) event, as API Gateway hands it to the function; the answer on a RESULT line (the
// app logs requests to stdout too).
const CALL = `
const { handler } = await import(process.argv[1]);
const get = (path, query, headers = {}) => handler({
  version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: query, cookies: [],
  headers: { host: 'example.test', ...headers }, isBase64Encoded: false,
  requestContext: { accountId: '1', apiId: 'a', domainName: 'example.test', domainPrefix: 'example', requestId: 'r',
    routeKey: '$default', stage: '$default', time: '', timeEpoch: 0,
    http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' } },
}, {});
const hash = process.argv[2];
const fresh = await get('/static/charts.js', 'v=' + hash);
const stale = await get('/static/charts.js', 'v=old');
const again = await get('/static/charts.js', 'v=' + hash, { 'if-none-match': '"' + hash + '"' });
process.stdout.write('\\nRESULT ' + JSON.stringify([fresh, stale, again].map((r) => ({
  status: r.statusCode, cache: r.headers['cache-control'], bytes: (r.body ?? '').length, base64: r.isBase64Encoded,
}))));
`;

it('ships the chart island beside the pages bundle, served with its hash and a year of cache', async () => {
  const fnDir = join(OUT, PAGES_FUNCTION);
  const charts = await buildChartsInto(fnDir);
  const outfile = join(fnDir, 'index.mjs');
  const options = lambdaBuildOptions(join(ROOT, 'functions', 'web.ts'), outfile);
  const { metafile } = await build({ ...options, define: { ...options.define, ...charts.define }, metafile: true });
  expect((await stat(charts.file)).size).toBe(charts.bytes);
  expect(charts.bytes).toBeGreaterThan(100_000); // ECharts core with two chart types: hundreds of KB

  // ECharts is a browser script here, never part of the function's code (entry or chunk)
  const inputs = Object.values(metafile?.outputs ?? {}).flatMap((o) => Object.keys(o.inputs));
  expect(inputs.some((i) => i.includes('node_modules/echarts'))).toBe(false);
  expect(inputs.some((i) => i.includes('node_modules/esbuild'))).toBe(false);
  const entry = await readFile(outfile, 'utf8');
  expect(entry).toContain(JSON.stringify(charts.hash)); // the hash is folded in: pages link it without a read

  // marks the shipped file, so an answer of its length comes from it (not from a build on the spot)
  const MARK = '\n/* shipped */';
  await appendFile(charts.file, MARK);
  const child: NodeJS.ProcessEnv = { ...process.env, ...CHILD_ENV, NODE_OPTIONS: '' };
  delete child.TMC_CHARTS_HASH;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CALL, pathToFileURL(outfile).href, charts.hash], {
    cwd: ROOT,
    env: { ...child, LAMBDA_TASK_ROOT: resolve(fnDir) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const [fresh, stale, again] = JSON.parse(r.stdout.split('\nRESULT ')[1] ?? 'null') as {
    status: number;
    cache: string;
    bytes: number;
  }[];
  expect(fresh).toMatchObject({ status: 200, bytes: charts.bytes + MARK.length, base64: false });
  expect(fresh?.cache).toContain('immutable');
  expect(stale?.status).toBe(200);
  expect(stale?.cache).not.toContain('immutable'); // an old ?v= is answered briefly cacheable
  expect(again?.status).toBe(304);
});
