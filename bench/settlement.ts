// Settlement (issue 10) on DynamoDB Local: a month of captured orders, 100 per merchant, at three
// sizes; `runSettlement` over all of them. Statements per second, items read per order settled
// (goal: flat across sizes), requests per merchant, and the most writes on one item (goal: none
// more than once per merchant per run; the run record is once per page). Results go to
// docs/BENCHMARKS.md (`bench:settlement`). Fails (exit 1) when an item other than the run record
// was written more than once, or the sums after the run are wrong.
//
// `npx tsx bench/settlement.ts --quick` runs tiny sizes and does not write the report;
// SETTLEMENT_BENCH_MERCHANTS=200,600,2000 picks the sizes. The parts live in bench/settlement/.
import { withDynamo } from './fixtures/dynamo';
import { runBench } from './fixtures/entry';
import { int } from './fixtures/format';
import { writeSection } from './fixtures/report';
import { load1, peakRssMb } from './fixtures/stats';
import { log, MERCHANT_SIZES, ORDERS_PER_MERCHANT, QUICK, SECTION } from './settlement/config';
import { measureSize, type SizeResult } from './settlement/measure';
import { report } from './settlement/report';

const main = async (): Promise<void> => {
  const benchStart = performance.now();
  const loadAtStart = load1();
  const sizes: SizeResult[] = [];
  // A DynamoDB Local per size: in one shared JVM, writes to a later table slow down with the
  // writes earlier tables took (see bench/ledger.ts), which would skew the trend across sizes.
  for (const merchants of MERCHANT_SIZES) {
    log(`size ${int(merchants)} merchants, ${int(merchants * ORDERS_PER_MERCHANT)} captures`);
    sizes.push(await withDynamo((dynamo) => measureSize(dynamo, merchants)));
  }
  const body = report({ sizes, benchMs: performance.now() - benchStart, loadAtStart, peakRssMb: peakRssMb() });
  if (QUICK) log('--quick: report not written');
  else await writeSection(SECTION, body);
  console.log(body);
  const bad = sizes.filter((s) => s.overOnce > 0 || s.check.length > 0);
  if (bad.length > 0)
    throw new Error(`settlement bench: writes or sums wrong at ${bad.map((s) => s.seeded.merchants).join(', ')}`);
};

runBench(main);
