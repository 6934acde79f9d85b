// A settlement statement: what the bureau owes one merchant for one period, immutable once issued
// (only its review and payout state moves). Its window [from, to) is contiguous with the merchant's
// previous statement, so every posting on the merchant's receivable lies in exactly one statement.
//
// The rounding rule, stated once: amount_fen = total_points x fen_per_point, both integers, so the
// amount is exact and nothing is ever rounded; per-line yuan are never summed.
import { AppError } from '../kernel/errors';
import { daysBetween, periodBounds } from './period';

export const STATEMENT_STATUSES = ['issued', 'returned', 'approved', 'paying', 'payout_failed', 'paid'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];
export const UNPAID_STATUSES: readonly StatementStatus[] = [
  'issued',
  'returned',
  'approved',
  'paying',
  'payout_failed',
];

const STATUS_ZH: Record<StatementStatus, string> = {
  issued: '待审核',
  returned: '已退回',
  approved: '已审核待付款',
  paying: '付款中',
  payout_failed: '付款失败',
  paid: '已付款',
};
export const statementStatusZh = (s: StatementStatus): string => STATUS_ZH[s];

export const PAYOUT_METHODS = ['bank', 'stripe'] as const;
export type PayoutMethod = (typeof PAYOUT_METHODS)[number];

export type Payout = {
  method: PayoutMethod;
  /** Counts definite failures: the provider's idempotency key is `${statement_id}:${attempt}`, so a
   * retry after a lost response reuses the key (never pays twice) and one after a refusal does not. */
  attempt: number;
  batch_id: string | null; // bank: the batch file it went out in
  ref: string | null; // Stripe transfer id or the bank's reference
  failure: { code: string; message: string; at: string } | null;
  started_at: string | null;
  /** Bank: the payee record (version, last four digits) the payout was started against. The bank file
   * pays only that version: an account changed after the batch was made leaves the line out. */
  payee_version?: number;
  account_last4?: string | null;
};

export type Statement = {
  statement_id: string; // st_<period>_<merchant_id>: one per merchant and period, by construction
  statement_no: string; // JS<yyyymm[a|b]>-<merchant_id>-<seq>: what finance and the bank file show
  seq: number; // the merchant's 1st, 2nd, ... statement
  merchant_id: string;
  merchant_name: string;
  community_code: string; // the street scope of the merchant, for street officers
  period: string;
  from: string; // window start (the previous statement's `to`, or the merchant's first posting)
  to: string; // window end: the period's end
  captures_count: number;
  captures_points: number;
  deductions_count: number; // disputes upheld (capture reversals) in the window
  deductions_points: number; // positive
  total_points: number; // captures - deductions, > 0 (a window that nets to zero or less makes no statement)
  fen_per_point: number;
  policy_version: number;
  amount_fen: number;
  status: StatementStatus;
  issued_at: string;
  reviewed_by: string | null;
  approved_at: string | null;
  returned_reason: string | null;
  paid_at: string | null;
  payout: Payout | null;
  updated_at: string;
  version: number;
};

/** Where a merchant's statements have got to: the end of its last window and its last number. */
export type SettlementCursor = { merchant_id: string; settled_to: string | null; seq: number; version: number };

export const statementIdOf = (period: string, merchant_id: string) => `st_${period}_${merchant_id}`;
export const STATEMENT_ID_RE = /^st_\d{4}-(0[1-9]|1[0-2])[ab]?_m_[A-Za-z0-9]{4,40}$/;
export const parseStatementId = (id: string): { period: string; merchant_id: string } | null => {
  if (!STATEMENT_ID_RE.test(id)) return null;
  const rest = id.slice(3);
  const cut = rest.indexOf('_');
  return { period: rest.slice(0, cut), merchant_id: rest.slice(cut + 1) };
};
export const statementNoOf = (period: string, merchant_id: string, seq: number) =>
  `JS${period.replace('-', '')}-${merchant_id.slice(2)}-${String(seq).padStart(3, '0')}`;

/** The moves review and payout make. One table, so each state change has one rule and one winner. */
const MOVES: Record<string, { from: readonly StatementStatus[]; to: StatementStatus }> = {
  approve: { from: ['issued'], to: 'approved' },
  return: { from: ['issued'], to: 'returned' },
  resubmit: { from: ['returned'], to: 'issued' },
  start_payout: { from: ['approved', 'payout_failed'], to: 'paying' },
  payout_failed: { from: ['paying'], to: 'payout_failed' },
  paid: { from: ['paying'], to: 'paid' },
};
export type StatementMove = keyof typeof MOVES;

/** The next state, or 409 STATEMENT_STATE_CONFLICT with the current one. */
export const moveStatement = (s: Statement, move: StatementMove, at: string, patch: Partial<Statement>): Statement => {
  const rule = MOVES[move];
  if (!rule || !rule.from.includes(s.status))
    throw new AppError('STATEMENT_STATE_CONFLICT', { details: { status: s.status, move } });
  return { ...s, ...patch, status: rule.to, updated_at: at, version: s.version + 1 };
};

export const AGING_BUCKETS = [
  { key: '0-15', min: 0, max: 15 },
  { key: '16-30', min: 16, max: 30 },
  { key: '31-60', min: 31, max: 60 },
  { key: '60+', min: 61, max: Number.MAX_SAFE_INTEGER },
] as const;
export type AgingKey = (typeof AGING_BUCKETS)[number]['key'];

export type StatementAge = { days_since_close: number; days_since_approval: number | null; bucket: AgingKey };

/** Age of a statement at `now`: late payment made visible. Unpaid ones age; a paid one shows how long it took. */
export const ageOf = (s: Statement, now: Date): StatementAge => {
  const until = s.paid_at ? new Date(s.paid_at) : now;
  const days = daysBetween(periodBounds(s.period).end, until);
  const bucket = AGING_BUCKETS.find((b) => days >= b.min && days <= b.max)?.key ?? '60+';
  return {
    days_since_close: days,
    days_since_approval: s.approved_at ? daysBetween(s.approved_at, until) : null,
    bucket,
  };
};

/** The provider idempotency key of a payout attempt: derived from the statement, never random. */
export const payoutKey = (s: Statement): string => `${s.statement_id}:${s.payout?.attempt ?? 0}`;

/** A short pseudonym for an elder on a merchant's statement: the shop sees that two lines are the
 * same person, not who. FNV-1a over (merchant, elder): stable, and different at each merchant. */
export const elderPseudonym = (merchant_id: string, elder_id: string): string => {
  let h = 2166136261;
  const key = `${merchant_id}|${elder_id}`;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return `L${(h >>> 0).toString(36).toUpperCase().padStart(7, '0')}`;
};

/** The statement id a statement number names (bank result files carry the number only). */
export const parseStatementNo = (no: string): string | null => {
  const m = /^JS(\d{4})(\d{2})([ab]?)-([A-Za-z0-9]{4,40})-(\d{3,6})$/.exec(no.trim());
  if (!m) return null;
  const id = statementIdOf(`${m[1]}-${m[2]}${m[3]}`, `m_${m[4]}`);
  return STATEMENT_ID_RE.test(id) ? id : null;
};

/** The street a scope lies in (a street or community scope), for the per-street status index; a
 * district or the whole city reads the city-wide index and filters. */
export const streetKey = (scope: string | null): string | null =>
  scope !== null && scope.split('.').length >= 2 ? scope.split('.').slice(0, 2).join('.') : null;
