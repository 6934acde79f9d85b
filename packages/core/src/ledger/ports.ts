// What the ledger needs from storage: reads of current state, and one atomic commit per entry.
// The store turns a commit into a single TransactWriteItems with a condition on every item it
// touches; the domain decides everything else.
import type { JournalEntry } from './entry';
import type { Lot } from './lots';
import type { Order } from '../orders/state';
import type { AuditEvent } from '../kernel/audit';
import type { SettlementCursor, Statement } from '../settlement/model';

export type AccountState = {
  account: string;
  balance_points: number;
  version: number; // 0 = the account has never been written
  frozen: boolean;
};

export type HoldStatus = 'open' | 'captured' | 'released' | 'expired';

export type Hold = {
  hold_id: string;
  wallet: string;
  elder_id: string;
  amount_points: number;
  category: string;
  takes: { lot_id: string; expires_on: string; amount_points: number; subsidy: boolean }[];
  status: HoldStatus;
  expires_at: string; // ISO time after which the expiry job releases it
  month: string; // YYYY-MM the spend counts against (per-month cap)
  /** The spend also counts against (category, month): set on holds made since per-category caps
   * exist, so giving back an older hold never lowers a count it never raised. */
  category_counted?: boolean;
  created_at: string;
  version: number;
};

/** Logical counters with a ceiling (monthly spend, monthly awards per kind, daily top-ups). */
export type CounterKey =
  | { kind: 'spent_month'; elder_id: string; month: string }
  | { kind: 'spent_month_category'; elder_id: string; month: string; category: string }
  | { kind: 'award_month'; elder_id: string; month: string; award_kind: string }
  | { kind: 'topup_day'; elder_id: string; day: string }
  | { kind: 'slot'; service_id: string; start: string }; // places taken in one time slot

export type CommitPlan = {
  entry: JournalEntry;
  /** One per posting. `expect_version` null = unconditional ADD (sharded system accounts). */
  balances: {
    account: string;
    delta_points: number;
    expect_version: number | null;
    balance_after: number | null;
    require_not_frozen: boolean;
    /** The balance may not go below zero (a condition on the write); versioned accounts that may are false. */
    floor: boolean;
  }[];
  /** take/restore carry the remaining they expect to find, so a lot changed meanwhile fails the commit. */
  lots: (
    | { op: 'create'; lot: Lot }
    | {
        op: 'take' | 'restore';
        wallet: string;
        lot_id: string;
        expires_on: string;
        amount_points: number;
        expect_remaining: number;
      }
  )[];
  hold?: { next: Hold; expect_version: number }; // 0 = must not exist
  counters?: { key: CounterKey; delta: number; max: number | null }[];
  idempotency?: { scope: string; key: string; request_hash: string; result: string; ttl_s: number };
  reverses?: string; // entry id: marker written with attribute_not_exists, so an entry is reversed once
  /** The order whose state moves with these points, written in the same transaction. */
  order?: { next: Order; expect_version: number }; // 0 = must not exist
  /** A settlement statement written or moved with the points it moves (0 = must not exist). */
  statement?: { next: Statement; expect_version: number };
  /** The merchant's settlement cursor, advanced with the statement that ends its window. */
  settlement_cursor?: { next: SettlementCursor; expect_version: number };
  /** The audit record of this change, in the same transaction: it exists once, exactly when the
   * change does. Keyed by `id` at `at` when given (an order change), else by the entry. */
  audit?: { event: AuditEvent; at?: string; id?: string };
};

/** Which part of a commit failed its condition; the domain decides what that means. */
export type CommitPart =
  | 'balance'
  | 'lot'
  | 'entry'
  | 'idempotency'
  | 'reversal'
  | 'hold'
  | 'counter'
  | 'slot'
  | 'order'
  | 'statement'
  | 'cursor';
export class CommitRejected extends Error {
  constructor(
    readonly part: CommitPart,
    readonly detail: string,
  ) {
    super(`commit rejected at ${part}: ${detail}`);
    this.name = 'CommitRejected';
  }
}

export type IdempotencyRecord = { request_hash: string; result: string };

export type PostingLine = {
  entry_id: string;
  kind: JournalEntry['kind'];
  reason: string;
  amount_points: number;
  balance_after: number | null;
  created_at: string;
};

export type LedgerStore = {
  account: (account: string) => Promise<AccountState>;
  /** Several balances in one read (BatchGetItem); accounts never written come back at version 0. */
  accounts: (accounts: readonly string[]) => Promise<AccountState[]>;
  lots: (wallet: string) => Promise<Lot[]>; // bounded: LOTS_READ_MAX
  /** The wallet's balance and its lots in one read (the booking path); same bounds as `lots`. */
  walletWithLots: (wallet: string) => Promise<{ state: AccountState; lots: Lot[] }>;
  hold: (hold_id: string) => Promise<Hold | null>;
  /** A hold and some balances in one read (BatchGetItem): what a capture or release plans from. */
  holdWithAccounts: (
    hold_id: string,
    accounts: readonly string[],
  ) => Promise<{ hold: Hold | null; states: AccountState[] }>;
  entry: (entry_id: string) => Promise<JournalEntry | null>;
  isReversed: (entry_id: string) => Promise<boolean>;
  idempotency: (scope: string, key: string) => Promise<IdempotencyRecord | null>;
  // throws CommitRejected, or AppError CONFLICT on contention after retries
  commit: (plan: CommitPlan) => Promise<void>;
  /** With `audit`, its record is put in the same transaction (CONFLICT if either condition fails). */
  setFrozen: (
    account: string,
    frozen: boolean,
    expect_version: number,
    audit?: { event: AuditEvent; at: string; id: string },
  ) => Promise<void>;
  history: (
    account: string,
    limit: number,
    cursor?: string,
  ) => Promise<{ items: PostingLine[]; cursor: string | null }>;
  balanceAsOf: (account: string, at: string) => Promise<number | null>;
  counter: (key: CounterKey) => Promise<number>;
  /** Sparse expiry index: lots with points left that expire on `day`, one shard at a time. */
  lotsExpiringOn: (
    day: string,
    shard: number,
  ) => Promise<{ wallet: string; lot_id: string; remaining_points: number }[]>;
  holdsExpiringOn: (day: string, shard: number) => Promise<{ hold_id: string; expires_at: string }[]>;
  expiryShards: number;
};
