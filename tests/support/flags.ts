// Stream changes of completed orders for the anomaly-flag tests: the order items exactly as the store
// writes them (orderItem), before and after the completion, as the table's stream reports a MODIFY.
import type { SourceChange } from '@tmc/core/analytics/model';
import type { Order } from '@tmc/core/orders/state';
import { orderItem } from '../../packages/store/src/entities/order-item';

export type Completion = {
  order_id: string;
  elder_id: string;
  merchant_id: string;
  service_id?: string;
  accepted_at: string;
  completed_at: string;
  with?: 'code' | 'card_pin';
  /** An order accepted before accepted_at was recorded: only the old image's change tells when. */
  legacy?: boolean;
};

const accepted = (c: Completion): Order => ({
  order_id: c.order_id,
  elder_id: c.elder_id,
  booked_by: `elder:${c.elder_id}`,
  mode: 'direct',
  category: 'barber',
  service_id: c.service_id ?? 's_haircut',
  merchant_id: c.merchant_id,
  merchant_name: '测试理发店',
  service_name: '理发',
  price_points: 20,
  held_points: 20,
  home_visit: false,
  slot_start: null,
  status: 'accepted',
  offers: [],
  offer_expires_at: null,
  offer_minutes: 3,
  hold_expires_at: '2099-01-01T00:00:00.000Z',
  code_cipher: 'sealed',
  code_tries: 0,
  rating: null,
  dispute: null,
  completed_at: null,
  ...(c.legacy ? {} : { accepted_at: c.accepted_at }),
  created_at: c.accepted_at,
  updated_at: c.accepted_at,
  version: 2,
  change: { event: 'accept', by: `merchant:${c.merchant_id}`, at: c.accepted_at, id: `chg_${c.order_id}_a` },
});

/** The order a completion leaves (to store it, so a flag's order links resolve). */
export const completedOrder = (c: Completion): Order => {
  const before = accepted(c);
  return {
    ...before,
    status: 'completed',
    completed_at: c.completed_at,
    ...(c.legacy ? {} : { completed_with: c.with ?? 'code' }),
    updated_at: c.completed_at,
    version: 3,
    change: { event: 'complete', by: `merchant:${c.merchant_id}`, at: c.completed_at, id: `chg_${c.order_id}_c` },
  };
};

/** The MODIFY a completion makes: accepted -> completed. */
export const completionChange = (c: Completion): SourceChange => {
  const o = orderItem(accepted(c));
  const n = orderItem(completedOrder(c));
  return { event: 'MODIFY', keys: { pk: n.pk, sk: n.sk }, old: { ...o }, new: { ...n } };
};

/** A later change of a completed order (a rating): the rules must not count it again. */
export const ratingChange = (done: SourceChange): SourceChange => {
  const n = done.new ?? {};
  return { ...done, old: n, new: { ...n, status: 'rated', version: 4 } };
};

/** `n` ids with a prefix, shaped as the id rules want (8+ characters after the prefix). */
export const ids = (prefix: 'e' | 'o', tag: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}_${tag}${String(i).padStart(8, '0')}`);

/** Seconds after an ISO instant, as an ISO instant. */
export const plus = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString();
