// The ledger check production runs every night (job `ledger-verify-day`): the entries of one China day,
// read by key from the entries-by-day index (each entry item carries it, written in its own
// transaction), against the accounts they touched. Nothing is Scanned and nothing grows with the ledger:
// - each entry balances in integers, each of its postings is there (BatchGetItem by key) with its amount,
//   and a reversal has its once-only marker naming it, on an original that exists;
// - each versioned account it touched (wallets, holds, merchants, settling, paid): its postings since the
//   day began chain from the balance_after of the posting before (each balance_after = the one before +
//   its amount, none below a floor), and the chain ends at the balance item. The balance item is read
//   before and after, and an account written meanwhile is checked again (up to twice, then counted busy);
// - a wallet's lots sum to its balance; a hold's account holds its amount while open, nothing after.
// Sharded system accounts (plain ADDs, no balance_after) are covered by each entry balancing; the full
// `npm run ledger:verify` proves their sums offline.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isFloored, isVersioned } from '@tmc/core/ledger/accounts';
import type { Posting } from '@tmc/core/ledger/entry';
import { ENTRY_DAY_SHARDS, holdOfItem, LOTS_READ_MAX, ledgerKeys } from './entities/ledger';
import { KeyChecks, type Item } from './ledger-verify-scan';
import { problemList } from './ledger-verify-report';
import type { Db } from './table';

export type DayReport = {
  ok: boolean;
  day: string;
  counts: { entries: number; postings: number; accounts: number; chained: number; busy: number };
  /** DynamoDB requests the check made. */
  requests: number;
  problems: string[];
};

export type DayOptions = { concurrency?: number };
const CONCURRENCY_DEFAULT = 8; // accounts checked at once
const RECHECKS = 2; // an account written during its check is checked again this often, then counted busy
const TIE_GROUP_MAX = 6; // postings sharing one timestamp: every order is tried up to this many

/** The ISO instant a China day begins (UTC+8, no DST). */
export const chinaDayStart = (day: string): string => new Date(`${day}T00:00:00+08:00`).toISOString();

type Link = { entry: string; at: string; amount: number; after: number };

/**
 * Where a chain of postings (ordered by time; equal timestamps in any order, since the sort key then
 * orders them by entry id, not by commit) ends from `base`, or the first posting that breaks it.
 */
export const chainEnd = (base: number, links: Link[]): { end: number } | { broken: Link; expected: number } => {
  let cur = base;
  for (let i = 0; i < links.length;) {
    let j = i;
    while (j < links.length && links[j]?.at === links[i]?.at) j++;
    const group = links.slice(i, j);
    const end = group.length <= TIE_GROUP_MAX ? orderedEnd(cur, group) : null;
    if (end === null) {
      // no order works: name the first posting that breaks the order the sort key gives
      let prev = cur;
      for (const l of group) {
        if (l.after !== prev + l.amount) return { broken: l, expected: prev + l.amount };
        prev = l.after;
      }
      return { broken: group[0] as Link, expected: cur + (group[0] as Link).amount };
    }
    cur = end;
    i = j;
  }
  return { end: cur };
};

/** The end of the first order of `group` in which every balance_after follows from the one before. */
const orderedEnd = (cur: number, group: Link[]): number | null => {
  if (group.length === 0) return cur;
  for (let k = 0; k < group.length; k++) {
    const l = group[k] as Link;
    if (l.after !== cur + l.amount) continue;
    const rest = orderedEnd(l.after, [...group.slice(0, k), ...group.slice(k + 1)]);
    if (rest !== null) return rest;
  }
  return null;
};

