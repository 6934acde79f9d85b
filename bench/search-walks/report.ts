// The search-walks section of docs/BENCHMARKS.md: one table (city x walk x origin set), the recall
// and precision against brute force, and how Queries and items read grow from 10 to 60 minutes.
import os from 'node:os';
import { SEARCH_RADIUS_MAX_M, STRIPS_MAX } from '@tmc/core/search/geo';
import { INDEX_ITEMS_MAX, SEARCH_LIMIT_MAX } from '@tmc/core/search/search';
import { fmtMs, int } from '../fixtures/format';
import {
  CATEGORY,
  CENTRE_BLOCK_M,
  EDGE_OFFSET_M,
  HOME_VISIT_SHARE,
  ORIGIN_SPREAD_M,
  ORIGINS_PER_SET,
} from '../fixtures/geo-city';
import { provenance } from '../fixtures/report';
import { load1, mean, peakRssMb, quantile, sum } from '../fixtures/stats';
import { CITY_SIZES, fmtSize, SETS, WALK, type SetName } from '../geo/config';
import type { Load } from '../geo/index-load';
import { MISSED_SHOWN, ORIGINS_USED, WALK_MINUTES, WARMUP_SEARCHES, type Row } from './measure';

const verdict = (ok: boolean): string => (ok ? '**met**' : '**missed**');
const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '—');
const times = (a: number, b: number): string => (a > 0 ? `${(b / a).toFixed(1)}x` : '—');

const summary = (r: Row) => {
  const s = r.samples;
  const truth = sum(s.map((x) => x.truth));
  const found = sum(s.map((x) => x.found));
  return {
    queriesMean: mean(s.map((x) => x.queries)),
    queriesMax: Math.max(...s.map((x) => x.queries)),
    readMean: mean(s.map((x) => x.read)),
    readMax: Math.max(...s.map((x) => x.read)),
    returnedMean: mean(s.map((x) => x.returned)),
    onsiteReadMean: mean(s.map((x) => x.onsite_read)),
    onsiteReturnedMean: mean(s.map((x) => x.onsite_returned)),
    readPerReturned: ratio(sum(s.map((x) => x.read)), sum(s.map((x) => x.returned))),
    truthMean: mean(s.map((x) => x.truth)),
    truth,
    found,
    recall: truth > 0 ? found / truth : 1,
    extra: sum(s.map((x) => x.extra)),
    truncated: s.filter((x) => x.truncated).length,
    p50: quantile(
      s.map((x) => x.ms),
      0.5,
    ),
  };
};

const rowName = (r: Row): string => `${fmtSize(r.size)} ${r.minutes} min ${r.set}`;

/** Why the run failed, if it did: any search that missed a service, or returned one brute force
 * did not expect (then the truth's rules are not the product's, and the recall means nothing). */
export const failures = (rows: readonly Row[]): string[] =>
  rows.flatMap((r) => {
    const missed = r.samples.flatMap((s) => s.missedIds);
    const extra = r.samples.flatMap((s) => s.extraIds);
    return [
      ...(missed.length
        ? [`${rowName(r)}: missed ${missed.length} (${missed.slice(0, MISSED_SHOWN).join(', ')})`]
        : []),
      ...(extra.length
        ? [`${rowName(r)}: ${extra.length} not expected (${extra.slice(0, MISSED_SHOWN).join(', ')})`]
        : []),
    ];
  });

export type WalksRun = { rows: readonly Row[]; loads: readonly Load[]; loadAtStart: number; benchStart: number };

