// The ledger in DynamoDB: one entry = one TransactWriteItems holding the entry, one posting item
// per account, each balance item (versioned for floored accounts, plain ADD for sharded system
// accounts), the lots it creates or consumes, the hold, the capped counters, the idempotency
// record and, for a reversal, the once-only marker. Every item carries a condition.
// Its keys and access patterns live in ledger-keys.ts and the transaction of one entry in
// ledger-commit.ts; this module is the LedgerStore and re-exports the rest, so
// `@tmc/store/entities/ledger` stays the one entry point.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { Lot } from '@tmc/core/ledger/lots';
import { holdAccount } from '@tmc/core/ledger/accounts';
import {
  CommitRejected,
  type AccountState,
  type CommitPlan,
  type LedgerStore,
  type PostingLine,
} from '@tmc/core/ledger/ports';
import type { JournalEntry } from '@tmc/core/ledger/entry';
import { backoff, clampLimit, decodeCursor, encodeCursor, isConditionFailed, transact } from '../tx';
import { auditItem } from './audit';
import { fromItem } from '../item';
import { batchGet } from '../batch-get';
import type { Db } from '../table';
import { buildCommit } from './ledger-commit';
import {
  counterCell,
  EXPIRY_SHARDS,
  LOTS_READ_MAX,
  ledgerKeys,
  SPEND_IN_WALLET_ALWAYS,
  type SpendInWalletFrom,
} from './ledger-keys';
import type { CounterGroup } from './ledger-counters';
import { holdOfItem, HoldPlaces } from './ledger-holds';

export { buildCommit } from './ledger-commit';
export { HOLD_ATTR, holdOfItem, HoldPlaces, legacyHoldItem } from './ledger-holds';
export {
  counterCell,
  counterName,
  SPEND_IN_WALLET_ALWAYS,
  type SpendInWalletFrom,
  LEGACY_CATEGORY_COUNTER_PREFIX,
  ENTRY_DAY_SHARDS,
  EXPIRY_SHARDS,
  ledgerKeys,
  ledgerPatterns,
  LOTS_READ_MAX,
  type LedgerItemKind,
} from './ledger-keys';

export const CONTENTION_RETRIES = 6; // TransactionConflict/throttling: retried with jitter, then CONFLICT
const BACKOFF_BASE_MS = 15;

const keys = ledgerKeys; // this entity's own keys, by their short names

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

/** Whether a capped cell of the group has less room than its move needs (a refusal was the cap's). */
const overCap = async (db: Db, g: CounterGroup): Promise<boolean> => {
  try {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: g.key, ConsistentRead: true }));
    return g.capped.some((c) => Number(r.Item?.[c.attr] ?? 0) > c.room);
  } catch {
    return false; // the look failed (throttled): named a lost race, the re-plan commits again and so asks again
  }
};

/** Whether the plan's hold is a legacy item (ledger-holds.ts) at the version the plan expects. */
const isLegacyHold = async (db: Db, h: NonNullable<CommitPlan['hold']>): Promise<boolean> => {
  const r = await db.doc.send(
    new GetCommand({ TableName: db.table, Key: keys.hold(h.next.hold_id), ConsistentRead: true }),
  );
  return Number(r.Item?.version) === h.expect_version;
};

const stateOf = (account: string, it: Record<string, unknown> | undefined): AccountState => ({
  account,
  balance_points: Number(it?.balance ?? 0),
  version: Number(it?.version ?? 0),
  frozen: Boolean(it?.frozen),
});

const lotOf = (it: Record<string, unknown>): Lot => ({
  lot_id: String(it.lot_id),
  wallet: String(it.wallet),
  source: it.source as Lot['source'],
  subsidy: Boolean(it.subsidy),
  original_points: Number(it.original_points),
  remaining_points: Number(it.remaining_points),
  expires_on: String(it.expires_on),
  entry_id: String(it.entry_id),
});

/** A hold, from its account's balance item or else its legacy item (ledger-holds.ts), with some balances:
 * one BatchGetItem of both places and the balances. Notes where it was found. */
const holdWithAccounts = async (db: Db, places: HoldPlaces, hold_id: string, accounts: readonly string[]) => {
  const legacyKey = keys.hold(hold_id);
  const own = keys.balance(holdAccount(hold_id));
  const wanted = [...new Set([own.pk, ...accounts.map((a) => keys.balance(a).pk)])];
  const items = await batchGet(db, [legacyKey, ...wanted.map((pk) => ({ pk, sk: own.sk }))], true);
  const legacy = items.find((it) => it.pk === legacyKey.pk);
  const byPk = new Map(items.filter((it) => it !== legacy).map((it) => [String(it.pk), it]));
  const inBalance = holdOfItem(byPk.get(own.pk));
  const old = inBalance ? null : holdOfItem(legacy);
  if (inBalance) places.note(inBalance, 'balance');
  if (old) places.note(old, 'legacy');
  return {
    hold: inBalance ?? old,
    states: accounts.map((a) => stateOf(a, byPk.get(keys.balance(a).pk))),
  };
};

