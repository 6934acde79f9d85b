// Search against brute force on DynamoDB Local: for 1,000 origins and every walking time the API
// allows (1-60 minutes), the index returns exactly the services a scan of all services would,
// home visits included, in the same order, with the same total; suspended merchants never appear.
// Pages are small here (8 items) so strips and home-visit cells overflow a page in most searches:
// every page must be followed. A second city puts 600 home-visit services over one cell, more than
// a default page, and a third check cuts a search at a small bound: the answer says so.
import { beforeAll, describe, expect, it } from 'vitest';
import { createMerchantStore } from '@tmc/store/entities/merchants';
import {
  searchServices,
  inCircle,
  toHit,
  hitOrder,
  SEARCH_LIMIT_MAX,
  INDEX_BOUNDS,
  INDEX_PAGE_ITEMS,
  type IndexBounds,
} from '@tmc/core/search/search';
import { serviceCard, type Merchant, type Service, type ServiceCard } from '@tmc/core/merchants/model';
import { circleRadiusM, hvCellOf, hvCellsFor, planCircle, STRIPS_MAX } from '@tmc/core/search/geo';
import { seededRandom } from '@tmc/local/demo/district';
import { makeTestDb } from '../support/db';

const NOW = new Date('2026-11-23T02:00:00Z'); // 10:00 in Suizhou, a Monday
const SERVICES = 300;
const SMALL_PAGES: IndexBounds = { page_items: 8, items_max: INDEX_BOUNDS.items_max };
const MINUTES_MAX = 60; // GET /api/search allows minutes=1..60
let store: ReturnType<typeof createMerchantStore>;
const matchable: ServiceCard[] = [];

const merchant = (
  id: string,
  location: { lat: number; lng: number },
  status: Merchant['status'] = 'approved',
): Merchant => ({
  merchant_id: id,
  business_name: `商户${id}`,
  uscc: 'X',
  licence_number: 'L',
  licence_expires_on: null,
  contact_name: '张',
  contact_phone: '17000000000',
  address: '地址',
  location,
  community_code: 'zengdu.xicheng.shengli',
  categories: ['barber'],
  status,
  decision_reason: null,
  rating_sum: 0,
  rating_count: 0,
  version: 1,
  created_at: '',
  updated_at: '',
});
const service = (merchant_id: string, service_id: string, radius_m: number | null): Service => ({
  service_id,
  merchant_id,
  name: '服务',
  category: 'barber',
  price_points: 10,
  ref_price_fen: 1000,
  duration_min: 30,
  mode: radius_m === null ? 'onsite' : 'home_visit',
  radius_m,
  hours: { mon: [['08:00', '18:00']] },
  closed_dates: [],
  slot_minutes: 60,
  capacity_per_slot: 2,
  active: true,
  version: 1,
  updated_at: '',
});

beforeAll(async () => {
  store = createMerchantStore(await makeTestDb('search'));
  const rnd = seededRandom(7);
  for (let i = 0; i < SERVICES / 3; i++) {
    // dense centre, sparse edges: half within ~1 km, the rest over ~8 km
    const spread = i % 2 === 0 ? 0.01 : 0.08;
    const m = merchant(
      `m_${i}`,
      { lat: 31.69 + (rnd() - 0.5) * spread, lng: 113.37 + (rnd() - 0.5) * spread },
      i % 10 === 9 ? 'suspended' : 'approved',
    );
    // every third merchant also visits homes, 0.5-3.5 km away
    const services = [0, 1, 2].map((j) =>
      service(m.merchant_id, `s_${i}_${j}`, j === 2 && i % 3 === 0 ? 500 + Math.floor(rnd() * 3000) : null),
    );
    await store.save(m, services, null, []);
    if (m.status === 'approved') for (const s of services) matchable.push(serviceCard(m, s));
  }
}, 120_000);

describe('search vs brute force', () => {
  it('1,000 origins, every allowed walking time, pages of 8: same set, same order, same total, never cut', async () => {
    const rnd = seededRandom(99);
    let nonEmpty = 0;
    let paged = 0; // searches that needed more than one page of some Query
    let hvOverflow = 0; // searches whose home-visit cell holds more than a page
    let homeVisitsFound = 0;
    for (let i = 0; i < 1000; i++) {
      const origin = { lat: 31.69 + (rnd() - 0.5) * 0.06, lng: 113.37 + (rnd() - 0.5) * 0.06 };
      const walking = { minutes: 1 + (i % MINUTES_MAX), walking_m_per_min: 48, detour_factor: 1.3 };
      const r = circleRadiusM(walking);
      const expected = matchable
        .map((c) => ({ c, in: inCircle(c, origin, r) }))
        .filter((x) => x.in.ok)
        .map((x) => toHit(x.c, x.in.distance_m, walking, NOW))
        .sort(hitOrder);
      const what = `origin ${JSON.stringify(origin)} ${walking.minutes} min`;
      const got = await searchServices(store, {
        category: 'barber',
        origin,
        walking,
        now: NOW,
        limit: SEARCH_LIMIT_MAX,
        offset: 0,
        bounds: SMALL_PAGES,
      });
      expect(
        got.items.map((h) => h.service_id),
        what,
      ).toEqual(expected.slice(0, SEARCH_LIMIT_MAX).map((h) => h.service_id));
      expect(got.total, what).toBe(expected.length);
      expect(got.truncated, what).toBe(false);
      if (i % 4 === 0 && expected.length > SEARCH_LIMIT_MAX) {
        const next = await searchServices(store, {
          category: 'barber',
          origin,
          walking,
          now: NOW,
          limit: SEARCH_LIMIT_MAX,
          offset: SEARCH_LIMIT_MAX,
          bounds: SMALL_PAGES,
        });
        expect(
          next.items.map((h) => h.service_id),
          `${what}, second page`,
        ).toEqual(expected.slice(SEARCH_LIMIT_MAX, 2 * SEARCH_LIMIT_MAX).map((h) => h.service_id));
      }
      const firstRound = planCircle(origin, r).length + 1;
      expect(firstRound).toBeLessThanOrEqual(STRIPS_MAX + 1);
      if (got.queries > firstRound) paged++;
      const cell = hvCellOf(origin);
      if (
        matchable.filter((c) => c.radius_m !== null && hvCellsFor(c.location, c.radius_m).includes(cell)).length >
        SMALL_PAGES.page_items
      )
        hvOverflow++;
      homeVisitsFound += expected.filter((h) => h.home_visit).length;
      if (got.items.length) nonEmpty++;
    }
    // the comparison is not vacuous: results, home visits, and Queries that overflow their page
    expect(nonEmpty).toBeGreaterThan(500);
    expect(homeVisitsFound).toBeGreaterThan(1000);
    expect(paged).toBeGreaterThan(300);
    expect(hvOverflow).toBeGreaterThan(100);
  }, 600_000);
});

