// The geo bench's cities (`citySteps`) and loading them into our index: the base city through
// the store's `save`, growth as index items straight with BatchWriteItem (in `save`'s item shape,
// checked against what `save` wrote), and the same on-site services into the dynamodb-geo peer tables.
import { BatchWriteItemCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { serviceCard, type ServiceCard } from '@tmc/core/merchants/model';
import { indexItem, indexKeysOf, type MerchantStore } from '@tmc/store/entities/merchants';
import type { Db } from '@tmc/store/table';
import { BATCH_WRITE_MAX, retryUnprocessed } from '../fixtures/dynamo';
import { int } from '../fixtures/format';
import { baseCity, growth, merchantOf, serviceOf, type Site } from '../fixtures/geo-city';
import type { Peer } from '../fixtures/geo-peer';
import { inFlight } from '../fixtures/pool';
import { timed } from '../fixtures/stats';
import { isRecord } from '../fixtures/values';
import { CITY_SIZES, log, PROGRESS_EVERY, SAVE_CONCURRENCY, WRITE_CONCURRENCY } from './config';

export const cardOf = (s: Site): ServiceCard => serviceCard(merchantOf(s), serviceOf(s));

/** The index items `save` writes for a service, built by the store's own `indexItem`. */
const indexItemsOf = (s: Site): Record<string, unknown>[] => {
  const card = cardOf(s);
  return indexKeysOf(card).map((k) => indexItem(k, card));
};

const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false }; // the store's (table.ts)

/** The same items marshalled for the raw client: the card is marshalled once per service rather
 * than once per item (a home-visit service has ~100 items), which loads 100k ~30% faster here.
 * The item shape is written out here for that; checkItemsMatchSave proves it is `indexItem`'s. */
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
  await Promise.all(
    Array.from({ length: WRITE_CONCURRENCY }, async () => {
      for (let batch = takeBatch(); batch.length > 0; batch = takeBatch()) {
        const requests: WriteRequest[] = batch.map((Item) => ({ PutRequest: { Item } }));
        await retryUnprocessed(requests, async (pending) => {
          const out = await db.raw.send(new BatchWriteItemCommand({ RequestItems: { [db.table]: pending } }));
          return out.UnprocessedItems?.[db.table];
        });
        written += batch.length;
        if (cursor / sites.length >= nextReport) {
          log(
            `  ${Math.round(100 * nextReport)}% of services, ${int(written)} items, ` +
              `${int((written * 1000) / (performance.now() - t0))} items/s`,
          );
          nextReport += PROGRESS_EVERY;
        }
      }
    }),
  );
  return written;
};

/** JSON with keys sorted at every depth: equal strings mean equal items, whatever the key order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    isRecord(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );

/**
 * The bench writes most of the city without `save`, so it checks here that its items are the
 * ones `save` wrote: every index item of one on-site and one home-visit service of the base city,
 * read back and compared field by field with what indexItemsOf builds, and with what the bulk
 * load sends (rawIndexItemsOf, unmarshalled).
 */
export const checkItemsMatchSave = async (db: Db, sites: readonly Site[]): Promise<number> => {
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

export type CityStep = { size: number; added: Site[]; via: 'save' | 'batch' };
/** The cities, nested: each is the last plus growth that keeps out of the centre block (also
 * bench/search-walks.ts, which loads the same cities). */
export const citySteps = (centreCells: ReadonlySet<string>): CityStep[] => {
  const base = baseCity(CITY_SIZES[0] ?? 0);
  const steps: CityStep[] = [{ size: CITY_SIZES[0] ?? 0, added: base, via: 'save' }];
  let nextN = base.length;
  for (let i = 1; i < CITY_SIZES.length; i++) {
    const from = CITY_SIZES[i - 1] ?? 0;
    const to = CITY_SIZES[i] ?? 0;
    const added = growth(from, to, nextN, centreCells);
    nextN += added.length;
    steps.push({ size: to, added, via: 'batch' });
  }
  return steps;
};

export type Load = {
  size: number;
  services: number;
  homeVisits: number;
  via: string;
  items: number;
  ms: number;
  peerMs: number[];
};

/** Adds a step's services to our index, checks the items of the base city against `save`'s
 * (`checked`: how many, null for growth), then to the peers measured at this size. */
export const loadStep = async (
  db: Db,
  store: MerchantStore,
  step: CityStep,
  stepPeers: readonly Peer[],
): Promise<{ load: Load; checked: number | null }> => {
  const homeVisits = step.added.filter((s) => s.radius_m !== null).length;
  log(
    `city of ${int(step.size)}: adding ${int(step.added.length - homeVisits)} on-site + ` +
      `${int(homeVisits)} home-visit services (${step.via})`,
  );
  // Ours. The base city goes through the store's save (merchant, service and index items in one
  // transaction, or batches for the larger home-visit ones); growth writes index items only.
  const ours = await timed(async () => {
    if (step.via === 'batch') return batchWriteIndex(db, step.added);
    let items = 0;
    await inFlight(step.added, SAVE_CONCURRENCY, async (s) => {
      await store.save(merchantOf(s), [serviceOf(s)], null, []);
      items += 2 + indexKeysOf(cardOf(s)).length; // merchant + service + index items
    });
    return items;
  });
  const checked = step.via === 'save' ? await checkItemsMatchSave(db, step.added) : null;
  // The peer: the same on-site services as points carrying the same cards.
  const points = step.added.filter((s) => s.radius_m === null).map((s) => ({ card: cardOf(s) }));
  const peerMs: number[] = [];
  for (const peer of stepPeers) {
    log(`  ${peer.table}: ${int(points.length)} points`);
    peerMs.push((await timed(() => peer.load(points, WRITE_CONCURRENCY))).ms);
  }
  const load = {
    size: step.size,
    services: step.added.length - homeVisits,
    homeVisits,
    via: step.via,
    items: ours.value,
    ms: ours.ms,
    peerMs,
  };
  return { load, checked };
};
