// `npm run bench`: runs every bench/*.ts in sequence, each in its own process (so one bench's
// heap and JIT state cannot skew the next); each writes its own section of docs/BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(BENCH_DIR, '..');
const SELF = basename(fileURLToPath(import.meta.url));

const files = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.ts') && f !== SELF)
  .sort();
const failed: string[] = [];
for (const f of files) {
  console.log(`\n== bench/${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH_DIR, f)], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) failed.push(f);
}
console.log(
  `\n${files.length - failed.length}/${files.length} benches passed` +
    `${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
);
if (failed.length) process.exitCode = 1;
