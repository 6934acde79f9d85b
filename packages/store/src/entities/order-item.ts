// How an order is stored: by id, listed under its elder (gsi1) and its current merchant (gsi2).
import type { Order } from '@tmc/core/orders/state';
import { keys } from '../keys';

export const orderItem = (o: Order) => ({
  ...keys.order(o.order_id),
  ...keys.orderElderIndex(o.elder_id, o.created_at, o.order_id),
  ...keys.orderMerchantIndex(o.merchant_id, o.created_at, o.order_id),
  type: 'order',
  ...o,
});
