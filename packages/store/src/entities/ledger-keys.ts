// The ledger's keys and named access patterns: balances, postings, lots, entries and their reversal
// markers, holds, idempotency records and capped counters, with the expiry indexes' shard count. Split
// out of ledger.ts so the keys are read in one place; ledger.ts re-exports them.
import { walletAccount } from '@tmc/core/ledger/accounts';
import type { CounterKey } from '@tmc/core/ledger/ports';
import type { AccessPattern } from '../access-pattern';

export const LOTS_READ_MAX = 200; // a wallet holds a lot per month plus top-ups: years of history
export const EXPIRY_SHARDS = 16; // spreads a year-end expiry date over 16 GSI partitions
export const ENTRY_DAY_SHARDS = 16; // an issuance day writes ~100,000 entries: 16 GSI partitions share them

export const counterName = (k: CounterKey): string => {
  switch (k.kind) {
    case 'spent_month':
      return `spent#${k.elder_id}#${k.month}`;
    case 'spent_month_category': // a cell of its month's spend item (counterCell): a name for messages only
      return `spent#${k.elder_id}#${k.month}[${k.category}]`;
    case 'award_month':
      return `award#${k.elder_id}#${k.month}#${k.award_kind}`;
    case 'topup_day':
      return `topup#${k.elder_id}#${k.day}`;
    case 'slot':
      return `slot#${k.service_id}#${k.start}`;
  }
};

/** The first month whose spend an elder's wallet balance item keeps (null: none, every month in its counter
 * item). Placement goes by the month a spend counts against, so a give-back finds its hold's month where that
 * hold counted it. A deployment's choice: SPEND_IN_WALLET_FROM (app compose/env.ts); a fresh table keeps all. */
export type SpendInWalletFrom = string | null;
export const SPEND_IN_WALLET_ALWAYS = '0000-01';

/** Where a counter is kept: its item and the attribute holding its amount. An elder's monthly spend and
 * its per-category parts share one place: from `spendInWalletFrom` on, the wallet's balance item
 * (`spent#{month}`, `spent#{month}#{category}`), which every hold and give-back already updates, so they
 * ride in that Update; before it, a counter item of the month (`amount`, `amount#{category}`). Every other
 * counter has an item of its own. */
export const counterCell = (
  k: CounterKey,
  spendInWalletFrom: SpendInWalletFrom,
): { key: { pk: string; sk: string }; attr: string } => {
  if (k.kind === 'spent_month' || k.kind === 'spent_month_category') {
    if (spendInWalletFrom !== null && k.month >= spendInWalletFrom)
      return {
        key: ledgerKeys.balance(walletAccount(k.elder_id)),
        attr: k.kind === 'spent_month' ? `spent#${k.month}` : `spent#${k.month}#${k.category}`,
      };
    if (k.kind === 'spent_month_category')
      return {
        key: counterKey(counterName({ kind: 'spent_month', elder_id: k.elder_id, month: k.month })),
        attr: `amount#${k.category}`,
      };
  }
  return { key: counterKey(counterName(k)), attr: 'amount' };
};

/** Before counterCell, per-category spend had items of its own (`spentcat#…`): what migrate-spend-counters reads. */
export const LEGACY_CATEGORY_COUNTER_PREFIX = 'COUNTER#spentcat#';

