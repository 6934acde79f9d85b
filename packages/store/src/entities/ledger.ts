// The ledger in DynamoDB: one entry = one TransactWriteItems holding the entry, one posting item
// per account, each balance item (versioned for floored accounts, plain ADD for sharded system
// accounts), the lots it creates or consumes, the hold, the capped counters, the idempotency
// record and, for a reversal, the once-only marker. Every item carries a condition.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import { shardOf } from '@tmc/core/ledger/accounts';
import { NEVER_EXPIRES, type Lot } from '@tmc/core/ledger/lots';
import {
  CommitRejected,
  type CommitPart,
  type CommitPlan,
  type CounterKey,
  type Hold,
  type LedgerStore,
  type PostingLine,
} from '@tmc/core/ledger/ports';
import type { JournalEntry } from '@tmc/core/ledger/entry';
import { orderItem } from './order-item';
import { auditItem } from './audit';
import {
  atVersion,
  backoff,
  clampLimit,
  decodeCursor,
  encodeCursor,
  isConditionFailed,
  TRANSACT_MAX_ITEMS,
  type TxItem,
} from '../tx';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';
import type { Db } from '../table';

export const LOTS_READ_MAX = 200; // a wallet holds a lot per month plus top-ups: years of history
export const EXPIRY_SHARDS = 16; // spreads a year-end expiry date over 16 GSI partitions
export const CONTENTION_RETRIES = 6; // TransactionConflict/throttling: retried with jitter, then CONFLICT
const BACKOFF_BASE_MS = 15;

export const counterName = (k: CounterKey): string => {
  switch (k.kind) {
    case 'spent_month':
      return `spent#${k.elder_id}#${k.month}`;
    case 'spent_month_category':
      return `spentcat#${k.elder_id}#${k.month}#${k.category}`;
    case 'award_month':
      return `award#${k.elder_id}#${k.month}#${k.award_kind}`;
    case 'topup_day':
      return `topup#${k.elder_id}#${k.day}`;
    case 'slot':
      return `slot#${k.service_id}#${k.start}`;
  }
};

export type LedgerItemKind =
  'entry' | 'reversal marker' | 'balance' | 'posting' | 'lot' | 'hold' | 'counter' | 'idempotency';

const BALANCE_SK = 'BAL';
const REVERSED_SK = 'REVERSED';

export const ledgerKeys = {
  balance: (account: string) => ({ pk: `ACCT#${account}`, sk: BALANCE_SK }),
  /** Whether a key is an account's balance item, and whose (for offline checks over a Scan). */
  isBalance: (k: { pk: string; sk: string }) => k.sk === BALANCE_SK && k.pk.startsWith('ACCT#'),
  accountOf: (pk: string) => pk.slice('ACCT#'.length),
  posting: (account: string, at: string, entryId: string) => ({ pk: `ACCT#${account}`, sk: `P#${at}#${entryId}` }),
  postingSkPrefix: () => 'P#',
  /** The last posting sk at or before `at` (an upper bound for an as-of Query). */
  postingSkUpTo: (at: string) => `P#${at}\uffff`,
  accountPk: (account: string) => `ACCT#${account}`,
  lot: (wallet: string, expiresOn: string, lotId: string) => ({
    pk: `ACCT#${wallet}`,
    sk: `LOT#${expiresOn}#${lotId}`,
  }),
  lotSkPrefix: () => 'LOT#',
  lotExpiryIndex: (expiresOn: string, shard: number, wallet: string, lotId: string) => ({
    gsi1pk: `LOTS_EXPIRING#${expiresOn}#${shard}`,
    gsi1sk: `${wallet}#${lotId}`,
  }),
  lotExpiryPk: (expiresOn: string, shard: number) => `LOTS_EXPIRING#${expiresOn}#${shard}`,
  entry: (entryId: string) => ({ pk: `ENTRY#${entryId}`, sk: 'ENTRY' }),
  entryReversed: (entryId: string) => ({ pk: `ENTRY#${entryId}`, sk: REVERSED_SK }),
  /** The entry an entry item or reversal marker belongs to. */
  entryIdOf: (pk: string) => pk.slice('ENTRY#'.length),
  hold: (holdId: string) => ({ pk: `HOLD#${holdId}`, sk: 'HOLD' }),
  holdExpiryIndex: (day: string, shard: number, expiresAt: string, holdId: string) => ({
    gsi1pk: `HOLDS_EXPIRING#${day}#${shard}`,
    gsi1sk: `${expiresAt}#${holdId}`,
  }),
  holdExpiryPk: (day: string, shard: number) => `HOLDS_EXPIRING#${day}#${shard}`,
  idempotency: (scope: string, key: string) => ({ pk: `IDEM#${scope}#${key}`, sk: 'IDEM' }),
  counter: (name: string) => ({ pk: `COUNTER#${name}`, sk: 'C' }),
  counterOf: (k: CounterKey) => ({ pk: `COUNTER#${counterName(k)}`, sk: 'C' }),
  /** Which ledger item a key names (null: not a ledger item), for tools that count writes by kind. */
  itemKindOf: (k: { pk: string; sk: string }): LedgerItemKind | null => {
    if (k.pk.startsWith('ENTRY#')) return k.sk === REVERSED_SK ? 'reversal marker' : 'entry';
    if (k.pk.startsWith('ACCT#')) {
      if (k.sk === BALANCE_SK) return 'balance';
      return k.sk.startsWith('P#') ? 'posting' : k.sk.startsWith('LOT#') ? 'lot' : null;
    }
    if (k.pk.startsWith('HOLD#')) return 'hold';
    if (k.pk.startsWith('COUNTER#')) return 'counter';
    if (k.pk.startsWith('IDEM#')) return 'idempotency';
    return null;
  },
} as const;
const keys = ledgerKeys; // this entity's own keys, by their short names

