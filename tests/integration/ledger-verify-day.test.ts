// The nightly ledger check (store/ledger-verify-day.ts): one China day's entries, read by key from the
// entries-by-day index, against the accounts they touched. A real ledger over two days (the same
// elder on both, so the day-2 chain starts from a day-1 posting; the fake clock stands still, so
// postings share timestamps); each case tampers, expects the day check to say so, and restores.
import { beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerKeys } from '@tmc/store/entities/ledger';
import { chainEnd, chinaDayStart, verifyLedgerDay } from '@tmc/store/ledger-verify-day';
import { verifyLedger } from '@tmc/store/ledger-verify';
import type { Db } from '@tmc/store/table';
import { makeSettleEnv, type SettleEnv } from '../support/settlement';

type Item = Record<string, unknown>;
let env: SettleEnv;
let db: Db;
const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';
const ELDER = 'e_dayone';

const get = async (key: { pk: string; sk: string }): Promise<Item> => {
  const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
  if (!r.Item) throw new Error(`no item ${key.pk} ${key.sk}`);
  return r.Item;
};
const put = (it: Item) => db.doc.send(new PutCommand({ TableName: db.table, Item: it }));
const postingsOf = async (account: string): Promise<Item[]> =>
  (
    await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': ledgerKeys.accountPk(account), ':s': 'P#' },
      }),
    )
  ).Items ?? [];

/** Tampers with one item, expects the day's check to fail with `expected`, puts the item back. */
const expectFound = async (orig: Item, next: Item | null, expected: RegExp, day = DAY2) => {
  if (next) await put(next);
  else await db.doc.send(new DeleteCommand({ TableName: db.table, Key: { pk: orig.pk, sk: orig.sk } }));
  try {
    const r = await verifyLedgerDay(db, day);
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(expected);
  } finally {
    await put(orig);
  }
};

beforeAll(async () => {
  env = await makeSettleEnv('lvday', `${DAY1}T08:00:00Z`);
  db = env.db;
  env.addMerchant('m_day1');
  await env.earn('m_day1', 30, ELDER);
  await env.earn('m_day1', 20, 'e_daytwo');
  env.clock.advance(86_400_000);
  await env.earn('m_day1', 12, ELDER);
  const disputed = await env.earn('m_day1', 9, 'e_daythree');
  await env.uphold(disputed);
});

describe('the day check on a clean ledger', () => {
  it('passes for each day and reads only that day', async () => {
    expect((await verifyLedger(db)).problems).toEqual([]);
    const d1 = await verifyLedgerDay(db, DAY1);
    expect(d1.problems).toEqual([]);
    expect(d1.counts.entries).toBe(6); // two top-ups, holds and captures
    const d2 = await verifyLedgerDay(db, DAY2);
    expect(d2.problems).toEqual([]);
    expect(d2.counts.entries).toBe(7); // and the reversal
    expect(d2.counts.chained).toBeGreaterThan(4);
    expect(d2.counts.busy).toBe(0);
    expect((await verifyLedgerDay(db, '2026-11-25')).counts.entries).toBe(0);
  });

  it('chains postings in time order, trying every order of those that share a timestamp', () => {
    const at = '2026-11-24T00:00:00.000Z';
    const l = (entry: string, amount: number, after: number, t = at) => ({ entry, at: t, amount, after });
    expect(chainEnd(10, [l('b', -4, 1), l('a', -5, 5)])).toEqual({ end: 1 }); // sorted by id, committed a then b
    expect(chainEnd(10, [l('a', -5, 5), l('b', -4, 2)])).toMatchObject({ broken: { entry: 'b' }, expected: 1 });
    expect(chainEnd(10, [l('a', -5, 5), l('b', -4, 1, '2026-11-24T00:00:01.000Z')])).toEqual({ end: 1 });
    expect(chinaDayStart(DAY2)).toBe('2026-11-23T16:00:00.000Z');
  });
});

describe('the day check finds', () => {
  it('a tampered balance', async () => {
    const orig = await get(ledgerKeys.balance(`wallet:${ELDER}`));
    await expectFound(orig, { ...orig, balance: Number(orig.balance) + 5 }, /account wallet:e_dayone: balance \d+/);
  });

  it("a posting whose balance_after does not follow from the day before's", async () => {
    const day2 = (await postingsOf(`wallet:${ELDER}`)).filter((p) => String(p.created_at) >= chinaDayStart(DAY2));
    const orig = day2[0] as Item;
    await expectFound(orig, { ...orig, balance_after: Number(orig.balance_after) + 1 }, /wallet:e_dayone: posting/);
  });

  it('a missing posting item', async () => {
    const orig = (await postingsOf('merchant:m_day1')).at(-1) as Item;
    await expectFound(orig, null, /posting item for merchant:m_day1 missing or different/);
  });

  it('an entry that does not balance', async () => {
    const entry = (await postingsOf('merchant:m_day1')).at(-1)?.entry_id as string;
    const orig = await get(ledgerKeys.entry(entry));
    const postings = structuredClone(orig.postings) as { amount_points: number }[];
    (postings[0] as { amount_points: number }).amount_points += 1;
    await expectFound(orig, { ...orig, postings }, /does not balance/);
  });

  it('a reversal without its marker', async () => {
    const marker = (await postingsOf('wallet:e_daythree')).find((p) => p.kind === 'reversal');
    const entry = await get(ledgerKeys.entry(String(marker?.entry_id)));
    const orig = await get(ledgerKeys.entryReversed(String((entry.ref as Item).reverses)));
    await expectFound(orig, null, /reversal \S+ has no marker/);
  });

  it("lots that do not sum to the wallet's balance", async () => {
    const lots = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': ledgerKeys.accountPk(`wallet:${ELDER}`), ':s': 'LOT#' },
      }),
    );
    const orig = lots.Items?.[0] as Item;
    const next = { ...orig, remaining_points: Number(orig.remaining_points) + 2 };
    await expectFound(orig, next, /wallet wallet:e_dayone: lots sum to/);
  });

  it('a hold whose account does not match its status', async () => {
    const captures = (await postingsOf('merchant:m_day1')).filter((p) => p.kind === 'capture');
    const hold = captures.at(-1)?.entry_id as string; // capture:<hold id>, of day 2
    const orig = await get(ledgerKeys.balance(`hold:${hold.slice('capture:'.length)}`));
    const next = { ...orig, hold: { ...(orig.hold as Item), status: 'open' } };
    await expectFound(orig, next, /hold \S+ open but its account holds 0/);
  });

  it('and the ledger is clean again after every case', async () => {
    expect((await verifyLedgerDay(db, DAY2)).problems).toEqual([]);
    expect((await verifyLedger(db)).problems).toEqual([]);
  });
});
