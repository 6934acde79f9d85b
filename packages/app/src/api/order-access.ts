// What every order route shares: who may book or decide, the order-id and reason schemas, the elder an
// order is for, who may see an order and the view of it each side gets. Split out of orders.ts so
// the booking routes and the step routes (order-steps.ts) check visibility the same way.

import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import type { Order } from '@tmc/core/orders/state';
import { orderCode } from '@tmc/core/orders/complete';
import type { Principal } from '@tmc/core/auth/service';
import { loadElderFor } from '@tmc/core/elders/access';
import type { Ctx } from '../http/context';
import { FreeText } from '@tmc/core/kernel/text';
import { OrderId } from '@tmc/core/kernel/ids';

export const OrderIdP = z.object({ order_id: OrderId });
export const BOOKERS = ['elder', 'family', 'admin', 'district', 'street'] as const;
export const OFFICERS = ['admin', 'district', 'street'] as const;
export const ELDER_SIDE = ['elder', 'family'] as const;
/** Who may rate and dispute: the elder side, and officers on behalf of an elder in scope (audited). */
export const RATERS = [...ELDER_SIDE, ...OFFICERS] as const;
export const DISPUTERS = [...ELDER_SIDE, ...OFFICERS] as const;
export const Reason = z.object({ reason: FreeText(2, 300) });

export const actorOf = (p: Principal) => (p.kind === 'staff' ? ('staff' as const) : p.kind);

/** The elder an order is for: an elder books for themself; family and staff name a visible elder. */
export const elderFor = async (c: Ctx, p: Principal, elder_id: string | undefined) => {
  const id = p.kind === 'elder' ? p.elder_id : elder_id;
  if (!id)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'body.elder_id', code: 'REQUIRED', message: 'elder_id is required' }],
    });
  return loadElderFor(c.get('deps'), p, id);
};

/** Who is shown an open order's completion code: the elder side always; staff only on an order booked
 * on behalf (代下单: booked_by is a staff account), where the officer is the phone-less elder's phone and
 * reads the code out or prints it. The merchant never: the code is the elder's proof of presence. */
export const seesCode = (p: Principal, o: Pick<Order, 'booked_by'>): boolean =>
  p.kind === 'elder' || p.kind === 'family' || (p.kind === 'staff' && o.booked_by.startsWith('staff:'));

/** The view of an order, with the code when `withCode` (see seesCode). The elder's analytics
 * snapshot (birth date, care level: sensitive under PIPL) is for the counters only, never shown; the
 * booking request's fingerprint is for replays only. */
export const view = (c: Ctx, o: Order, withCode: boolean) => {
  const { code_cipher: _c, elder_dims: _d, request_hash: _h, ...rest } = o;
  return {
    ...rest,
    ...(withCode && ['requested', 'accepted'].includes(o.status) ? { code: orderCode(c.get('deps'), o) } : {}),
  };
};

export const loadVisible = async (c: Ctx, p: Principal, order_id: string) => {
  const deps = c.get('deps');
  const o = await deps.orders.get(order_id);
  if (!o) throw new AppError('ORDER_NOT_FOUND');
  if (p.kind === 'merchant') {
    if (o.merchant_id !== p.merchant_id) throw new AppError('ORDER_NOT_FOUND');
    return { o, elderSide: false, elder: undefined };
  }
  try {
    // the elder's record, read for the check, is handed on (a cancel's notice needs its phone)
    const elder = await loadElderFor(deps, p, o.elder_id);
    return { o, elderSide: p.kind === 'elder' || p.kind === 'family', elder };
  } catch (e) {
    // an elder or family member is not told that someone else's order exists
    if (e instanceof AppError && e.code === 'FORBIDDEN' && p.kind !== 'staff') throw new AppError('ORDER_NOT_FOUND');
    throw e;
  }
};