export const verifyLedgerDay = async (db: Db, day: string, opts: DayOptions = {}): Promise<DayReport> => {
  const { problems, problem } = problemList();
  const counts = { entries: 0, postings: 0, accounts: 0, chained: 0, busy: 0 };
  let requests = 0;
  const counted = <T>(p: Promise<T>): Promise<T> => {
    requests++;
    return p;
  };
  const keyed = new KeyChecks(db, 'pk, sk, by_entry, entry_id, amount_points');
  const touched = new Set<string>();

  const onEntry = async (it: Item) => {
    counts.entries++;
    const id = String(it.entry_id);
    const at = String(it.created_at);
    const postings = (Array.isArray(it.postings) ? it.postings : []) as Posting[];
    const sum = postings.reduce((s, p) => s + p.amount_points, 0);
    if (sum !== 0) problem(`entry ${id} does not balance: ${sum}`);
    if (postings.some((p) => !Number.isSafeInteger(p.amount_points))) problem(`entry ${id} has a non-integer amount`);
    for (const p of postings) {
      counts.postings++;
      touched.add(p.account);
      await keyed.check(ledgerKeys.posting(p.account, at, id), (item) => {
        if (item?.entry_id !== id || item.amount_points !== p.amount_points)
          problem(`entry ${id}: posting item for ${p.account} missing or different`);
      });
    }
    if (it.kind === 'reversal') {
      const original = String((it.ref as Record<string, unknown> | undefined)?.reverses ?? '');
      await keyed.check(ledgerKeys.entryReversed(original), (m) => {
        if (!m || m.by_entry !== id) problem(`reversal ${id} has no marker`);
      });
      await keyed.check(ledgerKeys.entry(original), (e) => {
        if (!e) problem(`reversal ${id} reverses unknown entry ${original}`);
      });
    }
  };

  for (let shard = 0; shard < ENTRY_DAY_SHARDS; shard++) {
    let start: Item | undefined;
    do {
      const r = await counted(
        db.doc.send(
          new QueryCommand({
            TableName: db.table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :p',
            ExpressionAttributeValues: { ':p': ledgerKeys.entryDayPk(day, shard) },
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const it of r.Items ?? []) await onEntry(it);
      start = r.LastEvaluatedKey;
    } while (start);
  }
  await keyed.drain();
  requests += keyed.requests;

  const from = chinaDayStart(day);
  const balanceOf = async (a: string) =>
    (
      await counted(
        db.doc.send(new GetCommand({ TableName: db.table, Key: ledgerKeys.balance(a), ConsistentRead: true })),
      )
    ).Item;
  /** The account's postings with sort keys in [lo, hi]: all of them, or the first `limit`. */
  const postingsOf = async (a: string, forward: boolean, lo: string, hi: string, limit?: number) => {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const r = await counted(
        db.doc.send(
          new QueryCommand({
            TableName: db.table,
            ConsistentRead: true,
            KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: { ':p': ledgerKeys.accountPk(a), ':lo': lo, ':hi': hi },
            ScanIndexForward: forward,
            ...(limit ? { Limit: limit } : {}),
            ExclusiveStartKey: start,
          }),
        ),
      );
      out.push(...(r.Items ?? []));
      start = limit ? undefined : r.LastEvaluatedKey;
    } while (start);
    return out;
  };

  /** One account's checks between two reads of its balance item: its problems, or null if it moved. */
  const checkAccount = async (a: string): Promise<string[] | null> => {
    const found: string[] = [];
    const before = await balanceOf(a);
    const bal = Number(before?.balance ?? 0);
    if (isFloored(a) && bal < 0) found.push(`account ${a}: balance ${bal} below its floor`);
    // the posting just before the day (and any sharing its timestamp) gives the chain its start
    const prefix = ledgerKeys.postingSkPrefix();
    const prior = await postingsOf(a, false, prefix, `${prefix}${from}`, TIE_GROUP_MAX + 2);
    const bases = prior.filter((p) => p.created_at === prior[0]?.created_at).map((p) => Number(p.balance_after));
    const links: Link[] = (await postingsOf(a, true, `${prefix}${from}`, `${prefix}\uffff`)).map((p) => ({
      entry: String(p.entry_id),
      at: String(p.created_at),
      amount: Number(p.amount_points),
      after: Number(p.balance_after),
    }));
    for (const l of links)
      if (isFloored(a) && l.after < 0) found.push(`posting ${l.entry} on ${a}: balance_after ${l.after} < 0`);
    const tries = (bases.length ? bases : [0]).map((b) => chainEnd(b, links));
    if (!tries.some((t) => 'end' in t && t.end === bal)) {
      // name the likelier fault: a chain that holds but ends elsewhere points at the balance item
      const ended = tries.find((t) => 'end' in t);
      const t = tries[0];
      if (ended && 'end' in ended) found.push(`account ${a}: balance ${bal} but its postings end at ${ended.end}`);
      else if (t && 'broken' in t)
        found.push(
          `account ${a}: posting ${t.broken.entry} says balance ${t.broken.after}, the chain gives ${t.expected}`,
        );
    }
    if (a.startsWith('wallet:')) {
      const lots = await counted(
        db.doc.send(
          new QueryCommand({
            TableName: db.table,
            ConsistentRead: true,
            Limit: LOTS_READ_MAX,
            KeyConditionExpression: 'pk = :p AND begins_with(sk, :l)',
            ExpressionAttributeValues: { ':p': ledgerKeys.accountPk(a), ':l': ledgerKeys.lotSkPrefix() },
          }),
        ),
      );
      const sum = (lots.Items ?? []).reduce((s, l) => s + Number(l.remaining_points), 0);
      if (sum !== bal) found.push(`wallet ${a}: lots sum to ${sum}, balance ${bal}`);
    }
    if (a.startsWith('hold:')) {
      const id = a.slice('hold:'.length);
      // in the balance item just read, or (a hold made before holds moved there) an item of its own
      const h =
        holdOfItem(before) ??
        holdOfItem(
          (
            await counted(
              db.doc.send(new GetCommand({ TableName: db.table, Key: ledgerKeys.hold(id), ConsistentRead: true })),
            )
          ).Item,
        );
      const want = h?.status === 'open' ? h.amount_points : 0;
      if (!h) found.push(`hold account ${a} has no hold`);
      else if (want !== bal) found.push(`hold ${id} ${String(h.status)} but its account holds ${bal} of ${want}`);
    }
    const after = await balanceOf(a);
    return after?.version === before?.version ? found : null;
  };

  const versioned = [...touched].filter((a) => isVersioned(a));
  counts.accounts = touched.size;
  let next = 0;
  const worker = async () => {
    while (next < versioned.length) {
      const a = versioned[next++] as string;
      let found: string[] | null = null;
      for (let attempt = 0; attempt <= RECHECKS && found === null; attempt++) found = await checkAccount(a);
      if (found === null) counts.busy++;
      else {
        counts.chained++;
        for (const p of found) problem(p);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? CONCURRENCY_DEFAULT }, worker));
  return { ok: problems.length === 0, day, counts, requests, problems };
};
