// The demo alliance as a newcomer meets it: every elder whose phone the console prints finds, in
// every category, a shop within the default ten-minute walk (not only a home visit from afar).
import { describe, expect, it } from 'vitest';
import { DEMO_COMMUNITIES, demoElderPhonesForLogin, demoElders } from './district';
import { demoMerchants } from './merchants';
import {
  DEFAULT_CATEGORIES,
  MerchantApplication,
  ServiceInput,
  serviceCard,
  type Merchant,
  type ServiceCard,
} from '@tmc/core/merchants/model';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import { searchServices, type SearchPort } from '@tmc/core/search/search';

const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in China

/** The demo alliance as search sees it, in memory: every card of the category, no slot taken. */
const demoPort = (): SearchPort => {
  const cards: ServiceCard[] = demoMerchants().flatMap((dm, i) => {
    const m: Merchant = {
      ...dm.application,
      merchant_id: `m${i}`,
      status: 'approved',
      decision_reason: null,
      rating_sum: 0,
      rating_count: 0,
      version: 1,
      created_at: '',
      updated_at: '',
    };
    return dm.services.map((s, j) =>
      serviceCard(m, {
        ...s,
        service_id: `s${i}_${j}`,
        merchant_id: m.merchant_id,
        active: true,
        version: 1,
        updated_at: '',
      }),
    );
  });
  return {
    searchIndex: async (category) => ({
      cards: cards.filter((c) => c.category === category),
      queries: 1,
      items_read: cards.length,
      truncated: false,
    }),
    ratingsOf: async () => new Map(),
    slotsTaken: async () => new Map(),
  };
};

describe('demoMerchants', () => {
  const merchants = demoMerchants();

  it('are 36 valid applications with valid services, in every category and community', () => {
    expect(merchants).toHaveLength(36);
    for (const m of merchants) {
      expect(MerchantApplication.parse(m.application)).toEqual(m.application);
      for (const s of m.services) expect(ServiceInput.parse(s)).toEqual(s);
    }
    expect(new Set(merchants.flatMap((m) => m.application.categories))).toEqual(
      new Set(DEFAULT_CATEGORIES.map((c) => c.code)),
    );
    expect(new Set(merchants.map((m) => m.application.community_code))).toEqual(
      new Set(DEMO_COMMUNITIES.map((c) => c.code)),
    );
    expect(demoMerchants()).toEqual(merchants); // deterministic
  });

  it('give every printed demo elder a shop of every category within the default ten-minute walk', async () => {
    const port = demoPort();
    const elders = demoElders();
    expect(demoElderPhonesForLogin.length).toBeGreaterThanOrEqual(3);
    for (const phone of demoElderPhonesForLogin) {
      const e = elders.find((x) => x.phone === phone);
      const community = DEMO_COMMUNITIES.find((c) => c.code === e?.community_code);
      if (!e || !community) throw new Error(`demo elder ${phone} not found`);
      const origin = e.location ?? community.centroid; // where the elder's search starts (elderOrigin)
      for (const c of DEFAULT_CATEGORIES) {
        const r = await searchServices(port, {
          category: c.code,
          origin,
          walking: DEFAULT_POLICY.circle,
          now: NOW,
          limit: 20,
          offset: 0,
        });
        expect(r.items.filter((h) => !h.home_visit).length, `${phone} ${c.name_zh}`).toBeGreaterThan(0);
      }
    }
  });
});
