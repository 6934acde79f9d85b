// Anomaly flags (issue 11): the flags staff review (listed by status city-wide and per street, newest
// first) and the rules' counters, each with one marker per thing counted so a change delivered twice
// counts once (the marker and the increment in one transaction).
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { Flag, FlagStatus } from '@tmc/core/analytics/flags';
import type { FlagStore } from '@tmc/core/analytics/flag-ports';
import { backoff, isConditionFailed, transact } from '../tx';
import { queryIndexPage } from '../page-query';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';
import type { Db } from '../table';
import { auditItem } from './audit';

export const flagKeys = {
  flag: (flagId: string) => ({ pk: `FLAG#${flagId}`, sk: 'FLAG' }),
  flagStatusIndex: (f: Pick<Flag, 'status' | 'street' | 'raised_at' | 'flag_id'>) => ({
    gsi1pk: `FLAGS#${f.status}`,
    gsi1sk: `${f.raised_at}#${f.flag_id}`,
    // a flag of a merchant with no known street is only in the city-wide list
    ...(f.street === null ? {} : { gsi2pk: `FLAGS#${f.status}#${f.street}`, gsi2sk: `${f.raised_at}#${f.flag_id}` }),
  }),
  flagStatusPk: (status: FlagStatus, street: string | null) =>
    street === null ? `FLAGS#${status}` : `FLAGS#${status}#${street}`,
  flagCount: (flagId: string) => ({ pk: `FLAGN#${flagId}`, sk: 'N' }),
  flagMark: (flagId: string, mark: string) => ({ pk: `FLAGN#${flagId}`, sk: `M#${mark}` }),
  flagMarkPrefix: () => 'M#',
  isFlagCounter: (pk: string) => pk.startsWith('FLAGN#'),
} as const;
const keys = flagKeys; // this entity's own keys, by their short names

export const flagPatterns = (): AccessPattern[] => [
  {
    name: 'flagById',
    index: 'table',
    operation: ['GetItem', 'PutItem', 'UpdateItem', 'TransactWriteItems'],
    pk: 'FLAG#{flag_id}',
    sk: 'FLAG',
    used_by: 'anomaly flags (streams reactor raises; staff read and decide)',
    about:
      'flag_id = rule.window.merchant[.elder]; created once (attribute_not_exists); a decision is a ' +
      'versioned update with its audit record in one transaction',
  },
  {
    name: 'flagsByStatus',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'FLAGS#{status}',
    sk: '{raised_at}#{flag_id}',
    used_by: 'anomaly flags (staff list, city-wide and district)',
    about: 'newest first',
  },
  {
    name: 'flagsByStatusInStreet',
    index: 'gsi2',
    operation: ['Query'],
    pk: 'FLAGS#{status}#{street code}',
    sk: '{raised_at}#{flag_id}',
    used_by: "anomaly flags (a street officer's list, or a street filter)",
    about: "newest first; the street is the merchant's",
  },
  {
    name: 'flagCounter',
    index: 'table',
    operation: ['TransactWriteItems', 'GetItem'],
    pk: 'FLAGN#{flag_id}',
    sk: 'N | M#{order_id or elder_id}',
    used_by: 'anomaly flags (streams reactor)',
    about: 'the marker (attribute_not_exists) and ADD n in one transaction: a thing counts once',
  },
  {
    name: 'flagCounterMarks',
    index: 'table',
    operation: ['Query'],
    pk: 'FLAGN#{flag_id}',
    sk: 'begins_with M#',
    used_by: 'anomaly flags (the order ids a flag names)',
    about: 'at most FLAG_ORDER_IDS_MAX',
  },
];

/** Two orders counted under one counter at the same instant conflict; the stream retries the batch
 * anyway, but a few quick retries keep a busy merchant's hour from failing whole batches. */
const COUNT_RETRIES_MAX = 5;

const flagItem = (f: Flag) => ({ ...keys.flag(f.flag_id), ...keys.flagStatusIndex(f), type: 'flag', ...f });

