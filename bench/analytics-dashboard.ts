// The dashboard's cost at two volumes (issue 11): counters for 1,000 and for 1,000,000 orders over a year
// (bench/analytics/counters.ts writes the items the streams function would), then a year's dashboard read
// (overview of the city, by street, merchants): items read and latency at each, and their ratios (goal for
// items read: <= 1.1, i.e. the read is bounded by the plan and not by the volume). Results go to
// docs/BENCHMARKS.md (`bench:analytics-dashboard`). `--quick`: 1,000 and 20,000 orders, no report.
import { createCounterReader } from '@tmc/store/counter-read';
import { dashboardByArea, dashboardOverview } from '@tmc/core/analytics/dashboard';
import { dashboardMerchants, type MerchantRef } from '@tmc/core/analytics/merchant-ranking';
import { DashboardQuery, type Target } from '@tmc/core/analytics/dashboard-query';
import type { AreaStore } from '@tmc/core/areas/ports';
import type { Area } from '@tmc/core/areas/model';
import { openTable, withDynamo } from './fixtures/dynamo';
import { progress, runBench } from './fixtures/entry';
import { fmtMs, int } from './fixtures/format';
import { provenance, writeSection } from './fixtures/report';
import { median, timed } from './fixtures/stats';
import { COMMUNITIES, MERCHANTS, merchantId, writeCounters, YEAR, type Built } from './analytics/counters';

const SECTION = 'bench:analytics-dashboard';
const QUICK = process.argv.includes('--quick');
const SIZES = QUICK ? [1_000, 20_000] : [1_000, 1_000_000];
const RUNS = 15; // reads per size after one warm-up; the median is reported
const log = progress('analytics-dashboard');

const areaOf = (code: string): Area => ({
  code,
  name: code,
  centroid: { lat: 31.7, lng: 113.37 },
  level: (['district', 'street', 'community'] as const)[code.split('.').length - 1]!,
  parent_code: code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : null,
});
const TREE = [...new Set(['zengdu', ...COMMUNITIES.flatMap((c) => [c.split('.').slice(0, 2).join('.'), c])])].map(
  areaOf,
);
const areas: AreaStore = {
  get: async (code) => TREE.find((a) => a.code === code) ?? null,
  children: async (parent) => TREE.filter((a) => a.parent_code === parent),
  put: async () => {
    throw new Error('read only');
  },
};
const shops: MerchantRef[] = Array.from({ length: MERCHANTS + 20 }, (_, i) => ({
  merchant_id: merchantId(i),
  business_name: `店 ${i}`,
  community_code: COMMUNITIES[i % COMMUNITIES.length]!,
  status: 'approved',
}));

type SizeResult = { orders: number; built: Built; seedMs: number; itemsAsked: number; itemsFound: number; ms: number };

const measure = async (orders: number): Promise<SizeResult> =>
  withDynamo(async (dynamo) => {
    const db = await openTable(dynamo, 'analytics');
    log(`${int(orders)} orders: building and writing counters…`);
    const seed = await timed(() => writeCounters(db, orders));
    const reader = createCounterReader(db);
    let asked = 0;
    let found = 0;
    const counters = {
      read: async (wanted: Parameters<typeof reader.read>[0]) => {
        asked += wanted.length;
        const rows = await reader.read(wanted);
        found += rows.length;
        return rows;
      },
    };
    const q = DashboardQuery.parse(YEAR);
    const city: Target = { code: null, level: 'city', scopes: ['all'] };
    const dashboard = () =>
      Promise.all([
        dashboardOverview(counters, q, city),
        dashboardByArea({ counters, areas }, q, city),
        dashboardMerchants({ counters, merchants: { approved: async () => shops, byIds: async () => [] } }, q, city),
      ]);
    await dashboard(); // warm-up (JIT, connections)
    asked = 0;
    found = 0;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push((await timed(dashboard)).ms);
    log(`${int(orders)} orders: ${asked / RUNS} items asked per dashboard, median ${fmtMs(median(times))}`);
    return {
      orders,
      built: seed.value,
      seedMs: seed.ms,
      itemsAsked: asked / RUNS,
      itemsFound: found / RUNS,
      ms: median(times),
    };
  });

const main = async (): Promise<void> => {
  const results: SizeResult[] = [];
  for (const n of SIZES) results.push(await measure(n));
  const [small, big] = results as [SizeResult, SizeResult];
  const itemsRatio = big.itemsAsked / small.itemsAsked;
  const msRatio = big.ms / small.ms;
  const body = [
    "## Analytics: a year's dashboard read at 1,000 and 1,000,000 orders",
    '',
    provenance('npm run bench', 'npx tsx bench/analytics-dashboard.ts'),
    '',
    `Counter items for N orders spread over ${YEAR.from}..${YEAR.to} in 6 communities of 3 streets, 5 categories, ` +
      `${MERCHANTS} merchants, 4 age bands, 4 care levels, written directly as the streams function would leave ` +
      'them (one item per scope and day, per scope and month, and the totals; each metric in total and by one ' +
      'dimension). Then the dashboard for the year, city-wide: overview + by street + merchants (core/analytics ' +
      `with the store's BatchGetItem reader), ${RUNS} times after a warm-up, on a DynamoDB Local of its own ` +
      'per size. ' +
      '"Items read" counts the keys asked for (found: items that exist).',
    '',
    '| orders | counter items | attributes (largest item) | seed | items read / dashboard (found) | median latency |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${int(r.orders)} | ${int(r.built.items)} | ` +
        `${int(r.built.attributes)} (${int(r.built.largestAttributes)}) | ` +
        `${fmtMs(r.seedMs)} | ${int(r.itemsAsked)} (${int(r.itemsFound)}) | ${fmtMs(r.ms)} |`,
    ),
    '',
    `Ratio ${int(big.orders)} / ${int(small.orders)} orders: items read **${itemsRatio.toFixed(2)}** (goal <= 1.1), ` +
      `latency **${msRatio.toFixed(2)}** (items hold more attributes at volume: more bytes per item, same count).`,
  ].join('\n');
  if (QUICK) log('--quick: report not written');
  else await writeSection(SECTION, body);
  console.log(body);
  if (itemsRatio > 1.1) throw new Error(`items read ratio ${itemsRatio.toFixed(2)} > 1.1`);
};

runBench(main);
