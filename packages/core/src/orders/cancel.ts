// Ending an order before it is served: cancelled by the elder, family or staff (a fee once the shop
// has accepted), or marked no-show by the shop.
import { AppError } from '../kernel/errors';
import { capture } from '../ledger/service';
import type { Policy } from '../policy/model';
import type { ElderRecord } from '../elders/model';
import type { Actor, Order } from './state';
import { attempt, auditOf, changed, closeWithRelease, load, orderForPlan, settle, slotGivenBack } from './commit';
import { gate } from './expiry';
import { tell, tellMerchant } from './tell';
import type { OrderDeps } from './ports';

/** The fee a cancel would cost now: only after acceptance, never more than the price. */
export const cancelFee = (
  policy: Pick<Policy, 'cancel_fee_after_accept_points'>,
  o: Pick<Order, 'status' | 'price_points'>,
  by: Actor,
): number =>
  // staff cancel for the bureau's own reasons (a shop suspended, a mistaken 代下单): never at the elder's cost
  o.status === 'accepted' && (by === 'elder' || by === 'family')
    ? Math.min(policy.cancel_fee_after_accept_points, o.price_points)
    : 0;

export const cancelOrder = async (
  deps: OrderDeps,
  policy: Policy,
  order_id: string,
  actor: Actor,
  actor_sub: string,
  // the order (and its elder) as the caller just read them to check who may cancel; the order's
  // version guards the commit, the elder's record gives the notice its phone
  read?: { order: Order; elder?: ElderRecord },
): Promise<Order> => {
  const o = read?.order.order_id === order_id ? read.order : await load(deps, order_id);
  await gate(deps, o, 'cancel', actor);
  const fee = cancelFee(policy, o, actor);
  let closed: Order;
  if (fee === 0) closed = await closeWithRelease(deps, o, 'cancel', 'cancelled', actor_sub, {}, 'order.cancel');
  else {
    // The fee is a partial capture: fee to the merchant, the rest back to the wallet, the order
    // closed and the slot given back, all in one transaction.
    const att = attempt();
    const current = orderForPlan(deps, o);
    closed = await settle(deps, order_id, o.version, att, () =>
      capture(
        deps,
        {
          hold_id: o.order_id,
          amount_points: fee,
          merchant_id: o.merchant_id,
          actor: actor_sub,
          reason: `取消费·${o.merchant_name}·${o.service_name}`,
          policy_version: policy.version,
        },
        undefined,
        async () => {
          const fresh = await current();
          const next = att.plan(
            changed(deps, fresh, 'cancel', actor_sub, {
              status: 'cancelled',
              offer_expires_at: null,
              cancel_fee_points: fee,
            }),
          );
          return {
            order: { next, expect_version: fresh.version },
            ...slotGivenBack(fresh),
            audit: auditOf(next, actor_sub, 'order.cancel', { from: fresh.status, fee_points: fee }),
          };
        },
      ),
    );
  }
  // settle and closeWithRelease return only the change this call wrote: its notices need no marker
  await tell(deps, closed, 'cancelled', { committedHere: true, ...(read?.elder ? { elder: read.elder } : {}) });
  await tellMerchant(deps, closed, 'cancelled', { committedHere: true });
  return closed;
};

export const noShow = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<Order> => {
  const o = await load(deps, order_id);
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND');
  await gate(deps, o, 'no_show', 'merchant');
  const closed = await closeWithRelease(
    deps,
    o,
    'no_show',
    'cancelled',
    `merchant:${merchant_id}`,
    {},
    'order.no_show',
  );
  await tell(deps, closed, 'no_show', { committedHere: true });
  await tellMerchant(deps, closed, 'no_show', { committedHere: true });
  return closed;
};
