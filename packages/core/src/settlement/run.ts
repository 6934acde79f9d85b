// The settlement run: closes a period merchant by merchant. For each merchant it reads the postings
// on its receivable since its last statement (by key: the account's postings in a time window),
// and writes the statement, the ledger entry that moves those points from the receivable to the
// settling account, the merchant's advanced cursor and the audit record in ONE transaction. The
// statement id is the merchant and the period, the cursor is versioned: a re-run, or two runs at
// once, cannot make a second statement, and a crash between merchants loses nothing (the next
// pass finds the settled ones settled).
import { AppError } from '../kernel/errors';
import type { AuditEvent } from '../kernel/audit';
import { merchantAccount, settlingAccount } from '../ledger/accounts';
import { balancesFor, entryOf, type LedgerDeps, type Move } from '../ledger/commit';
import { CommitRejected, type CommitPlan } from '../ledger/ports';
import type { Merchant, MerchantStatus } from '../merchants/model';
import type { Page } from '../kernel/page';
import type { Policy } from '../policy/model';
import { isClosed, periodBounds } from './period';
import { statementIdOf, statementNoOf, type SettlementCursor, type Statement } from './model';
import type { SettlementRun, SettlementStore } from './ports';

export const WINDOW_PAGE = 500; // postings read per Query while summing a window
// A merchant doing 300 orders a day for two months is 18,000 lines; far past it is a bug or an attack.
export const WINDOW_LINES_MAX = 200_000;
export const RUN_PAGE = 100; // merchants per page of the walk
export const RUN_CONCURRENCY = 8; // merchants settled at once
const SETTLE_RETRIES = 6; // lost races on the settling balance (a payout committing meanwhile)
/** The start of every first window: before the scheme existed. */
export const SETTLEMENT_EPOCH = '2020-01-01T00:00:00.000Z';
// Merchants that may hold a receivable: approved ones, and suspended ones (they keep what they earned).
const LISTS: readonly MerchantStatus[] = ['approved', 'suspended'];

export type SettlementDeps = LedgerDeps & {
  settlement: SettlementStore;
  merchants: {
    byStatus: (status: MerchantStatus, limit: number, cursor?: string) => Promise<Page<Merchant>>;
  };
  /** Tells the merchant its statement was issued (once per statement). */
  tell?: (s: Statement, what: 'issued' | 'approved' | 'paid' | 'returned' | 'payout_failed') => Promise<void>;
};

export type WindowSum = {
  captures_count: number;
  captures_points: number;
  deductions_count: number;
  deductions_points: number;
  lines: number;
};

