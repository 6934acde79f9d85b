// Booking at the store's own pace (issue 13): how many DynamoDB requests each order step sends
// (book, accept, complete, cancel, and a replayed booking), counted by a middleware on the document
// client, through the HTTP app exactly as a phone calls it; then eight elders booking at once against
// the raw six-item spend transaction on the same DynamoDB Local in the same run (interleaved rounds,
// so drift in the JVM or the machine hits both alike). Results: docs/BENCHMARKS.md (`bench:booking`).
import { hold } from '@tmc/core/ledger/service';
import { progress, runBench } from './fixtures/entry';
import { openTable, withDynamo } from './fixtures/dynamo';
import { median, processCpuMs } from './fixtures/stats';
import { writeSection, provenance } from './fixtures/report';
import { countRequests } from './booking/counter';
import { bearer, buildWorld, ELDERS, post, type World } from './booking/setup';
import { rawSpend } from './booking/raw';

const SECTION = 'bench:booking';
const log = progress('booking');
const PER_ELDER = 25; // bookings per elder per round: 200 per round
const ROUNDS = 3; // interleaved: raw, http, core, raw, http, core, …
const GOAL_REQUESTS = 6;
const GOAL_RATIO = 0.6;

type Order = { order_id: string; code?: string };
let seq = 0;
const key = () => `bench-key-${process.pid}-${++seq}`.padEnd(20, '0');

const book = async (w: World, e: World['elders'][number], idemKey = key()): Promise<Order> => {
  const res = await w.request(
    '/api/orders',
    bearer(
      e.token,
      post({ merchant_id: w.merchant_id, service_id: w.service_id, slot_start: null }, { 'idempotency-key': idemKey }),
    ),
  );
  if (res.status !== 201) throw new Error(`booking: ${res.status} ${await res.text()}`);
  return (await res.json()) as Order;
};

