// The first ledger verifier, kept as the reference the streaming one (ledger-verify.ts) is tested and
// benchmarked against: one single-segment Scan that keeps every entry and posting in memory. Offline only.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isFloored } from '@tmc/core/ledger/accounts';
import type { JournalEntry } from '@tmc/core/ledger/entry';
import { holdOfItem, ledgerKeys } from './entities/ledger';
import type { Hold } from '@tmc/core/ledger/ports';
import type { Db } from './table';
import { checkSettlement, type ReceivablePosting } from './settlement-verify';
import type { SettlementCursor, Statement } from '@tmc/core/settlement/model';
import { fromItem } from './item';
import { PROBLEMS_MAX, type VerifyReport } from './ledger-verify-report';

export const verifyLedgerInMemory = async (db: Db): Promise<VerifyReport> => {
  const entries = new Map<string, JournalEntry>();
  const postingSum = new Map<string, number>();
  const postingsByEntry = new Map<string, Map<string, number>>();
  const balances = new Map<string, number>();
  const lotSum = new Map<string, number>();
  const holds: Hold[] = [];
  const reversalMarkers: { entry_id: string; by_entry: string }[] = [];
  const problems: string[] = [];
  const problem = (p: string) => {
    if (problems.length < PROBLEMS_MAX) problems.push(p);
  };
  let postings = 0;
  let lots = 0;
  const statements: Statement[] = [];
  const cursors: SettlementCursor[] = [];
  const receivable = new Map<string, ReceivablePosting[]>();

  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.doc.send(
      new ScanCommand({ TableName: db.table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const it of r.Items ?? []) {
      switch (it.type) {
        case 'entry':
          entries.set(String(it.entry_id), it as unknown as JournalEntry);
          break;
        case 'posting': {
          postings++;
          const acct = String(it.account);
          const amt = Number(it.amount_points);
          postingSum.set(acct, (postingSum.get(acct) ?? 0) + amt);
          const byAcct = postingsByEntry.get(String(it.entry_id)) ?? new Map<string, number>();
          byAcct.set(acct, amt);
          postingsByEntry.set(String(it.entry_id), byAcct);
          if (acct.startsWith('merchant:')) {
            const m = acct.slice('merchant:'.length);
            const list = receivable.get(m) ?? [];
            list.push({ at: String(it.created_at), amount_points: amt, kind: String(it.kind) });
            receivable.set(m, list);
          }
          if (
            it.balance_after !== null &&
            it.balance_after !== undefined &&
            isFloored(acct) &&
            Number(it.balance_after) < 0
          )
            problem(`posting ${it.entry_id} on ${acct}: balance_after ${it.balance_after} < 0`);
          break;
        }
        case 'lot': {
          lots++;
          const rem = Number(it.remaining_points);
          if (rem < 0 || rem > Number(it.original_points) || !Number.isSafeInteger(rem))
            problem(`lot ${it.lot_id}: remaining ${rem} of ${it.original_points}`);
          lotSum.set(String(it.wallet), (lotSum.get(String(it.wallet)) ?? 0) + rem);
          break;
        }
        case 'hold': {
          const h = holdOfItem(it); // a hold made before holds moved into their balance items
          if (h) holds.push(h);
          break;
        }
        case 'statement':
          statements.push(fromItem<Statement>(it));
          break;
        case 'settle_cursor':
          cursors.push(fromItem<SettlementCursor>(it));
          break;
        case 'reversal_marker':
          reversalMarkers.push({ entry_id: ledgerKeys.entryIdOf(String(it.pk)), by_entry: String(it.by_entry) });
          break;
        default:
          if (ledgerKeys.isBalance({ pk: String(it.pk), sk: String(it.sk) })) {
            balances.set(String(it.account ?? ledgerKeys.accountOf(String(it.pk))), Number(it.balance));
            const h = holdOfItem(it); // a hold account's balance item carries its hold
            if (h) holds.push(h);
          }
      }
    }
    start = r.LastEvaluatedKey;
  } while (start);

  for (const [id, e] of entries) {
    const sum = e.postings.reduce((s, p) => s + p.amount_points, 0);
    if (sum !== 0) problem(`entry ${id} does not balance: ${sum}`);
    if (e.postings.some((p) => !Number.isSafeInteger(p.amount_points))) problem(`entry ${id} has a non-integer amount`);
    const items = postingsByEntry.get(id);
    for (const p of e.postings)
      if (items?.get(p.account) !== p.amount_points)
        problem(`entry ${id}: posting item for ${p.account} missing or different`);
  }
  for (const id of postingsByEntry.keys()) if (!entries.has(id)) problem(`posting items of unknown entry ${id}`);

  const accounts = new Set([...balances.keys(), ...postingSum.keys()]);
  for (const a of accounts) {
    const b = balances.get(a) ?? 0;
    const s = postingSum.get(a) ?? 0;
    if (b !== s) problem(`account ${a}: balance ${b} != sum of postings ${s}`);
    if (isFloored(a) && b < 0) problem(`account ${a}: balance ${b} below its floor`);
    if (a.startsWith('wallet:') && (lotSum.get(a) ?? 0) !== b)
      problem(`wallet ${a}: lots sum to ${lotSum.get(a) ?? 0}, balance ${b}`);
  }
  for (const [w, s] of lotSum)
    if (!accounts.has(w) && s !== 0) problem(`lots of ${w} hold ${s} points with no balance`);

  for (const h of holds) {
    const bal = balances.get(`hold:${h.hold_id}`) ?? 0;
    const open = h.status === 'open';
    if (open && bal !== Number(h.amount_points))
      problem(`hold ${h.hold_id} open but its account holds ${bal} of ${h.amount_points}`);
    if (!open && bal !== 0) problem(`hold ${h.hold_id} ${h.status} but its account still holds ${bal}`);
  }
  for (const m of reversalMarkers) {
    if (!entries.has(m.entry_id)) problem(`reversal marker for unknown entry ${m.entry_id}`);
    if (!entries.has(m.by_entry)) problem(`reversal marker ${m.entry_id} names missing reversal ${m.by_entry}`);
  }
  const reversals = [...entries.values()].filter((e) => e.kind === 'reversal');
  for (const r of reversals)
    if (!reversalMarkers.some((m) => m.by_entry === r.entry_id)) problem(`reversal ${r.entry_id} has no marker`);

  checkSettlement({ statements, cursors, receivable, balances, entryIds: new Set(entries.keys()) }, problem);

  return {
    ok: problems.length === 0,
    counts: {
      entries: entries.size,
      postings,
      accounts: accounts.size,
      lots,
      holds: holds.length,
      reversals: reversals.length,
    },
    problems,
  };
};
