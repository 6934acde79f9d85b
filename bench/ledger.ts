// The points ledger on DynamoDB Local: what each ledger operation writes and reads, the monthly
// issuance for 100,000 elders (rate, and the most-written single item against the "no item
// written more than 1% as often as there are elders" goal), and holds per second spread over many
// wallets versus piled on one. Results go to docs/BENCHMARKS.md (`bench:ledger`).
//
// DynamoDB Local is a single JVM on this machine, not the service: the rates here say how the
// ledger behaves (requests per operation, how it copes with contention), not what DynamoDB itself
// would sustain. Item counts and hot items do carry over: they are properties of the code.
//
// The parts live in bench/ledger/: ops.ts (1), issuance.ts (2), spend.ts (3), report.ts.
import { openTable, withDynamo } from './fixtures/dynamo';
import { runBench } from './fixtures/entry';
import { fmtMs, int } from './fixtures/format';
import { createMeter } from './fixtures/metering';
import { writeSection } from './fixtures/report';
import { load1 } from './fixtures/stats';
import {
  BENCH_BUDGET_MS,
  ELDERS_GOAL,
  ELDERS_STEP,
  estimate,
  issuance,
  PILOT_ELDERS,
  REPORT_MARGIN_MS,
} from './ledger/issuance';
import { measureOps } from './ledger/ops';
import { forcedReport, report } from './ledger/report';
import { spend } from './ledger/spend';
import { trendReport, trendSizes } from './ledger/trend';

const SECTION = 'bench:ledger';

// `LEDGER_BENCH_ELDERS=100000 npx tsx bench/ledger.ts`: only the issuance, at that size, checked by
// key instead of the full Scan (which alone would take over an hour here), in its own section.
const FORCED_ELDERS = Number(process.env.LEDGER_BENCH_ELDERS ?? 0);

// `LEDGER_BENCH_TREND=1` (or a list of sizes): the issuance at 10k, 30k and 100k in this one run.
const TREND = process.env.LEDGER_BENCH_TREND;

const issuanceTrend = async (sizes: number[]): Promise<void> => {
  const results = [];
  for (const n of sizes) {
    console.log(`ledger bench: issuance trend, ${int(n)} elders…`);
    results.push(await withDynamo((dynamo) => issuance(dynamo, n, `trend-${n}`, { verify: false })));
  }
  const body = trendReport(results, `LEDGER_BENCH_TREND=${sizes.join(',')} npx tsx bench/ledger.ts`);
  await writeSection('bench:issuance-trend', body);
  console.log(body);
};

const forcedIssuance = async (n: number): Promise<void> => {
  const t0 = performance.now();
  console.log(`ledger bench: issuance of ${int(n)} elders, key-checked…`);
  const r = await withDynamo((dynamo) => issuance(dynamo, n, 'forced', { verify: false }));
  const body = forcedReport(n, r, performance.now() - t0);
  await writeSection('bench:ledger-100k', body);
  console.log(body);
};

// Each part gets a DynamoDB Local of its own (withDynamo), stopped when the part ends. In one shared
// JVM, writes to a table created after others had taken tens of thousands of ledger writes ran up to
// 50 times slower (the emulator reads its stream bookkeeping on every write; every table here has
// a stream, as infra/ declares it): that would measure the emulator, not the ledger.
const main = async (): Promise<void> => {
  if (FORCED_ELDERS > 0) return forcedIssuance(FORCED_ELDERS);
  if (TREND) return issuanceTrend(trendSizes(TREND));
  const benchStart = performance.now();
  const loadAtStart = load1();
  // 1 and 3 first: small, so the pilot sees how much of the budget is left.
  console.log('ledger bench: items per operation…');
  const ops = await withDynamo(measureOps);

  console.log('ledger bench: concurrent holds…');
  const { spread200, onlyOne } = await withDynamo(async (dynamo) => {
    const db = await openTable(dynamo, 'ledger-spend');
    const meter = createMeter(db);
    return {
      spread200: await spend(db, meter, 'many', (i) => `e_many${i}`),
      onlyOne: await spend(db, meter, 'one', () => 'e_one'),
    };
  });

  // 2. The pilot decides how many elders fit the time budget.
  console.log(`ledger bench: issuance pilot, ${int(PILOT_ELDERS)} elders…`);
  const pilot = await withDynamo((dynamo) => issuance(dynamo, PILOT_ELDERS, 'pilot'));
  const goal = estimate(pilot, ELDERS_GOAL);
  const leftMs = BENCH_BUDGET_MS - (performance.now() - benchStart) - REPORT_MARGIN_MS;
  let n = ELDERS_GOAL;
  while (n > PILOT_ELDERS && estimate(pilot, n).totalMs > leftMs) n -= ELDERS_STEP;
  n = Math.max(PILOT_ELDERS, n);
  console.log(
    `ledger bench: pilot ${fmtMs(pilot.issueMs)} issuance; ${int(ELDERS_GOAL)} estimated at ` +
      `${fmtMs(goal.totalMs)} all in, ${fmtMs(leftMs)} left: running ${int(n)}`,
  );
  const full = await withDynamo((dynamo) => issuance(dynamo, n, 'issue'));

  const body = report({
    ops,
    spread200,
    onlyOne,
    pilot,
    full,
    goal,
    leftMs,
    benchMs: performance.now() - benchStart,
    loadAtStart,
  });
  await writeSection(SECTION, body);
  console.log(body);
};

runBench(main);
