// Merchants, their services, categories, ratings and the geo index of matchable services.
// Index items carry the whole service card, so a search reads index items and, for the page it
// shows, the merchants' rating items by key (a rating is one item, never copied into cards).
// A merchant change and its index changes go in one transaction when they fit in 100 items;
// larger ones (home-visit services reach many cells) are written in an order that never shows a
// suspended merchant: removals before the status change, additions after it.
import { BatchWriteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hvCellsFor, latKey, planCircle, hvCellOf, stripsOf } from '@tmc/core/search/geo';
import {
  isMatchable,
  serviceCard,
  type Category,
  type CategoryInput,
  type Merchant,
  type Service,
  type ServiceCard,
} from '@tmc/core/merchants/model';
import type { LatLng } from '@tmc/core/areas/model';
import {
  readPages,
  slotKey,
  type IndexBounds,
  type IndexRead,
  type MerchantRating,
  type SlotRef,
} from '@tmc/core/search/search';
import { AppError } from '@tmc/core/kernel/errors';
import type { CategoryAudit } from '@tmc/core/merchants/categories';
import { batchGet } from '../batch-get';
import { auditItem } from './audit';
import { ledgerKeys } from './ledger';
import { transact, TRANSACT_MAX_ITEMS, type TxItem } from '../tx';
import { queryIndexPage } from '../page-query';
import { fromItem } from '../item';
import type { Db } from '../table';
import { merchantKeys, SERVICES_PER_MERCHANT_MAX } from './merchant-keys';
import { shopCopyOf } from './shop-copy';

export { merchantKeys, merchantPatterns, SERVICES_PER_MERCHANT_MAX } from './merchant-keys';

const keys = merchantKeys; // this entity's own keys, by their short names

const BATCH_WRITE_MAX = 25;
/** One Query page reads every category: the bureau's list is a handful (five to start), never near this. */
const CATEGORIES_MAX = 100;

