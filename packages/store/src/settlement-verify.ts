// The settlement half of `npm run ledger:verify` (offline): statements and the ledger reconcile.
// - each merchant's statements are numbered 1..n and their windows are contiguous, ending at the
//   cursor: every posting on the receivable before the cursor lies in exactly one statement;
// - each statement's captures and deductions are the sums of the receivable's postings in its window;
// - the settling account holds exactly the unpaid statements, the paid account the paid ones;
// - each statement has its settlement entry, and a payout entry exactly when it is paid.
import type { Statement, SettlementCursor } from '@tmc/core/settlement/model';

export type ReceivablePosting = { at: string; amount_points: number; kind: string };

export type SettlementFacts = {
  statements: Statement[];
  cursors: SettlementCursor[];
  /** Postings on merchant:<id>, by merchant id. */
  receivable: Map<string, ReceivablePosting[]>;
  balances: Map<string, number>;
  entryIds: Set<string>;
};

/** One merchant's statements against its receivable's postings, cursor and settling/paid balances. */
export const checkMerchantStatements = (
  m: string,
  statements: Statement[],
  receivable: ReceivablePosting[],
  f: Pick<SettlementFacts, 'balances' | 'entryIds'> & { cursor: SettlementCursor | undefined },
  problem: (p: string) => void,
): void => {
  const list = [...statements].sort((a, b) => a.seq - b.seq);
  const postings = receivable.filter((p) => p.kind !== 'settlement');
  let unpaid = 0;
  let paid = 0;
  list.forEach((s, i) => {
    if (s.seq !== i + 1) problem(`statements of ${m}: number ${s.seq} where ${i + 1} was expected`);
    const prev = list[i - 1];
    if (prev && prev.to !== s.from)
      problem(`statement ${s.statement_id}: window starts ${s.from}, previous ended ${prev.to}`);
    let cap = 0;
    let ded = 0;
    for (const p of postings)
      if (p.at >= s.from && p.at < s.to) {
        if (p.amount_points >= 0) cap += p.amount_points;
        else ded -= p.amount_points;
      }
    if (cap !== s.captures_points || ded !== s.deductions_points)
      problem(
        `statement ${s.statement_id}: captures ${s.captures_points}/${cap}, deductions ${s.deductions_points}/${ded}`,
      );
    if (s.total_points !== s.captures_points - s.deductions_points || s.amount_fen !== s.total_points * s.fen_per_point)
      problem(`statement ${s.statement_id}: totals do not add up`);
    if (!f.entryIds.has(`settlement:${s.statement_id}`)) problem(`statement ${s.statement_id} has no settlement entry`);
    const payout = f.entryIds.has(`payout:${s.statement_id}`);
    if (s.status === 'paid') paid += s.total_points;
    else unpaid += s.total_points;
    if (payout !== (s.status === 'paid'))
      problem(`statement ${s.statement_id} is ${s.status}; payout entry: ${payout}`);
  });
  const last = list[list.length - 1];
  const cur = f.cursor;
  if (last && (!cur || cur.settled_to !== last.to || cur.seq !== last.seq))
    problem(`cursor of ${m} (${cur?.settled_to ?? 'none'} #${cur?.seq ?? 0}) is not at its last statement`);
  if ((f.balances.get(`settling:${m}`) ?? 0) !== unpaid)
    problem(`settling:${m} holds ${f.balances.get(`settling:${m}`) ?? 0}, unpaid statements ${unpaid}`);
  if ((f.balances.get(`paid:${m}`) ?? 0) !== paid)
    problem(`paid:${m} holds ${f.balances.get(`paid:${m}`) ?? 0}, paid statements ${paid}`);
};

/** Settling/paid balances with no statement behind them, settlement entries with no statement. */
export const checkSettlementOrphans = (
  merchants: ReadonlySet<string>,
  statementIds: ReadonlySet<string>,
  f: Pick<SettlementFacts, 'balances' | 'entryIds'>,
  problem: (p: string) => void,
): void => {
  for (const [acct, b] of f.balances) {
    const kind = acct.slice(0, acct.indexOf(':'));
    if ((kind === 'settling' || kind === 'paid') && b !== 0 && !merchants.has(acct.slice(kind.length + 1)))
      problem(`${acct} holds ${b} with no statement`);
  }
  for (const id of f.entryIds)
    if (id.startsWith('settlement:') && !statementIds.has(id.slice('settlement:'.length)))
      problem(`settlement entry ${id} has no statement`);
};

export const checkSettlement = (f: SettlementFacts, problem: (p: string) => void): void => {
  const byMerchant = new Map<string, Statement[]>();
  for (const s of f.statements) byMerchant.set(s.merchant_id, [...(byMerchant.get(s.merchant_id) ?? []), s]);
  const cursorOf = new Map(f.cursors.map((c) => [c.merchant_id, c]));
  for (const [m, list] of byMerchant)
    checkMerchantStatements(m, list, f.receivable.get(m) ?? [], { ...f, cursor: cursorOf.get(m) }, problem);
  const ids = new Set(f.statements.map((s) => s.statement_id));
  checkSettlementOrphans(new Set(byMerchant.keys()), ids, f, problem);
};
