// Bundles every Lambda entry (functions/*.ts, functions/jobs/*.ts) into
// dist/functions/<name>/index.mjs: one folder per function, so CDK takes each folder as an asset.
// The pages function also gets the chart island, prebuilt (see buildChartsInto).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildChartsInto, heaviestInputs, lambdaBuildOptions, PAGES_FUNCTION } from './esbuild-options';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FUNCTIONS_DIR = join(ROOT, 'functions');
const OUT_DIR = join(ROOT, 'dist', 'functions');

type Entry = { name: string; entry: string };

const isEntryFile = (file: string): boolean =>
  file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts');

// Jobs get a `jobs-` prefix so every function folder sits flat under dist/functions and no
// asset folder contains another function's bundle.
const entriesIn = async (dir: string, prefix: string): Promise<Entry[]> => {
  if (!existsSync(dir)) return [];
  const files = (await readdir(dir)).filter(isEntryFile).sort();
  return files.map((f) => ({ name: `${prefix}${basename(f, '.ts')}`, entry: join(dir, f) }));
};

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

const main = async (): Promise<void> => {
  const entries = [...(await entriesIn(FUNCTIONS_DIR, '')), ...(await entriesIn(join(FUNCTIONS_DIR, 'jobs'), 'jobs-'))];
  if (entries.length === 0) throw new Error(`no Lambda entries found in ${FUNCTIONS_DIR}`);
  // Start clean: a function deleted from functions/ must not linger as a deployable asset.
  await rm(OUT_DIR, { recursive: true, force: true });
  const outfile = (e: Entry): string => join(OUT_DIR, e.name, 'index.mjs');
  // The island first: its hash is folded into the pages bundle, which then links and serves the file.
  const charts = await buildChartsInto(join(OUT_DIR, PAGES_FUNCTION));
  const results = await Promise.all(
    entries.map((e) => {
      const options = lambdaBuildOptions(e.entry, outfile(e));
      const define = e.name === PAGES_FUNCTION ? { ...options.define, ...charts.define } : options.define;
      return build({ ...options, define, metafile: true });
    }),
  );
  for (const [i, e] of entries.entries()) {
    const out = outfile(e);
    const size = (await stat(out)).size;
    const meta = results[i]?.metafile;
    console.log(`${e.name.padEnd(24)} ${kb(size).padStart(10)}  ${relative(ROOT, out)}`);
    if (meta) console.log(`${''.padEnd(24)} largest: ${heaviestInputs(meta, out)}`);
  }
  console.log(`${'charts island'.padEnd(24)} ${kb(charts.bytes).padStart(10)}  ${relative(ROOT, charts.file)}`);
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
