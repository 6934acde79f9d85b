// What settlement needs from storage. packages/store implements these over DynamoDB; every read
// is by key (a merchant's postings in a window, statements by merchant, by status and street).
import type { AuditEvent } from '../kernel/audit';
import type { Page } from '../kernel/page';
import type { SettlementCursor, Statement, StatementStatus, PayoutMethod } from './model';

/** One posting on a merchant's receivable inside a statement window: a capture (+) or a capture's
 * reversal when a dispute was upheld (-). Settlement entries themselves are not lines. */
export type WindowLine = {
  entry_id: string;
  kind: 'capture' | 'reversal' | 'other';
  order_id: string | null;
  amount_points: number; // signed, as posted
  at: string;
};

export type SettlementRun = {
  period: string;
  status: 'running' | 'completed';
  /** Which merchant list the walk is in (approved, then suspended) and where in it. */
  list_index: number;
  cursor: string | null;
  merchants_seen: number;
  statements: number;
  carried: number; // windows that netted to zero or less: carried to the next period
  /** Merchants whose settlement threw in this pass (a resume retries them); the first few ids kept. */
  failures?: number;
  failed_merchants?: string[];
  points: number;
  started_by: string;
  started_at: string;
  updated_at: string;
  version: number;
};

export type SettlementStore = {
  cursor: (merchant_id: string) => Promise<SettlementCursor | null>;
  statement: (statement_id: string) => Promise<Statement | null>;
  /** A merchant's statements, newest period first. */
  byMerchant: (merchant_id: string, limit: number, cursor?: string) => Promise<Page<Statement>>;
  /** Statements in a status, oldest period first; `street` limits to one street (a street officer). */
  byStatus: (
    status: StatementStatus,
    street: string | null,
    limit: number,
    cursor?: string,
  ) => Promise<Page<Statement>>;
  /** Postings on the merchant's receivable with from <= at < to, oldest first. */
  windowLines: (
    merchant_id: string,
    from: string,
    to: string,
    limit: number,
    cursor?: string,
  ) => Promise<Page<WindowLine>>;
  /** What a statement line shows of its order (one BatchGet for a page of lines). */
  lineOrders: (
    order_ids: string[],
  ) => Promise<Map<string, { elder_id: string; service_name: string; category: string }>>;
  /** Replaces `prev` by `next` if nobody moved it meanwhile; the audit record in the same transaction. */
  transition: (prev: Statement, next: Statement, audit: { event: AuditEvent; at: string }) => Promise<boolean>;
  run: (period: string) => Promise<SettlementRun | null>;
  /** Conditional on `expect_version` (0 = must not exist); false when another runner moved it. */
  putRun: (run: SettlementRun, expect_version: number) => Promise<boolean>;
  recentRuns: (limit: number) => Promise<SettlementRun[]>;
};

/** How a merchant is paid. The account number is sealed (FieldCipher); only its last four are kept
 * in the clear, for the masked display. */
export type Payee = {
  merchant_id: string;
  method: PayoutMethod;
  payee_name: string;
  bank_name: string;
  account_sealed: string | null;
  account_last4: string | null;
  stripe_account: string | null;
  stripe_ready: boolean;
  updated_at: string;
  updated_by: string;
  version: number;
};

export type PayeeStore = {
  get: (merchant_id: string) => Promise<Payee | null>;
  /** Conditional on `expect_version` (0 = must not exist); the audit record in the same transaction. */
  put: (next: Payee, expect_version: number, audit: { event: AuditEvent; at: string }) => Promise<boolean>;
  /** The merchant a connected account belongs to (webhooks name the account, not the merchant). */
  byStripeAccount: (account_ref: string) => Promise<string | null>;
};

/** A bank batch file: which statements went out together, for the mark-paid and result-upload steps. */
export type PayoutBatch = {
  batch_id: string;
  statement_ids: string[];
  total_fen: number;
  created_by: string;
  created_at: string;
};
export type BatchStore = {
  put: (b: PayoutBatch) => Promise<void>; // the first write: must not exist
  update: (b: PayoutBatch) => Promise<void>; // the same batch, its final contents
  get: (batch_id: string) => Promise<PayoutBatch | null>;
  recent: (limit: number) => Promise<PayoutBatch[]>;
};
