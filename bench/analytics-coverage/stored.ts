// The coverage job on DynamoDB Local: the district of city.ts written as the store writes it (areas, elder
// profiles, approved merchants and their services; BatchWriteItem), then `runCoverage` with the store's
// own reads (areas by parent, elders by community, merchants by status, services per merchant) and the
// snapshot written; its counts must equal the pure computation over the same data.
import { isDeepStrictEqual } from 'node:util';
import { computeCoverage } from '@tmc/core/analytics/coverage';
import { runCoverage } from '@tmc/core/analytics/coverage-run';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Merchant, Service } from '@tmc/core/merchants/model';
import type { DynamoLocal } from '@tmc/local/dynamo-local';
import { createAreaStore, putArea } from '@tmc/store/entities/areas';
import { createCoverageStore } from '@tmc/store/entities/coverage';
import { createElderStore, profileItem } from '@tmc/store/entities/elders';
import { createMerchantStore, merchantKeys } from '@tmc/store/entities/merchants';
import { batchWriteAll, BATCH_WRITE_MAX, openTable } from '../fixtures/dynamo';
import { CATEGORIES, CENTRE, communities, district } from './city';
import { DEFAULT_POLICY_CIRCLE } from './policy';

const AT = '2026-12-01T00:00:00.000Z';
const WRITERS = 8; // BatchWriteItems in flight while seeding

export type StoredResult = { elders: number; services: number; seed_ms: number; run_ms: number; equal: boolean };

const writeAll = async (dynamo: Parameters<typeof batchWriteAll>[0], items: Record<string, unknown>[]) => {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) batches.push(items.slice(i, i + BATCH_WRITE_MAX));
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < batches.length) {
        const b = batches[next++] ?? [];
        await batchWriteAll(
          dynamo,
          b.map((Item) => ({ PutRequest: { Item } })),
        );
      }
    }),
  );
};

export const measureStored = async (dynamo: DynamoLocal, elders: number, services: number): Promise<StoredResult> => {
  const db = await openTable(dynamo, 'coverage');
  const d = district(elders, services);
  const t0 = performance.now();
  await putArea(db, { code: 'bench', name: 'bench', centroid: CENTRE });
  const streets = [...new Set(communities().map((c) => c.code.split('.').slice(0, 2).join('.')))];
  for (const s of streets) await putArea(db, { code: s, name: s, centroid: CENTRE });
  await Promise.all(communities().map((c) => putArea(db, { code: c.code, name: c.code, centroid: c.centre })));
  const merchants = createMerchantStore(db);
  for (const code of CATEGORIES) await merchants.putCategory({ code, name_zh: code, name_en: code, icon: '' });
  const elderItems = d.elders.map((e) =>
    profileItem({
      elder_id: e.elder_id,
      name: '测试',
      community_code: e.community_code,
      location: e.location,
      status: 'active',
    } as ElderRecord),
  );
  const byMerchant = new Map<string, typeof d.services>();
  for (const s of d.services) byMerchant.set(s.merchant_id, [...(byMerchant.get(s.merchant_id) ?? []), s]);
  const shopItems: Record<string, unknown>[] = [];
  for (const [mid, list] of byMerchant) {
    const first = list[0]!;
    const m = {
      merchant_id: mid,
      status: 'approved',
      location: first.location,
      categories: [...new Set(list.map((s) => s.category))],
      updated_at: AT,
    } as Merchant;
    shopItems.push({
      ...merchantKeys.merchant(mid),
      ...merchantKeys.merchantStatusIndex('approved', AT, mid),
      type: 'merchant',
      ...m,
    });
    for (const s of list) {
      // a merchant's services share its door: the generator's second service is moved there
      s.location = first.location;
      const svc = {
        service_id: s.service_id,
        merchant_id: mid,
        category: s.category,
        mode: s.mode,
        radius_m: s.radius_m,
        active: true,
      } as Service;
      shopItems.push({ ...merchantKeys.service(mid, s.service_id), type: 'service', ...svc });
    }
  }
  await writeAll(db, [...elderItems, ...shopItems]);
  const seed_ms = performance.now() - t0;
  const t1 = performance.now();
  const elderStore = createElderStore(db);
  const summary = await runCoverage(
    {
      areas: createAreaStore(db),
      eldersOf: (c, limit, cursor) => elderStore.listByCommunity(c, limit, cursor),
      approvedMerchants: (limit, cursor) => merchants.byStatus('approved', limit, cursor),
      servicesOf: (id) => merchants.services(id),
      categories: async () => (await merchants.categories()).map((c) => c.code),
    },
    createCoverageStore(db),
    { now: new Date(AT), walking: DEFAULT_POLICY_CIRCLE, by: 'system:bench' },
  );
  const run_ms = performance.now() - t1;
  const stored = await createCoverageStore(db).current('');
  const pure = computeCoverage(d.elders, d.services, CATEGORIES, DEFAULT_POLICY_CIRCLE);
  const got = (stored?.rows ?? [])
    .filter((r) => r.elders > 0)
    .map(({ community_code, elders: n, unlocated, covered }) => ({ community_code, elders: n, unlocated, covered }));
  const equal =
    summary.inputs.elders === elders && summary.inputs.services === services && isDeepStrictEqual(got, pure);
  if (!equal)
    console.error('stored vs pure', JSON.stringify(summary.inputs), JSON.stringify(got[0]), JSON.stringify(pure[0]));
  return { elders, services, seed_ms, run_ms, equal };
};
