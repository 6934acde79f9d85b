// How an order change is written, shared by the order use cases. Every change passes `transition`
// (state.ts) and is written as a conditional write from the version read, so exactly one caller
// wins it. Points-moving transitions (request, reject/expire/lapse/cancel/no-show, complete,
// uphold) commit the order's new state inside the ledger's transaction, so an order and its points
// never disagree; the rest are conditional puts. A change's audit record rides in its
// transaction; its notices are sent by the winner only, each at most once per (order, version, kind).
import { AppError } from '../kernel/errors';
import { randomId } from '../kernel/secrets';
import { release, type EntryResult } from '../ledger/service';
import { transitionOf, type Order, type OrderEvent } from './state';
import type { AuditEvent } from '../kernel/audit';
import type { OrderDeps, OrderPutExtras } from './ports';

/** The merchant and the service being booked, both bookable (one BatchGet of their two items). */
export const loadService = async (deps: OrderDeps, merchant_id: string, service_id: string) =>
  bookable(await deps.merchants.merchantAndService(merchant_id, service_id));

export const bookable = <M extends { status: string }, S extends { active: boolean }>(r: {
  merchant: M | null;
  service: S | null;
}): { m: M; s: S } => {
  const { merchant: m, service: s } = r;
  if (!m || !s || m.status !== 'approved' || !s.active) throw new AppError('SERVICE_UNAVAILABLE');
  return { m, s };
};

export const changeId = () => randomId('chg');

/** The order after `event`: a new version stamped with the change that wrote it. */
export const changed = (deps: OrderDeps, o: Order, event: OrderEvent, by: string, patch: Partial<Order>): Order => {
  const at = deps.clock.now().toISOString();
  return { ...o, ...patch, updated_at: at, version: o.version + 1, change: { event, by, at, id: changeId() } };
};

/** The audit record of a change, keyed by it (order + version) and written in its transaction. */
export const auditOf = (next: Order, actor: string, action: string, detail: AuditEvent['detail'] = {}) => ({
  event: { actor, action, subject: `order:${next.order_id}`, detail: { ...detail, order_id: next.order_id } },
  at: next.change?.at ?? next.updated_at,
  id: `${next.order_id}.v${next.version}`,
});

export const load = async (deps: OrderDeps, order_id: string) => {
  const o = await deps.orders.get(order_id);
  if (!o) throw new AppError('ORDER_NOT_FOUND');
  return o;
};

/** The order again, inside a transaction's plan: still at the version the caller decided on, or
 * ORDER_STATE with the state a rival left it in. */
export const loadUnchanged = async (deps: OrderDeps, order_id: string, version: number) => {
  const fresh = await load(deps, order_id);
  if (fresh.version !== version) throw new AppError('ORDER_STATE', { details: { status: fresh.status } });
  return fresh;
};

/** The order a transaction's plan builds on: the first plan uses the one the caller just read (the
 * transaction is conditioned on its version, so a rival's change fails the commit and the ledger
 * re-plans); every later plan reads it again, still at that version or ORDER_STATE. Saves the read
 * of the order that each points-moving change would otherwise make twice. */
export const orderForPlan = (deps: OrderDeps, o: Order): (() => Promise<Order>) => {
  let plans = 0;
  return async () => (plans++ === 0 ? o : loadUnchanged(deps, o.order_id, o.version));
};

/** A conditional put of a change: a rival that got there first makes this ORDER_STATE with the
 * state it left (a busy item, CONFLICT, is re-read the same way). */
export const putChange = async (
  deps: OrderDeps,
  next: Order,
  expect_version: number,
  extras?: OrderPutExtras,
): Promise<Order> => {
  try {
    await deps.orders.put(next, expect_version, extras);
    return next;
  } catch (e) {
    if (!(e instanceof AppError && (e.code === 'ORDER_STATE' || e.code === 'CONFLICT'))) throw e;
    const now = await deps.orders.get(next.order_id);
    if (now?.change && now.change.id === next.change?.id) return now; // ours landed after all (a retried call)
    if (e.code === 'CONFLICT' && now && now.version === expect_version) throw e;
    throw new AppError('ORDER_STATE', { cause: e, details: { status: now?.status ?? 'unknown' } });
  }
};

export const currentOffer = (o: Order) => o.offers.findIndex((x) => x.outcome === 'pending' && x.offered_at !== '');

/** The changes one call planned (a lost race re-plans, each with a new change id). */
export const attempt = () => {
  const ids = new Set<string>();
  let last: Order | null = null;
  return {
    plan(o: Order): Order {
      if (o.change) ids.add(o.change.id);
      last = o;
      return o;
    },
    ours: (o: Order | null): boolean => Boolean(o?.change && ids.has(o.change.id)),
    last: () => last,
  };
};
type Attempt = ReturnType<typeof attempt>;

/** Runs the ledger step of an order transition (planned from version `from`) and decides whether
 * *this* call won it. The order's `change.id` tells: ours only if the stored order carries an id
 * this call planned (that covers a transaction that landed although its answer was lost). A call
 * that failed or was answered `replayed` (another transition wrote the same deterministic entry
 * first) while the order moved on lost the race, whatever the ledger said about it (settled hold,
 * already reversed, or a balance the winner already moved): every loser gets ORDER_STATE with the
 * state the winner left. The winner gets the order it wrote. */
export const settle = async (
  deps: OrderDeps,
  order_id: string,
  from: number,
  att: Attempt,
  step: () => Promise<EntryResult>,
): Promise<Order> => {
  const decide = async (cause?: AppError): Promise<Order> => {
    const now = await deps.orders.get(order_id);
    if (now && att.ours(now)) return now;
    if (cause && now && now.version === from) throw cause; // the order did not move: the ledger's answer stands
    throw new AppError('ORDER_STATE', { cause, details: { status: now?.status ?? 'unknown' } });
  };
  let r: EntryResult;
  try {
    r = await step();
  } catch (e) {
    if (e instanceof AppError) return decide(e);
    throw e;
  }
  if (r.replayed) return decide();
  return att.last() ?? load(deps, order_id);
};

/** The order's place in its slot, returned in the same transaction that closes the order. */
export const slotGivenBack = (o: Order) =>
  o.slot_start
    ? {
        counters: [
          { key: { kind: 'slot' as const, service_id: o.service_id, start: o.slot_start }, delta: -1, max: null },
        ],
      }
    : {};

/** Release points and close the order by `event` (its target state from the table), slot given
 * back, all in one ledger transaction. */
export const closeWithRelease = async (
  deps: OrderDeps,
  o: Order,
  event: 'reject' | 'expire' | 'exhaust' | 'cancel' | 'no_show' | 'lapse',
  why: 'cancelled' | 'rejected' | 'unanswered' | 'expired',
  actor: string,
  patch: Partial<Order> = {},
  audit?: string,
): Promise<Order> => {
  const to = transitionOf(event).to; // who may fire it was checked by the caller's gate
  const att = attempt();
  const current = orderForPlan(deps, o);
  return settle(deps, o.order_id, o.version, att, () =>
    release(deps, { hold_id: o.order_id, why, actor }, undefined, async () => {
      const fresh = await current();
      const next = att.plan(changed(deps, fresh, event, actor, { status: to, offer_expires_at: null, ...patch }));
      return {
        order: { next, expect_version: fresh.version },
        ...slotGivenBack(fresh),
        ...(audit ? { audit: auditOf(next, actor, audit, { from: fresh.status }) } : {}),
      };
    }),
  );
};
