// A demo dispute for `npm start`: one order at a 西城街道 shop for a 西城街道 elder, booked, accepted
// and completed yesterday, then disputed by the elder today, so the street officer's disputes queue
// (/staff/disputes) has work on a fresh laptop. Through the same use cases as production, with the
// clock set back for the steps before today; idempotent (the booking's key, and a disputed order is
// left alone).
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { credit } from '@tmc/core/ledger/service';
import { requestOrder } from '@tmc/core/orders/book';
import { acceptOrder } from '@tmc/core/orders/answer';
import { completeOrder, orderCode } from '@tmc/core/orders/complete';
import { disputeOrder } from '@tmc/core/orders/disputes';
import type { Deps } from '@tmc/app/harness';
import { orderDeps, policyNow } from '@tmc/app/harness';

export const DEMO_DISPUTE_STREET = 'zengdu.xicheng';
export const DEMO_DISPUTE_REASON = '理发师只剪了一半就走了，没有完成服务';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SERVICE_MINUTES = 30;
/** The elder is given enough to book a demo service (paid points: they never expire). */
const DEMO_POINTS = 300;

/** The order id of the open demo dispute in `street`, or null when the demo has no shop or elder there. */
export const seedDemoDispute = async (deps: Deps, street = DEMO_DISPUTE_STREET): Promise<string | null> => {
  const communities = await deps.areas.children(street);
  const inStreet = (code: string) => code.startsWith(`${street}.`);
  const shop = (await deps.merchants.byStatus('approved', 100)).items.find((m) => inStreet(m.community_code));
  let elder_id: string | undefined;
  for (const c of communities) {
    elder_id = (await deps.elders.listByCommunity(c.code, 1)).items[0]?.elder_id;
    if (elder_id) break;
  }
  const service = shop ? (await deps.merchants.services(shop.merchant_id))[0] : undefined;
  if (!shop || !service || !elder_id) return null;
  // 10:00 in Suizhou (02:00 UTC) yesterday: the shop is open
  const day = new Date(deps.clock.now().getTime() - DAY_MS).toISOString().slice(0, 10);
  const at = new Date(`${day}T02:00:00.000Z`);
  const past = { ...deps, clock: { now: () => at } };
  await credit(past, {
    entry_id: `demo:dispute-points:${elder_id}`,
    kind: 'adjustment',
    elder_id,
    amount_points: DEMO_POINTS,
    from: 'adjustments',
    source: 'top_up',
    subsidy: false,
    expires_on: NEVER_EXPIRES,
    reason: '演示积分',
    actor: 'system:seed',
    policy_version: null,
  });
  const { order: o } = await requestOrder(
    orderDeps(past),
    await policyNow(past),
    {
      elder_id,
      booked_by: 'system:seed',
      mode: 'direct',
      merchant_id: shop.merchant_id,
      service_id: service.service_id,
      slot_start: null,
    },
    { scope: 'system:seed', key: `demo-dispute-${street}-${day}`, request_hash: 'seed' },
  );
  if ((await deps.orders.get(o.order_id))?.status !== 'requested') return o.order_id;
  await acceptOrder(orderDeps(past), o.order_id, shop.merchant_id);
  const accepted = await deps.orders.get(o.order_id);
  if (!accepted) return null;
  const later = { ...deps, clock: { now: () => new Date(at.getTime() + SERVICE_MINUTES * 60_000) } };
  await completeOrder(orderDeps(later), await policyNow(later), o.order_id, shop.merchant_id, {
    code: orderCode(later, accepted),
  });
  // the elder complains an hour after the service
  const complain = { ...deps, clock: { now: () => new Date(at.getTime() + SERVICE_MINUTES * 60_000 + HOUR_MS) } };
  await disputeOrder(orderDeps(complain), o.order_id, 'elder', `elder:${elder_id}`, DEMO_DISPUTE_REASON);
  return o.order_id;
};
