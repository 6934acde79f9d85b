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
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { BatchWriteItemCommand, type AttributeValue, type BatchWriteItemCommandOutput, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { s2 } from 's2js';
import type { LatLng } from '@tmc/core/areas/model';
import { circleRadiusM, distanceM, EARTH_RADIUS_M, hvCellOf, M_PER_DEG, planCircle, STRIP_LEVELS_M, toRad } from '@tmc/core/search/geo';
import { serviceCard, type ServiceCard } from '@tmc/core/merchants/model';
import { inCircle, searchServices, SEARCH_LIMIT_MAX, type SearchPort } from '@tmc/core/search/search';
import { startDynamoLocal, type DynamoLocal } from '@tmc/local/dynamo-local';
import { keys } from '@tmc/store/keys';
import { createMerchantStore, indexKeysOf } from '@tmc/store/entities/merchants';
import { createDb, ensureTable, type Db } from '@tmc/store/table';
import {
  baseCity, CATEGORY, CENTRE, CENTRE_BLOCK_M, cellsOf, CITY_RADIUS_M, DENSE_RADIUS_M, EDGE_OFFSET_M, growth, HOME_VISIT_SHARE,
  HV_RADIUS_MAX_M, HV_RADIUS_MIN_M, merchantOf, ORIGIN_SPREAD_M, ORIGINS_PER_SET, originSets, serviceId, serviceOf, type Site,
} from './fixtures/geo-city';
import { createPeer, peerPlan, type Peer, type PeerPlan } from './fixtures/geo-peer';
import { provenance, writeSection } from './fixtures/report';

const SECTION = 'bench:geo';
const QUICK = process.argv.includes('--quick');
const CITY_SIZES: readonly number[] = QUICK ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const WALK = { minutes: 10, walking_m_per_min: 48, detour_factor: 1.3 };
const NOW = new Date('2026-11-23T02:00:00Z'); // 10:00 on a Monday in Suizhou: opening hours do not filter search, but cards show them
const SAVE_CONCURRENCY = 8; // merchants saved in parallel (distinct merchants never conflict)
const WRITE_CONCURRENCY = 8; // BatchWriteItem requests in flight; more did not write faster on 2 cores
const BATCH_WRITE_MAX = 25;
const WRITE_RETRIES = 8;
const RETRY_BASE_MS = 20;
const WARMUP_SEARCHES = 10; // per index and size, before the measured ones: JIT and the JVM's caches
const PEER_DEFAULT_HASH_KEY_LENGTH = 2; // the JS port's documented default (the Java library's is 6)
/** The largest hashKeyLength whose Queries stay within our budget of 8 for this radius (its README:
 * pick the largest your searches allow). The report re-derives it from the library's coverings. */
const PEER_TUNED_HASH_KEY_LENGTH = 7;
const PEER_HASH_KEY_LENGTHS_TRIED = [2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
const S2_MAX_CELLS = 8;
const GOAL_QUERIES_MAX = 8;
const GOAL_READ_PER_RETURNED = 1.5;
const GOAL_COST_DRIFT = 0.1; // items read per centre search at 100k within 10% of 1k
const PROGRESS_EVERY = 0.1; // log load progress every 10%

type SetName = 'centre' | 'edge';
const SETS: readonly SetName[] = ['centre', 'edge'];

// ---------------------------------------------------------------------------------------------
// Helpers

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A string attribute value, unmarshalled or marshalled (the middleware may see either). */
const strOf = (v: unknown): string => (typeof v === 'string' ? v : isRecord(v) && typeof v.S === 'string' ? v.S : '');

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const v = s[Math.min(s.length - 1, Math.floor(q * s.length))];
  if (v === undefined) throw new Error('quantile of no samples');
  return v;
};
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]): number => (xs.length ? sum(xs) / xs.length : 0);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`);
const fmtRatio = (read: number, returned: number): string => (returned > 0 ? (read / returned).toFixed(2) : '—');
const fmtSize = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const verdict = (ok: boolean): string => (ok ? '**met**' : '**missed**');
const load1 = (): number => os.loadavg()[0] ?? 0; // 1-minute load average: how busy the shared cores were
const log = (msg: string): void => { console.error(`[geo] ${msg}`); }; // progress on stderr; the report on stdout

const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
};

/** Runs `work` over `items` with `concurrency` workers pulling from a shared cursor. */
const pool = async <T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  }));
};

const cardOf = (s: Site): ServiceCard => serviceCard(merchantOf(s), serviceOf(s));

// ---------------------------------------------------------------------------------------------
// Our index: loading and counting

/** The index items `save` writes for a service, in the same shape (store/merchants.ts `puts`). */
const indexItemsOf = (s: Site): Record<string, unknown>[] => {
  const card = cardOf(s);
  return indexKeysOf(card).map((k) => ({ ...k, type: 'geo', ...card }));
};

const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false }; // the store's (table.ts)

/** The same items marshalled for the raw client: the card is marshalled once per service rather
 * than once per item (a home-visit service has ~100 items), which loads 100k ~30% faster here. */
const rawIndexItemsOf = (s: Site): Record<string, AttributeValue>[] => {
  const card = cardOf(s);
  const marshalled = marshall(card, MARSHALL_OPTIONS);
  return indexKeysOf(card).map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk }, type: { S: 'geo' }, ...marshalled }));
};

/** BatchWriteItem of the index items of `sites`, generated batch by batch (100k services make
 * ~1.2 million items: too many to hold at once). Returns the number of items written. */
const batchWriteIndex = async (db: Db, sites: readonly Site[]): Promise<number> => {
  let cursor = 0;
  let queued: Record<string, AttributeValue>[] = [];
  let written = 0;
  let nextReport = PROGRESS_EVERY;
  const takeBatch = (): Record<string, AttributeValue>[] => {
    while (queued.length < BATCH_WRITE_MAX && cursor < sites.length) {
      const s = sites[cursor++];
      if (s) queued.push(...rawIndexItemsOf(s));
    }
    const batch = queued.slice(0, BATCH_WRITE_MAX);
    queued = queued.slice(BATCH_WRITE_MAX);
    return batch;
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, async () => {
    for (let batch = takeBatch(); batch.length > 0; batch = takeBatch()) {
      let pending: WriteRequest[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > WRITE_RETRIES) throw new Error(`BatchWrite: unprocessed items after ${WRITE_RETRIES} retries`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 2 ** attempt));
        const out: BatchWriteItemCommandOutput = await db.raw.send(new BatchWriteItemCommand({ RequestItems: { [db.table]: pending } }));
        pending = out.UnprocessedItems?.[db.table];
      }
      written += batch.length;
      if (cursor / sites.length >= nextReport) {
        log(`  ${Math.round(100 * nextReport)}% of services, ${int(written)} items, ${int((written * 1000) / (performance.now() - t0))} items/s`);
        nextReport += PROGRESS_EVERY;
      }
    }
  }));
  return written;
};

/** JSON with keys sorted at every depth: equal strings mean equal items, whatever the key order. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  (isRecord(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));

/**
 * The bench writes most of the city without `save`, so it checks here that its items are the
 * ones `save` wrote: every index item of one on-site and one home-visit service of the base city,
 * read back and compared field by field with what indexItemsOf builds, and with what the bulk
 * load sends (rawIndexItemsOf, unmarshalled).
 */
const checkItemsMatchSave = async (db: Db, sites: readonly Site[]): Promise<number> => {
  const samples = [sites.find((s) => s.radius_m === null), sites.find((s) => s.radius_m !== null)];
  let checked = 0;
  for (const s of samples) {
    if (!s) throw new Error('base city lacks an on-site or a home-visit service');
    const raw = rawIndexItemsOf(s);
    for (const [i, want] of indexItemsOf(s).entries()) {
      const got = await db.doc.send(new GetCommand({ TableName: db.table, Key: { pk: want.pk, sk: want.sk } }));
      const bulk = raw[i];
      if (canonical(got.Item) !== canonical(want) || !bulk || canonical(unmarshall(bulk)) !== canonical(want)) {
        throw new Error(`index item ${String(want.pk)} ${String(want.sk)} differs from what save wrote`);
      }
      checked++;
    }
  }
  return checked;
};

type QueryRead = { pk: string; scanned: number };

/** Every Query the store sends, with its partition key and ScannedCount, so a search's reads can be
 * split into on-site strips and the home-visit cell. A middleware on the document client's stack. */
const trackQueries = (db: Db): { take: () => QueryRead[] } => {
  let seen: QueryRead[] = [];
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'QueryCommand') {
        const input: unknown = args.input;
        const values = isRecord(input) && isRecord(input.ExpressionAttributeValues) ? input.ExpressionAttributeValues : {};
        const output: unknown = out.output;
        const scanned = isRecord(output) && typeof output.ScannedCount === 'number' ? output.ScannedCount : 0;
        seen.push({ pk: strOf(values[':p']), scanned });
      }
      return out;
    },
    { step: 'initialize', name: 'benchGeoQueryCounter' },
  );
  return { take: () => { const s = seen; seen = []; return s; } };
};

// ---------------------------------------------------------------------------------------------
// Measuring

/** One search by one index. `onsite_*` leave home visits out: the peer has no notion of them. */
type Sample = { queries: number; read: number; returned: number; onsite_read: number; onsite_returned: number; ms: number; onsite_ids: string[] };

type Row = { size: number; set: SetName; index: string; samples: Sample[] };

const summary = (samples: readonly Sample[]) => {
  const read = sum(samples.map((s) => s.read));
  const returned = sum(samples.map((s) => s.returned));
  return {
    queriesMean: mean(samples.map((s) => s.queries)),
    queriesMax: Math.max(...samples.map((s) => s.queries)),
    read: read / samples.length,
    returned: returned / samples.length,
    readPerReturned: returned > 0 ? read / returned : Number.POSITIVE_INFINITY,
    onsiteRead: sum(samples.map((s) => s.onsite_read)),
    onsiteReturned: sum(samples.map((s) => s.onsite_returned)),
    p50: quantile(samples.map((s) => s.ms), 0.5),
    p95: quantile(samples.map((s) => s.ms), 0.95),
  };
};

// ---------------------------------------------------------------------------------------------
// Geometry for the S2 reference: area of the S2 covering of the circle, area of our strip plan

const capOf = (c: LatLng, radius_m: number): s2.Cap =>
  s2.Cap.fromCenterAngle(s2.Point.fromLatLng(s2.LatLng.fromDegrees(c.lat, c.lng)), radius_m / EARTH_RADIUS_M);

const s2Coverer = new s2.RegionCoverer({ maxCells: S2_MAX_CELLS });

/** Covering cells of the circle by an 8-cell S2 RegionCoverer, and their area over the cap's. */
const s2Covering = (c: LatLng, radius_m: number): { cells: bigint[]; areaRatio: number } => {
  const cap = capOf(c, radius_m);
  const cells = [...s2Coverer.covering(cap)];
  const area = sum(cells.map((id) => s2.Cell.fromCellID(id).exactArea()));
  return { cells, areaRatio: area / cap.area() };
};

/** Area our Queries span (strip width x latitude range, per strip) over the circle's area. */
const planAreaRatio = (c: LatLng, radius_m: number): number => {
  const mPerDegLng = M_PER_DEG * Math.cos(toRad(c.lat));
  const area = sum(planCircle(c, radius_m).map((q) => {
    const widthM = ((STRIP_LEVELS_M[q.level] ?? 0) / M_PER_DEG) * mPerDegLng;
    return widthM * ((Number(q.lat_hi) - Number(q.lat_lo)) / 1e6) * M_PER_DEG;
  }));
  return area / (Math.PI * radius_m * radius_m);
};

/** Farthest point from `c` that any search from `origins` reads: our strip rectangles' corners and
 * the peer's covering cells' vertices. Must stay inside the centre block, or growth would leak in. */
const readReach = (c: LatLng, origins: readonly LatLng[], plans: readonly PeerPlan[], radius_m: number): { ours: number; peer: number } => {
  let ours = 0;
  let peer = 0;
  for (const o of origins) {
    for (const q of planCircle(o, radius_m)) {
      const w = (STRIP_LEVELS_M[q.level] ?? 0) / M_PER_DEG;
      const left = q.strip * w - 180;
      for (const lng of [left, left + w]) {
        for (const lat of [Number(q.lat_lo) / 1e6 - 90, Number(q.lat_hi) / 1e6 - 90]) ours = Math.max(ours, distanceM(c, { lat, lng }));
      }
    }
  }
  for (const p of plans) for (const v of p.cellVertices) peer = Math.max(peer, distanceM(c, v));
  return { ours, peer };
};

/** Leaf cell ids of on-site services, sorted: how many fall in an S2 cell is two binary searches. */
const sortedLeaves = (sites: readonly Site[]): bigint[] =>
  sites.filter((s) => s.radius_m === null).map((s) => s2.cellid.fromLatLng(s2.LatLng.fromDegrees(s.lat, s.lng))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const lowerBound = (xs: readonly bigint[], v: bigint): number => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] ?? v) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const countIn = (leaves: readonly bigint[], cell: bigint): number =>
  lowerBound(leaves, s2.cellid.rangeMax(cell) + 1n) - lowerBound(leaves, s2.cellid.rangeMin(cell));

// ---------------------------------------------------------------------------------------------

const main = async (): Promise<void> => {
  const benchStart = performance.now();
  const loadAtStart = load1();
  const radius = circleRadiusM(WALK);
  const origins = originSets();
  const originsOf = (set: SetName): LatLng[] => origins[set];
  const centreCells = cellsOf(origins.centre);

  // dynamodb-geo's coverings of the centre circles, from its own code. nodes2ts (its S2 port) does
  // all arithmetic in decimal.js, ~0.2 s a covering here, so each is computed once.
  log(`planning dynamodb-geo's coverings for ${ORIGINS_PER_SET} centre origins`);
  const planned = await timed(async () => origins.centre.map((o) => peerPlan(o, radius)));
  const plans = planned.value;

  // The centre block must contain everything a centre search reads, for the "same neighbourhood" claim.
  const reach = readReach(CENTRE, origins.centre, plans, radius);
  if (Math.max(reach.ours, reach.peer) >= CENTRE_BLOCK_M) throw new Error(`centre searches read up to ${Math.round(Math.max(reach.ours, reach.peer))} m from the centre, beyond the ${CENTRE_BLOCK_M} m block`);

  // dynamodb-geo's hashKeyLength changes how many Queries a search splits into, not which items they
  // read (the same geohash ranges, cut at hash-key boundaries). Both values are measured at the
  // first size; after that only the tuned one, since the default would repeat the same Queries on
  // the same items (checked per origin in the plan below and in the 1k searches) at ~0.2 s of CPU each.
  const hklQueries = PEER_HASH_KEY_LENGTHS_TRIED.map((hkl) => {
    const qs = plans.map((p) => p.queriesAt(hkl));
    return { hkl, mean: mean(qs), max: Math.max(...qs) };
  });
  const tunedFromPlan = Math.max(...hklQueries.filter((h) => h.max <= GOAL_QUERIES_MAX).map((h) => h.hkl));
  const sameQueriesAsDefault = plans.every((p) => p.queriesAt(PEER_DEFAULT_HASH_KEY_LENGTH) === p.queriesAt(PEER_TUNED_HASH_KEY_LENGTH));
  const peerLengths = [PEER_DEFAULT_HASH_KEY_LENGTH, PEER_TUNED_HASH_KEY_LENGTH];
  const peerSizes = (hkl: number): readonly number[] => (hkl === PEER_TUNED_HASH_KEY_LENGTH ? CITY_SIZES : CITY_SIZES.slice(0, 1));
  const peerName = (hkl: number): string => `dynamodb-geo, hashKeyLength ${hkl}${hkl === PEER_DEFAULT_HASH_KEY_LENGTH ? ' (default)' : ' (tuned)'}`;

  // The cities, nested: each is the last plus growth that keeps out of the centre block.
  const base = baseCity(CITY_SIZES[0] ?? 0);
  const steps: { size: number; added: Site[]; via: 'save' | 'batch' }[] = [{ size: CITY_SIZES[0] ?? 0, added: base, via: 'save' }];
  let nextN = base.length;
  for (let i = 1; i < CITY_SIZES.length; i++) {
    const from = CITY_SIZES[i - 1] ?? 0;
    const to = CITY_SIZES[i] ?? 0;
    const added = growth(from, to, nextN, centreCells);
    nextN += added.length;
    steps.push({ size: to, added, via: 'batch' });
  }

  const rows: Row[] = [];
  const loads: { size: number; services: number; homeVisits: number; via: string; items: number; ms: number; peerMs: number[] }[] = [];
  const s2Rows: { size: number; set: SetName; s2Read: number; oursOnsiteRead: number; onsiteReturned: number }[] = [];
  const mismatches = new Map<string, number>(); // peer vs ours, on-site ids per search
  const edgeGaps: number[] = []; // for services only one index returned: | distance - radius | in metres
  let savedItemsChecked = 0;
  const city: Site[] = [];
  const byId = new Map<string, Site>();

  let dynamo: DynamoLocal | null = null;
  try {
    dynamo = await startDynamoLocal();
    const suffix = randomBytes(4).toString('hex');
    const db = createDb({ table: `bench-geo-${suffix}`, endpoint: dynamo.endpoint, region: 'local' });
    await ensureTable(db);
    const store = createMerchantStore(db);
    const queries = trackQueries(db);
    const peers: Peer[] = [];
    for (const hkl of peerLengths) peers.push(await createPeer(dynamo.endpoint, `bench-geo-peer-${hkl}-${suffix}`, hkl));

    // What searchServices is given: the store's searchIndex, with the cards it returned kept so the
    // bench can tell on-site hits from home visits (searchServices returns only the first 50 hits).
    let lastCards: ServiceCard[] = [];
    const port: SearchPort = {
      slotsTaken: (slots) => store.slotsTaken(slots), // one BatchGet per page, not counted as a Query
      ratingsOf: (ids) => store.ratingsOf(ids), // likewise
      searchIndex: async (category, origin, radius_m, bounds) => {
        const r = await store.searchIndex(category, origin, radius_m, bounds);
        lastCards = r.cards;
        return r;
      },
    };

    const searchOurs = async (origin: LatLng): Promise<Sample> => {
      queries.take();
      const t0 = performance.now();
      const r = await searchServices(port, { category: CATEGORY, origin, walking: WALK, now: NOW, limit: SEARCH_LIMIT_MAX, offset: 0 });
      const ms = performance.now() - t0;
      const seen = queries.take();
      if (sum(seen.map((q) => q.scanned)) !== r.items_read) throw new Error('query counter disagrees with searchIndex items_read');
      const hvPk = keys.geoHomeVisitPk(CATEGORY, hvCellOf(origin));
      const onsiteIds = lastCards.filter((c) => c.mode === 'onsite' && inCircle(c, origin, radius).ok).map((c) => c.service_id);
      return {
        queries: r.queries, read: r.items_read, returned: r.total, ms, onsite_ids: onsiteIds, onsite_returned: onsiteIds.length,
        onsite_read: sum(seen.filter((q) => q.pk !== hvPk).map((q) => q.scanned)),
      };
    };
    const searchPeer = async (peer: Peer, origin: LatLng): Promise<Sample> => {
      const r = await peer.search(origin, radius);
      return { queries: r.queries, read: r.items_read, returned: r.ids.length, ms: r.ms, onsite_ids: r.ids, onsite_read: r.items_read, onsite_returned: r.ids.length };
    };

    for (const step of steps) {
      const homeVisits = step.added.filter((s) => s.radius_m !== null).length;
      log(`city of ${int(step.size)}: adding ${int(step.added.length - homeVisits)} on-site + ${int(homeVisits)} home-visit services (${step.via})`);
      // Ours. The base city goes through the store's save (merchant, service and index items in one
      // transaction, or batches for the larger home-visit ones); growth writes index items only.
      const ours = await timed(async () => {
        if (step.via === 'batch') return batchWriteIndex(db, step.added);
        let items = 0;
        await pool(step.added, SAVE_CONCURRENCY, async (s) => {
          await store.save(merchantOf(s), [serviceOf(s)], null, []);
          items += 2 + indexKeysOf(cardOf(s)).length; // merchant + service + index items
        });
        return items;
      });
      if (step.via === 'save') savedItemsChecked = await checkItemsMatchSave(db, step.added);
      city.push(...step.added);
      for (const s of step.added) byId.set(serviceId(s), s);
      // The peer: the same on-site services as points carrying the same cards.
      const points = step.added.filter((s) => s.radius_m === null).map((s) => ({ card: cardOf(s) }));
      const peerMs: number[] = [];
      const stepPeers = peers.filter((peer) => peerSizes(peer.hashKeyLength).includes(step.size));
      for (const peer of stepPeers) {
        log(`  ${peer.table}: ${int(points.length)} points`);
        peerMs.push((await timed(() => peer.load(points, WRITE_CONCURRENCY))).ms);
      }
      loads.push({ size: step.size, services: step.added.length - homeVisits, homeVisits, via: step.via, items: ours.value, ms: ours.ms, peerMs });

      // Searches: every origin through every index, one search at a time, the order rotating per
      // origin so no index always runs right after another's (cache warmth, GC).
      const leaves = sortedLeaves(city);
      for (const set of SETS) {
        const os_ = originsOf(set);
        for (const o of os_.slice(0, WARMUP_SEARCHES)) {
          await searchOurs(o);
          for (const peer of stepPeers) await searchPeer(peer, o);
        }
        const runners: { index: string; run: (o: LatLng) => Promise<Sample> }[] = [
          { index: 'ours', run: searchOurs },
          ...stepPeers.map((peer) => ({ index: peerName(peer.hashKeyLength), run: (o: LatLng) => searchPeer(peer, o) })),
        ];
        const bySystem = new Map<string, Sample[]>(runners.map((r) => [r.index, []]));
        for (let i = 0; i < os_.length; i++) {
          const o = os_[i];
          if (!o) continue;
          for (let k = 0; k < runners.length; k++) {
            const runner = runners[(i + k) % runners.length];
            if (runner) bySystem.get(runner.index)?.push(await runner.run(o));
          }
        }
        for (const [index, samples] of bySystem) rows.push({ size: step.size, set, index, samples });

        // Cross-check: an exact index returns the same on-site services as any other exact index.
        const oursSamples = bySystem.get('ours') ?? [];
        for (const peer of stepPeers) {
          const name = peerName(peer.hashKeyLength);
          const theirs = bySystem.get(name) ?? [];
          let diff = 0;
          oursSamples.forEach((s, i) => {
            const a = new Set(s.onsite_ids);
            const b = new Set(theirs[i]?.onsite_ids ?? []);
            const only = [...[...a].filter((id) => !b.has(id)), ...[...b].filter((id) => !a.has(id))];
            if (only.length === 0) return;
            diff++;
            const o = os_[i];
            for (const id of only) {
              const site = byId.get(id);
              if (site && o) edgeGaps.push(Math.abs(distanceM(o, site) - radius));
            }
          });
          mismatches.set(`${name} ${fmtSize(step.size)} ${set}`, diff);
        }
        // The S2 reference: on-site items an 8-cell covering of each circle would read at this size.
        const s2Read = sum(os_.map((o) => sum(s2Covering(o, radius).cells.map((c) => countIn(leaves, c)))));
        s2Rows.push({ size: step.size, set, s2Read, oursOnsiteRead: sum(oursSamples.map((s) => s.onsite_read)), onsiteReturned: sum(oursSamples.map((s) => s.onsite_returned)) });
        log(`  ${set}: ${runners.map((r) => `${r.index} ${summary(bySystem.get(r.index) ?? []).read.toFixed(1)} read/search`).join('; ')}`);
      }
    }

    // -------------------------------------------------------------------------------------------
    // Report

    const rowOf = (size: number, set: SetName, index: string): Row | undefined => rows.find((r) => r.size === size && r.set === set && r.index === index);
    const first = CITY_SIZES[0] ?? 0;
    const last = CITY_SIZES[CITY_SIZES.length - 1] ?? 0;
    const table = rows.map((r) => {
      const s = summary(r.samples);
      return `| ${fmtSize(r.size)} | ${r.set} | ${r.index} | ${s.queriesMean.toFixed(1)} / ${s.queriesMax} | ${s.read.toFixed(1)} | ` +
        `${s.returned.toFixed(1)} | ${fmtRatio(s.read * r.samples.length, s.returned * r.samples.length)} | ` +
        `${(s.onsiteRead / r.samples.length).toFixed(1)} / ${(s.onsiteReturned / r.samples.length).toFixed(1)} (${fmtRatio(s.onsiteRead, s.onsiteReturned)}) | ` +
        `${fmtMs(s.p50)} | ${fmtMs(s.p95)} |`;
    });

    // Goals, for our index.
    const ourRows = rows.filter((r) => r.index === 'ours');
    const maxQueries = Math.max(...ourRows.map((r) => summary(r.samples).queriesMax));
    const ratioRows = ourRows.map((r) => ({ r, ratio: summary(r.samples).readPerReturned }));
    const ratioList = (set: SetName) => ratioRows.filter((x) => x.r.set === set).map((x) => `${fmtSize(x.r.size)} ${x.ratio.toFixed(2)}`).join(', ');
    const ratioMissed = ratioRows.filter((x) => !(x.ratio <= GOAL_READ_PER_RETURNED));
    const drift = (set: SetName, index: string): { a: number; b: number; d: number } | null => {
      const a = rowOf(first, set, index);
      const b = rowOf(last, set, index);
      if (!a || !b || first === last) return null;
      const ra = summary(a.samples).read;
      const rb = summary(b.samples).read;
      return { a: ra, b: rb, d: (rb - ra) / ra };
    };
    const identicalPerOrigin = (index: string): boolean => {
      const a = rowOf(first, 'centre', index);
      return CITY_SIZES.every((size) => {
        const b = rowOf(size, 'centre', index);
        return !!a && !!b && a.samples.every((s, i) => s.read === b.samples[i]?.read && s.returned === b.samples[i]?.returned);
      });
    };
    const centreDrift = drift('centre', 'ours');
    const edgeFirstReturned = summary(rowOf(first, 'edge', 'ours')?.samples ?? []).returned;
    const sameAsTuned = SETS.every((set) => {
      const a = rowOf(first, set, peerName(PEER_DEFAULT_HASH_KEY_LENGTH))?.samples ?? [];
      const b = rowOf(first, set, peerName(PEER_TUNED_HASH_KEY_LENGTH))?.samples ?? [];
      return a.length > 0 && a.every((x, i) => x.queries === b[i]?.queries && x.read === b[i]?.read && x.returned === b[i]?.returned);
    });
    const edgeDrift = drift('edge', 'ours');
    const peerDrifts = peerLengths.filter((hkl) => peerSizes(hkl).length > 1).map((hkl) => ({ name: peerName(hkl), d: drift('centre', peerName(hkl)), same: identicalPerOrigin(peerName(hkl)) }));

    // S2 reference geometry.
    const areaStats = (set: SetName) => {
      const s2Ratios = originsOf(set).map((o) => s2Covering(o, radius).areaRatio);
      const planRatios = originsOf(set).map((o) => planAreaRatio(o, radius));
      return { s2Mean: mean(s2Ratios), s2P95: quantile(s2Ratios, 0.95), planMean: mean(planRatios), planP95: quantile(planRatios, 0.95) };
    };
    const areas = new Map(SETS.map((set) => [set, areaStats(set)]));
    const s2Table = s2Rows.map((x) =>
      `| ${fmtSize(x.size)} | ${x.set} | ${(x.oursOnsiteRead / ORIGINS_PER_SET).toFixed(1)} (${fmtRatio(x.oursOnsiteRead, x.onsiteReturned)}) | ` +
      `${(x.s2Read / ORIGINS_PER_SET).toFixed(1)} (${fmtRatio(x.s2Read, x.onsiteReturned)}) | ${(x.onsiteReturned / ORIGINS_PER_SET).toFixed(1)} |`);

    const loadLines = loads.map((l) =>
      `${fmtSize(l.size)}: +${int(l.services)} on-site and +${int(l.homeVisits)} home-visit services, ` +
      `${l.via === 'save' ? 'through `save`' : 'index items by BatchWriteItem'}, ${int(l.items)} items in ${fmtMs(l.ms)} ` +
      `(${int((l.items * 1000) / l.ms)} items/s); peer tables ${l.peerMs.map((ms) => fmtMs(ms)).join(' and ')}`);
    const mismatchTotal = sum([...mismatches.values()]);
    const searchesCompared = mismatches.size * ORIGINS_PER_SET;
    const loadAtEnd = load1();
    const driftLine = (x: { a: number; b: number; d: number } | null): string =>
      (x ? `${x.a.toFixed(1)} → ${x.b.toFixed(1)} items read per search (${pct(x.d)})` : 'n/a (one city size only)');

    const body = [
      '## Geo search: the ten-minute circle in cities of 1k, 10k and 100k services',
      '',
      provenance('npm run bench', 'npx tsx bench/geo.ts'),
      '',
      `Category \`${CATEGORY}\`, on DynamoDB Local (in memory, one JVM on the same cores as the bench; counts carry over to ` +
        'DynamoDB, latencies only compare the indexes here). Each city has N on-site services plus ' +
        `${100 * HOME_VISIT_SHARE}% home-visit ones (travel radius ${HV_RADIUS_MIN_M / 1000}-${HV_RADIUS_MAX_M / 1000} km), one service ` +
        `per merchant. The 1k city: half its services uniform within ${DENSE_RADIUS_M / 1000} km of the centre (31.69N 113.37E), ` +
        `half uniform over a disc ${(2 * CITY_RADIUS_M) / 1000} km across. **The centre block is identical in every city**: the 10k ` +
        `and 100k cities are the 1k city plus services drawn over the whole disc but never within ${CENTRE_BLOCK_M / 1000} km of ` +
        'the centre, and home-visit ones whose travel area reaches no grid cell a centre origin queries; so the services any ' +
        'centre search can read are the same in all sizes and only the rest of the city grows (every centre search reads ' +
        `within ${Math.round(reach.ours)} m of the centre with our index, ${Math.round(reach.peer)} m with dynamodb-geo: checked). ` +
        'Outside the block the 100k city is ~100x denser than the 1k one, so the edge neighbourhood is not the same across sizes.',
      '',
      `Origins: ${ORIGINS_PER_SET} fixed points uniform within ${ORIGIN_SPREAD_M / 1000} km of the centre, and ${ORIGINS_PER_SET} within ` +
        `${ORIGIN_SPREAD_M / 1000} km of a point ${EDGE_OFFSET_M / 1000} km east of it (sparse edge). Radius: a ${WALK.minutes}-minute ` +
        `walk, \`circleRadiusM\` = ${radius.toFixed(0)} m. Ours: \`searchServices\` over the store's \`searchIndex\` (strip Queries ` +
        '+ one home-visit cell Query); items read = ScannedCount of its Queries, items returned = every hit in the circle ' +
        `(\`total\`, not the first ${SEARCH_LIMIT_MAX}). dynamodb-geo ${'`'}queryRadius${'`'} on its own table (GeoTableUtil's schema, ` +
        'batchWritePoints of the same on-site services, each point carrying the same service card); its Queries counted on its v2 ' +
        'client, items read = their ScannedCount, pages included. It has no notion of a home visit, so it holds on-site services ' +
        'only: compare it with the on-site column. Latency: one search at a time, the indexes measured at that size taking turns per origin, after ' +
        `${WARMUP_SEARCHES} warm-up searches each; wall time of \`searchServices\` / \`queryRadius\`.`,
      '',
      '| city | origins | index | Queries / search (mean / max) | items read / search | items returned / search | read / returned | on-site only: read / returned (ratio) | latency p50 | latency p95 |',
      '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...table,
      '',
      `- Goal ≤ ${GOAL_QUERIES_MAX} Queries per search: at most ${maxQueries} → ${verdict(maxQueries <= GOAL_QUERIES_MAX)}.`,
      `- Goal ≤ ${GOAL_READ_PER_RETURNED} items read per item returned (sum read / sum returned): centre ${ratioList('centre')}; ` +
        `edge ${ratioList('edge')} → ${verdict(ratioMissed.length === 0)}` +
        (ratioMissed.length ? ` (missed: ${ratioMissed.map((x) => `${fmtSize(x.r.size)} ${x.r.set}`).join(', ')}).` : '.'),
      `- Goal: items read per centre search at ${fmtSize(last)} within ${100 * GOAL_COST_DRIFT}% of ${fmtSize(first)}: ${driftLine(centreDrift)} → ` +
        `${verdict(centreDrift !== null && Math.abs(centreDrift.d) <= GOAL_COST_DRIFT)}; identical per origin in every city: ${identicalPerOrigin('ours') ? 'yes' : 'no'}.`,
      `- For reference, not a goal: the edge (whose services grow with the city) ${driftLine(edgeDrift)}. dynamodb-geo at the centre: ` +
        peerDrifts.map((p) => `${p.name.replace('dynamodb-geo, ', '')} ${driftLine(p.d)}, identical per origin: ${p.same ? 'yes' : 'no'}`).join('; ') + '.',
      `- Same on-site results from both indexes: ${mismatchTotal === 0 ? `yes, in all ${int(searchesCompared)} search pairs` : `${int(searchesCompared - mismatchTotal)} of ${int(searchesCompared)} search pairs agree; ` +
        `in the other ${mismatchTotal}, every service only one index returned lies within ${Math.max(...edgeGaps).toFixed(2)} m of the circle's edge ` +
        '(dynamodb-geo measures distance on a sphere of 6,367 km radius, ours 6,371 km: 0.06% of 369 m is 0.23 m)'}.`,
      `- dynamodb-geo's hashKeyLength, Queries per search from the library's own coverings of the ${ORIGINS_PER_SET} centre circles ` +
        `(mean / max): ${hklQueries.map((h) => `${h.hkl}: ${h.mean.toFixed(1)} / ${h.max}`).join(', ')}; which items they read does not ` +
        `depend on it. Measured: ${PEER_DEFAULT_HASH_KEY_LENGTH} (the JS port's documented default) at ${fmtSize(first)} only, and ` +
        `${PEER_TUNED_HASH_KEY_LENGTH} (tuned: the largest that keeps every search within ${GOAL_QUERIES_MAX} Queries, as its README advises ` +
        `picking the largest your searches allow; derived from the plan this run: ${tunedFromPlan}) at every size. The two issue the same ` +
        `Queries for every centre origin (${sameQueriesAsDefault ? 'yes' : 'no'}, from the plan) and read the same items ` +
        `(${sameAsTuned ? 'yes, per origin, in the 1k searches' : 'no'}), so the default was not reloaded at larger sizes. The Java ` +
        'library\'s default 6 issues the same Queries as both here. ' +
        `Computing one covering takes dynamodb-geo ${fmtMs(planned.ms / ORIGINS_PER_SET)} of CPU in this process (nodes2ts, decimal.js): most of its latency.`,
      `- At the ${fmtSize(first)} edge a search returns ${edgeFirstReturned.toFixed(1)} services on average (most circles there are empty): ` +
        'a ratio over so few items says little.',
      `- Loading (cumulative city): ${loadLines.join('; ')}. Only the ${fmtSize(first)} city goes through \`save\`: growth writes the ` +
        'index items (built with the store\'s exported `indexKeysOf` and `serviceCard`, in `save`\'s item shape, each card marshalled ' +
        'once per service) straight with BatchWriteItem, 8 requests in flight, and no merchant or service records, which search never reads; ' +
        `${savedItemsChecked} index items written by \`save\` were read back and found identical to what the bench builds and sends.`,
      '',
      `For reference, what an S2 covering would read instead (s2js \`RegionCoverer\`, maxCells ${S2_MAX_CELLS}, covering the circle as a ` +
        '`Cap`; counted in memory over the same on-site services, with their leaf cell ids): covering area / circle area, centre ' +
        `${areas.get('centre')?.s2Mean.toFixed(2)} mean (p95 ${areas.get('centre')?.s2P95.toFixed(2)}), edge ${areas.get('edge')?.s2Mean.toFixed(2)} ` +
        `(p95 ${areas.get('edge')?.s2P95.toFixed(2)}); our strip Queries span ${areas.get('centre')?.planMean.toFixed(2)} (p95 ` +
        `${areas.get('centre')?.planP95.toFixed(2)}) and ${areas.get('edge')?.planMean.toFixed(2)} (p95 ${areas.get('edge')?.planP95.toFixed(2)}) of the circle's area.`,
      '',
      '| city | origins | ours, on-site: read / search (read / returned) | S2 covering, 8 cells: read / search (read / returned) | on-site returned / search |',
      '| --- | --- | ---: | ---: | ---: |',
      ...s2Table,
      '',
      `- Whole bench: ${fmtMs(performance.now() - benchStart)} including DynamoDB Local start-up. Peak RSS of the bench process: ` +
        `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB. 1-minute load average ${loadAtStart.toFixed(1)} at the start and ` +
        `${loadAtEnd.toFixed(1)} at the end, on ${os.cpus().length} cores: other work on this machine shares them, so latencies are upper bounds.`,
    ].join('\n');

    if (QUICK) log('--quick: report not written');
    else await writeSection(SECTION, body);
    console.log(body);
  } finally {
    await dynamo?.stop();
  }
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
