// Time running out on an order: its hold (the order lapses) and its offer (expired, or 帮我找 moves
// on to the next shop), fired by timers or found by the gate that every change passes first.
import { AppError } from '../kernel/errors';
import { release } from '../ledger/service';
import { serviceKind } from '../search/find-for-me';
import { transition, type Actor, type Order, type OrderEvent } from './state';
import { changed, closeWithRelease, currentOffer, load, loadService, putChange, slotGivenBack } from './commit';
import { tell, tellMerchant } from './tell';
import type { OrderDeps } from './ports';

export const OFFER_MINUTES_DEFAULT = 3; // orders booked before the answer time was stored on them

/** When the order's hold runs out: recorded on the order, or (orders booked before that) on the hold;
 * a hold already settled while the order stayed open counts as run out. */
const holdUntil = async (deps: OrderDeps, o: Order): Promise<string> => {
  if (o.hold_expires_at) return o.hold_expires_at;
  const h = await deps.ledger.hold(o.order_id);
  return h && h.status === 'open' ? h.expires_at : '';
};

const isOpenOrder = (o: Order) => o.status === 'requested' || o.status === 'accepted';

/** Hold ran out: the order goes to its final state, points and slot given back, elder told. */
const lapse = async (deps: OrderDeps, o: Order): Promise<Order> => {
  transition(o, 'lapse', 'system');
  const h = await deps.ledger.hold(o.order_id);
  let closed: Order;
  if (h && h.status === 'open') closed = await closeWithRelease(deps, o, 'lapse', 'expired', 'system:hold-expiry');
  else {
    // Orders from before holds lived with their orders: the ledger job released the points and
    // left the order open. Close it and give the slot back; no points move (they already did).
    closed = await putChange(
      deps,
      changed(deps, o, 'lapse', 'system:hold-expiry', { status: 'expired', offer_expires_at: null }),
      o.version,
      { counters: slotGivenBack(o).counters ?? [] },
    );
  }
  await tell(deps, closed, 'lapsed');
  if (o.status === 'accepted') await tellMerchant(deps, closed, 'cancelled');
  return closed;
};

/** The gate of every change: the table (who, from which state), then the hold: an open order whose
 * hold has run out is lapsed first, so nothing stays stuck on a dead hold, and the caller is told
 * where it went; an offer whose answer time is up is expired the same way. Then the time rules. */
export const gate = async (deps: OrderDeps, o: Order, event: OrderEvent, actor: Actor): Promise<void> => {
  transition(o, event, actor);
  const now = deps.clock.now();
  if (isOpenOrder(o) && (await holdUntil(deps, o)) <= now.toISOString()) {
    const closed = await lapse(deps, o).catch(async (e: unknown) => {
      if (e instanceof AppError && e.code === 'ORDER_STATE') return load(deps, o.order_id);
      throw e;
    });
    throw new AppError('ORDER_STATE', { details: { status: closed.status, event, reason: 'HOLD_EXPIRED' } });
  }
  if (event === 'accept' && o.offer_expires_at && o.offer_expires_at <= now.toISOString()) {
    await expireOffer(deps, o.order_id, currentOffer(o));
    const after = await load(deps, o.order_id);
    throw new AppError('ORDER_STATE', { details: { status: after.status, event, reason: 'OFFER_EXPIRED' } });
  }
  transition(o, event, actor, now);
};