const auditPut = (table: string, a: CategoryAudit): TxItem => ({
  Put: {
    TableName: table,
    Item: auditItem(a.event, a.at, a.id),
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

type Key = { pk: string; sk: string };
const keyStr = (k: Key) => `${k.pk}\u0000${k.sk}`;

/** Every index key a card occupies. */
export const indexKeysOf = (c: ServiceCard): Key[] =>
  c.mode === 'home_visit' && c.radius_m !== null
    ? hvCellsFor(c.location, c.radius_m).map((cell) => keys.geoHomeVisit(c.category, cell, c.service_id))
    : stripsOf(c.location).map((s) =>
        keys.geoStrip(c.category, s.level, s.strip, latKey(c.location.lat), c.service_id),
      );

// The profile item carries no rating: the rating item is the only copy, so a profile save (a Put
// of the whole item) can never write back totals read before a concurrent rating.
const merchantItem = ({ rating_sum: _s, rating_count: _c, ...m }: Merchant) => ({
  ...keys.merchant(m.merchant_id),
  ...keys.merchantStatusIndex(m.status, m.updated_at, m.merchant_id),
  type: 'merchant',
  ...m,
});
const ratingOfItem = (it: Record<string, unknown> | undefined): MerchantRating => ({
  rating_sum: Number(it?.rating_sum ?? 0),
  rating_count: Number(it?.rating_count ?? 0),
});
const serviceItem = (s: Service) => ({ ...keys.service(s.merchant_id, s.service_id), type: 'service', ...s });
/** An index item: the whole card under one of its index keys (bench/geo.ts bulk-loads these too). */
export const indexItem = (key: Key, card: ServiceCard) => ({ ...key, type: 'geo', ...card });

export type MerchantStore = ReturnType<typeof createMerchantStore>;

export const createMerchantStore = (db: Db) => {
  const T = db.table;

  const getMerchant = async (merchant_id: string): Promise<Merchant | null> => {
    const [r, rating] = await Promise.all([
      db.doc.send(new GetCommand({ TableName: T, Key: keys.merchant(merchant_id), ConsistentRead: true })),
      db.doc.send(new GetCommand({ TableName: T, Key: keys.merchantRating(merchant_id), ConsistentRead: true })),
    ]);
    if (!r.Item) return null;
    return { ...fromItem<Omit<Merchant, 'rating_sum' | 'rating_count'>>(r.Item), ...ratingOfItem(rating.Item) };
  };

  /** Rating totals of merchants by key (one BatchGet per 100); merchants never rated are absent. */
  const ratingsOf = async (merchant_ids: readonly string[]): Promise<Map<string, MerchantRating>> => {
    const ids = [...new Set(merchant_ids)]; // BatchGetItem refuses a request that names the same key twice
    const items = await batchGet(
      db,
      ids.map((id) => keys.merchantRating(id)),
    );
    const out = new Map<string, MerchantRating>();
    for (const it of items) out.set(String(it.merchant_id), ratingOfItem(it));
    return out;
  };

  /** The booking path's read: the profile and one service in one consistent BatchGet (no rating, no
   * other services). The merchant comes without its rating totals, which booking never shows. */
  const merchantAndService = async (
    merchant_id: string,
    service_id: string,
  ): Promise<{ merchant: Omit<Merchant, 'rating_sum' | 'rating_count'> | null; service: Service | null }> => {
    const items = await batchGet(db, [keys.merchant(merchant_id), keys.service(merchant_id, service_id)], true);
    const merchant = items.find((it) => it.sk === 'PROFILE');
    const service = items.find((it) => it.sk !== 'PROFILE');
    return {
      merchant: merchant ? fromItem<Omit<Merchant, 'rating_sum' | 'rating_count'>>(merchant) : null,
      service: service ? fromItem<Service>(service) : null,
    };
  };

  const services = async (merchant_id: string): Promise<Service[]> => {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: T,
        ConsistentRead: true,
        Limit: SERVICES_PER_MERCHANT_MAX,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': keys.merchantPk(merchant_id), ':s': keys.serviceSkPrefix() },
      }),
    );
    return (r.Items ?? []).map((it) => fromItem<Service>(it));
  };

  /** The index a merchant should have: cards of its matchable services. */
  const wantedIndex = (m: Merchant | null, list: Service[]): Map<string, { key: Key; card: ServiceCard }> => {
    const out = new Map<string, { key: Key; card: ServiceCard }>();
    if (!m) return out;
    for (const s of list) {
      if (!isMatchable(m, s)) continue;
      const card = serviceCard(m, s);
      for (const k of indexKeysOf(card)) out.set(keyStr(k), { key: k, card });
    }
    return out;
  };

  const batchWrite = async (requests: Record<string, unknown>[]) => {
    for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX) {
      let pending: Record<string, unknown>[] | undefined = requests.slice(i, i + BATCH_WRITE_MAX);
      for (let attempt = 0; pending && pending.length; attempt++) {
        if (attempt > 8) throw new Error('BatchWrite: unprocessed items after retries');
        if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        const r = await db.doc.send(new BatchWriteCommand({ RequestItems: { [T]: pending } }));
        pending = r.UnprocessedItems?.[T] as Record<string, unknown>[] | undefined;
      }
    }
  };

  /**
   * Writes the merchant (conditional on its version), services, and the index difference between
   * before and after. `prev` is the stored merchant (null when new) with its stored services.
   */
  const save = async (next: Merchant, nextServices: Service[], prev: Merchant | null, prevServices: Service[]) => {
    const before = wantedIndex(prev, prevServices);
    const after = wantedIndex(next, nextServices);
    const puts = [...after.entries()]
      .filter(([k, v]) => JSON.stringify(before.get(k)?.card) !== JSON.stringify(v.card))
      .map(([, v]) => indexItem(v.key, v.card));
    const dels = [...before.entries()].filter(([k]) => !after.has(k)).map(([, v]) => v.key);
    const merchantPut: TxItem = {
      Put: {
        TableName: T,
        Item: merchantItem(next),
        ConditionExpression: prev ? 'version = :v' : 'attribute_not_exists(pk)',
        ...(prev ? { ExpressionAttributeValues: { ':v': prev.version } } : {}),
      },
    };
    const changedServices = nextServices.filter(
      (s) => JSON.stringify(s) !== JSON.stringify(prevServices.find((p) => p.service_id === s.service_id)),
    );
    const serviceWrites: TxItem[] = changedServices.map((s) => ({ Put: { TableName: T, Item: serviceItem(s) } }));
    const all: TxItem[] = [
      merchantPut,
      ...serviceWrites,
      ...puts.map((Item) => ({ Put: { TableName: T, Item } })),
      ...dels.map((Key) => ({ Delete: { TableName: T, Key } })),
    ];
    if (all.length <= TRANSACT_MAX_ITEMS) {
      await transact(db, all, (i) => (i === 0 ? 'CONFLICT' : 'CONFLICT'));
      return;
    }
    // Too big for one transaction: removals first, then the merchant (the versioned write that
    // decides races), then additions. A crash leaves the merchant less visible, never more.
    await batchWrite(dels.map((Key) => ({ DeleteRequest: { Key } })));
    await transact(db, [merchantPut, ...serviceWrites].slice(0, TRANSACT_MAX_ITEMS), () => 'CONFLICT');
    await batchWrite(puts.map((Item) => ({ PutRequest: { Item } })));
  };
  /** Every save, whole or failed part-way, ends this process's copies of the shop (shop-copy.ts): a
   * booking here after it reads the shop again. */
  const saveAndForget: typeof save = async (next, ...rest) => {
    try {
      await save(next, ...rest);
    } finally {
      shopCopyOf(db).forget(next.merchant_id);
    }
  };

  return {
    getMerchant,
    merchantAndService,
    services,
    save: saveAndForget,
    ratingsOf,
    /** A new rating: sum and count move by one atomic ADD on the merchant's rating item (no read,
     * no lost update). It writes that one item whatever the merchant's services and travel radius:
     * search reads the totals by key for the page it shows, so no card carries a copy. The order
     * that is rated names an existing merchant (merchants are suspended, never deleted). */
    async addRating(merchant_id: string, stars: number) {
      await db.doc.send(
        new UpdateCommand({
          TableName: T,
          Key: keys.merchantRating(merchant_id),
          UpdateExpression: 'SET #t = :type, merchant_id = :m ADD rating_sum :s, rating_count :one',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: { ':type': 'merchant_rating', ':m': merchant_id, ':s': stars, ':one': 1 },
        }),
      );
    },
    async byStatus(status: Merchant['status'], limit: number, cursor?: string) {
      const pk = keys.merchantStatusPk(status);
      const r = await queryIndexPage(db, { index: 'gsi1', pk, newest_first: false, limit, cursor });
      const profiles = r.items.map((it) => fromItem<Omit<Merchant, 'rating_sum' | 'rating_count'>>(it));
      const ratings = await ratingsOf(profiles.map((m) => m.merchant_id));
      return {
        items: profiles.map((m): Merchant => ({ ...m, ...ratingOfItem(ratings.get(m.merchant_id)) })),
        cursor: r.cursor,
      };
    },
    /** Every category, retired ones included (marked): callers that offer categories filter them
     * with `activeCategories` (core merchants/model.ts). */
    async categories(): Promise<Category[]> {
      const r = await db.doc.send(
        new QueryCommand({
          TableName: T,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': keys.categoriesPk() },
          Limit: CATEGORIES_MAX,
        }),
      );
      return (r.Items ?? []).map((it) => ({
        code: String(it.code),
        name_zh: String(it.name_zh),
        name_en: String(it.name_en),
        icon: String(it.icon),
        ...(it.retired === true ? { retired: true } : {}),
      }));
    },
    /** Adds a category or renames one (names and icon only: an Update, so a rename racing a
     * retirement never brings the category back); its audit record rides in the same transaction. */
    async putCategory(c: CategoryInput, audit?: CategoryAudit) {
      const items: TxItem[] = [
        {
          Update: {
            TableName: T,
            Key: keys.category(c.code),
            UpdateExpression: 'SET #t = :t, code = :c, name_zh = :zh, name_en = :en, icon = :i',
            ExpressionAttributeNames: { '#t': 'type' },
            ExpressionAttributeValues: {
              ':t': 'category',
              ':c': c.code,
              ':zh': c.name_zh,
              ':en': c.name_en,
              ':i': c.icon,
            },
          },
        },
      ];
      if (audit) items.push(auditPut(T, audit));
      await transact(db, items, () => 'CONFLICT');
    },
    /** Retires a category once: the one writer whose condition holds (it exists, not yet retired)
     * writes the flag and its audit record together; anyone else learns which case it was. */
    async retireCategory(code: string, audit: CategoryAudit): Promise<'retired' | 'missing' | 'already'> {
      try {
        await transact(
          db,
          [
            {
              Update: {
                TableName: T,
                Key: keys.category(code),
                UpdateExpression: 'SET retired = :y',
                ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(retired) OR retired = :n)',
                ExpressionAttributeValues: { ':y': true, ':n': false },
              },
            },
            auditPut(T, audit),
          ],
          (i) => (i === 0 ? 'CATEGORY_RETIRED' : 'CONFLICT'),
        );
        return 'retired';
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'CATEGORY_RETIRED') throw e;
        const r = await db.doc.send(new GetCommand({ TableName: T, Key: keys.category(code), ConsistentRead: true }));
        return r.Item ? 'already' : 'missing';
      }
    },
    /** Places taken per slot (the counters order requests and releases move), by GetItem keys. */
    async slotsTaken(slots: readonly SlotRef[]): Promise<Map<string, number>> {
      // keyed by pk: BatchGetItem refuses a request that names the same key twice
      const asked = new Map(
        slots.map((r) => {
          const key = ledgerKeys.counterOf({ kind: 'slot', service_id: r.service_id, start: r.start });
          return [key.pk, { key, ref: slotKey(r) }] as const;
        }),
      );
      const items = await batchGet(
        db,
        [...asked.values()].map((a) => a.key),
      );
      const out = new Map<string, number>();
      for (const it of items) {
        const a = asked.get(String(it.pk));
        if (a) out.set(a.ref, Number(it.amount ?? 0));
      }
      return out;
    },
    /** Search reads: one latitude-range Query per strip plus one home-visit cell Query, each
     * followed page by page (LastEvaluatedKey) within `bounds` (see `readPages`). `queries` counts
     * Query requests, pages included; `items_read` the items they read. */
    async searchIndex(category: string, origin: LatLng, radius_m: number, bounds: IndexBounds): Promise<IndexRead> {
      const plan = planCircle(origin, radius_m);
      const query = (q: number, limit: number, start: Record<string, unknown> | undefined) => {
        const strip = plan[q];
        return db.doc.send(
          new QueryCommand(
            strip
              ? {
                  TableName: T,
                  KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
                  Limit: limit,
                  ExclusiveStartKey: start,
                  ExpressionAttributeValues: {
                    ':p': keys.geoStripPk(category, strip.level, strip.strip),
                    ':lo': keys.geoStripFrom(strip.lat_lo),
                    ':hi': keys.geoStripTo(strip.lat_hi),
                  },
                }
              : {
                  TableName: T,
                  KeyConditionExpression: 'pk = :p',
                  Limit: limit,
                  ExclusiveStartKey: start,
                  ExpressionAttributeValues: { ':p': keys.geoHomeVisitPk(category, hvCellOf(origin)) },
                },
          ),
        );
      };
      const r = await readPages<Record<string, unknown>, Record<string, unknown>>(
        plan.length + 1,
        bounds,
        async (q, limit, start) => {
          const page = await query(q, limit, start);
          return {
            items: page.Items ?? [],
            scanned: page.ScannedCount ?? page.Items?.length ?? 0,
            next: page.LastEvaluatedKey,
          };
        },
      );
      const cards = new Map<string, ServiceCard>();
      for (const it of r.items) {
        // cards written before ratings left them may still carry rating fields: search ignores them
        cards.set(String(it.service_id), fromItem<ServiceCard>(it, ['rating_avg', 'rating_count']));
      }
      return { cards: [...cards.values()], queries: r.pages, items_read: r.items_read, truncated: r.truncated };
    },
  };
};
