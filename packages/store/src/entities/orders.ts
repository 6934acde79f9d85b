// Orders (orderById, ordersOfElder, ordersOfMerchant). State changes that move points go through
// the ledger commit (the order rides in the same transaction); the others are conditional puts here.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { Order } from '@tmc/core/orders/state';
import type { OrderPutExtras } from '@tmc/core/orders/ports';
import { keys } from '../keys';
import { orderItem } from './order-item';
import { auditItem } from './audit';
import { counterName } from './ledger';
import { clampLimit, decodeCursor, encodeCursor, isConditionFailed, transact, type TxItem } from '../tx';
import type { Db } from '../table';

const strip = (it: Record<string, unknown>): Order => {
  const { pk: _p, sk: _s, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, type: _t, ...o } = it;
  return o as Order;
};

export type OrderStore = ReturnType<typeof createOrderStore>;

export const createOrderStore = (db: Db) => ({
  async get(order_id: string): Promise<Order | null> {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.order(order_id), ConsistentRead: true }));
    return r.Item ? strip(r.Item) : null;
  },
  /** Conditional on the version read: the loser of a race gets ORDER_STATE and re-reads. What
   * must move with the change (its audit record, the slot's place) rides in the same transaction. */
  async put(next: Order, expect_version: number, extras: OrderPutExtras = {}): Promise<void> {
    if (extras.audit || extras.counters?.length) {
      const items: TxItem[] = [{
        Put: {
          TableName: db.table, Item: orderItem(next),
          ConditionExpression: expect_version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expect_version === 0 ? {} : { ExpressionAttributeValues: { ':v': expect_version } }),
        },
      }];
      if (extras.audit) items.push({ Put: { TableName: db.table, Item: auditItem(extras.audit.event, extras.audit.at, extras.audit.id), ConditionExpression: 'attribute_not_exists(pk)' } });
      for (const c of extras.counters ?? []) {
        items.push({ Update: { TableName: db.table, Key: keys.counter(counterName(c.key)), UpdateExpression: 'ADD amount :d', ExpressionAttributeValues: { ':d': c.delta } } });
      }
      // a failed condition anywhere means another change got there first
      await transact(db, items, () => 'ORDER_STATE', 'ORDER_STATE');
      return;
    }
    try {
      await db.doc.send(new PutCommand({
        TableName: db.table, Item: orderItem(next),
        ConditionExpression: expect_version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        ...(expect_version === 0 ? {} : { ExpressionAttributeValues: { ':v': expect_version } }),
      }));
    } catch (e) {
      if (isConditionFailed(e)) throw new AppError('ORDER_STATE', { cause: e, details: { reason: 'changed meanwhile' } });
      throw e;
    }
  },
  async ofElder(elder_id: string, limit: number, cursor?: string) {
    const pk = keys.ordersOfElderPk(elder_id);
    const r = await db.doc.send(new QueryCommand({ TableName: db.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': pk }, ScanIndexForward: false, Limit: clampLimit(limit), ExclusiveStartKey: decodeCursor(cursor, { gsi1pk: pk }) }));
    return { items: (r.Items ?? []).map(strip), cursor: encodeCursor(r.LastEvaluatedKey) };
  },
  async ofMerchant(merchant_id: string, limit: number, cursor?: string) {
    const pk = keys.ordersOfMerchantPk(merchant_id);
    const r = await db.doc.send(new QueryCommand({ TableName: db.table, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': pk }, ScanIndexForward: false, Limit: clampLimit(limit), ExclusiveStartKey: decodeCursor(cursor, { gsi2pk: pk }) }));
    return { items: (r.Items ?? []).map(strip), cursor: encodeCursor(r.LastEvaluatedKey) };
  },
});
