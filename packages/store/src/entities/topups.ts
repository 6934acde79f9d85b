// Family top-ups (topupById, topupsOfElder), the per-elder day total that enforces the daily
// limit (topupStartedOnDay), and once-only markers for provider webhook events (paymentEvent).
// A top-up item changes only by a versioned replace; the day total moves in the same transaction.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import { PAYMENT_EVENT_TTL_S, type Topup } from '@tmc/core/topups/model';
import type { TopupStore } from '@tmc/core/topups/ports';
import { auditItem } from './audit';
import { backoff, isConditionFailed, type TxItem } from '../tx';
import { queryIndexPage } from '../page-query';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';

export const topupKeys = {
  topup: (topupId: string) => ({ pk: `TOPUP#${topupId}`, sk: 'TOPUP' }),
  topupElderIndex: (elderId: string, createdAt: string, topupId: string) => ({
    gsi1pk: `ELDER_TOPUPS#${elderId}`,
    gsi1sk: `${createdAt}#${topupId}`,
  }),
  topupsOfElderPk: (elderId: string) => `ELDER_TOPUPS#${elderId}`,
  // counter item: fen started per elder and China day, for the daily limit
  topupDay: (elderId: string, day: string) => ({ pk: `TOPUP_DAY#${elderId}#${day}`, sk: 'C' }),
  // once-only marker per provider event id: webhook dedupe
  paymentEvent: (provider: string, eventId: string) => ({ pk: `PAYEVENT#${provider}#${eventId}`, sk: 'EVENT' }),
} as const;

export const topupPatterns = (): AccessPattern[] => [
  {
    name: 'topupById',
    index: 'table',
    operation: ['GetItem'],
    pk: 'TOPUP#{topup_id}',
    sk: 'TOPUP',
    used_by: 'topups (TopupStore.get)',
    about: '',
  },
  {
    name: 'topupsOfElder',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'ELDER_TOPUPS#{elder}',
    sk: '{created_at}#{topup_id}',
    used_by: 'topups (TopupStore.listByElder)',
    about: 'newest first',
  },
  {
    name: 'topupStartedOnDay',
    index: 'table',
    operation: ['UpdateItem'],
    pk: 'TOPUP_DAY#{elder}#{china day}',
    sk: 'C',
    used_by: 'topups (daily limit)',
    about: 'conditional ADD',
  },
  {
    name: 'paymentEvent',
    index: 'table',
    operation: ['PutItem'],
    pk: 'PAYEVENT#{provider}#{event_id}',
    sk: 'EVENT',
    used_by: 'topups (payment webhook)',
    about: 'webhook dedupe; conditional Put',
  },
];
const keys = topupKeys; // this entity's own keys, by their short names

const DAY_TOTAL_TTL_S = 3 * 24 * 3600; // a day total matters on its day only; DynamoDB TTL clears it after
const CONTENTION_RETRIES = 4; // TransactionConflict on the day total (two top-ups for one elder at once)
const BACKOFF_BASE_MS = 10;

const topupItem = (t: Topup) => ({
  ...keys.topup(t.topup_id),
  ...keys.topupElderIndex(t.elder_id, t.created_at, t.topup_id),
  type: 'topup',
  ...t,
});

const toTopup = (it: Record<string, unknown>): Topup => fromItem<Topup>(it);

const dayTotal = (db: Db, t: Topup, delta_fen: number, max_fen: number | null, nowS: number): TxItem => ({
  Update: {
    TableName: db.table,
    Key: keys.topupDay(t.elder_id, t.day),
    UpdateExpression: 'ADD amount :d SET #ttl = if_not_exists(#ttl, :ttl), elder_id = :e, #day = :day',
    ExpressionAttributeNames: { '#ttl': 'ttl', '#day': 'day' },
    ...(max_fen !== null
      ? {
          ConditionExpression: 'attribute_not_exists(amount) OR amount <= :room',
          ExpressionAttributeValues: {
            ':d': delta_fen,
            ':room': max_fen - delta_fen,
            ':ttl': nowS + DAY_TOTAL_TTL_S,
            ':e': t.elder_id,
            ':day': t.day,
          },
        }
      : {
          ExpressionAttributeValues: {
            ':d': delta_fen,
            ':ttl': nowS + DAY_TOTAL_TTL_S,
            ':e': t.elder_id,
            ':day': t.day,
          },
        }),
  },
});

