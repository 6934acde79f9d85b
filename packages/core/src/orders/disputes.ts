// After the service: the elder's rating, and disputes (opened by the elder, family or staff on
// their behalf, decided by staff: upheld refunds the points).
import { AppError } from '../kernel/errors';
import { reverse } from '../ledger/service';
import type { Actor, Order } from './state';
import { attempt, auditOf, changed, load, loadUnchanged, putChange, settle } from './commit';
import { gate } from './expiry';
import { tell, tellMerchant } from './tell';
import type { OrderDeps, OrderPutExtras, RatingPort } from './ports';

/** Staff act for an elder who cannot (no phone, no family): like booking on behalf, audited in the
 * change's own transaction (keyed by order + version), so the record exists exactly when it does. */
const onBehalfAudit = (actor: Actor, by: string, action: string, next: Order): OrderPutExtras => {
  if (actor !== 'staff') return {};
  const a = auditOf(next, by, action);
  return { audit: { ...a, event: { ...a.event, subject: `elder:${next.elder_id}` } } };
};

export const rateOrder = async (
  deps: OrderDeps & RatingPort,
  order_id: string,
  actor: Actor,
  r: { stars: number; tags: string[]; comment: string },
  by: string = actor,
): Promise<Order> => {
  const o = await load(deps, order_id);
  await gate(deps, o, 'rate', actor);
  // once: a second rating finds status 'rated'; only the winner counts towards the shop's stars
  const planned = changed(deps, o, 'rate', by, {
    status: 'rated',
    rating: { ...r, at: deps.clock.now().toISOString() },
  });
  const next = await putChange(deps, planned, o.version, onBehalfAudit(actor, by, 'order.rate_on_behalf', planned));
  await deps.addRating(o.merchant_id, r.stars);
  return next;
};

export const disputeOrder = async (
  deps: OrderDeps,
  order_id: string,
  actor: Actor,
  by: string,
  reason: string,
): Promise<Order> => {
  const o = await load(deps, order_id);
  await gate(deps, o, 'dispute', actor); // within the dispute window, or DISPUTE_WINDOW_CLOSED
  const elder = await deps.elders.get(o.elder_id);
  if (!elder) throw new AppError('ELDER_NOT_FOUND');
  // an elder who left has a settled, closed wallet: an upheld dispute would put points back into it
  if (elder.status !== 'active') throw new AppError('ELDER_INACTIVE');
  const next = changed(deps, o, 'dispute', by, {
    status: 'disputed',
    dispute: { reason, at: deps.clock.now().toISOString(), by, decided_by: null },
  });
  // the order and its place in the staff queue, one transaction; a loser answers with the winner's state
  await deps.disputes
    .open(next, o.version, elder.community_code, onBehalfAudit(actor, by, 'order.dispute_on_behalf', next).audit)
    .catch(async (e: unknown) => {
      if (!(e instanceof AppError && e.code === 'ORDER_STATE')) throw e;
      const now = await deps.orders.get(order_id);
      if (now && now.version === o.version) throw new AppError('CONFLICT', { cause: e }); // nobody won: a retry may
      throw new AppError('ORDER_STATE', { cause: e, details: { status: now?.status ?? 'unknown' } });
    });
  await tell(deps, next, 'dispute_opened');
  await tellMerchant(deps, next, 'dispute_opened');
  return next;
};

/** Off the staff queue once decided; the queue also hides entries whose order moved on. */
const unqueue = async (deps: OrderDeps, o: Order) => {
  const elder = await deps.elders.get(o.elder_id);
  if (elder) await deps.disputes.close(o, elder.community_code);
};

export const decideDispute = async (
  deps: OrderDeps,
  order_id: string,
  decision: 'uphold' | 'dismiss',
  staff: string,
  reason: string,
): Promise<Order> => {
  const o = await load(deps, order_id);
  await gate(deps, o, decision, 'staff');
  const dispute = o.dispute ? { ...o.dispute, decided_by: staff } : null;
  let decided: Order;
  if (decision === 'dismiss') {
    const next = changed(deps, o, 'dismiss', staff, { status: 'dispute_dismissed', dispute });
    decided = await putChange(deps, next, o.version, {
      audit: auditOf(next, staff, 'order.dispute_dismiss', { reason }),
    });
  } else {
    const att = attempt();
    decided = await settle(deps, order_id, o.version, att, () =>
      reverse(deps, { entry_id: `capture:${order_id}`, reason, actor: staff }, undefined, async () => {
        const fresh = await loadUnchanged(deps, order_id, o.version);
        const next = att.plan(changed(deps, fresh, 'uphold', staff, { status: 'refunded', dispute }));
        return {
          order: { next, expect_version: fresh.version },
          audit: auditOf(next, staff, 'order.dispute_uphold', { reason }),
        };
      }),
    );
  }
  await unqueue(deps, decided);
  await tell(deps, decided, 'dispute_decided');
  await tellMerchant(deps, decided, 'dispute_decided');
  return decided;
};