describe('a cell covered by more home-visit services than a page', () => {
  const SPOT = { lat: 31.75, lng: 113.45 }; // away from the first city
  const COUNT = INDEX_PAGE_ITEMS + 100;
  const spotCards: ServiceCard[] = [];

  beforeAll(async () => {
    // 20 shops x 30 home-visit services on one spot, travelling 150 m: every one covers the spot's cell
    for (let m = 0; m < COUNT / 30; m++) {
      const id = `hv_${m}`;
      const list = Array.from({ length: 30 }, (_, j) => service(id, `hv_${m}_${String(j).padStart(2, '0')}`, 150));
      await store.save(merchant(id, SPOT), list, null, []);
      spotCards.push(...list.map((s) => serviceCard(merchant(id, SPOT), s)));
    }
  }, 120_000);

  it('finds all 600 at the default page size, in order, not cut', async () => {
    const walking = { minutes: 10, walking_m_per_min: 48, detour_factor: 1.3 };
    const first = await searchServices(store, {
      category: 'barber',
      origin: SPOT,
      walking,
      now: NOW,
      limit: SEARCH_LIMIT_MAX,
      offset: 0,
    });
    expect(first).toMatchObject({ total: COUNT, truncated: false });
    expect(first.items_read).toBeGreaterThanOrEqual(COUNT);
    const last = await searchServices(store, {
      category: 'barber',
      origin: SPOT,
      walking,
      now: NOW,
      limit: SEARCH_LIMIT_MAX,
      offset: COUNT - SEARCH_LIMIT_MAX,
    });
    const all = Array.from(
      { length: COUNT },
      (_, n) => `hv_${Math.floor(n / 30)}_${String(n % 30).padStart(2, '0')}`,
    ).sort(); // one spot: by id
    expect(last.items.map((h) => h.service_id)).toEqual(all.slice(COUNT - SEARCH_LIMIT_MAX));
    expect(last.items.every((h) => h.home_visit)).toBe(true);
  });

  it(
    'brute force at the default page size: 60 origins within 250 m of the ' + 'spot, every allowed walking time',
    async () => {
      const rnd = seededRandom(5);
      const all = [...matchable, ...spotCards];
      let full = 0; // searches where all 600 reach the origin: the cell Query overflows a default page
      for (let i = 0; i < 60; i++) {
        const origin = { lat: SPOT.lat + (rnd() - 0.5) * 0.0045, lng: SPOT.lng + (rnd() - 0.5) * 0.0053 };
        const walking = { minutes: 1 + (i % MINUTES_MAX), walking_m_per_min: 48, detour_factor: 1.3 };
        const r = circleRadiusM(walking);
        const expected = all
          .map((c) => ({ c, in: inCircle(c, origin, r) }))
          .filter((x) => x.in.ok)
          .map((x) => toHit(x.c, x.in.distance_m, walking, NOW))
          .sort(hitOrder);
        const got = await searchServices(store, {
          category: 'barber',
          origin,
          walking,
          now: NOW,
          limit: SEARCH_LIMIT_MAX,
          offset: 0,
        });
        const what = `origin ${JSON.stringify(origin)} ${walking.minutes} min`;
        expect(got.total, what).toBe(expected.length);
        expect(
          got.items.map((h) => h.service_id),
          what,
        ).toEqual(expected.slice(0, SEARCH_LIMIT_MAX).map((h) => h.service_id));
        expect(got.truncated, what).toBe(false);
        if (expected.length >= COUNT) full++;
      }
      expect(full).toBeGreaterThan(5);
    },
    300_000,
  );

  it('stops at a stated bound and says the answer was cut', async () => {
    const walking = { minutes: 10, walking_m_per_min: 48, detour_factor: 1.3 };
    const bounds: IndexBounds = { page_items: 100, items_max: 250 };
    const cut = await searchServices(store, {
      category: 'barber',
      origin: SPOT,
      walking,
      now: NOW,
      limit: SEARCH_LIMIT_MAX,
      offset: 0,
      bounds,
    });
    expect(cut.truncated).toBe(true);
    expect(cut.items_read).toBeLessThanOrEqual(bounds.items_max);
    expect(cut.total).toBeLessThan(COUNT);
    expect(cut.total).toBeGreaterThan(0);
  });
});