export type LedgerStoreOptions = {
  /** Where this function read each hold (ledger-holds.ts); tests give one that remembers nothing. */
  places?: HoldPlaces;
  /** The first month of spend kept in the wallet's balance item (ledger-keys counterCell); null: never. */
  spendInWalletFrom?: SpendInWalletFrom;
};

export const createLedgerStore = (db: Db, opts: LedgerStoreOptions = {}): LedgerStore => {
  const places = opts.places ?? new HoldPlaces();
  const spendInWalletFrom = opts.spendInWalletFrom === undefined ? SPEND_IN_WALLET_ALWAYS : opts.spendInWalletFrom;
  const build = (plan: CommitPlan, legacyHold: boolean) => buildCommit(db, plan, { legacyHold, spendInWalletFrom });
  return {
    async account(account) {
      const r = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: keys.balance(account), ConsistentRead: true }),
      );
      return stateOf(account, r.Item);
    },

    async accounts(accounts) {
      const items = await batchGet(
        db,
        [...new Set(accounts)].map((a) => keys.balance(a)),
        true,
      );
      const byPk = new Map(items.map((it) => [String(it.pk), it]));
      return accounts.map((a) => stateOf(a, byPk.get(keys.balance(a).pk)));
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
      return (r.Items ?? []).map(lotOf);
    },

    async walletWithLots(wallet) {
      // 'BAL' sorts just before 'LOT#…' and postings ('P#…') after them: one Query reads the balance
      // and the lots, bounded like lots() (+1 for the balance item).
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          ConsistentRead: true,
          Limit: LOTS_READ_MAX + 1,
          KeyConditionExpression: 'pk = :p AND sk BETWEEN :b AND :l',
          ExpressionAttributeValues: {
            ':p': keys.accountPk(wallet),
            ':b': keys.balance(wallet).sk,
            ':l': `${keys.lotSkPrefix()}\uffff`,
          },
        }),
      );
      const items = r.Items ?? [];
      const bal = items.find((it) => it.sk === keys.balance(wallet).sk);
      return { state: stateOf(wallet, bal), lots: items.filter((it) => it !== bal).map(lotOf) };
    },

    async hold(hold_id) {
      return (await holdWithAccounts(db, places, hold_id, [])).hold;
    },

    async holdWithAccounts(hold_id, accounts) {
      return holdWithAccounts(db, places, hold_id, accounts);
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
      const h = plan.hold && plan.hold.expect_version > 0 ? plan.hold : null;
      const place = h ? places.of(h.next.hold_id, h.expect_version) : undefined;
      let legacyHold = place === 'legacy';
      let { items, parts, capped } = build(plan, legacyHold);
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
          // A hold made before holds moved into their balance items, read by another function, is refused
          // there (no `hold` map): if its own item is at the version planned from, the same plan is written
          // where that hold lives. A hold this function read in its balance item needs no look.
          if (failed >= 0 && parts[failed] === 'hold' && h && !legacyHold && place !== 'balance') {
            const legacy = await isLegacyHold(db, h).catch(() => null);
            if (legacy === null && attempt < CONTENTION_RETRIES) {
              await backoff(BACKOFF_BASE_MS, attempt); // the look failed (throttled): try it all again
              continue;
            }
            if (legacy) {
              legacyHold = true;
              ({ items, parts, capped } = build(plan, legacyHold));
              continue;
            }
          }
          // a balance Update that carries a cap was refused by its version (re-plan) or by the cap: read which
          const g = capped.get(failed);
          if (g && (await overCap(db, g))) throw new CommitRejected('counter', `item ${failed}`);
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

    async setFrozen(account, frozen, expect_version, audit) {
      const update = {
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
      };
      if (audit) {
        // the change and its record together: a lost race writes neither
        const record = {
          TableName: db.table,
          Item: auditItem(audit.event, audit.at, audit.id),
          ConditionExpression: 'attribute_not_exists(pk)',
        };
        await transact(db, [{ Update: update }, { Put: record }], () => 'CONFLICT');
        return;
      }
      try {
        await db.doc.send(new UpdateCommand(update));
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
      // index entries are hold accounts' balance items, or legacy hold items: holdOfItem reads either
      const holds = await queryAll(db, keys.holdExpiryPk(day, shard), holdOfItem);
      return holds.flatMap((h) => (h ? [{ hold_id: h.hold_id, expires_at: h.expires_at }] : []));
    },

    async counter(key) {
      const cell = counterCell(key, spendInWalletFrom);
      const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: cell.key, ConsistentRead: true }));
      return Number(r.Item?.[cell.attr] ?? 0);
    },
  };
};