const step = async (w: World, token: string, path: string, body: unknown = {}) => {
  const res = await w.request(path, bearer(token, post(body, { 'idempotency-key': key() })));
  if (res.status !== 200 && res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
};

type OpCount = { op: string; total: number; byCommand: Map<string, number> };

/** One of each operation, counted; run twice and the second kept, so warm caches count as warm. */
const countOperations = async (w: World): Promise<OpCount[]> => {
  const counter = countRequests(w.deps.db);
  const e = w.elders[0]!;
  let out: OpCount[] = [];
  for (let pass = 0; pass < 2; pass++) {
    out = [];
    const replayKey = key();
    const b = await counter.during(() => book(w, e, replayKey));
    out.push({ op: 'book (POST /api/orders)', ...b });
    const r = await counter.during(() => book(w, e, replayKey));
    out.push({ op: 'book, replayed (same Idempotency-Key)', ...r });
    const a = await counter.during(() => step(w, w.merchantToken, `/api/orders/${b.value.order_id}/accept`));
    out.push({ op: 'accept (merchant)', ...a });
    const c = await counter.during(() =>
      step(w, w.merchantToken, `/api/orders/${b.value.order_id}/complete`, { code: b.value.code }),
    );
    out.push({ op: 'complete by code (merchant)', ...c });
    const o2 = await book(w, e);
    const x = await counter.during(() => step(w, e.token, `/api/orders/${o2.order_id}/cancel`));
    out.push({ op: 'cancel before acceptance (elder)', ...x });
  }
  return out;
};

/** `n` operations by each of ELDERS workers, all at once: operations per second, and this process's CPU
 * per operation (the app's own work; DynamoDB Local's JVM is another process on the same cores). */
const rate = async (
  n: number,
  op: (worker: number) => Promise<unknown>,
): Promise<{ perSec: number; ms: number; cpuMsPerOp: number; jvmMsPerOp: number | null }> => {
  const jvm0 = processCpuMs(jvmPid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: ELDERS }, async (_, worker) => {
      for (let i = 0; i < n; i++) await op(worker);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const jvm1 = processCpuMs(jvmPid);
  const ops = ELDERS * n;
  const jvmMsPerOp = jvm0 !== null && jvm1 !== null ? (jvm1 - jvm0) / ops : null;
  return { perSec: (ops * 1000) / ms, ms, cpuMsPerOp: (cpu.user + cpu.system) / 1000 / ops, jvmMsPerOp };
};

const ms = (xs: number[]) => (xs.length ? `${median(xs).toFixed(2)} ms` : '—');
let jvmPid: number | undefined; // DynamoDB Local's JVM: its CPU per operation is the store's share

const roundLine = (x: { raw: number; http: number; core: number }) =>
  `raw ${x.raw.toFixed(0)}, booking ${x.http.toFixed(0)}, hold ${x.core.toFixed(0)}`;

const main = async (): Promise<void> => {
  await withDynamo(async (dynamo) => {
    const db = await openTable(dynamo, 'booking');
    jvmPid = dynamo.pid;
    log('seeding the demo and signing in eight elders and a shop');
    const w = await buildWorld(db);
    log('counting requests per operation');
    const ops = await countOperations(w);
    if (process.env.BENCH_TRACE === '1') return; // tracing the counts: no rates, no report
    // Rates without the dev outbox: in production a notice is a WeChat or SMS call, not a table write.
    w.deps.notifier = { send: async () => undefined };
    const rounds: { raw: number; http: number; core: number }[] = [];
    const cpu = { raw: [] as number[], http: [] as number[], core: [] as number[] };
    const jvm = { raw: [] as number[], http: [] as number[], core: [] as number[] };
    let holdSeq = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const raw = await rate(PER_ELDER, (i) => rawSpend(db, `bench-wallet-${i}`));
      const http = await rate(PER_ELDER, (i) => book(w, w.elders[i]!));
      const core = await rate(PER_ELDER, (i) =>
        hold(w.deps, {
          hold_id: `bench-hold-${process.pid}-${++holdSeq}`,
          elder_id: w.elders[i]!.elder_id,
          amount_points: 10,
          category: 'barber',
          subsidy_allowed: true,
          per_order_max: null,
          per_month_max: null,
          expires_at: '2026-11-30T00:00:00.000Z',
          actor: 'system:bench',
          reason: 'bench hold',
        }),
      );
      rounds.push({ raw: raw.perSec, http: http.perSec, core: core.perSec });
      cpu.raw.push(raw.cpuMsPerOp);
      cpu.http.push(http.cpuMsPerOp);
      cpu.core.push(core.cpuMsPerOp);
      if (raw.jvmMsPerOp !== null) jvm.raw.push(raw.jvmMsPerOp);
      if (http.jvmMsPerOp !== null) jvm.http.push(http.jvmMsPerOp);
      if (core.jvmMsPerOp !== null) jvm.core.push(core.jvmMsPerOp);
      log(`round ${r + 1}: ${roundLine({ raw: raw.perSec, http: http.perSec, core: core.perSec })} per second`);
    }
    const raw = median(rounds.map((x) => x.raw));
    const http = median(rounds.map((x) => x.http));
    const core = median(rounds.map((x) => x.core));
    const book1 = ops.find((o) => o.op.startsWith('book (POST'))!;
    const commands = [...new Set(ops.flatMap((o) => [...o.byCommand.keys()]))].sort();
    const lines = [
      '## Booking: DynamoDB requests per operation, and eight elders booking at once',
      '',
      provenance('npm run bench', 'npx tsx bench/booking.ts'),
      '',
      'Through the HTTP app (`app.request`, the same handlers as Lambda) on DynamoDB Local, the demo seed, ' +
        'a policy without spending caps, eight elders signed in by SMS code. Requests are counted by a ' +
        'middleware on the document client during one call, the second time each operation runs (warm ' +
        'caches, as in a warm Lambda). The dev notifier writes each notice to the outbox table (one PutItem ' +
        'per notice sent): in production that PutItem is a WeChat or SMS call instead, so it has its own ' +
        'column and is not in `requests`.',
      '',
      `| operation | requests | ${commands.join(' | ')} |`,
      `| --- | ---: | ${commands.map(() => '---:').join(' | ')} |`,
      ...ops.map((o) => `| ${o.op} | ${o.total} | ${commands.map((c) => o.byCommand.get(c) ?? 0).join(' | ')} |`),
      '',
      `Eight at once, ${ELDERS} workers × ${PER_ELDER} each, ${ROUNDS} interleaved rounds, medians; notices go to ` +
        'a no-op notifier here (no outbox write), as in production they leave for WeChat or SMS:',
      '',
      '| what | per second | ratio to raw | Node CPU per operation | DynamoDB Local CPU per operation |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| raw six-item spend transaction | ${raw.toFixed(1)} | 1.00 | ${ms(cpu.raw)} | ${ms(jvm.raw)} |`,
      `| booking, POST /api/orders | ${http.toFixed(1)} | ${(http / raw).toFixed(2)} | ` +
        `${ms(cpu.http)} | ${ms(jvm.http)} |`,
      `| core \`hold()\` alone | ${core.toFixed(1)} | ${(core / raw).toFixed(2)} | ${ms(cpu.core)} | ${ms(jvm.core)} |`,
      '',
      `- Requests per booking ${book1.total}, the dev outbox put left out (goal <= ${GOAL_REQUESTS}): ` +
        `**${book1.total <= GOAL_REQUESTS ? 'met' : 'missed'}**.`,
      `- Booking rate ${(http / raw).toFixed(2)}x the raw transaction (goal >= ${GOAL_RATIO}): ` +
        `**${http / raw >= GOAL_RATIO ? 'met' : 'missed'}**.`,
      `- Rounds (per second): ${rounds.map(roundLine).join('; ')}.`,
    ];
    await writeSection(SECTION, lines.join('\n'));
    console.log(lines.join('\n'));
  });
};

runBench(main);
