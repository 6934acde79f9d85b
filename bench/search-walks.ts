// Search at 10, 30 and 60-minute walks against DynamoDB Local (issue 13, goal 5): for the geo
// bench's cities of 1,000, 10,000 and 100,000 on-site services (+5% home visits), 50 centre and 50
// edge origins, Queries and items read per search, items returned, and recall against a brute
// force over every service of the city (100% required: the bench fails otherwise). Results go to
// docs/BENCHMARKS.md (`bench:search-walks`).
//
// `npx tsx bench/search-walks.ts --quick` runs the 1k and 10k cities only and does not write the report.
//
// The parts live in bench/search-walks/: measure.ts (searches and brute force), report.ts; the city
// and its loader are the geo bench's (bench/fixtures/geo-city.ts, bench/geo/index-load.ts).
import { createMerchantStore } from '@tmc/store/entities/merchants';
import { openTable, withDynamo } from './fixtures/dynamo';
import { runBench } from './fixtures/entry';
import { cellsOf, originSets, type Site } from './fixtures/geo-city';
import { createMeter } from './fixtures/metering';
import { writeSection } from './fixtures/report';
import { load1 } from './fixtures/stats';
import { QUICK } from './geo/config';
import { citySteps, loadStep, type Load } from './geo/index-load';
import { candidatesOf, createSearcher, log, measureCity, ORIGINS_USED, type Row } from './search-walks/measure';
import { failures, report } from './search-walks/report';

const SECTION = 'bench:search-walks';

const main = async (): Promise<void> => {
  const benchStart = performance.now();
  const loadAtStart = load1();
  const all = originSets();
  const origins = { centre: all.centre.slice(0, ORIGINS_USED), edge: all.edge.slice(0, ORIGINS_USED) };
  // The geo bench's cities exactly: growth keeps out of the cells of all 200 centre origins.
  const steps = citySteps(cellsOf(all.centre));
  const rows: Row[] = [];
  const loads: Load[] = [];
  const city: Site[] = [];

  await withDynamo(async (dynamo) => {
    const db = await openTable(dynamo, 'search-walks');
    const store = createMerchantStore(db);
    const search = createSearcher(store, createMeter(db));
    for (const step of steps) {
      const { load } = await loadStep(db, store, step, []);
      loads.push(load);
      city.push(...step.added);
      log(`city of ${step.size}: searching`);
      rows.push(...(await measureCity(search, step.size, candidatesOf(city), origins)));
    }
  });

  const body = report({ rows, loads, loadAtStart, benchStart });
  console.log(body);
  const failed = failures(rows);
  if (failed.length) throw new Error(`recall or precision below 100%, report not written:\n${failed.join('\n')}`);
  if (QUICK) log('--quick: report not written');
  else await writeSection(SECTION, body);
};

runBench(main);
