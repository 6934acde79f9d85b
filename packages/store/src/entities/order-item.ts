// How an order is stored: its keys (by id, listed under its elder in gsi1 and its current merchant
// in gsi2) and its item. Apart from orders.ts because the ledger commit writes orders too.
import type { Order } from '@tmc/core/orders/state';

export const orderKeys = {
  order: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' }),
  orderElderIndex: (elderId: string, createdAt: string, orderId: string) => ({
    gsi1pk: `ELDER_ORDERS#${elderId}`,
    gsi1sk: `${createdAt}#${orderId}`,
  }),
  ordersOfElderPk: (elderId: string) => `ELDER_ORDERS#${elderId}`,
  orderMerchantIndex: (merchantId: string, createdAt: string, orderId: string) => ({
    gsi2pk: `MERCHANT_ORDERS#${merchantId}`,
    gsi2sk: `${createdAt}#${orderId}`,
  }),
  ordersOfMerchantPk: (merchantId: string) => `MERCHANT_ORDERS#${merchantId}`,
} as const;

export const orderItem = (o: Order) => ({
  ...orderKeys.order(o.order_id),
  ...orderKeys.orderElderIndex(o.elder_id, o.created_at, o.order_id),
  ...orderKeys.orderMerchantIndex(o.merchant_id, o.created_at, o.order_id),
  type: 'order',
  ...o,
});
