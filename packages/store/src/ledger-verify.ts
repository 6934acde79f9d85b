// `npm run ledger:verify`: proves the ledger's invariants over the whole store, streaming. Offline only:
// it Scans the table (parallel segments), which no request path ever does. Each item is folded into
// running state and dropped, so memory does not grow with the ledger:
// - checks one item proves alone (an entry balances in integers, a floored balance or balance_after
//   is not negative, a lot's remaining is within its original) are made on the spot;
// - "the posting items are exactly the postings the entries declare", "each account's balance is the
//   sum of its postings", "a wallet's lots sum to its balance" and "a hold's account holds what its
//   status says" are order-independent sums (ledger-sketch.ts) that must cancel; where they do not, a
//   second pass names the entries and accounts (ledger-verify-name.ts);
// - reversals and their once-only markers are checked by key (BatchGetItem, 100 keys at a time);
// - settlement keeps only statements, cursors and settling/paid balances (per merchant: bounded) and
//   reads each settled merchant's receivable by key afterwards.
// The first verifier, which keeps everything in memory, is ledger-verify-memory.ts (tests, bench).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isFloored } from '@tmc/core/ledger/accounts';
import type { Posting } from '@tmc/core/ledger/entry';
import type { SettlementCursor, Statement } from '@tmc/core/settlement/model';
import { holdOfItem, ledgerKeys } from './entities/ledger';
import { fromItem } from './item';
import { Sketch } from './ledger-sketch';
import { KeyChecks, SCAN_SEGMENTS_DEFAULT, scanParallel, type Item } from './ledger-verify-scan';
import { nameMismatches, type Sketches } from './ledger-verify-name';
import { problemList, type VerifyReport } from './ledger-verify-report';
import { checkMerchantStatements, checkSettlementOrphans, type ReceivablePosting } from './settlement-verify';
import type { Db } from './table';

export type { VerifyReport } from './ledger-verify-report';

export type VerifyOptions = {
  /** Parallel Scan segments (default 4). */
  segments?: number;
  /** Run the second pass that names what a disagreeing sum hides (default true). */
  name?: boolean;
};

const entryKey = (id: string) => ledgerKeys.entry(id);
const markerKey = (id: string) => ledgerKeys.entryReversed(id);

/** The element both sides of the posting match add: one posting of one entry. */
export const postingElement = (entry: string, account: string, amount: unknown) =>
  `${entry}|${account}|${String(amount)}`;

