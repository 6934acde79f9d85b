// Open disputes, the staff queue. Opening a dispute writes the order (conditional on its version)
// and its queue entry in one transaction, so a dispute is never open without being queued. A
// decision closes the entry after the order is settled (the uphold rides in the ledger's own
// transaction); the queue is read together with the orders, so an entry whose order has moved on
// (a close that did not happen, an elder who moved community) is never shown and is removed then.
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { Order } from '@tmc/core/orders/state';
import type { DisputeQueuePort } from '@tmc/core/orders/ports';
import { auditItem } from './audit';
import { batchGet } from '../batch-get';
import { orderItem, orderKeys } from './order-item';
import { clampLimit, decodeCursor, encodeCursor, transact } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';

export const disputeKeys = {
  // the staff queue, one item per open dispute; sk = community#disputed_at#order, so a scope is one key range
  disputeOpen: (community: string, at: string, orderId: string) => ({
    pk: 'DISPUTES_OPEN',
    sk: `${community}#${at}#${orderId}`,
  }),
  disputesOpenPk: () => 'DISPUTES_OPEN',
  /** The key range of an officer's area: a community is its own prefix, a street or district covers
   * the communities below it (codes are dotted: district.street.community); null is the whole city. */
  scopePrefix: (scope: string | null): string | null =>
    scope === null ? null : scope.split('.').length >= 3 ? `${scope}#` : `${scope}.`,
} as const;

export const disputePatterns = (): AccessPattern[] => [
  {
    name: 'disputesOpen',
    index: 'table',
    operation: ['Query', 'TransactWriteItems', 'DeleteItem'],
    pk: 'DISPUTES_OPEN',
    sk: '{community}#{disputed_at}#{order_id}',
    used_by: 'orders (staff dispute queue)',
    about:
      'staff queue; scoped by area prefix: Query begins_with `{area}.` (or `{community}#`); ' +
      'entries whose order moved on are hidden and removed on read; ' +
      'Put with the order in one transaction at dispute, Delete at decision',
  },
];
const keys = disputeKeys; // this entity's own keys, by their short names

export type OpenDispute = { order: Order; community_code: string };

const toOrder = (it: Record<string, unknown>): Order => fromItem<Order>(it);

export const createDisputeQueue = (
  db: Db,
): DisputeQueuePort & {
  list: (
    scope: string | null,
    limit: number,
    cursor?: string,
  ) => Promise<{ items: OpenDispute[]; cursor: string | null }>;
} => ({
  async open(next, expect_version, community_code, audit) {
    const at = next.dispute?.at ?? next.updated_at;
    try {
      await transact(
        db,
        [
          {
            Put: {
              TableName: db.table,
              Item: orderItem(next),
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':v': expect_version },
            },
          },
          {
            Put: {
              TableName: db.table,
              Item: {
                ...keys.disputeOpen(community_code, at, next.order_id),
                type: 'dispute_open',
                order_id: next.order_id,
                community_code,
              },
            },
          },
          ...(audit
            ? [
                {
                  Put: {
                    TableName: db.table,
                    Item: auditItem(audit.event, audit.at, audit.id),
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ]
            : []),
        ],
        () => 'ORDER_STATE',
        'ORDER_STATE',
      );
    } catch (e) {
      // A transaction that lost to a parallel write of the same order lost the same race.
      if (e instanceof AppError && e.code === 'CONFLICT')
        throw new AppError('ORDER_STATE', { cause: e, details: { reason: 'changed meanwhile' } });
      throw e;
    }
  },
  async close(o, community_code) {
    if (!o.dispute) return;
    await db.doc.send(
      new DeleteCommand({ TableName: db.table, Key: keys.disputeOpen(community_code, o.dispute.at, o.order_id) }),
    );
  },
  async list(scope, limit, cursor) {
    const pk = keys.disputesOpenPk();
    const prefix = keys.scopePrefix(scope);
    const start = decodeCursor(cursor, { pk });
    // A cursor from another officer's page (or a forged one) must not move the read outside this area.
    if (start && prefix !== null && !String(start.sk ?? '').startsWith(prefix)) {
      throw new AppError('VALIDATION_FAILED', {
        fields: [{ path: 'cursor', code: 'CURSOR_INVALID', message: 'invalid cursor' }],
      });
    }
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: prefix === null ? 'pk = :p' : 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: prefix === null ? { ':p': pk } : { ':p': pk, ':s': prefix },
        Limit: clampLimit(limit),
        ExclusiveStartKey: start,
      }),
    );
    const inScope = (r.Items ?? []).map((it) => ({
      pk: String(it.pk),
      sk: String(it.sk),
      order_id: String(it.order_id),
      community_code: String(it.community_code),
    }));
    const orders = new Map(
      (
        await batchGet(
          db,
          inScope.map((e) => orderKeys.order(e.order_id)),
        )
      )
        .map(toOrder)
        .map((o) => [o.order_id, o]),
    );
    const items: OpenDispute[] = [];
    for (const e of inScope) {
      const o = orders.get(e.order_id);
      if (o && o.status === 'disputed') items.push({ order: o, community_code: e.community_code });
      // decided meanwhile
      else await db.doc.send(new DeleteCommand({ TableName: db.table, Key: { pk: e.pk, sk: e.sk } }));
    }
    return { items, cursor: encodeCursor(r.LastEvaluatedKey) };
  },
});