/** 帮我找: move the order to the next candidate (same hold, same points), or give up after five. */
export const offerNext = async (
  deps: OrderDeps,
  o: Order,
  outcome: 'rejected' | 'expired',
  actor: string,
): Promise<Order> => {
  const cur = currentOffer(o);
  const nextIdx = o.offers.findIndex((x, i) => i > cur && x.outcome === 'pending');
  const offers = o.offers.map((x, i) => (i === cur ? { ...x, outcome } : x));
  if (nextIdx < 0) {
    transition(o, 'exhaust', 'system');
    const closed = await closeWithRelease(deps, o, 'exhaust', 'unanswered', 'system:find-for-me', { offers });
    await tell(deps, closed, 'unmatched');
    return closed;
  }
  const cand = offers[nextIdx];
  if (!cand) throw new Error('candidate vanished');
  const { m, s } = await loadService(deps, cand.merchant_id, cand.service_id).catch(() => ({ m: null, s: null }));
  if (
    !m ||
    !s ||
    s.price_points > o.held_points ||
    serviceKind(s) !== serviceKind({ category: o.category, name: o.service_name })
  ) {
    // The candidate went away, got dearer than what is held, or is no longer the kind of service
    // the elder asked for (renamed or moved since the search): skip it.
    // Not saved on its own: the next offer (or the close) writes it against the stored version, so
    // the version must stay the stored one here.
    return offerNext(
      deps,
      {
        ...o,
        offers: offers.map((x, i) => (i === nextIdx ? { ...x, offered_at: deps.clock.now().toISOString() } : x)),
      },
      'expired',
      actor,
    );
  }
  const now = deps.clock.now();
  const next = changed(deps, o, outcome === 'rejected' ? 'reject' : 'expire', actor, {
    offers: offers.map((x, i) => (i === nextIdx ? { ...x, offered_at: now.toISOString() } : x)),
    merchant_id: m.merchant_id,
    merchant_name: m.business_name,
    service_id: s.service_id,
    service_name: s.name,
    price_points: s.price_points,
    offer_expires_at: new Date(now.getTime() + (o.offer_minutes ?? OFFER_MINUTES_DEFAULT) * 60_000).toISOString(),
  });
  await putChange(deps, next, o.version);
  await deps.scheduler.at(new Date(next.offer_expires_at ?? now), {
    job: 'offer-expiry',
    order_id: o.order_id,
    offer_index: nextIdx,
  });
  await tellMerchant(deps, next);
  return next;
};

/** Timer: fires (at least once) when an offer's time is up. A late or repeated firing does nothing. */
export const expireOffer = async (deps: OrderDeps, order_id: string, offer_index: number): Promise<'done' | 'noop'> => {
  const o = await deps.orders.get(order_id);
  if (!o || o.status !== 'requested' || currentOffer(o) !== offer_index) return 'noop';
  try {
    transition(o, 'expire', 'system', deps.clock.now()); // not due yet: NOT_DUE
    if (o.mode === 'find_for_me') await offerNext(deps, o, 'expired', 'system:offer-expiry');
    else await tell(deps, await closeWithRelease(deps, o, 'expire', 'unanswered', 'system:offer-expiry'), 'expired');
  } catch (e) {
    if (e instanceof AppError && e.code === 'ORDER_STATE') return 'noop'; // not due, or another change won
    throw e;
  }
  return 'done';
};

/** Timer: fires (at least once) when an order's hold runs out (its slot, or its booking, plus the
 * policy's completion window). An order still open then is closed for good (`lapse`), points and
 * slot given back in the same transaction. A late or repeated firing does nothing. */
export const expireHold = async (deps: OrderDeps, hold_id: string): Promise<'done' | 'noop'> => {
  const now = deps.clock.now().toISOString();
  const o = await deps.orders.get(hold_id);
  try {
    if (!o) {
      // A hold with no order (none is made today): released as the ledger job always did.
      const h = await deps.ledger.hold(hold_id);
      if (!h || h.status !== 'open' || h.expires_at > now) return 'noop';
      await release(deps, { hold_id, why: 'expired', actor: 'system:hold-expiry' });
      return 'done';
    }
    if (!isOpenOrder(o) || (await holdUntil(deps, o)) > now) return 'noop';
    await lapse(deps, o);
    return 'done';
  } catch (e) {
    // another change won
    if (e instanceof AppError && (e.code === 'ORDER_STATE' || e.code === 'HOLD_ALREADY_FINAL')) return 'noop';
    throw e;
  }
};
