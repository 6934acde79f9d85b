// Booking at the store's own pace (issue 13): how many DynamoDB requests each order step sends
// (book, accept, complete, cancel, and a replayed booking), counted by a middleware on the document
// client, through the HTTP app exactly as a phone calls it; then eight elders booking at once against
// the raw six-item spend transaction on the same DynamoDB Local in the same run (interleaved rounds,
// so drift in the JVM or the machine hits both alike), and the booking's own requests sent without
// the app (booking/floor.ts: the ceiling of the ratio). Results: docs/BENCHMARKS.md (`bench:booking`).
import { hold } from '@tmc/core/ledger/service';
import { progress, runBench } from './fixtures/entry';
import { openTable, withDynamo } from './fixtures/dynamo';
import { median, processCpuMs } from './fixtures/stats';
import { writeSection, provenance } from './fixtures/report';
import { countRequests } from './booking/counter';
import { bearer, buildWorld, ELDERS, post, type World } from './booking/setup';
import { rawSpend } from './booking/raw';
import { bookingFloor, recordRequests } from './booking/floor';

const SECTION = 'bench:booking';
const log = progress('booking');
const PER_ELDER = 25; // bookings per elder per round: 200 per round
// Two rounds warm both JITs (Node's and DynamoDB Local's): not counted. With one, the first counted round
// was still each run's slowest for the booking (its BatchGet, Query and indexed items warm JVM code the
// raw transaction never runs), and a round moves the ratio by up to 0.1: seven rounds make the median.
const WARMUP = 2;
const ROUNDS = 7; // interleaved: raw, floor, booking, hold, raw, floor, …
const GOAL_REQUESTS = 6;
const GOAL_RATIO = 0.6;

type Order = { order_id: string; code?: string };
let seq = 0;
// unique for the process: a number padded at its end would repeat (1 and 10 both 1000…) and book a replay
const key = () => `bench-key-${process.pid}-${String(++seq).padStart(8, '0')}`;

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

type Kind = 'raw' | 'floor' | 'http' | 'core';
const KINDS: Kind[] = ['raw', 'floor', 'http', 'core']; // the order within a round
const roundLine = (x: Record<Kind, { perSec: number }>) =>
  `raw ${x.raw.perSec.toFixed(0)}, floor ${x.floor.perSec.toFixed(0)}, booking ${x.http.perSec.toFixed(0)}, ` +
  `hold ${x.core.perSec.toFixed(0)}`;

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
    const floorKey = key();
    let recordedOrder = '';
    const recorded = await recordRequests(db, async () => {
      recordedOrder = (await book(w, w.elders[0]!, floorKey)).order_id;
    });
    const floor = bookingFloor(db, recorded, { order_id: recordedOrder, key: floorKey });
    let holdSeq = 0;
    const runs: Record<Kind, (worker: number) => Promise<unknown>> = {
      raw: (i) => rawSpend(db, `bench-wallet-${i}`),
      floor: (i) => floor.send(i),
      http: (i) => book(w, w.elders[i]!),
      core: (i) =>
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
    };
    const rounds: Record<Kind, Awaited<ReturnType<typeof rate>>>[] = [];
    for (let r = 0; r < WARMUP + ROUNDS; r++) {
      const row = {} as (typeof rounds)[number];
      for (const k of KINDS) row[k] = await rate(PER_ELDER, runs[k]);
      if (r >= WARMUP) rounds.push(row);
      log(`round ${r + 1}${r < WARMUP ? ' (warm-up, not counted)' : ''}: ${roundLine(row)} per second`);
    }
    const perSec = (k: Kind) => median(rounds.map((x) => x[k].perSec));
    // each round's ratio, then their median: drift between rounds cancels within a round
    const ratio = (k: Kind) => median(rounds.map((x) => x[k].perSec / x.raw.perSec));
    const cpu = (k: Kind) => ms(rounds.map((x) => x[k].cpuMsPerOp));
    const jvm = (k: Kind) => ms(rounds.flatMap((x) => (x[k].jvmMsPerOp === null ? [] : [x[k].jvmMsPerOp])));
    const row = (k: Kind, what: string) =>
      `| ${what} | ${perSec(k).toFixed(1)} | ${ratio(k).toFixed(2)} | ${cpu(k)} | ${jvm(k)} |`;
    const http = ratio('http');
    const flo = ratio('floor');
    const onFloor = median(rounds.map((x) => x.http.perSec / x.floor.perSec));
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
      `Eight at once, ${ELDERS} workers × ${PER_ELDER} each, ${ROUNDS} interleaved rounds after ${WARMUP} warm-up ` +
        "round, medians (a ratio is each round's, then their median); notices go to a no-op notifier here (no " +
        'outbox write), as in production they leave for WeChat or SMS:',
      '',
      '| what | per second | ratio to raw | Node CPU per operation | DynamoDB Local CPU per operation |',
      '| --- | ---: | ---: | ---: | ---: |',
      row('raw', 'raw six-item spend transaction'),
      row('floor', `the booking's own ${floor.commands.length} requests, no app (floor)`),
      row('http', 'booking, POST /api/orders'),
      row('core', 'core `hold()` alone'),
      '',
      `- Requests per booking ${book1.total}, the dev outbox put left out (goal <= ${GOAL_REQUESTS}): ` +
        `**${book1.total <= GOAL_REQUESTS ? 'met' : 'missed'}**.`,
      `- Booking rate ${http.toFixed(2)}x the raw transaction (goal >= ${GOAL_RATIO}): ` +
        `**${http >= GOAL_RATIO ? 'met' : 'missed'}**.`,
      `- The booking's own requests (${floor.commands.join(', ')}; the transaction ${floor.items} items) sent ` +
        `straight to DynamoDB, no app: ${flo.toFixed(2)}x raw, the most a booking sending them can reach here; ` +
        `the booking runs at ${onFloor.toFixed(2)}x that floor.`,
      `- Counted rounds (per second): ${rounds.map(roundLine).join('; ')}.`,
    ];
    await writeSection(SECTION, lines.join('\n'));
    console.log(lines.join('\n'));
  });
};

runBench(main);