export const createFlagStore = (db: Db): FlagStore => ({
  async countOnce(flag_id, mark, order_id) {
    for (let attempt = 0; ; attempt++) {
      try {
        await transact(
          db,
          [
            {
              Put: {
                TableName: db.table,
                Item: { ...keys.flagMark(flag_id, mark), type: 'flag_mark', order_id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: db.table,
                Key: keys.flagCount(flag_id),
                UpdateExpression: 'SET #t = :t ADD n :one',
                ExpressionAttributeNames: { '#t': 'type' },
                ExpressionAttributeValues: { ':t': 'flag_count', ':one': 1 },
              },
            },
          ],
          () => 'CONFLICT',
        );
        break;
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
        if (e.details?.failed_item === 0) break; // counted before: a redelivered change
        if (attempt >= COUNT_RETRIES_MAX) throw e;
        await backoff(10, attempt);
      }
    }
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.flagCount(flag_id), ConsistentRead: true }),
    );
    return Number(r.Item?.n ?? 0);
  },
  async ordersCounted(flag_id, limit) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':p': keys.flagCount(flag_id).pk, ':m': keys.flagMarkPrefix() },
        ProjectionExpression: 'order_id',
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (r.Items ?? []).map((it) => String(it.order_id));
  },
  async raise(f) {
    try {
      await db.doc.send(
        new PutCommand({ TableName: db.table, Item: flagItem(f), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return 'raised';
    } catch (e) {
      if (!isConditionFailed(e)) throw e;
    }
    try {
      // the count grew after the flag was raised: show the newer numbers, leave its decision alone
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.flag(f.flag_id),
          UpdateExpression: 'SET observed = :n, order_ids = :ids',
          ConditionExpression: 'attribute_exists(pk) AND observed < :n',
          ExpressionAttributeValues: { ':n': f.observed, ':ids': f.order_ids },
        }),
      );
      return 'updated';
    } catch (e) {
      if (isConditionFailed(e)) return 'unchanged';
      throw e;
    }
  },
  async get(flag_id) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.flag(flag_id), ConsistentRead: true }));
    return r.Item ? fromItem<Flag>(r.Item) : null;
  },
  async list(status, street, limit, cursor) {
    const r = await queryIndexPage(db, {
      index: street === null ? 'gsi1' : 'gsi2',
      pk: keys.flagStatusPk(status, street),
      newest_first: true,
      limit,
      ...(cursor ? { cursor } : {}),
    });
    return { items: r.items.map((it) => fromItem<Flag>(it)), cursor: r.cursor };
  },
  async decide(prev, next, audit) {
    const index = keys.flagStatusIndex(next);
    try {
      await transact(
        db,
        [
          {
            Update: {
              TableName: db.table,
              Key: keys.flag(prev.flag_id),
              UpdateExpression:
                'SET #s = :s, reason = :r, decided_by = :b, decided_at = :a, version = :nv, gsi1pk = :g1' +
                ('gsi2pk' in index ? ', gsi2pk = :g2' : ''),
              ConditionExpression: 'version = :v AND #s = :open',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: {
                ':s': next.status,
                ':r': next.reason,
                ':b': next.decided_by,
                ':a': next.decided_at,
                ':nv': next.version,
                ':v': prev.version,
                ':open': 'open',
                ':g1': index.gsi1pk,
                ...('gsi2pk' in index ? { ':g2': index.gsi2pk } : {}),
              },
            },
          },
          {
            Put: {
              TableName: db.table,
              Item: auditItem(audit.event, audit.at, `flag:${next.flag_id}:v${next.version}`),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        () => 'FLAG_STATE_CONFLICT',
      );
      return true;
    } catch (e) {
      // the versioned update lost (or its audit record exists, which only a winner of this version wrote)
      if (e instanceof AppError && e.code === 'FLAG_STATE_CONFLICT') return false;
      throw e;
    }
  },
});
