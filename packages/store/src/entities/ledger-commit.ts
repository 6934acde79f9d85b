// One ledger entry as one TransactWriteItems: the entry, its postings, each balance (versioned for
// floored accounts, plain ADD for sharded system accounts), the lots, the hold, the capped counters,
// the idempotency record, the order, the reversal marker and the audit record, each with its
// condition, and which part each item is so a failed condition can be named. Split out of ledger.ts.
import { holdAccount, shardOf } from '@tmc/core/ledger/accounts';
import { chinaDate } from '@tmc/core/kernel/time';
import { NEVER_EXPIRES, type Lot } from '@tmc/core/ledger/lots';
import { type CommitPart, type CommitPlan } from '@tmc/core/ledger/ports';
import { orderItem } from './order-item';
import { auditItem } from './audit';
import { cursorItem, statementItem } from './statements';
import { atVersion, TRANSACT_MAX_ITEMS, type TxItem } from '../tx';
import type { Db } from '../table';
import {
  ENTRY_DAY_SHARDS,
  EXPIRY_SHARDS,
  ledgerKeys,
  SPEND_IN_WALLET_ALWAYS,
  type SpendInWalletFrom,
} from './ledger-keys';
import { counterGroups, counterUpdate, type CounterGroup } from './ledger-counters';
import { legacyHoldItem, withHold, type BalanceUpdate } from './ledger-holds';

const keys = ledgerKeys; // the ledger entity's own keys, by their short names

const lotItem = (l: Lot) => ({
  ...keys.lot(l.wallet, l.expires_on, l.lot_id),
  ...(l.expires_on !== NEVER_EXPIRES && l.remaining_points > 0
    ? keys.lotExpiryIndex(l.expires_on, shardOf(l.wallet, EXPIRY_SHARDS), l.wallet, l.lot_id)
    : {}),
  type: 'lot',
  ...l,
});

export type BuiltCommit = {
  items: TxItem[];
  parts: CommitPart[];
  /** Balance Updates that carry capped counters, by index: a refusal there is the balance or a cap. */
  capped: Map<number, CounterGroup>;
};

/** Builds the transaction and remembers which part each item is, to name a failed condition. The hold
 * goes into its account's balance Update (ledger-holds.ts); with `legacyHold`, into its own item, where
 * holds made before that live. Counters kept in a balance item the entry updates (an elder's monthly
 * spend in the wallet's, from `spendInWalletFrom`) join that Update; the rest are Updates of their own. */
export const buildCommit = (
  db: Db,
  plan: CommitPlan,
  opts: { legacyHold?: boolean; spendInWalletFrom?: SpendInWalletFrom } = {},
): BuiltCommit => {
  const T = db.table;
  const items: TxItem[] = [];
  const parts: CommitPart[] = [];
  const capped = new Map<number, CounterGroup>();
  const from = opts.spendInWalletFrom === undefined ? SPEND_IN_WALLET_ALWAYS : opts.spendInWalletFrom; // null: never
  const groups = counterGroups(plan.counters ?? [], from);
  const joined = new Set<CounterGroup>();
  const add = (part: CommitPart, item: TxItem) => {
    items.push(item);
    parts.push(part);
  };
  const e = plan.entry;
  const holdIn = plan.hold && !opts.legacyHold ? holdAccount(plan.hold.next.hold_id) : null;
  if (holdIn && !plan.balances.some((b) => b.account === holdIn && b.expect_version !== null))
    throw new Error(`hold ${plan.hold?.next.hold_id} changes without its account's balance`);

  add('entry', {
    Put: {
      TableName: T,
      Item: {
        ...keys.entry(e.entry_id),
        ...keys.entryDayIndex(
          chinaDate(new Date(e.created_at)),
          shardOf(e.entry_id, ENTRY_DAY_SHARDS),
          e.created_at,
          e.entry_id,
        ),
        type: 'entry',
        ...e,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  for (const b of plan.balances) {
    const floored = b.expect_version !== null;
    if (floored) {
      const update = {
        UpdateExpression:
          'SET balance = if_not_exists(balance, :z) + :d, version = ' +
          'if_not_exists(version, :z) + :one, frozen = if_not_exists(frozen, :f), ' +
          'account = :a',
        ConditionExpression: [
          b.expect_version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(b.delta_points < 0 && b.floor ? ['balance >= :need'] : []),
          ...(b.require_not_frozen ? ['(attribute_not_exists(frozen) OR frozen = :f)'] : []),
        ].join(' AND '),
        ExpressionAttributeValues: {
          ':z': 0,
          ':d': b.delta_points,
          ':one': 1,
          ':f': false,
          ':a': b.account,
          ...(b.expect_version === 0 ? {} : { ':v': b.expect_version }),
          ...(b.delta_points < 0 && b.floor ? { ':need': -b.delta_points } : {}),
        },
      };
      const withIt = plan.hold && b.account === holdIn;
      const key = keys.balance(b.account);
      const g = groups.find((x) => x.key.pk === key.pk && x.key.sk === key.sk);
      if (g) {
        joined.add(g);
        if (g.capped.length) capped.set(items.length, g);
      }
      add(withIt ? 'hold' : 'balance', {
        Update: {
          TableName: T,
          Key: key,
          ...withCounters(plan.hold && withIt ? withHold(update, plan.hold) : update, g),
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
  if (plan.hold && !holdIn) {
    add('hold', {
      Put: {
        TableName: T,
        Item: legacyHoldItem(plan.hold.next),
        ...atVersion(plan.hold.expect_version),
      },
    });
  }
  for (const g of groups) {
    if (joined.has(g)) continue;
    // spend kept in a balance item moves with that balance (every hold and give-back moves the wallet): an
    // Update of its own there could meet the balance's in one transaction, or create a bare balance item
    if (keys.isBalance(g.key)) throw new Error(`counters of ${g.key.pk} move without its balance`);
    add(g.part, counterUpdate(T, g));
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
  if (plan.statement) {
    const st = plan.statement;
    add('statement', { Put: { TableName: T, Item: statementItem(st.next), ...atVersion(st.expect_version) } });
  }
  if (plan.settlement_cursor) {
    const c = plan.settlement_cursor;
    add('cursor', { Put: { TableName: T, Item: cursorItem(c.next), ...atVersion(c.expect_version) } });
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
  return { items, parts, capped };
};

/** A balance Update with counters kept in its item added (`ADD`) and their ceilings joined to its condition. */
const withCounters = (u: BalanceUpdate, g: CounterGroup | undefined): BalanceUpdate =>
  g
    ? {
        UpdateExpression: `${u.UpdateExpression} ADD ${g.add}`,
        ConditionExpression: g.condition ? `${u.ConditionExpression} AND ${g.condition}` : u.ConditionExpression,
        ExpressionAttributeNames: { ...u.ExpressionAttributeNames, ...g.names },
        ExpressionAttributeValues: { ...u.ExpressionAttributeValues, ...g.values },
      }
    : u;