/** Sums the receivable's postings in [from, to): captures, and deductions (upheld disputes). */
export const sumWindow = async (
  deps: Pick<SettlementDeps, 'settlement'>,
  merchant_id: string,
  from: string,
  to: string,
): Promise<WindowSum> => {
  const sum: WindowSum = { captures_count: 0, captures_points: 0, deductions_count: 0, deductions_points: 0, lines: 0 };
  let cursor: string | undefined;
  do {
    const page = await deps.settlement.windowLines(merchant_id, from, to, WINDOW_PAGE, cursor);
    for (const l of page.items) {
      sum.lines++;
      if (l.amount_points >= 0) {
        sum.captures_count++;
        sum.captures_points += l.amount_points;
      } else {
        sum.deductions_count++;
        sum.deductions_points -= l.amount_points;
      }
    }
    if (sum.lines > WINDOW_LINES_MAX)
      throw new Error(`settlement window of ${merchant_id} exceeds ${WINDOW_LINES_MAX}`);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return sum;
};

// 'already' carries this period's statement when one exists (a pass before this one, or a twin, issued
// it), so a resumed run counts what the period holds, not only what this pass wrote.
export type SettleOutcome =
  | { outcome: 'issued'; statement: Statement }
  | { outcome: 'already'; statement: Statement | null }
  | { outcome: 'no_activity' | 'carried'; statement: null };

const FRESH = (merchant_id: string): SettlementCursor => ({ merchant_id, settled_to: null, seq: 0, version: 0 });

/** Settles one merchant for one closed period. Idempotent: 'already' when its window has passed the period. */
export const settleMerchant = async (
  deps: SettlementDeps,
  a: {
    period: string;
    merchant: Pick<Merchant, 'merchant_id' | 'business_name' | 'community_code'>;
    policy: Policy;
    actor: string;
  },
): Promise<SettleOutcome> => {
  const { end } = periodBounds(a.period);
  // Before the close a capture may still land inside the window, after the statement that ends it:
  // it would then lie in no statement at all.
  if (!isClosed(a.period, deps.clock.now()))
    throw new AppError('PERIOD_NOT_CLOSED', { details: { period: a.period, ends_at: end } });
  const m = a.merchant;
  for (let attempt = 0; ; attempt++) {
    const cur = (await deps.settlement.cursor(m.merchant_id)) ?? FRESH(m.merchant_id);
    if (cur.settled_to !== null && cur.settled_to >= end)
      return { outcome: 'already', statement: await deps.settlement.statement(statementIdOf(a.period, m.merchant_id)) };
    const from = cur.settled_to ?? SETTLEMENT_EPOCH;
    const sum = await sumWindow(deps, m.merchant_id, from, end);
    if (sum.lines === 0) return { outcome: 'no_activity', statement: null };
    const total = sum.captures_points - sum.deductions_points;
    // Deductions larger than the captures: nothing is owed; the window stays open and its lines go
    // into the next statement, where later captures cover them.
    if (total <= 0) return { outcome: 'carried', statement: null };
    const now = deps.clock.now().toISOString();
    const seq = cur.seq + 1;
    const statement: Statement = {
      statement_id: statementIdOf(a.period, m.merchant_id),
      statement_no: statementNoOf(a.period, m.merchant_id, seq),
      seq,
      merchant_id: m.merchant_id,
      merchant_name: m.business_name,
      community_code: m.community_code,
      period: a.period,
      from,
      to: end,
      captures_count: sum.captures_count,
      captures_points: sum.captures_points,
      deductions_count: sum.deductions_count,
      deductions_points: sum.deductions_points,
      total_points: total,
      fen_per_point: a.policy.fen_per_point,
      policy_version: a.policy.version,
      amount_fen: total * a.policy.fen_per_point,
      status: 'issued',
      issued_at: now,
      reviewed_by: null,
      approved_at: null,
      returned_reason: null,
      paid_at: null,
      payout: null,
      updated_at: now,
      version: 1,
    };
    const moves: Move[] = [
      { account: merchantAccount(m.merchant_id), delta: -total },
      { account: settlingAccount(m.merchant_id), delta: total },
    ];
    const audit: AuditEvent = {
      actor: a.actor,
      action: 'statement.issue',
      subject: `statement:${statement.statement_id}`,
      detail: { merchant_id: m.merchant_id, period: a.period, total_points: total, amount_fen: statement.amount_fen },
    };
    const plan: CommitPlan = {
      entry: entryOf(deps, {
        entry_id: `settlement:${statement.statement_id}`,
        kind: 'settlement',
        reason: `结算单 ${statement.statement_no}`,
        actor: a.actor,
        policy_version: a.policy.version,
        ref: { statement_id: statement.statement_id, merchant_id: m.merchant_id, period: a.period },
        moves,
        lot_moves: [],
      }),
      balances: await balancesFor(deps, moves, new Set()),
      lots: [],
      statement: { next: statement, expect_version: 0 },
      settlement_cursor: {
        next: { merchant_id: m.merchant_id, settled_to: end, seq, version: cur.version + 1 },
        expect_version: cur.version,
      },
      audit: { event: audit },
    };
    try {
      await deps.ledger.commit(plan);
    } catch (e) {
      if (!(e instanceof CommitRejected) || attempt >= SETTLE_RETRIES) throw e;
      continue; // another run won the cursor (next read says 'already'), or the settling balance moved
    }
    await deps.tell?.(statement, 'issued');
    return { outcome: 'issued', statement };
  }
};

// Progress is saved every page; a resume redoes at most one page, finding its merchants settled.
const STALE_RUN_MS = 15 * 60_000;
const FAILED_KEPT = 50; // failed merchant ids kept on the run record (the count is exact)

const pool = async <T>(items: readonly T[], width: number, fn: (t: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
};

/**
 * Runs (or resumes) the settlement of a closed period over every merchant that may hold a
 * receivable. `maxPages` stops early (tests of a crash, and a Lambda near its time limit); the
 * run record says where to pick up.
 */
export const runSettlement = async (
  deps: SettlementDeps,
  a: { period: string; policy: Policy; actor: string; resume?: boolean; maxPages?: number },
): Promise<SettlementRun> => {
  const now = () => deps.clock.now().toISOString();
  if (!isClosed(a.period, deps.clock.now()))
    throw new AppError('PERIOD_NOT_CLOSED', { details: { period: a.period, ends_at: periodBounds(a.period).end } });
  let run = await deps.settlement.run(a.period);
  if (run?.status === 'completed' && !a.resume) return run;
  // A run updated lately is probably live elsewhere: racing it would be safe (statements are once per
  // merchant) but wasteful; `resume` is for a run known to have died, or a second pass.
  if (run?.status === 'running' && !a.resume && Date.parse(run.updated_at) > deps.clock.now().getTime() - STALE_RUN_MS)
    throw new AppError('SETTLEMENT_RUNNING', { details: { period: a.period } });
  const base: SettlementRun = run
    ? { ...run, status: 'running', list_index: run.status === 'completed' ? 0 : run.list_index }
    : {
        period: a.period,
        status: 'running',
        list_index: 0,
        cursor: null,
        merchants_seen: 0,
        statements: 0,
        carried: 0,
        points: 0,
        failures: 0,
        failed_merchants: [],
        started_by: a.actor,
        started_at: now(),
        updated_at: now(),
        version: 0,
      };
  // A second pass over a completed run walks every merchant again and counts afresh (a page redone
  // after a crash was never counted: its counts are saved with the page).
  if (run?.status === 'completed')
    Object.assign(base, {
      cursor: null,
      merchants_seen: 0,
      statements: 0,
      carried: 0,
      points: 0,
      failures: 0,
      failed_merchants: [],
    });
  let current: SettlementRun = { ...base, updated_at: now(), version: base.version + 1 };
  if (!(await deps.settlement.putRun(current, base.version))) throw new AppError('SETTLEMENT_RUNNING');
  let pages = 0;
  while (current.list_index < LISTS.length) {
    if (a.maxPages !== undefined && pages >= a.maxPages) return current;
    const status = LISTS[current.list_index] as MerchantStatus;
    const page = await deps.merchants.byStatus(status, RUN_PAGE, current.cursor ?? undefined);
    let statements = 0;
    let carried = 0;
    let points = 0;
    const failed: string[] = [];
    // One merchant that cannot be settled (a window past its limit, contention past the retries) must
    // not stop the city: it is recorded, the walk goes on, and a resume pass tries it again.
    await pool(page.items, RUN_CONCURRENCY, async (m) => {
      try {
        const r = await settleMerchant(deps, { period: a.period, merchant: m, policy: a.policy, actor: a.actor });
        if (r.statement) {
          statements++;
          points += r.statement.total_points;
        } else if (r.outcome === 'carried') carried++;
      } catch (e) {
        if (e instanceof AppError && e.code === 'PERIOD_NOT_CLOSED') throw e;
        failed.push(m.merchant_id);
      }
    });
    pages++;
    const next: SettlementRun = {
      ...current,
      list_index: page.cursor ? current.list_index : current.list_index + 1,
      cursor: page.cursor,
      merchants_seen: current.merchants_seen + page.items.length,
      statements: current.statements + statements,
      carried: current.carried + carried,
      points: current.points + points,
      failures: (current.failures ?? 0) + failed.length,
      failed_merchants: [...(current.failed_merchants ?? []), ...failed].slice(0, FAILED_KEPT),
      updated_at: now(),
      version: current.version + 1,
    };
    if (next.list_index >= LISTS.length) next.status = 'completed';
    if (!(await deps.settlement.putRun(next, current.version))) throw new AppError('SETTLEMENT_RUNNING');
    current = next;
  }
  return current;
};
