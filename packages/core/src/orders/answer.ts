// The shop's answer to an offer: accept, or reject (帮我找 then offers the next shop).
import { AppError } from '../kernel/errors';
import type { Order } from './state';
import { changed, closeWithRelease, currentOffer, load, putChange } from './commit';
import { gate, offerNext } from './expiry';
import { tell } from './tell';
import type { OrderDeps } from './ports';

export const acceptOrder = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<Order> => {
  const o = await load(deps, order_id);
  // only the merchant currently offered; others are not told it exists
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND');
  await gate(deps, o, 'accept', 'merchant');
  const offers = o.offers.map((x, i) => (i === currentOffer(o) ? { ...x, outcome: 'accepted' as const } : x));
  const next = await putChange(
    deps,
    changed(deps, o, 'accept', `merchant:${merchant_id}`, {
      status: 'accepted',
      offers,
      offer_expires_at: null,
      accepted_at: deps.clock.now().toISOString(),
    }),
    o.version,
  );
  await tell(deps, next, 'accepted', { committedHere: true }); // putChange returns only this call's change
  return next;
};

export const rejectOrder = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<Order> => {
  const o = await load(deps, order_id);
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND');
  await gate(deps, o, 'reject', 'merchant');
  if (o.mode === 'find_for_me') return offerNext(deps, o, 'rejected', `merchant:${merchant_id}`);
  const closed = await closeWithRelease(deps, o, 'reject', 'rejected', `merchant:${merchant_id}`);
  await tell(deps, closed, 'rejected', { committedHere: true });
  return closed;
};
