// The streaming verifier's second pass, run only when one of its sums did not cancel: a Scan that keeps
// full detail for the keys in the disagreeing buckets alone (a few thousandths of the ledger per bucket)
// and names each entry, account, wallet and hold that is wrong, in the words the first verifier used.
import type { Posting } from '@tmc/core/ledger/entry';
import { holdOfItem, ledgerKeys } from './entities/ledger';
import type { Hold } from '@tmc/core/ledger/ports';
import { bucketOf, type Sketch } from './ledger-sketch';
import { scanParallel } from './ledger-verify-scan';
import type { Db } from './table';

export type Sketches = { postings: Sketch; accounts: Sketch; lots: Sketch; holds: Sketch };
type Bad = { postings: Set<number>; accounts: Set<number>; lots: Set<number>; holds: Set<number> };

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

export const nameMismatches = async (
  db: Db,
  segments: number,
  bad: Bad,
  problem: (p: string) => void,
): Promise<void> => {
  const declared = new Map<string, Posting[]>();
  const items = new Map<string, Map<string, number>>();
  const postingSum = new Map<string, number>();
  const balances = new Map<string, number>();
  const lotSum = new Map<string, number>();
  const holds = new Map<string, Hold>();

  await scanParallel(db, segments, (it) => {
    if (it.type === 'entry') {
      const id = String(it.entry_id);
      if (bad.postings.has(bucketOf(id))) declared.set(id, (it.postings ?? []) as Posting[]);
    } else if (it.type === 'posting') {
      const id = String(it.entry_id);
      const acct = String(it.account);
      if (bad.postings.has(bucketOf(id))) {
        const m = items.get(id) ?? new Map<string, number>();
        m.set(acct, Number(it.amount_points));
        items.set(id, m);
      }
      if (bad.accounts.has(bucketOf(acct))) add(postingSum, acct, Number(it.amount_points));
    } else if (it.type === 'lot') {
      const w = String(it.wallet);
      if (bad.lots.has(bucketOf(w))) add(lotSum, w, Number(it.remaining_points));
    } else if (it.type === 'hold' || ledgerKeys.isBalance({ pk: String(it.pk), sk: String(it.sk) })) {
      // a hold lives in its account's balance item, or (made before that) in an item of its own
      const h = holdOfItem(it);
      if (h && bad.holds.has(bucketOf(`hold:${h.hold_id}`))) holds.set(`hold:${h.hold_id}`, h);
      if (it.type === 'hold') return;
      const a = String(it.account ?? ledgerKeys.accountOf(String(it.pk)));
      const b = bucketOf(a);
      if (bad.accounts.has(b) || bad.lots.has(b) || bad.holds.has(b)) balances.set(a, Number(it.balance));
    }
  });

  for (const [id, postings] of declared) {
    const found = items.get(id);
    for (const p of postings)
      if (found?.get(p.account) !== p.amount_points)
        problem(`entry ${id}: posting item for ${p.account} missing or different`);
    for (const acct of found?.keys() ?? [])
      if (!postings.some((p) => p.account === acct))
        problem(`entry ${id}: posting item for ${acct} it does not declare`);
  }
  for (const id of items.keys()) if (!declared.has(id)) problem(`posting items of unknown entry ${id}`);

  const accounts = new Set([
    ...postingSum.keys(),
    ...[...balances.keys()].filter((a) => bad.accounts.has(bucketOf(a))),
  ]);
  for (const a of accounts) {
    const b = balances.get(a) ?? 0;
    const s = postingSum.get(a) ?? 0;
    if (b !== s) problem(`account ${a}: balance ${b} != sum of postings ${s}`);
  }
  for (const [a, b] of balances)
    if (a.startsWith('wallet:') && bad.lots.has(bucketOf(a)) && (lotSum.get(a) ?? 0) !== b)
      problem(`wallet ${a}: lots sum to ${lotSum.get(a) ?? 0}, balance ${b}`);
  for (const [w, s] of lotSum)
    if (!balances.has(w) && s !== 0) problem(`lots of ${w} hold ${s} points with no balance`);

  for (const [acct, h] of holds) {
    const bal = balances.get(acct) ?? 0;
    const open = h.status === 'open';
    if (open && bal !== Number(h.amount_points))
      problem(`hold ${h.hold_id} open but its account holds ${bal} of ${h.amount_points}`);
    if (!open && bal !== 0) problem(`hold ${h.hold_id} ${h.status} but its account still holds ${bal}`);
  }
  for (const [a, b] of balances)
    if (a.startsWith('hold:') && bad.holds.has(bucketOf(a)) && !holds.has(a) && b !== 0)
      problem(`account ${a} holds ${b} with no hold`);
};
