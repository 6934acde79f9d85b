// What finance and the merchant read: a statement's lines (its orders), the aging list of unpaid
// statements, and the bureau's total owed to merchants at a date, from the ledger.
import { merchantAccount, settlingAccount } from '../ledger/accounts';
import type { LedgerStore } from '../ledger/ports';
import type { Merchant, MerchantStatus } from '../merchants/model';
import type { Page } from '../kernel/page';
import { isWithin } from '../areas/model';
import {
  AGING_BUCKETS,
  ageOf,
  elderPseudonym,
  UNPAID_STATUSES,
  streetKey,
  type AgingKey,
  type Statement,
  type StatementAge,
} from './model';
import type { SettlementStore } from './ports';

export type StatementLine = {
  order_id: string | null;
  kind: 'capture' | 'deduction' | 'other';
  elder: string; // pseudonymous
  service_name: string;
  amount_points: number;
  at: string;
};

/** One page of a statement's lines: the postings of its window with what their orders show. */
export const statementLines = async (
  deps: { settlement: SettlementStore },
  s: Statement,
  limit: number,
  cursor?: string,
): Promise<Page<StatementLine>> => {
  const page = await deps.settlement.windowLines(s.merchant_id, s.from, s.to, limit, cursor);
  const orders = await deps.settlement.lineOrders(page.items.flatMap((l) => (l.order_id ? [l.order_id] : [])));
  return {
    items: page.items.map((l) => {
      const o = l.order_id ? orders.get(l.order_id) : undefined;
      return {
        order_id: l.order_id,
        kind: l.amount_points >= 0 ? (l.kind === 'capture' ? 'capture' : 'other') : 'deduction',
        elder: o ? elderPseudonym(s.merchant_id, o.elder_id) : '',
        service_name: o?.service_name ?? '',
        amount_points: l.amount_points,
        at: l.at,
      };
    }),
    cursor: page.cursor,
  };
};

export const AGING_READ_MAX = 5_000; // unpaid statements on one aging page; past that the page says so
const AGING_PAGES_MAX = 100; // per status: 10,000 statements read at most

export type AgingReport = {
  at: string;
  buckets: { key: AgingKey; count: number; amount_fen: number }[];
  rows: (Statement & { age: StatementAge })[]; // oldest first
  truncated: boolean;
};

/** Unpaid statements in scope with their age and bucket totals, oldest first. */
export const agingReport = async (
  deps: { settlement: SettlementStore },
  scope: string | null,
  now: Date,
): Promise<AgingReport> => {
  const rows: (Statement & { age: StatementAge })[] = [];
  let truncated = false;
  for (const status of UNPAID_STATUSES) {
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await deps.settlement.byStatus(status, streetKey(scope), 100, cursor);
      for (const s of page.items)
        if (scope === null || isWithin(s.community_code, scope)) rows.push({ ...s, age: ageOf(s, now) });
      cursor = page.cursor ?? undefined;
      // a district reads the city-wide index and filters: the pages are bounded, not only the rows
      if (rows.length >= AGING_READ_MAX || ++pages >= AGING_PAGES_MAX) {
        truncated = truncated || cursor !== undefined;
        break;
      }
    } while (cursor);
  }
  rows.sort((a, b) => b.age.days_since_close - a.age.days_since_close || a.statement_no.localeCompare(b.statement_no));
  const buckets = AGING_BUCKETS.map((b) => {
    const inB = rows.filter((r) => r.age.bucket === b.key);
    return { key: b.key, count: inB.length, amount_fen: inB.reduce((a, r) => a + r.amount_fen, 0) };
  });
  return { at: now.toISOString(), buckets, rows, truncated };
};

export const OWED_MERCHANTS_MAX = 20_000; // the city's alliance, with room
const OWED_CONCURRENCY = 16;

/**
 * What the bureau owed merchants at `at`, from the ledger: each merchant's receivable plus what is
 * settling (statements issued, not yet paid), as of that instant (the balance after the last
 * posting at or before it). Two key reads per merchant; the merchants come from their status lists.
 */
export const owedAsOf = async (
  deps: {
    ledger: Pick<LedgerStore, 'balanceAsOf'>;
    merchants: { byStatus: (s: MerchantStatus, limit: number, cursor?: string) => Promise<Page<Merchant>> };
  },
  at: string,
  scope: string | null,
): Promise<{ at: string; points: number; merchants: number }> => {
  const ids: string[] = [];
  for (const status of ['approved', 'suspended'] as const) {
    let cursor: string | undefined;
    do {
      const page = await deps.merchants.byStatus(status, 100, cursor);
      for (const m of page.items) if (scope === null || isWithin(m.community_code, scope)) ids.push(m.merchant_id);
      cursor = page.cursor ?? undefined;
    } while (cursor && ids.length < OWED_MERCHANTS_MAX);
  }
  let points = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const id = ids[i] as string;
      const [r, s] = await Promise.all([
        deps.ledger.balanceAsOf(merchantAccount(id), at),
        deps.ledger.balanceAsOf(settlingAccount(id), at),
      ]);
      points += (r ?? 0) + (s ?? 0);
    }
  };
  await Promise.all(Array.from({ length: OWED_CONCURRENCY }, worker));
  return { at, points, merchants: ids.length };
};
