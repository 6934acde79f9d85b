// `npm run bench:ledger-verify`: the ledger verifier's growth curve (issue 13, goal 2). One DynamoDB
// Local, one table grown to 10k, 100k and 1M ledger entries (well-formed items written with
// BatchWriteItem, bench/ledger-verify/load.ts); at each size the streaming verifier, and the first,
// in-memory one up to --old-max, each run in a process of its own so its time and peak RSS are its own.
// Options: --sizes 10000,100000 (entries), --old-max 100000, --segments 4, --load-budget-min 15 (stop
// growing once loading took that long in all; the size reached is measured and reported), --no-write.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELDERS, LedgerLoader } from './ledger-verify/load';
import { openTable, withDynamo } from './fixtures/dynamo';
import { progress, runBench } from './fixtures/entry';
import { provenance, writeSection } from './fixtures/report';
import { load1, peakRssMb } from './fixtures/stats';

const SECTION = 'bench:ledger-verify';
const log = progress('ledger-verify');
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const SIZES = arg('sizes', '10000,100000,1000000').split(',').map(Number);
const OLD_MAX = Number(arg('old-max', '100000'));
const SEGMENTS = Number(arg('segments', '4'));
const LOAD_BUDGET_MS = Number(arg('load-budget-min', '15')) * 60_000;
const MEASURE = join(fileURLToPath(new URL('.', import.meta.url)), 'ledger-verify', 'measure.ts');

type Run = {
  ms: number;
  cpuMs: number;
  peakRssMb: number;
  heapPeakMb: number;
  ok: boolean;
  counts: Record<string, number>;
  problems: string[];
};
type Row = { size: number; entries: number; items: number; loadMs: number; stream: Run; memory: Run | null };

const measure = (endpoint: string, table: string, which: 'stream' | 'memory'): Run => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MEASURE, endpoint, table, which, String(SEGMENTS)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${which} verifier failed: ${r.stderr.slice(-2000)}`);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Run;
};

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (n: number) => `${Math.round(n)} MB`;
const cpuPerK = (r: Run, entries: number) => `${((r.cpuMs / entries) * 1000).toFixed(0)} ms`;
const yes = (b: boolean) => (b ? 'yes' : 'NO');
const same = (a: Run, b: Run) => JSON.stringify(a.counts) === JSON.stringify(b.counts);

const report = (rows: Row[], benchMs: number, load: [number, number], stopped: string | null): string => {
  const cell = (r: Run | null, f: (r: Run) => string) => (r ? f(r) : '—');
  const perK = (r: Run, entries: number) => `${((r.ms / entries) * 1000).toFixed(1)} ms`;
  return [
    '## Ledger verifier at 10k, 100k and 1M entries',
    '',
    provenance('npm run bench:ledger-verify', 'npx tsx bench/ledger-verify.ts --sizes 10000,100000'),
    '',
    `One DynamoDB Local, one table grown in place; each unit is a top-up, a hold taking that lot, its capture ` +
      `and an allowance (every tenth reversed, with its marker): ${int(ELDERS)} elders, 500 merchants, a hold ` +
      `account per order. Streaming verifier with ${SEGMENTS} Scan segments; each verifier runs in its own process ` +
      '(time, CPU, peak RSS and sampled heap high-water are its own). The DynamoDB Local JVM shares the 2 cores.',
    '',
    '| entries | table items | load | streaming: time | per 1k entries | CPU | peak RSS | heap peak | ' +
      'in memory: time | CPU | peak RSS | heap peak |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${int(r.entries)} | ${int(r.items)} | ${fmtS(r.loadMs)} | ${fmtS(r.stream.ms)} | ` +
        `${perK(r.stream, r.entries)} | ${fmtS(r.stream.cpuMs)} | ${mb(r.stream.peakRssMb)} | ` +
        `${mb(r.stream.heapPeakMb)} | ${cell(r.memory, (m) => fmtS(m.ms))} | ` +
        `${cell(r.memory, (m) => fmtS(m.cpuMs))} | ` +
        `${cell(r.memory, (m) => mb(m.peakRssMb))} | ${cell(r.memory, (m) => mb(m.heapPeakMb))} |`,
    ),
    '',
    `- Every run verified clean: ${yes(rows.every((r) => r.stream.ok && (r.memory?.ok ?? true)))}; ` +
      `counts agree between the two verifiers: ${yes(rows.every((r) => !r.memory || same(r.memory, r.stream)))}.`,
    `- Verifier CPU per 1k entries (its own process; the rest of its time is waiting for DynamoDB Local's Scan): ` +
      rows
        .map(
          (r) =>
            `${int(r.entries)}: streaming ${cpuPerK(r.stream, r.entries)}, ` +
            `in memory ${r.memory ? cpuPerK(r.memory, r.entries) : '—'}`,
        )
        .join('; ') +
      '.',
    `- ${stopped ?? 'Every size asked for was loaded.'}`,
    `- Whole bench: ${fmtS(benchMs)} including DynamoDB Local start-up; the loader's peak RSS ${mb(peakRssMb())}; ` +
      `1-minute load average ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end.`,
  ].join('\n');
};

const main = async () => {
  const benchStart = performance.now();
  const loadAtStart = load1();
  const rows: Row[] = [];
  let stopped: string | null = null;
  await withDynamo(async (dynamo) => {
    const db = await openTable(dynamo, 'ledger-verify');
    const loader = new LedgerLoader(db);
    let loadMs = 0;
    for (const size of SIZES) {
      if (loadMs > LOAD_BUDGET_MS) {
        stopped = `Stopped before ${int(size)} entries: loading had taken ${fmtS(loadMs)}, over the budget.`;
        break;
      }
      const t0 = performance.now();
      await loader.loadTo(size, log, t0 + LOAD_BUDGET_MS - loadMs);
      loadMs += performance.now() - t0;
      if (loader.entries < size) stopped = `Loading stopped at ${int(loader.entries)} of ${int(size)} entries: budget.`;
      log(`loaded ${loader.entries} entries (${loader.items} items) in ${fmtS(loadMs)}; verifying`);
      const stream = measure(dynamo.endpoint, db.table, 'stream');
      log(`streaming: ${fmtS(stream.ms)}, peak RSS ${mb(stream.peakRssMb)}, ok ${stream.ok}`);
      const memory = size <= OLD_MAX ? measure(dynamo.endpoint, db.table, 'memory') : null;
      if (memory) log(`in memory: ${fmtS(memory.ms)}, peak RSS ${mb(memory.peakRssMb)}, ok ${memory.ok}`);
      rows.push({ size, entries: loader.entries, items: loader.items, loadMs, stream, memory });
      if (stopped) break;
    }
  });
  const body = report(rows, performance.now() - benchStart, [loadAtStart, load1()], stopped);
  if (!process.argv.includes('--no-write')) await writeSection(SECTION, body);
  console.log(body);
  if (!rows.every((r) => r.stream.ok && (r.memory?.ok ?? true))) throw new Error('a verifier found problems');
};

runBench(main);