export const ledgerPatterns = (): AccessPattern[] => [
  {
    name: 'accountBalance',
    index: 'table',
    operation: ['GetItem'],
    pk: 'ACCT#{account}',
    sk: 'BAL',
    used_by: 'ledger (LedgerStore.account, commit)',
    about: 'versioned for wallets, holds, merchants; ADD for sharded system accounts',
  },
  {
    name: 'accountPostings',
    index: 'table',
    operation: ['Query'],
    pk: 'ACCT#{account}',
    sk: 'P#{at}#{entry_id}',
    used_by: 'ledger (history, balanceAsOf)',
    about: 'history newest first; as-of balance',
  },
  {
    name: 'walletLots',
    index: 'table',
    operation: ['Query'],
    pk: 'ACCT#wallet:{elder}',
    sk: 'LOT#{expires_on}#{lot_id}',
    used_by: 'ledger (spending plans)',
    about: `soonest expiry first; at most ${LOTS_READ_MAX} read`,
  },
  {
    name: 'lotsExpiringOn',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'LOTS_EXPIRING#{day}#{shard 0-15}',
    sk: '{wallet}#{lot_id}',
    used_by: 'ledger (expiry job)',
    about: 'sparse; jobs',
  },
  {
    name: 'entryById',
    index: 'table',
    operation: ['GetItem'],
    pk: 'ENTRY#{entry_id}',
    sk: 'ENTRY',
    used_by: 'ledger (LedgerStore.entry)',
    about: '',
  },
  {
    name: 'reversalMarker',
    index: 'table',
    operation: ['GetItem', 'TransactWriteItems'],
    pk: 'ENTRY#{entry_id}',
    sk: 'REVERSED',
    used_by: 'ledger (isReversed, reversal commit)',
    about: 'once-only: an entry is reversed at most once',
  },
  {
    name: 'holdById',
    index: 'table',
    operation: ['GetItem'],
    pk: 'HOLD#{hold_id}',
    sk: 'HOLD',
    used_by: 'ledger (LedgerStore.hold)',
    about: '',
  },
  {
    name: 'holdsExpiringOn',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'HOLDS_EXPIRING#{day}#{shard}',
    sk: '{expires_at}#{hold_id}',
    used_by: 'ledger (hold expiry job)',
    about: 'sparse; jobs',
  },
  {
    name: 'idempotencyRecord',
    index: 'table',
    operation: ['GetItem'],
    pk: 'IDEM#{caller}#{key}',
    sk: 'IDEM',
    used_by: 'ledger (every entry with an idempotency key)',
    about: 'TTL 7 days',
  },
  {
    name: 'cappedCounters',
    index: 'table',
    operation: ['GetItem', 'UpdateItem'],
    pk: 'COUNTER#{name}',
    sk: 'C',
    used_by: 'ledger (caps), policy',
    about:
      'monthly spend, monthly spend per category `spentcat#{elder}#{month}#{category}`, monthly awards per kind; ' +
      'GetItem / conditional ADD',
  },
  {
    name: 'slotsTaken',
    index: 'table',
    operation: ['BatchGetItem', 'UpdateItem'],
    pk: 'COUNTER#slot#{service_id}#{start}',
    sk: 'C',
    used_by: 'search (next free slot), orders (booking)',
    about:
      "places taken per service slot; search's next free slot, at most 8 rounds of one BatchGet per page; " +
      'conditional ADD at booking',
  },
];

