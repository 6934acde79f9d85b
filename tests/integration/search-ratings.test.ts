// Ratings at city scale on DynamoDB Local: a rating writes one item whatever the merchant's travel
// radius (a 10 km home-visit shop has ~1,400 index cards, and a rating used to rewrite them all);
// search shows the rating, read by key for the page in one BatchGet; parallel ratings and a
// profile save racing them lose nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@tmc/store/table';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '@tmc/store/keys';
import { createMerchantStore, indexKeysOf } from '@tmc/store/entities/merchants';
import { migrateLegacyRatings } from '@tmc/local/migrate-legacy-ratings';
import { searchServices } from '@tmc/core/search/search';
import { serviceCard, type Merchant, type Service } from '@tmc/core/merchants/model';
import { makeTestDb } from '../support/db';

const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in China
const HOME = { lat: 31.69, lng: 113.37 };
const WALK = { minutes: 10, walking_m_per_min: 48, detour_factor: 1.3 };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const len = (x: unknown): number => (Array.isArray(x) ? x.length : 0);

/** Items written per command (Put/Update/Delete one, a transaction its writes, a batch its
 * requests) and BatchGet key lists, seen on the document client's middleware stack, where
 * commands carry their low-level names (UpdateItemCommand, ...). */
const watch = (db: Db) => {
  const log = { written: 0, batchGets: [] as unknown[][] };
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input: unknown = args.input;
      const name = context.commandName;
      if (isRecord(input)) {
        if (name === 'PutItemCommand' || name === 'UpdateItemCommand' || name === 'DeleteItemCommand') log.written += 1;
        if (name === 'TransactWriteItemsCommand' && Array.isArray(input.TransactItems))
          log.written += input.TransactItems.filter((t) => isRecord(t) && !('ConditionCheck' in t)).length;
        if (name === 'BatchWriteItemCommand' && isRecord(input.RequestItems))
          log.written += Object.values(input.RequestItems).reduce<number>((n, v) => n + len(v), 0);
        if (name === 'BatchGetItemCommand' && isRecord(input.RequestItems))
          for (const v of Object.values(input.RequestItems))
            if (isRecord(v) && Array.isArray(v.Keys)) log.batchGets.push(v.Keys);
      }
      return next(args);
    },
    { step: 'initialize', name: 'ratingTestWatch' },
  );
  return log;
};

let db: Db;
let store: ReturnType<typeof createMerchantStore>;
let log: ReturnType<typeof watch>;

const shop: Merchant = {
  merchant_id: 'm_far',
  business_name: '师傅到家维修',
  uscc: 'X',
  licence_number: 'L',
  licence_expires_on: null,
  contact_name: '王',
  contact_phone: '17000020000',
  address: '地址',
  location: HOME,
  community_code: 'zengdu.xicheng.shengli',
  categories: ['repair'],
  status: 'approved',
  decision_reason: null,
  rating_sum: 0,
  rating_count: 0,
  version: 1,
  created_at: '',
  updated_at: '',
};
const services: Service[] = [
  {
    service_id: 's_visit',
    merchant_id: 'm_far',
    name: '上门维修',
    category: 'repair',
    price_points: 30,
    ref_price_fen: 5000,
    duration_min: 60,
    mode: 'home_visit',
    radius_m: 10_000,
    hours: { mon: [['08:00', '18:00']] },
    closed_dates: [],
    slot_minutes: 60,
    capacity_per_slot: 2,
    active: true,
    version: 1,
    updated_at: '',
  },
  {
    service_id: 's_shop',
    merchant_id: 'm_far',
    name: '店内维修',
    category: 'repair',
    price_points: 20,
    ref_price_fen: 3000,
    duration_min: 60,
    mode: 'onsite',
    radius_m: null,
    hours: { mon: [['08:00', '18:00']] },
    closed_dates: [],
    slot_minutes: 60,
    capacity_per_slot: 2,
    active: true,
    version: 1,
    updated_at: '',
  },
];

beforeAll(async () => {
  db = await makeTestDb('ratings');
  store = createMerchantStore(db);
  log = watch(db);
  await store.save(shop, services, null, []);
}, 120_000);

