// Search against brute force on DynamoDB Local: for 1,000 random origins and walking times the
// index returns exactly the services a scan of all services would, in the same order; suspended
// merchants never appear; the Query budget holds.
import { beforeAll, describe, expect, it } from 'vitest';
import { createMerchantStore } from '@tmc/store/merchants';
import { searchServices, inCircle, toHit, hitOrder, SEARCH_LIMIT_MAX } from '@tmc/core/search';
import { serviceCard, type Merchant, type Service, type ServiceCard } from '@tmc/core/merchants';
import { circleRadiusM } from '@tmc/core/geo';
import { seededRandom } from '@tmc/core/demo-district';
import { makeTestDb } from '../support/db';

const NOW = new Date('2026-11-23T02:00:00Z'); // 10:00 in Suizhou, a Monday
const SERVICES = 300;
let store: ReturnType<typeof createMerchantStore>;
const matchable: ServiceCard[] = [];

beforeAll(async () => {
  store = createMerchantStore(await makeTestDb('search'));
  const rnd = seededRandom(7);
  for (let i = 0; i < SERVICES / 3; i++) {
    // dense centre, sparse edges: half within ~1 km, the rest over ~8 km
    const spread = i % 2 === 0 ? 0.01 : 0.08;
    const m: Merchant = {
      merchant_id: `m_${i}`, business_name: `商户${i}`, uscc: 'X', licence_number: 'L', licence_expires_on: null, contact_name: '张', contact_phone: '17000000000',
      address: '地址', location: { lat: 31.69 + (rnd() - 0.5) * spread, lng: 113.37 + (rnd() - 0.5) * spread }, community_code: 'zengdu.xicheng.shengli',
      categories: ['barber'], status: i % 10 === 9 ? 'suspended' : 'approved', decision_reason: null, rating_sum: Math.floor(rnd() * 50), rating_count: 10,
      version: 0, created_at: '', updated_at: '',
    };
    const services: Service[] = [0, 1, 2].map((j) => ({
      service_id: `s_${i}_${j}`, merchant_id: m.merchant_id, name: `服务${j}`, category: 'barber', price_points: 10 + j, ref_price_fen: 1000, duration_min: 30,
      mode: j === 2 && i % 4 === 0 ? 'home_visit' : 'onsite', radius_m: j === 2 && i % 4 === 0 ? 500 + Math.floor(rnd() * 2500) : null,
      hours: { mon: [['08:00', '18:00']] }, closed_dates: [], slot_minutes: 60, capacity_per_slot: 2, active: true, version: 1, updated_at: '',
    }));
    await store.save({ ...m, version: 1 }, services, null, []);
    if (m.status === 'approved') for (const s of services) matchable.push(serviceCard({ ...m, version: 1 }, s));
  }
}, 120_000);

describe('search vs brute force', () => {
  it('1,000 random origins and walking times: same set, same order, <= 8 Queries', async () => {
    const rnd = seededRandom(99);
    let maxQueries = 0;
    let nonEmpty = 0;
    for (let i = 0; i < 1000; i++) {
      const origin = { lat: 31.69 + (rnd() - 0.5) * 0.06, lng: 113.37 + (rnd() - 0.5) * 0.06 };
      const walking = { minutes: 1 + Math.floor(rnd() * 30), walking_m_per_min: 48, detour_factor: 1.3 };
      const got = await searchServices(store, { category: 'barber', origin, walking, now: NOW, limit: SEARCH_LIMIT_MAX, offset: 0 });
      const r = circleRadiusM(walking);
      const expected = matchable
        .map((c) => ({ c, in: inCircle(c, origin, r) }))
        .filter((x) => x.in.ok)
        .map((x) => toHit(x.c, x.in.distance_m, walking, NOW))
        .sort(hitOrder)
        .slice(0, SEARCH_LIMIT_MAX);
      expect(got.items.map((h) => h.service_id), `origin ${JSON.stringify(origin)} ${walking.minutes} min`).toEqual(expected.map((h) => h.service_id));
      maxQueries = Math.max(maxQueries, got.queries);
      if (got.items.length) nonEmpty++;
    }
    expect(maxQueries).toBeLessThanOrEqual(8);
    expect(nonEmpty).toBeGreaterThan(300); // the comparison is not vacuous
  }, 300_000);
});