/** Runs a transaction; answers the index of the first item whose condition failed, or -1. */
const runTx = async (db: Db, items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<number> => {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return -1;
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      const reasons = e.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (failed >= 0) return failed;
      // TransactionConflict: retrying the same conditional items is safe; they cannot apply twice.
      if (attempt >= CONTENTION_RETRIES) throw new AppError('CONFLICT', { cause: e });
      await backoff(BACKOFF_BASE_MS, attempt);
    }
  }
};

export const createTopupStore = (db: Db): TopupStore => ({
  async get(topup_id) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.topup(topup_id), ConsistentRead: true }),
    );
    return r.Item ? toTopup(r.Item) : null;
  },

  async create(t, daily_max_fen) {
    const nowS = Math.floor(Date.parse(t.created_at) / 1000);
    const failed = await runTx(db, [
      { Put: { TableName: db.table, Item: topupItem(t), ConditionExpression: 'attribute_not_exists(pk)' } },
      dayTotal(db, t, t.amount_fen, daily_max_fen, nowS),
    ]);
    return failed === -1 ? 'created' : failed === 0 ? 'exists' : 'over_limit';
  },

  async startedOn(elder_id, day) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.topupDay(elder_id, day), ConsistentRead: true }),
    );
    return Number(r.Item?.amount ?? 0);
  },

  async transition(prev, next, day_delta_fen, audit) {
    if (next.topup_id !== prev.topup_id || next.version !== prev.version + 1)
      throw new Error(`topup ${prev.topup_id}: bad transition`);
    const put = {
      TableName: db.table,
      Item: topupItem(next),
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': prev.version },
    };
    // keyed by the top-up and the version it creates: the versioned put has one winner, so does its record
    const auditPut = audit
      ? [
          {
            Put: {
              TableName: db.table,
              Item: auditItem(audit.event, audit.at, `topup:${next.topup_id}:v${next.version}`),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ]
      : [];
    if (auditPut.length > 0) {
      const dayItem =
        day_delta_fen === 0
          ? []
          : [dayTotal(db, next, day_delta_fen, null, Math.floor(Date.parse(next.created_at) / 1000))];
      return (await runTx(db, [{ Put: put }, ...auditPut, ...dayItem])) === -1;
    }
    if (day_delta_fen === 0) {
      try {
        await db.doc.send(new PutCommand(put));
        return true;
      } catch (e) {
        if (isConditionFailed(e)) return false;
        throw e;
      }
    }
    // Giving a failed payment's share back (or taking it again) is never capped: it follows money that moved.
    return (
      (await runTx(db, [
        { Put: put },
        dayTotal(db, next, day_delta_fen, null, Math.floor(Date.parse(next.created_at) / 1000)),
      ])) === -1
    );
  },

  async listByElder(elder_id, limit, cursor) {
    const pk = keys.topupsOfElderPk(elder_id);
    const r = await queryIndexPage(db, { index: 'gsi1', pk, newest_first: true, limit, cursor });
    return { items: r.items.map(toTopup), cursor: r.cursor };
  },

  async eventSeen(provider, event_id) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.paymentEvent(provider, event_id), ConsistentRead: true }),
    );
    return Boolean(r.Item);
  },

  async recordEvent(provider, e, outcome, at) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          ConditionExpression: 'attribute_not_exists(pk)',
          Item: {
            ...keys.paymentEvent(provider, e.event_id),
            type: 'payment_event',
            provider,
            event_id: e.event_id,
            event_type: e.type,
            topup_id: e.topup_id,
            amount_fen: e.amount_fen,
            outcome,
            at,
            ttl: Math.floor(Date.parse(at) / 1000) + PAYMENT_EVENT_TTL_S,
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  },
});