const lotItem = (l: Lot) => ({
  ...keys.lot(l.wallet, l.expires_on, l.lot_id),
  ...(l.expires_on !== NEVER_EXPIRES && l.remaining_points > 0
    ? keys.lotExpiryIndex(l.expires_on, shardOf(l.wallet, EXPIRY_SHARDS), l.wallet, l.lot_id)
    : {}),
  type: 'lot',
  ...l,
});

const holdItem = (h: Hold) => ({
  ...keys.hold(h.hold_id),
  ...(h.status === 'open'
    ? keys.holdExpiryIndex(h.expires_at.slice(0, 10), shardOf(h.hold_id, EXPIRY_SHARDS), h.expires_at, h.hold_id)
    : {}),
  type: 'hold',
  ...h,
});

/** Builds the transaction and remembers which part each item is, to name a failed condition. */
export const buildCommit = (db: Db, plan: CommitPlan): { items: TxItem[]; parts: CommitPart[] } => {
  const T = db.table;
  const items: TxItem[] = [];
  const parts: CommitPart[] = [];
  const add = (part: CommitPart, item: TxItem) => {
    items.push(item);
    parts.push(part);
  };
  const e = plan.entry;

  add('entry', {
    Put: {
      TableName: T,
      Item: { ...keys.entry(e.entry_id), type: 'entry', ...e },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  for (const b of plan.balances) {
    const floored = b.expect_version !== null;
    if (floored) {
      add('balance', {
        Update: {
          TableName: T,
          Key: keys.balance(b.account),
          UpdateExpression:
            'SET balance = if_not_exists(balance, :z) + :d, version = ' +
            'if_not_exists(version, :z) + :one, frozen = if_not_exists(frozen, :f), ' +
            'account = :a',
          ConditionExpression: [
            b.expect_version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
            ...(b.delta_points < 0 ? ['balance >= :need'] : []),
            ...(b.require_not_frozen ? ['(attribute_not_exists(frozen) OR frozen = :f)'] : []),
          ].join(' AND '),
          ExpressionAttributeValues: {
            ':z': 0,
            ':d': b.delta_points,
            ':one': 1,
            ':f': false,
            ':a': b.account,
            ...(b.expect_version === 0 ? {} : { ':v': b.expect_version }),
            ...(b.delta_points < 0 ? { ':need': -b.delta_points } : {}),
          },
        },
      });
    } else {
      add('balance', {
        Update: {
          TableName: T,
          Key: keys.balance(b.account),
          UpdateExpression: 'ADD balance :d, version :one SET account = :a',
          ExpressionAttributeValues: { ':d': b.delta_points, ':one': 1, ':a': b.account },
        },
      });
    }
    add('entry', {
      Put: {
        TableName: T,
        ConditionExpression: 'attribute_not_exists(pk)',
        Item: {
          ...keys.posting(b.account, e.created_at, e.entry_id),
          type: 'posting',
          account: b.account,
          entry_id: e.entry_id,
          kind: e.kind,
          reason: e.reason,
          amount_points: b.delta_points,
          balance_after: b.balance_after,
          created_at: e.created_at,
        },
      },
    });
  }
  for (const l of plan.lots) {
    if (l.op === 'create') {
      add('lot', { Put: { TableName: T, Item: lotItem(l.lot), ConditionExpression: 'attribute_not_exists(pk)' } });
      continue;
    }
    const after = l.op === 'take' ? l.expect_remaining - l.amount_points : l.expect_remaining + l.amount_points;
    if (after < 0) throw new Error(`lot ${l.lot_id} would go negative`);
    const indexed = after > 0 && l.expires_on !== NEVER_EXPIRES;
    const idx = keys.lotExpiryIndex(l.expires_on, shardOf(l.wallet, EXPIRY_SHARDS), l.wallet, l.lot_id);
    add('lot', {
      Update: {
        TableName: T,
        Key: keys.lot(l.wallet, l.expires_on, l.lot_id),
        // The expiry index is sparse: a used-up lot leaves it, a restored one comes back.
        UpdateExpression: indexed
          ? 'SET remaining_points = :after, gsi1pk = :g1, gsi1sk = :g2'
          : 'SET remaining_points = :after REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'remaining_points = :expect',
        ExpressionAttributeValues: {
          ':after': after,
          ':expect': l.expect_remaining,
          ...(indexed ? { ':g1': idx.gsi1pk, ':g2': idx.gsi1sk } : {}),
        },
      },
    });
  }
  if (plan.hold) {
    add('hold', {
      Put: {
        TableName: T,
        Item: holdItem(plan.hold.next),
        ...atVersion(plan.hold.expect_version),
      },
    });
  }
  for (const c of plan.counters ?? []) {
    // One step over the ceiling on an empty counter would pass 'attribute_not_exists(amount)'.
    if (c.max !== null && c.delta > c.max)
      throw new CommitRejected(c.key.kind === 'slot' ? 'slot' : 'counter', counterName(c.key));
    add(c.key.kind === 'slot' ? 'slot' : 'counter', {
      Update: {
        TableName: T,
        Key: keys.counterOf(c.key),
        UpdateExpression: 'ADD amount :d',
        ...(c.max !== null && c.delta > 0
          ? {
              ConditionExpression: 'attribute_not_exists(amount) OR amount <= :room',
              ExpressionAttributeValues: { ':d': c.delta, ':room': c.max - c.delta },
            }
          : { ExpressionAttributeValues: { ':d': c.delta } }),
      },
    });
  }
  if (plan.idempotency) {
    const i = plan.idempotency;
    add('idempotency', {
      Put: {
        TableName: T,
        ConditionExpression: 'attribute_not_exists(pk)',
        Item: {
          ...keys.idempotency(i.scope, i.key),
          type: 'idempotency',
          request_hash: i.request_hash,
          result: i.result,
          entry_id: e.entry_id,
          ttl: Math.floor(Date.parse(e.created_at) / 1000) + i.ttl_s,
        },
      },
    });
  }
  if (plan.order) {
    const o = plan.order;
    add('order', {
      Put: {
        TableName: T,
        Item: orderItem(o.next),
        ...atVersion(o.expect_version),
      },
    });
  }
  if (plan.reverses) {
    add('reversal', {
      Put: {
        TableName: T,
        Item: { ...keys.entryReversed(plan.reverses), type: 'reversal_marker', by_entry: e.entry_id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  if (plan.audit) {
    // keyed by the order change when it names one, else by the entry (one entry, one record)
    const a = plan.audit;
    add(plan.order ? 'order' : 'entry', {
      Put: {
        TableName: T,
        Item: auditItem(a.event, a.at ?? e.created_at, a.id ?? `entry:${e.entry_id}`),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  if (items.length > TRANSACT_MAX_ITEMS) throw new Error(`entry ${e.entry_id} needs ${items.length} items`);
  return { items, parts };
};

export const INDEX_PAGE_MAX = 50; // pages per expiry-index partition per job run (50 x 1 MB)

/** Reads a whole gsi1 partition page by page (jobs only, bounded by INDEX_PAGE_MAX). */
const queryAll = async <T>(db: Db, gsi1pk: string, map: (it: Record<string, unknown>) => T): Promise<T[]> => {
  const out: T[] = [];
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < INDEX_PAGE_MAX; page++) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': gsi1pk },
        ExclusiveStartKey: start,
      }),
    );
    out.push(...(r.Items ?? []).map(map));
    start = r.LastEvaluatedKey;
    if (!start) break;
  }
  return out;
};

export const createLedgerStore = (db: Db): LedgerStore => ({
  async account(account) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.balance(account), ConsistentRead: true }),
    );
    return {
      account,
      balance_points: Number(r.Item?.balance ?? 0),
      version: Number(r.Item?.version ?? 0),
      frozen: Boolean(r.Item?.frozen),
    };
  },

  async lots(wallet) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        ConsistentRead: true,
        Limit: LOTS_READ_MAX,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :l)',
        ExpressionAttributeValues: { ':p': keys.accountPk(wallet), ':l': keys.lotSkPrefix() },
      }),
    );
    return (r.Items ?? []).map((it) => ({
      lot_id: String(it.lot_id),
      wallet: String(it.wallet),
      source: it.source as Lot['source'],
      subsidy: Boolean(it.subsidy),
      original_points: Number(it.original_points),
      remaining_points: Number(it.remaining_points),
      expires_on: String(it.expires_on),
      entry_id: String(it.entry_id),
    }));
  },

  async hold(hold_id) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.hold(hold_id), ConsistentRead: true }));
    return r.Item ? fromItem<Hold>(r.Item) : null;
  },

  async entry(entry_id) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.entry(entry_id), ConsistentRead: true }),
    );
    return r.Item ? fromItem<JournalEntry>(r.Item) : null;
  },

  async isReversed(entry_id) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.entryReversed(entry_id), ConsistentRead: true }),
    );
    return Boolean(r.Item);
  },

  async idempotency(scope, key) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.idempotency(scope, key), ConsistentRead: true }),
    );
    return r.Item ? { request_hash: String(r.Item.request_hash), result: String(r.Item.result) } : null;
  },

  async commit(plan) {
    const { items, parts } = buildCommit(db, plan);
    for (let attempt = 0; ; attempt++) {
      try {
        await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (e) {
        if (!(e instanceof TransactionCanceledException)) {
          const name = (e as Error).name;
          if (
            (name === 'ThrottlingException' || name === 'ProvisionedThroughputExceededException') &&
            attempt < CONTENTION_RETRIES
          ) {
            await backoff(BACKOFF_BASE_MS, attempt);
            continue;
          }
          throw e;
        }
        const reasons = e.CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failed >= 0) throw new CommitRejected(parts[failed] ?? 'entry', `item ${failed}`);
        // TransactionConflict: another transaction held one of our items. Conditions make a retry
        // of the same plan safe: if state moved on, it fails a condition instead of double-applying.
        if (attempt < CONTENTION_RETRIES) {
          await backoff(BACKOFF_BASE_MS, attempt);
          continue;
        }
        // Still contended: hand it back to the domain, which re-reads state and re-plans (its own
        // retry budget), so a busy item ends in a precise outcome rather than a bare CONFLICT.
        throw new CommitRejected('balance', 'transaction conflict persisted');
      }
    }
  },

  async setFrozen(account, frozen, expect_version) {
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.balance(account),
          UpdateExpression:
            'SET frozen = :f, version = if_not_exists(version, :z) + :one, balance ' +
            '= if_not_exists(balance, :z), account = :a',
          ConditionExpression: expect_version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ExpressionAttributeValues: {
            ':f': frozen,
            ':z': 0,
            ':one': 1,
            ':a': account,
            ...(expect_version === 0 ? {} : { ':v': expect_version }),
          },
        }),
      );
    } catch (e) {
      if (isConditionFailed(e)) throw new AppError('CONFLICT', { cause: e });
      throw e;
    }
  },

  async history(account, limit, cursor) {
    const pk = keys.accountPk(account);
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :pp)',
        ScanIndexForward: false,
        ExpressionAttributeValues: { ':p': pk, ':pp': keys.postingSkPrefix() },
        Limit: clampLimit(limit),
        ExclusiveStartKey: decodeCursor(cursor, { pk }),
      }),
    );
    const items: PostingLine[] = (r.Items ?? []).map((it) => ({
      entry_id: String(it.entry_id),
      kind: it.kind as PostingLine['kind'],
      reason: String(it.reason),
      amount_points: Number(it.amount_points),
      balance_after: it.balance_after === null || it.balance_after === undefined ? null : Number(it.balance_after),
      created_at: String(it.created_at),
    }));
    return { items, cursor: encodeCursor(r.LastEvaluatedKey) };
  },

  async balanceAsOf(account, at) {
    // The newest posting at or before `at` carries the balance after it (floored accounts only).
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
        ScanIndexForward: false,
        Limit: 1,
        ExpressionAttributeValues: {
          ':p': keys.accountPk(account),
          ':lo': keys.postingSkPrefix(),
          ':hi': keys.postingSkUpTo(at),
        },
      }),
    );
    const it = r.Items?.[0];
    if (!it) return 0;
    return it.balance_after === null || it.balance_after === undefined ? null : Number(it.balance_after);
  },

  expiryShards: EXPIRY_SHARDS,

  async lotsExpiringOn(day, shard) {
    return queryAll(db, keys.lotExpiryPk(day, shard), (it) => ({
      wallet: String(it.wallet),
      lot_id: String(it.lot_id),
      remaining_points: Number(it.remaining_points),
    }));
  },

  async holdsExpiringOn(day, shard) {
    return queryAll(db, keys.holdExpiryPk(day, shard), (it) => ({
      hold_id: String(it.hold_id),
      expires_at: String(it.expires_at),
    }));
  },

  async counter(key) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.counterOf(key), ConsistentRead: true }),
    );
    return Number(r.Item?.amount ?? 0);
  },
});
