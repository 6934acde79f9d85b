// Demo settlement history for `npm start`: a dozen real orders (booked, accepted, completed by the
// order code, most of them rated by the elder) in the last closed period at demo shops, bank details
// for those shops, and that period settled, so finance has statements to approve, batch, download and
// mark paid on a fresh laptop, and the bureau's dashboard has orders, points and ratings. One shop
// marks an order done seconds after accepting it (the anomaly rule `fast_complete`), so the flags page
// has a real flag to look at. Everything goes through the same use cases as production, with the
// clock set back.
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { credit } from '@tmc/core/ledger/service';
import { requestOrder } from '@tmc/core/orders/book';
import { acceptOrder } from '@tmc/core/orders/answer';
import { completeOrder, orderCode } from '@tmc/core/orders/complete';
import { rateOrder } from '@tmc/core/orders/disputes';
import { lastClosedPeriod, periodBounds } from '@tmc/core/settlement/period';
import { runSettlement } from '@tmc/core/settlement/run';
import { setBankPayee } from '@tmc/core/settlement/payee-service';
import type { Deps } from '@tmc/app/harness';
import { orderDeps, policyNow, settlementDeps } from '@tmc/app/harness';

const DEMO_ORDERS = 12;
const DEMO_SHOPS = 4;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** How long each demo service takes, accept to complete (minutes): a haircut, a meal, a cleaning. */
const SERVICE_MINUTES = [25, 40, 30, 55, 35, 45];
/** The order a shop "completes" 20 seconds after accepting it, without serving: the fast_complete rule
 * (DEFAULT_ANOMALY.fast_complete_seconds = 60) flags it once the stream sees the completion. */
const FAST_ORDER = 7;
const FAST_SECONDS = 20;
/** The elders' stars, order by order (0: not rated; some elders never rate). */
const DEMO_STARS = [5, 4, 5, 3, 0, 5, 4, 2, 5, 0, 4, 5];
const BANKS = ['中国工商银行随州分行', '中国农业银行随州曾都支行', '中国建设银行随州分行', '湖北银行随州分行'];

export const seedDemoSettlement = async (
  deps: Deps,
  elder_ids: readonly string[],
  merchant_ids: readonly string[],
): Promise<{ period: string; orders: number; statements: number }> => {
  const period = lastClosedPeriod(deps.clock.now(), 'monthly');
  const { start } = periodBounds(period);
  const shops = [];
  for (const id of merchant_ids.slice(0, DEMO_SHOPS)) {
    const m = await deps.merchants.getMerchant(id);
    if (m?.status === 'approved') shops.push(m);
  }
  if (shops.length === 0 || elder_ids.length === 0) return { period, orders: 0, statements: 0 };
  let orders = 0;
  for (let k = 0; k < DEMO_ORDERS; k++) {
    // 10:00 in Suizhou on the 3rd, 4th, ... of the period: the shops are open
    const at = new Date(Date.parse(start) + (2 + k) * DAY_MS + 10 * 3_600_000);
    const past = { ...deps, clock: { now: () => at } };
    const od = orderDeps(past);
    const policy = await policyNow(past);
    const elder_id = elder_ids[k % elder_ids.length] as string;
    const shop = shops[k % shops.length];
    const service = shop ? (await deps.merchants.services(shop.merchant_id))[0] : undefined;
    if (!shop || !service) continue;
    await credit(past, {
      entry_id: `demo:settlement-points:${elder_id}`,
      kind: 'adjustment',
      elder_id,
      amount_points: 500,
      from: 'adjustments',
      source: 'top_up',
      subsidy: false,
      expires_on: NEVER_EXPIRES,
      reason: '演示积分',
      actor: 'system:seed',
      policy_version: null,
    });
    const { order: o } = await requestOrder(
      od,
      policy,
      {
        elder_id,
        booked_by: 'system:seed',
        mode: 'direct',
        merchant_id: shop.merchant_id,
        service_id: service.service_id,
        slot_start: null,
      },
      { scope: 'system:seed', key: `demo-settlement-${period}-${k}`, request_hash: 'seed' },
    );
    await acceptOrder(od, o.order_id, shop.merchant_id);
    const accepted = await deps.orders.get(o.order_id);
    if (!accepted) continue;
    const served_ms =
      k === FAST_ORDER ? FAST_SECONDS * 1000 : (SERVICE_MINUTES[k % SERVICE_MINUTES.length] ?? 30) * MINUTE_MS;
    const doneAt = new Date(at.getTime() + served_ms);
    const later = { ...deps, clock: { now: () => doneAt } };
    await completeOrder(orderDeps(later), policy, o.order_id, shop.merchant_id, { code: orderCode(later, accepted) });
    const stars = DEMO_STARS[k % DEMO_STARS.length] ?? 0;
    if (stars > 0) {
      // the elder rates an hour after the service
      const rater = orderDeps({ ...deps, clock: { now: () => new Date(doneAt.getTime() + 60 * MINUTE_MS) } });
      await rateOrder(rater, o.order_id, 'elder', { stars, tags: [], comment: '' }, `elder:${elder_id}`);
    }
    orders++;
  }
  for (const [i, shop] of shops.entries())
    await setBankPayee(
      deps,
      shop.merchant_id,
      {
        payee_name: shop.business_name,
        bank_name: BANKS[i % BANKS.length] as string,
        account_no: `6222021807${String(1000000000 + i * 7919).slice(1)}`,
      },
      'system:seed',
    );
  const run = await runSettlement(settlementDeps(deps), {
    period,
    policy: await policyNow(deps),
    actor: 'system:seed',
  });
  return { period, orders, statements: run.statements };
};