const counterKey = (name: string) => ({ pk: `COUNTER#${name}`, sk: 'C' });

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
  /** The entry item's place in the entries-by-day index (China day of created_at; the daily check). */
  entryDayIndex: (day: string, shard: number, at: string, entryId: string) => ({
    gsi1pk: `ENTRIES_ON#${day}#${shard}`,
    gsi1sk: `${at}#${entryId}`,
  }),
  entryDayPk: (day: string, shard: number) => `ENTRIES_ON#${day}#${shard}`,
  /** The entry an entry item or reversal marker belongs to. */
  entryIdOf: (pk: string) => pk.slice('ENTRY#'.length),
  /** A hold's own item: holds made before holds moved into their account's balance item (ledger-holds.ts). */
  hold: (holdId: string) => ({ pk: `HOLD#${holdId}`, sk: 'HOLD' }),
  holdExpiryIndex: (day: string, shard: number, expiresAt: string, holdId: string) => ({
    gsi1pk: `HOLDS_EXPIRING#${day}#${shard}`,
    gsi1sk: `${expiresAt}#${holdId}`,
  }),
  holdExpiryPk: (day: string, shard: number) => `HOLDS_EXPIRING#${day}#${shard}`,
  idempotency: (scope: string, key: string) => ({ pk: `IDEM#${scope}#${key}`, sk: 'IDEM' }),
  /** The counter item a counter is kept in when it is not in a wallet (counterCell for where it is). */
  counterOf: (k: CounterKey) => counterCell(k, null).key,
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

export const ledgerPatterns = (): AccessPattern[] => [
  {
    name: 'accountBalance',
    index: 'table',
    operation: ['GetItem', 'BatchGetItem', 'Query'],
    pk: 'ACCT#{account}',
    sk: 'BAL',
    used_by: 'ledger (LedgerStore.account, accounts, walletWithLots, holdWithAccounts, commit)',
    about:
      "versioned for wallets, holds, merchants; ADD for sharded system accounts; a wallet's is read " +
      'with its lots by one Query (sk BETWEEN `BAL` AND `LOT#\\uffff`: the balance sorts just before them)',
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
    used_by: 'ledger (spending plans; walletWithLots reads them with the balance)',
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
    name: 'entriesOnDay',
    index: 'gsi1',
    operation: ['Query'],
    pk: `ENTRIES_ON#{day}#{shard 0-${ENTRY_DAY_SHARDS - 1}}`,
    sk: '{created_at}#{entry_id}',
    used_by: 'ledger (daily ledger check, ledger-verify-day job)',
    about: "the entry item itself, keyed by the China day it was made; every entry since the index's deploy",
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
    operation: ['BatchGetItem', 'TransactWriteItems'],
    pk: 'ACCT#hold:{hold_id}',
    sk: 'BAL',
    used_by: 'ledger (LedgerStore.hold, holdWithAccounts, commit)',
    about:
      "the `hold` map of the hold account's balance item, written by the same Update as the balance; a " +
      'capture or release reads it with the balances it moves (and the legacy item) in one BatchGetItem',
  },
  {
    name: 'legacyHoldById',
    index: 'table',
    operation: ['BatchGetItem', 'GetItem', 'TransactWriteItems'],
    pk: 'HOLD#{hold_id}',
    sk: 'HOLD',
    used_by: 'ledger (holdWithAccounts, commit of a hold made before holds moved into balance items)',
    about: 'read beside holdById; written (only while open) when the balance item has no `hold` map',
  },
  {
    name: 'holdsExpiringOn',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'HOLDS_EXPIRING#{day}#{shard}',
    sk: '{expires_at}#{hold_id}',
    used_by: 'ledger (hold expiry job)',
    about: "sparse: an open hold's balance item (or legacy hold item); jobs",
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
      'monthly awards per kind; monthly spend `spent#{elder}#{month}` with its per-category parts in the same ' +
      'item (`amount`, `amount#{category}`) for months before SPEND_IN_WALLET_FROM (walletSpend after it); ' +
      'GetItem / conditional ADD',
  },
  {
    name: 'walletSpend',
    index: 'table',
    operation: ['GetItem', 'TransactWriteItems'],
    pk: 'ACCT#wallet:{elder}',
    sk: 'BAL',
    used_by: 'ledger (caps: hold, release, capture with a fee, reversal)',
    about:
      "an elder's monthly spend from SPEND_IN_WALLET_FROM on, in the wallet's balance item (`spent#{month}`, " +
      '`spent#{month}#{category}`): ADD and the ceilings in the Update that moves the points',
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
