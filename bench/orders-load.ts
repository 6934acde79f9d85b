// Orders under load, end to end over HTTP: the local server (`startLocal`: DynamoDB Local, the full
// app, the demo seed) on a free port, 40 demo elders and all 36 demo merchants signed in, then 200
// order flows at once, each search -> book -> accept -> complete by code -> rate, through real
// sockets. Counts what finished, what was refused for a business reason, and anything else (the
// goal: nothing else), then proves the ledger with verifyLedger while the server is still up.
// Results go to docs/BENCHMARKS.md (`bench:orders-load`).
//
// The server runs in this process (startLocal is how `npm start` runs it), so client and server
// share one event loop, and DynamoDB Local's JVM shares the same cores: the latencies are this
// machine's, an upper bound on the code's own cost, not what Lambda + DynamoDB would show.
//
// The parts live in bench/orders-load/: client.ts (HTTP and sign-in), setup.ts, flow.ts, report.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tmc/local/dynamo-local';
import { startLocal } from '@tmc/local/start';
import { verifyLedger, type VerifyReport } from '@tmc/store/ledger-verify';
import { progress, runBench } from './fixtures/entry';
import { fmtMs } from './fixtures/format';
import { writeSection } from './fixtures/report';
import { cpuMs, load1 } from './fixtures/stats';
import { createClient } from './orders-load/client';
import { CONCURRENCY, FALLBACK_CONCURRENCY, FLOWS, runRound, type Round } from './orders-load/flow';
import { report as reportOf } from './orders-load/report';
import { indexCardsOf, signInAll, topUpAll } from './orders-load/setup';

const SECTION = 'bench:orders-load';
const log = progress('orders-load'); // progress on stderr; the report on stdout

const main = async (): Promise<void> => {
  const benchStart = performance.now();
  const loadAtStart = load1();
  const dataDir = await mkdtemp(join(os.tmpdir(), 'tmc-orders-load-'));
  let stop: (() => Promise<void>) | null = null;
  try {
    const port = await freePort();
    log(`starting the local server on port ${port}, DATA_DIR ${dataDir} (DynamoDB Local + demo seed)`);
    const started = performance.now();
    const local = await startLocal({ port, dataDir, quiet: true });
    stop = local.stop;
    const startMs = performance.now() - started;
    const { deps, url } = local;
    const outbox = deps.outbox;
    if (!outbox) throw new Error('no dev outbox: sign-in codes cannot be read');
    // Through 127.0.0.1 rather than `localhost`, which may resolve to ::1 first while the server listens on IPv4.
    const client = createClient(url.replace('localhost', '127.0.0.1'));

    // Sign-in, one person at a time (see signIn).
    const signInStart = performance.now();
    const { elders, merchants, merchantPhones } = await signInAll(client, outbox);
    const signInMs = performance.now() - signInStart;
    // Setup, not load.
    const indexCards = await indexCardsOf(deps, merchants.keys());
    const signInLatencies = [...client.latencies.values()].flat();
    log(`signed in ${elders.length} elders and ${merchants.size} merchants in ${fmtMs(signInMs)}`);

    // Points: see topUpAll.
    const points = await topUpAll(deps, elders);
    log(`topped up ${elders.length} wallets with ${points.topUpPoints} points each`);

    // The flows: 200 at once; if any request got no answer, again with 50 in flight.
    const rounds: Round[] = [];
    const cpuBefore = process.cpuUsage();
    log(`running ${FLOWS} flows, ${CONCURRENCY} in flight`);
    rounds.push(await runRound(client, elders, merchants, CONCURRENCY, `bench-load-${CONCURRENCY}-${Date.now()}`));
    const first = rounds[0];
    if (first && first.noAnswer > 0) {
      log(
        `${first.noAnswer} requests got no answer at ${CONCURRENCY} in flight: running again with ` +
          `${FALLBACK_CONCURRENCY}`,
      );
      rounds.push(
        await runRound(
          client,
          elders,
          merchants,
          FALLBACK_CONCURRENCY,
          `bench-load-${FALLBACK_CONCURRENCY}-${Date.now()}`,
        ),
      );
    }
    const flowsCpuMs = cpuMs(cpuBefore);
    const flowsWallMs = rounds.reduce((s, r) => s + r.wallMs, 0);

    // The ledger, with the server still up (and its offer-expiry timers still armed).
    log('verifying the ledger');
    const v0 = performance.now();
    const report: VerifyReport = await verifyLedger(deps.db);
    const verifyMs = performance.now() - v0;
    log('stopping the server');
    await local.stop();
    stop = null;

    const body = reportOf({
      rounds,
      elders: elders.length,
      merchants,
      merchantPhones,
      indexCards,
      points,
      verify: report,
      verifyMs,
      startMs,
      signInMs,
      signInLatencies,
      flowsCpuMs,
      flowsWallMs,
      loadAtStart,
      benchStart,
    });
    await writeSection(SECTION, body);
    console.log(body);
  } finally {
    if (stop)
      await stop().catch((e: unknown) => {
        log(`stopping the server failed: ${e instanceof Error ? e.message : String(e)}`);
      });
    await rm(dataDir, { recursive: true, force: true });
  }
};

runBench(main);
