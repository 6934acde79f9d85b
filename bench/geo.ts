// Search in the ten-minute circle against DynamoDB Local: for cities of 1,000, 10,000 and 100,000
// on-site barbers (+5% home visits), the same 200 origins in the dense centre and 200 at the sparse
// edge, a 10-minute walk each. Queries, items read and returned, latency; the same searches through
// `dynamodb-geo` (AWS Labs' geo library, JS port) on its own table; and what an 8-cell S2 covering
// of the circle would read, which is what the index in packages/core/src/search/geo.ts was chosen against.
// Results go to docs/BENCHMARKS.md (`bench:geo`).
//
// DynamoDB Local is one JVM on this machine, not the service: counts (Queries, items read) carry
// over to DynamoDB, latencies only compare the two indexes here, under the same conditions.
//
// `npx tsx bench/geo.ts --quick` runs the 1k and 10k cities only and does not write the report.
//
// The parts live in bench/geo/: config.ts, plan.ts (coverings and reach), index-load.ts,
// search.ts, s2-reference.ts, samples.ts, report.ts; the city and the peer in bench/fixtures/.
import { circleRadiusM } from '@tmc/core/search/geo';
import { createMerchantStore } from '@tmc/store/entities/merchants';
import { openTable, tableName, withDynamo } from './fixtures/dynamo';
import { runBench } from './fixtures/entry';
import { cellsOf, originSets, serviceId, type Site } from './fixtures/geo-city';
import { createPeer, type Peer } from './fixtures/geo-peer';
import { createMeter } from './fixtures/metering';
import { writeSection } from './fixtures/report';
import { load1 } from './fixtures/stats';
import { log, PEER_LENGTHS, peerSizes, QUICK, WALK } from './geo/config';
import { citySteps, loadStep, type Load } from './geo/index-load';
import { planSearches } from './geo/plan';
import { report } from './geo/report';
import { createSearchers, measureSize, type SearchResults } from './geo/search';

const SECTION = 'bench:geo';

const main = async (): Promise<void> => {
  const benchStart = performance.now();
  const loadAtStart = load1();
  const radius = circleRadiusM(WALK);
  const origins = originSets();
  const plan = await planSearches(origins.centre, radius);
  const steps = citySteps(cellsOf(origins.centre));

  const results: SearchResults = { rows: [], s2Rows: [], mismatches: new Map(), edgeGaps: [] };
  const loads: Load[] = [];
  let savedItemsChecked = 0;
  const city: Site[] = [];
  const byId = new Map<string, Site>();

  await withDynamo(async (dynamo) => {
    const db = await openTable(dynamo, 'geo');
    const store = createMerchantStore(db);
    const meter = createMeter(db);
    const peers: Peer[] = [];
    for (const hkl of PEER_LENGTHS) peers.push(await createPeer(dynamo.endpoint, tableName(`geo-peer-${hkl}`), hkl));
    const search = createSearchers(store, meter, radius);

    for (const step of steps) {
      const stepPeers = peers.filter((peer) => peerSizes(peer.hashKeyLength).includes(step.size));
      const { load, checked } = await loadStep(db, store, step, stepPeers);
      if (checked !== null) savedItemsChecked = checked;
      city.push(...step.added);
      for (const s of step.added) byId.set(serviceId(s), s);
      loads.push(load);
      await measureSize(search, step.size, stepPeers, origins, radius, { sites: city, byId }, results);
    }

    const body = report({ results, loads, origins, radius, plan, savedItemsChecked, loadAtStart, benchStart });
    if (QUICK) log('--quick: report not written');
    else await writeSection(SECTION, body);
    console.log(body);
  });
};

runBench(main);
