// Orders (orderById, ordersOfElder, ordersOfMerchant). State changes that move points go through
// the ledger commit (the order rides in the same transaction); the others are conditional puts here.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { Order, OrderElderDims } from '@tmc/core/orders/state';
import type { OrderPutExtras } from '@tmc/core/orders/ports';
import { orderItem, orderKeys as keys } from './order-item';
import { auditItem } from './audit';
import { counterUpdates } from './ledger-counters';
import { atVersion, isConditionFailed, transact, type TxItem } from '../tx';
import { queryIndexPage } from '../page-query';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';
import type { Db } from '../table';

export const orderPatterns = (): AccessPattern[] => [
  {
    name: 'orderById',
    index: 'table',
    operation: ['GetItem', 'PutItem', 'UpdateItem', 'TransactWriteItems'],
    pk: 'ORDER#{order_id}',
    sk: 'ORDER',
    used_by: 'orders (OrderStore, ledger commit; UpdateItem: leaving the scheme erases elder_dims)',
    about: 'conditional on `version`; moves that move points ride in the ledger commit',
  },
  {
    name: 'ordersOfElder',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'ELDER_ORDERS#{elder_id}',
    sk: '{created_at}#{order_id}',
    used_by: 'orders (elder and family pages; leaving the scheme, at most 20 pages of 100)',
    about: 'newest first',
  },
  {
    name: 'ordersOfMerchant',
    index: 'gsi2',
    operation: ['Query'],
    pk: 'MERCHANT_ORDERS#{merchant_id}',
    sk: '{created_at}#{order_id}',
    used_by: 'orders (merchant pages)',
    about: 'newest first; the current merchant',
  },
];

const strip = (it: Record<string, unknown>): Order => fromItem<Order>(it);

export type OrderStore = ReturnType<typeof createOrderStore>;

export const createOrderStore = (db: Db) => ({
  async get(order_id: string): Promise<Order | null> {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.order(order_id), ConsistentRead: true }),
    );
    return r.Item ? strip(r.Item) : null;
  },
  /** Conditional on the version read: the loser of a race gets ORDER_STATE and re-reads. What
   * must move with the change (its audit record, the slot's place) rides in the same transaction. */
  async put(next: Order, expect_version: number, extras: OrderPutExtras = {}): Promise<void> {
    if (extras.audit || extras.counters?.length) {
      const items: TxItem[] = [
        {
          Put: {
            TableName: db.table,
            Item: orderItem(next),
            ...atVersion(expect_version),
          },
        },
      ];
      if (extras.audit)
        items.push({
          Put: {
            TableName: db.table,
            Item: auditItem(extras.audit.event, extras.audit.at, extras.audit.id),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      for (const c of counterUpdates(
        db.table,
        (extras.counters ?? []).map((m) => ({ ...m, max: null })),
        null, // an order's own transaction moves slots only, never an elder's spend
      ))
        items.push(c.item);
      // a failed condition anywhere means another change got there first
      await transact(db, items, () => 'ORDER_STATE', 'ORDER_STATE');
      return;
    }
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: orderItem(next),
          ...atVersion(expect_version),
        }),
      );
    } catch (e) {
      if (isConditionFailed(e))
        throw new AppError('ORDER_STATE', { cause: e, details: { reason: 'changed meanwhile' } });
      throw e;
    }
  },
  /** Leaving the scheme: the order's elder snapshot replaced by its erased form. Conditional on the version read
   * and bumping it, so a transition that read the order before cannot write the old snapshot back; false when
   * the order changed meanwhile (the caller reads it again). */
  async eraseElderDims(order_id: string, dims: OrderElderDims, expect_version: number): Promise<boolean> {
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.order(order_id),
          UpdateExpression: 'SET elder_dims = :d, version = :n',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':d': dims, ':v': expect_version, ':n': expect_version + 1 },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw e;
    }
  },
  async ofElder(elder_id: string, limit: number, cursor?: string) {
    const pk = keys.ordersOfElderPk(elder_id);
    const r = await queryIndexPage(db, { index: 'gsi1', pk, newest_first: true, limit, cursor });
    return { items: r.items.map(strip), cursor: r.cursor };
  },
  async ofMerchant(merchant_id: string, limit: number, cursor?: string) {
    const pk = keys.ordersOfMerchantPk(merchant_id);
    const r = await queryIndexPage(db, { index: 'gsi2', pk, newest_first: true, limit, cursor });
    return { items: r.items.map(strip), cursor: r.cursor };
  },
});
