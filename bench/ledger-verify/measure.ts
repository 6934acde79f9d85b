// One verifier run in a process of its own (spawned by bench/ledger-verify.ts), so its peak RSS is the
// verifier's alone: prints {ms, cpuMs, peakRssMb, heapPeakMb, ok, counts, problems} as one JSON line.
import { verifyLedger } from '@tmc/store/ledger-verify';
import { verifyLedgerInMemory } from '@tmc/store/ledger-verify-memory';
import { createDb } from '@tmc/store/table';

const MB = 1024 * 1024;
const HEAP_SAMPLE_MS = 25;

const main = async () => {
  const [endpoint, table, which, segments] = process.argv.slice(2);
  if (!endpoint || !table || (which !== 'stream' && which !== 'memory'))
    throw new Error('usage: measure.ts endpoint table stream|memory [segments]');
  const db = createDb({ table, endpoint, region: 'local' });
  let heapPeak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, HEAP_SAMPLE_MS);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r =
    which === 'stream' ? await verifyLedger(db, { segments: Number(segments ?? 4) }) : await verifyLedgerInMemory(db);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  process.stdout.write(
    `${JSON.stringify({
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      heapPeakMb: heapPeak / MB,
      ok: r.ok,
      counts: r.counts,
      problems: r.problems.slice(0, 5),
    })}\n`,
  );
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