export const report = (run: WalksRun): string => {
  const { rows, loads } = run;
  const table = rows.map((r) => {
    const s = summary(r);
    return (
      `| ${fmtSize(r.size)} | ${r.minutes} min (${Math.round(r.radius)} m) | ${r.set} | ` +
      `${s.queriesMean.toFixed(1)} / ${s.queriesMax} | ${s.readMean.toFixed(1)} / ${int(s.readMax)} | ` +
      `${s.returnedMean.toFixed(1)} | ${s.readPerReturned} | ${s.truthMean.toFixed(1)} | ` +
      `${(100 * s.recall).toFixed(1)}% (${int(s.found)} / ${int(s.truth)}) | ${s.extra} | ${s.truncated} | ` +
      `${fmtMs(s.p50)} |`
    );
  });
  const rowOf = (size: number, minutes: number, set: SetName): Row | undefined =>
    rows.find((r) => r.size === size && r.minutes === minutes && r.set === set);
  const recallMissed = rows.filter((r) => summary(r).recall < 1);
  const searches = sum(rows.map((r) => r.samples.length));
  const expected = sum(rows.map((r) => summary(r).truth));
  const extras = sum(rows.map((r) => summary(r).extra));
  const shortest = WALK_MINUTES[0];
  const longest = WALK_MINUTES[WALK_MINUTES.length - 1] ?? shortest;
  const radiusOf = (minutes: number): number => rows.find((r) => r.minutes === minutes)?.radius ?? 0;
  const areaGrowth = (radiusOf(longest) / radiusOf(shortest)) ** 2;
  const growthLines = CITY_SIZES.flatMap((size) =>
    SETS.map((set) => {
      const a = rowOf(size, shortest, set);
      const b = rowOf(size, longest, set);
      if (!a || !b) return `  - ${fmtSize(size)} ${set}: not measured`;
      const x = summary(a);
      const y = summary(b);
      const grow = (a: number, b: number): string => `${a.toFixed(1)} → ${b.toFixed(1)} (${times(a, b)})`;
      return (
        `  - ${fmtSize(size)} ${set}: Queries ${grow(x.queriesMean, y.queriesMean)}; items read ` +
        `${grow(x.readMean, y.readMean)}, of which on-site (strip Queries) ` +
        `${grow(x.onsiteReadMean, y.onsiteReadMean)}; returned ${grow(x.returnedMean, y.returnedMean)}, of ` +
        `which on-site ${grow(x.onsiteReturnedMean, y.onsiteReturnedMean)}`
      );
    }),
  );
  const loadLines = loads.map(
    (l) =>
      `${fmtSize(l.size)}: +${int(l.services)} on-site and +${int(l.homeVisits)} home-visit services ` +
      `(${l.via === 'save' ? 'through `save`' : 'index items by BatchWriteItem'}, ${int(l.items)} items)`,
  );
  // Centre rows equal, origin by origin, in every city: the geo bench keeps its centre block
  // identical, but a longer walk's circle can reach past it, where the larger cities add services.
  const sameInEveryCity = (minutes: number): boolean => {
    const a = rowOf(CITY_SIZES[0] ?? 0, minutes, 'centre');
    return CITY_SIZES.every((size) => {
      const b = rowOf(size, minutes, 'centre');
      return (
        !!a && !!b && a.samples.every((s, i) => s.read === b.samples[i]?.read && s.returned === b.samples[i]?.returned)
      );
    });
  };
  const blockLines = WALK_MINUTES.map(
    (m) =>
      `${m} min ${((ORIGIN_SPREAD_M + radiusOf(m)) / 1000).toFixed(1)} km, identical: ` +
      `${sameInEveryCity(m) ? 'yes' : 'no'}`,
  );
  const loadAtEnd = load1();

  return [
    `## Search at ${WALK_MINUTES.join(', ')}-minute walks: Queries, items read and recall against brute force`,
    '',
    provenance('npm run bench', 'npx tsx bench/search-walks.ts'),
    '',
    `The geo bench's city (bench:geo above; category \`${CATEGORY}\`, N on-site services plus ` +
      `${100 * HOME_VISIT_SHARE}% home visits, nested cities loaded cumulatively on one table of ` +
      'DynamoDB Local, with no dynamodb-geo peer). DynamoDB Local is one JVM in memory on the same ' +
      'cores as the bench, not the service: Query counts and items read (ScannedCount) carry over to ' +
      'DynamoDB, latencies do not (they are only comparable within this run). ' +
      `Origins: the first ${ORIGINS_USED} of each of the geo bench's ${ORIGINS_PER_SET}-origin sets ` +
      `(centre: within ${ORIGIN_SPREAD_M / 1000} km of the centre; edge: within ${ORIGIN_SPREAD_M / 1000} km ` +
      `of a point ${EDGE_OFFSET_M / 1000} km east), to keep the run short; ${WARMUP_SEARCHES} unmeasured ` +
      'warm-up searches per walk and set. Walks: `WALK` of bench/geo/config.ts ' +
      `(${WALK.walking_m_per_min} m/min, detour ${WALK.detour_factor}) with minutes changed; radius = ` +
      '`circleRadiusM`. Every search is `searchServices` (as GET /api/search runs it, which accepts up to ' +
      `60 minutes; the radius stays far below the core's ${int(SEARCH_RADIUS_MAX_M)} m cap, so nothing was ` +
      "measured around the core) over the store's `searchIndex`: Queries = Query requests (one per " +
      `strip, at most ${STRIPS_MAX}, + one home-visit cell Query, pages included), metered on the client ` +
      "and checked equal to the answer's `queries`; items read = their ScannedCount, checked equal to " +
      '`items_read`; returned = `total` (every hit, not only the first ' +
      `${SEARCH_LIMIT_MAX}). The BatchGets of the first page's slots and ratings are not counted.`,
    '',
    'Recall: for every search the exact set of services it must find is computed in memory over all ' +
      'services of the city (merchant approved, service active and of the category, as `save` indexes ' +
      'them; every service of this city qualifies): on-site within the radius by `distanceM`, home ' +
      "visits whose own travel radius reaches the origin (`inCircle`'s rule). The set found is every " +
      "card `searchIndex` returned that `searchServices`' filter keeps (checked equal to `total`). Recall " +
      '= found ∩ expected / expected over the row; the bench fails if any search misses a service or ' +
      `returns one not expected. Truncated: searches cut by the read bound (${int(INDEX_ITEMS_MAX)} items).`,
    '',
    '| city | walk (radius) | origins | Queries / search (mean / max) | items read / search (mean / max) | ' +
      'items returned / search | read / returned | expected / search | recall (found / expected) | ' +
      'returned not expected | truncated | latency p50 |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...table,
    '',
    `- Goal: recall 100% in every row → ${verdict(recallMissed.length === 0)}` +
      (recallMissed.length
        ? ` (missed: ${recallMissed.map((r) => `${rowName(r)} ${(100 * summary(r).recall).toFixed(2)}%`).join(', ')}).`
        : ` (${int(searches)} searches, ${int(expected)} expected services, all found).`) +
      ` Returned but not expected: ${extras}.`,
    `- Growth from ${shortest} to ${longest} minutes (the circle's area grows ${areaGrowth.toFixed(0)}x; ` +
      'home visits are found by their own radius, so their share does not grow with the walk):',
    ...growthLines,
    `- The geo city adds nothing within ${CENTRE_BLOCK_M / 1000} km of the centre as it grows. A centre ` +
      `circle reaches at most ${ORIGIN_SPREAD_M / 1000} km + its radius from the centre; centre searches ` +
      `identical (items read and returned, origin by origin) in every city measured: ${blockLines.join('; ')}. ` +
      'Where they are not, the circle reaches past the block into services the larger cities add, so ' +
      'the cost of those centre searches grows with the city as the edge does.',
    `- Loading (cumulative city): ${loadLines.join('; ')}.`,
    `- Whole bench: ${fmtMs(performance.now() - run.benchStart)} including DynamoDB Local start-up. Peak ` +
      `RSS ${peakRssMb().toFixed(0)} MB. 1-minute load average ${run.loadAtStart.toFixed(1)} at the start ` +
      `and ${loadAtEnd.toFixed(1)} at the end, on ${os.cpus().length} cores.`,
  ].join('\n');
};
