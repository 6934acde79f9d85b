// 上门: the home-visit details a shop needs, and no more.
import { AppError } from '../kernel/errors';
import { maskName } from '../elders/id-card';
import { load } from './commit';
import type { OrderDeps } from './ports';

export type VisitDetails = {
  order_id: string;
  service_name: string;
  slot_start: string | null;
  elder_name_masked: string;
  address: string;
  location: { lat: number; lng: number } | null;
};

/** 上门: where to go and whom to ask for, given only to the merchant of an accepted home-visit
 * order and only while it is open (PIPL art. 6, minimum necessary: no ID number, no phone, the
 * name masked). Every read is audited. */
export const visitDetails = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<VisitDetails> => {
  const o = await load(deps, order_id);
  // another shop's order does not exist for it
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND');
  if (!o.home_visit) throw new AppError('NOT_HOME_VISIT');
  if (o.status !== 'accepted') throw new AppError('ORDER_STATE', { details: { status: o.status } });
  const e = await deps.elders.get(o.elder_id);
  if (!e) throw new AppError('ELDER_NOT_FOUND');
  await deps.audit.write({
    actor: `merchant:${merchant_id}`,
    action: 'order.read_visit_address',
    subject: `elder:${o.elder_id}`,
    detail: { order_id },
  });
  return {
    order_id,
    service_name: o.service_name,
    slot_start: o.slot_start,
    elder_name_masked: maskName(e.name),
    address: e.address,
    location: e.location ?? null,
  };
};