export const verifyLedger = async (db: Db, opts: VerifyOptions = {}): Promise<VerifyReport> => {
  const { problems, problem } = problemList();
  const sk: Sketches = { postings: new Sketch(), accounts: new Sketch(), lots: new Sketch(), holds: new Sketch() };
  const counts = { entries: 0, postings: 0, accounts: 0, lots: 0, holds: 0, reversals: 0 };
  let declared = 0; // postings the entries declare, against counts.postings (posting items)
  const keyed = new KeyChecks(db);
  // settlement: bounded by merchants and statements, never by entries
  const statements: Statement[] = [];
  const cursors = new Map<string, SettlementCursor>();
  const settleBalances = new Map<string, number>();
  const settleEntryIds = new Set<string>();

  const onEntry = async (it: Item) => {
    counts.entries++;
    const id = String(it.entry_id);
    const postings = (Array.isArray(it.postings) ? it.postings : []) as Posting[];
    let sum = 0;
    for (const p of postings) {
      sum += p.amount_points;
      declared++;
      sk.postings.fold(id, postingElement(id, p.account, p.amount_points), 1);
    }
    if (sum !== 0) problem(`entry ${id} does not balance: ${sum}`);
    if (postings.some((p) => !Number.isSafeInteger(p.amount_points))) problem(`entry ${id} has a non-integer amount`);
    if (id.startsWith('settlement:') || id.startsWith('payout:')) settleEntryIds.add(id);
    if (it.kind === 'reversal') {
      counts.reversals++;
      const ref = (it.ref ?? {}) as Record<string, unknown>;
      const original = typeof ref.reverses === 'string' ? ref.reverses : null;
      if (!original) problem(`reversal ${id} has no marker`);
      else
        await keyed.check(markerKey(original), (m) => {
          if (!m || m.by_entry !== id) problem(`reversal ${id} has no marker`);
        });
    }
  };

  const onMarker = async (it: Item) => {
    const original = ledgerKeys.entryIdOf(String(it.pk));
    const by = String(it.by_entry);
    await keyed.check(entryKey(original), (e) => {
      if (!e) problem(`reversal marker for unknown entry ${original}`);
    });
    await keyed.check(entryKey(by), (e) => {
      if (!e) problem(`reversal marker ${original} names missing reversal ${by}`);
    });
  };

  const onPosting = (it: Item) => {
    counts.postings++;
    const acct = String(it.account);
    const amt = Number(it.amount_points);
    sk.postings.fold(String(it.entry_id), postingElement(String(it.entry_id), acct, it.amount_points), -1);
    sk.accounts.fold(acct, acct, amt);
    if (it.balance_after !== null && it.balance_after !== undefined && isFloored(acct) && Number(it.balance_after) < 0)
      problem(`posting ${it.entry_id} on ${acct}: balance_after ${it.balance_after} < 0`);
  };

  const onLot = (it: Item) => {
    counts.lots++;
    const rem = Number(it.remaining_points);
    if (rem < 0 || rem > Number(it.original_points) || !Number.isSafeInteger(rem))
      problem(`lot ${it.lot_id}: remaining ${rem} of ${it.original_points}`);
    sk.lots.fold(String(it.wallet), String(it.wallet), rem);
  };

  const onBalance = (it: Item) => {
    counts.accounts++;
    const a = String(it.account ?? ledgerKeys.accountOf(String(it.pk)));
    const b = Number(it.balance);
    sk.accounts.fold(a, a, -b);
    if (isFloored(a) && b < 0) problem(`account ${a}: balance ${b} below its floor`);
    if (a.startsWith('wallet:')) sk.lots.fold(a, a, -b);
    if (a.startsWith('hold:')) sk.holds.fold(a, a, -b);
    if (a.startsWith('settling:') || a.startsWith('paid:')) settleBalances.set(a, b);
  };

  const onHold = (it: Item) => {
    const h = holdOfItem(it);
    if (!h) return;
    counts.holds++;
    const acct = `hold:${h.hold_id}`;
    sk.holds.fold(acct, acct, h.status === 'open' ? h.amount_points : 0);
  };

  const onItem = async (it: Item): Promise<void> => {
    switch (it.type) {
      case 'entry':
        return onEntry(it);
      case 'posting':
        return onPosting(it);
      case 'lot':
        return onLot(it);
      case 'hold': // a hold made before holds moved into their balance items
        return onHold(it);
      case 'statement':
        statements.push(fromItem<Statement>(it));
        return;
      case 'settle_cursor': {
        const c = fromItem<SettlementCursor>(it);
        cursors.set(c.merchant_id, c);
        return;
      }
      case 'reversal_marker':
        return onMarker(it);
      default:
        if (!ledgerKeys.isBalance({ pk: String(it.pk), sk: String(it.sk) })) return;
        onBalance(it);
        onHold(it); // a hold account's balance item carries its hold
    }
  };

  await scanParallel(db, opts.segments ?? SCAN_SEGMENTS_DEFAULT, onItem);
  await keyed.drain();

  await checkSettlementByKey(db, statements, cursors, { balances: settleBalances, entryIds: settleEntryIds }, problem);

  const bad = {
    postings: sk.postings.badBuckets(),
    accounts: sk.accounts.badBuckets(),
    lots: sk.lots.badBuckets(),
    holds: sk.holds.badBuckets(),
  };
  if (bad.postings.size > 0)
    problem(
      `posting items do not match the postings the entries declare (${declared} declared, ${counts.postings} ` +
        `posting items; ${bad.postings.size} bucket(s) disagree)`,
    );
  if (bad.accounts.size > 0) problem(`balances and posting sums disagree in ${bad.accounts.size} bucket(s)`);
  if (bad.lots.size > 0) problem(`wallet balances and lot sums disagree in ${bad.lots.size} bucket(s)`);
  if (bad.holds.size > 0) problem(`hold accounts and hold states disagree in ${bad.holds.size} bucket(s)`);
  const anyBad = bad.postings.size + bad.accounts.size + bad.lots.size + bad.holds.size > 0;
  if (anyBad && (opts.name ?? true)) await nameMismatches(db, opts.segments ?? SCAN_SEGMENTS_DEFAULT, bad, problem);

  return { ok: problems.length === 0, counts, problems };
};

/** Each merchant with statements: its receivable's postings read by key, in order, one merchant at a time. */
const checkSettlementByKey = async (
  db: Db,
  statements: Statement[],
  cursors: Map<string, SettlementCursor>,
  f: { balances: Map<string, number>; entryIds: Set<string> },
  problem: (p: string) => void,
): Promise<void> => {
  const byMerchant = new Map<string, Statement[]>();
  for (const s of statements) {
    const list = byMerchant.get(s.merchant_id) ?? [];
    list.push(s);
    byMerchant.set(s.merchant_id, list);
  }
  for (const [m, list] of byMerchant) {
    const receivable: ReceivablePosting[] = [];
    let start: Item | undefined;
    do {
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :pp)',
          ExpressionAttributeValues: {
            ':p': ledgerKeys.accountPk(`merchant:${m}`),
            ':pp': ledgerKeys.postingSkPrefix(),
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const it of r.Items ?? [])
        receivable.push({ at: String(it.created_at), amount_points: Number(it.amount_points), kind: String(it.kind) });
      start = r.LastEvaluatedKey;
    } while (start);
    checkMerchantStatements(m, list, receivable, { ...f, cursor: cursors.get(m) }, problem);
  }
  const ids = new Set(statements.map((s) => s.statement_id));
  checkSettlementOrphans(new Set(byMerchant.keys()), ids, f, problem);
};