describe('a rating', () => {
  it(
    'writes one item for a home-visit shop travelling 10 km (over a ' + 'thousand cards), and search shows it',
    async () => {
      const visit = services[0];
      if (!visit) throw new Error('no home-visit service');
      expect(indexKeysOf(serviceCard(shop, visit)).length).toBeGreaterThan(1_000);
      log.written = 0;
      await store.addRating('m_far', 4);
      expect(log.written).toBe(1);
      log.written = 0;
      await store.addRating('m_far', 5);
      expect(log.written).toBe(1);
      // 9 km east: only the home visit reaches this origin
      const origin = { lat: HOME.lat, lng: HOME.lng + 9_000 / (111_195 * Math.cos((HOME.lat * Math.PI) / 180)) };
      log.batchGets = [];
      const r = await searchServices(store, {
        category: 'repair',
        origin,
        walking: WALK,
        now: NOW,
        limit: 20,
        offset: 0,
      });
      expect(r.items.map((h) => [h.service_id, h.rating_avg, h.rating_count])).toEqual([['s_visit', 4.5, 2]]);
      // plain or marshalled
      const isRatingKey = (k: unknown) => isRecord(k) && (k.sk === 'RATING' || (isRecord(k.sk) && k.sk.S === 'RATING'));
      const ratingReads = log.batchGets.filter((keys) => keys.some(isRatingKey));
      expect(ratingReads).toHaveLength(1); // one BatchGet for the page
      expect((await store.getMerchant('m_far'))?.rating_count).toBe(2);
    },
  );

  it('30 parallel ratings racing a profile save: every rating counts, the save keeps its change', async () => {
    const before = await store.getMerchant('m_far');
    if (!before) throw new Error('shop missing');
    const stars = Array.from({ length: 30 }, (_, i) => 1 + (i % 5));
    await Promise.all([
      ...stars.map((s) => store.addRating('m_far', s)),
      // a profile edit read before the ratings, written while they land (a Put of the whole profile)
      store.save({ ...before, address: '新地址', version: before.version + 1 }, services, before, services),
    ]);
    const after = await store.getMerchant('m_far');
    expect(after?.address).toBe('新地址');
    expect(after?.rating_count).toBe(before.rating_count + 30);
    expect(after?.rating_sum).toBe(before.rating_sum + stars.reduce((a, b) => a + b, 0));
    const r = await searchServices(store, {
      category: 'repair',
      origin: HOME,
      walking: WALK,
      now: NOW,
      limit: 20,
      offset: 0,
    });
    expect(r.items.map((h) => h.rating_count)).toEqual([before.rating_count + 30, before.rating_count + 30]);
    expect(r.items.map((h) => h.address)).toEqual(['新地址', '新地址']);
  });

  it('a merchant never rated shows no rating', async () => {
    const other: Merchant = { ...shop, merchant_id: 'm_new', location: { lat: 31.5, lng: 113.2 } };
    const onsite = services[1];
    if (!onsite) throw new Error('no on-site service');
    await store.save(other, [{ ...onsite, service_id: 's_new', merchant_id: 'm_new' }], null, []);
    const r = await searchServices(store, {
      category: 'repair',
      origin: other.location,
      walking: WALK,
      now: NOW,
      limit: 20,
      offset: 0,
    });
    expect(r.items.map((h) => [h.service_id, h.rating_avg, h.rating_count])).toEqual([['s_new', null, 0]]);
    expect((await store.getMerchant('m_new'))?.rating_count).toBe(0);
  });

  it(
    'totals that profile items carried before are moved into the rating ' + 'item once, adding to newer ratings',
    async () => {
      const old: Merchant = { ...shop, merchant_id: 'm_old', location: { lat: 31.4, lng: 113.1 } };
      await store.save(old, [], null, []);
      // a profile as the code before this change wrote it: the totals on the profile item
      const { rating_sum: _s, rating_count: _c, ...profile } = old;
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...keys.merchant('m_old'), type: 'merchant', ...profile, rating_sum: 40, rating_count: 10 },
        }),
      );
      await store.addRating('m_old', 2); // a rating after the deploy, before the migration
      expect(await migrateLegacyRatings(db)).toMatchObject({ copied: 1 });
      expect(await migrateLegacyRatings(db)).toMatchObject({ copied: 0 }); // a second run changes nothing
      expect(await store.getMerchant('m_old')).toMatchObject({ rating_sum: 42, rating_count: 11 });
    },
  );
});
