// Coverage (issue 11, part 3): the pure computation (`computeCoverage`: grid index of services, then each
// elder's cells) for 10,000 elders x 1,000 services and 100,000 x 10,000, against brute force (every elder
// x every service) measured in the same run: in full at the small size, on a sample of elders at the large
// one (brute force at 100k x 10k is 10^9 distance tests), scaled to all elders. Both must give the same
// counts (on the sample: the same covered categories per elder). Results: docs/BENCHMARKS.md "Coverage".
//
// `npx tsx bench/analytics-coverage.ts --quick` runs 2,000 x 200 only and does not write the report.
import { computeCoverage, computeCoverageBrute, rankGaps, sharePermille } from '@tmc/core/analytics/coverage';
import { circleRadiusM } from '@tmc/core/search/geo';
import { DEFAULT_POLICY_CIRCLE } from './analytics-coverage/policy';
import { CATEGORIES, district } from './analytics-coverage/city';
import { progress, runBench } from './fixtures/entry';
import { fmtMs, int } from './fixtures/format';
import { provenance, writeSection } from './fixtures/report';
import { load1, median } from './fixtures/stats';
import { withDynamo } from './fixtures/dynamo';
import { measureStored, type StoredResult } from './analytics-coverage/stored';

const SECTION = 'bench:analytics-coverage';
const QUICK = process.argv.includes('--quick');
const SIZES: [number, number][] = QUICK
  ? [[2_000, 200]]
  : [
      [10_000, 1_000],
      [100_000, 10_000],
    ];
const REPEATS = 5; // median of 5 runs: the first pays for JIT warm-up
const BRUTE_SAMPLE = 2_000; // elders brute force checks at the large size
const log = progress('coverage');
/** Sizes of the stored run (the job with its reads and writes on DynamoDB Local), `<elders>x<services>`;
 * the 100k size seeds 110,000 items (about 2 minutes on DynamoDB Local) and runs the job in about a minute. */
const STORED_SIZES: [number, number][] = (
  process.env.COVERAGE_BENCH_STORED ?? (QUICK ? '2000x200' : '10000x1000,100000x10000')
)
  .split(',')
  .map((x) => x.split('x').map(Number) as [number, number]);

type Row = {
  elders: number;
  services: number;
  median_ms: number;
  brute_ms: number;
  brute_scaled: boolean;
  equal: boolean;
  covered_permille: number;
  gaps: number;
};

const measure = (elders: number, services: number): Row => {
  const d = district(elders, services);
  const w = DEFAULT_POLICY_CIRCLE;
  const times: number[] = [];
  let rows = computeCoverage(d.elders, d.services, CATEGORIES, w);
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    rows = computeCoverage(d.elders, d.services, CATEGORIES, w);
    times.push(performance.now() - t0);
  }
  const sample = elders <= 10_000 ? d.elders : d.elders.filter((_, i) => i % Math.ceil(elders / BRUTE_SAMPLE) === 0);
  const t0 = performance.now();
  const brute = computeCoverageBrute(sample, d.services, CATEGORIES, w);
  const brute_raw = performance.now() - t0;
  const fast = sample === d.elders ? rows : computeCoverage(sample, d.services, CATEGORIES, w);
  const equal = JSON.stringify(brute) === JSON.stringify(fast);
  let covered = 0;
  let all = 0;
  for (const r of rows) for (const c of CATEGORIES) ((covered += r.covered[c] ?? 0), (all += r.elders));
  return {
    elders,
    services,
    median_ms: median(times),
    brute_ms: (brute_raw * elders) / sample.length,
    brute_scaled: sample !== d.elders,
    equal,
    covered_permille: sharePermille(covered, all),
    gaps: rankGaps(rows, Number.MAX_SAFE_INTEGER).length,
  };
};

const main = async (): Promise<void> => {
  const loadAtStart = load1();
  const out: Row[] = [];
  for (const [e, s] of SIZES) {
    log(`${int(e)} elders x ${int(s)} services`);
    out.push(measure(e, s));
    log(JSON.stringify(out.at(-1)));
  }
  if (out.some((r) => !r.equal)) throw new Error('grid index and brute force disagree');
  const stored: StoredResult[] = [];
  for (const [e, sv] of STORED_SIZES) {
    log(`stored run: ${int(e)} elders x ${int(sv)} services on DynamoDB Local`);
    // a DynamoDB Local per size, as the other benches do: one JVM's earlier tables slow later writes
    stored.push(await withDynamo((dynamo) => measureStored(dynamo, e, sv)));
    log(JSON.stringify(stored.at(-1)));
  }
  if (stored.some((r) => !r.equal)) throw new Error('stored run disagrees with the pure computation');
  const [small, large] = [out[0], out.at(-1)];
  const lines = [
    '## Coverage: elders x services in reach, per community and category',
    '',
    provenance('npx tsx bench/analytics-coverage.ts', 'npm run bench'),
    '',
    `Load average at start ${loadAtStart.toFixed(1)}, at end ${load1().toFixed(1)} (other work on the machine ` +
      'slows DynamoDB Local far more than the in-memory computation; ratios are from one run).',
    '',
    `The pure computation of \`computeCoverage\` (packages/core/src/analytics/coverage.ts) over a synthetic ` +
      `district (bench/analytics-coverage/city.ts: 144 communities, 5 categories, 10% home visits of 1-4 km, 2% of ` +
      `elders without a home location), circle ${Math.round(circleRadiusM(DEFAULT_POLICY_CIRCLE))} m ` +
      `(10 min at 48 m/min, detour 1.3). Median of ${REPEATS} runs after one warm-up. Brute force (every ` +
      `elder x every service) in the same run: in full at 10k, on a ${int(BRUTE_SAMPLE)}-elder sample at ` +
      `100k, scaled to all elders; both give the same counts.`,
    '',
    '| elders | services | grid index | per elder | brute force | speed-up | covered (all cells) | gaps |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...out.map(
      (r) =>
        `| ${int(r.elders)} | ${int(r.services)} | ${fmtMs(r.median_ms)} | ` +
        `${((r.median_ms * 1000) / r.elders).toFixed(1)} µs | ` +
        `${fmtMs(r.brute_ms)}${r.brute_scaled ? ' (scaled)' : ''} | ` +
        `${(r.brute_ms / r.median_ms).toFixed(0)}x | ${(r.covered_permille / 10).toFixed(1)}% | ${int(r.gaps)} |`,
    ),
    '',
    small && large && small !== large
      ? `- Trend: 10x the elders and 10x the services cost ${(large.median_ms / small.median_ms).toFixed(1)}x ` +
        `the time (brute force: ~100x); per elder the cost follows the services in reach, not the city's.`
      : '- Quick run: one size only.',
    '',
    'The whole job on DynamoDB Local (bench/analytics-coverage/stored.ts): the same district written as the store ' +
      "writes it, then `runCoverage` with the store's reads (areas by parent, elders by community in pages of " +
      '100, approved merchants by status, one services Query per merchant) and the snapshot written (rows, ' +
      'ranking, map, current pointer); its counts equal the pure computation.',
    '',
    '| elders | services | seed (BatchWriteItem) | job: reads + compute + writes | per elder |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...stored.map(
      (r) =>
        `| ${int(r.elders)} | ${int(r.services)} | ${fmtMs(r.seed_ms)} | ${fmtMs(r.run_ms)} | ` +
        `${((r.run_ms * 1000) / r.elders).toFixed(0)} µs |`,
    ),
  ];
  const body = lines.join('\n');
  console.log(body);
  if (QUICK) log('--quick: report not written');
  else await writeSection(SECTION, body);
};

runBench(main);
