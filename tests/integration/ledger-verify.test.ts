// The streaming ledger verifier (store/ledger-verify.ts) finds every kind of corruption the first,
// in-memory one (ledger-verify-memory.ts) finds. One real ledger (top-ups, holds, captures, an upheld
// dispute, an open hold, a settlement run); each case tampers with items, runs both verifiers, expects
// both to name the problem, then puts the items back and expects both clean again.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { credit, hold } from '@tmc/core/ledger/service';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { runSettlement } from '@tmc/core/settlement/run';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { verifyLedgerInMemory } from '@tmc/store/ledger-verify-memory';
import type { Db } from '@tmc/store/table';
import { makeSettleEnv, RUNNER, type SettleEnv } from '../support/settlement';
import { makeLegacyHold } from '../support/legacy-hold';

type Item = Record<string, unknown>;
let env: SettleEnv;
let db: Db;
let all: Item[] = [];

const scanAll = async (): Promise<Item[]> => {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    const r = await db.doc.send(
      new ScanCommand({ TableName: db.table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    out.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
};
const put = (it: Item) => db.doc.send(new PutCommand({ TableName: db.table, Item: it }));
const del = (it: Item) => db.doc.send(new DeleteCommand({ TableName: db.table, Key: { pk: it.pk, sk: it.sk } }));
const find = (pred: (it: Item) => boolean): Item => {
  const it = all.find(pred);
  if (!it) throw new Error('fixture lacks the item this case tampers with');
  return structuredClone(it);
};
const isBalance = (it: Item, prefix: string) => it.sk === 'BAL' && String(it.account).startsWith(prefix);

/** Applies `tamper` (answering the originals to restore and the items it created), checks, restores. */
const expectBoth = async (tamper: () => Promise<{ restore: Item[]; added?: Item[] }>, expected: RegExp) => {
  const { restore, added = [] } = await tamper();
  try {
    for (const [name, r] of [
      ['streaming', await verifyLedger(db, { segments: 3 })],
      ['in memory', await verifyLedgerInMemory(db)],
    ] as const) {
      expect(r.ok, name).toBe(false);
      expect(r.problems.join('\n'), name).toMatch(expected);
    }
  } finally {
    for (const it of added) await del(it);
    for (const it of restore) await put(it);
  }
};
const change = (pred: (it: Item) => boolean, edit: (it: Item) => void) => async () => {
  const orig = find(pred);
  const next = structuredClone(orig);
  edit(next);
  await put(next);
  return { restore: [orig] };
};
const remove = (pred: (it: Item) => boolean) => async () => {
  const orig = find(pred);
  await del(orig);
  return { restore: [orig] };
};
const add = (it: Item) => async () => {
  await put(it);
  return { restore: [], added: [it] };
};

beforeAll(async () => {
  env = await makeSettleEnv('lverify');
  db = env.db;
  env.addMerchant('m_vera');
  env.addMerchant('m_verb');
  await env.earn('m_vera', 30);
  const disputed = await env.earn('m_vera', 12);
  await env.earn('m_verb', 25);
  await env.uphold(disputed);
  await credit(env.deps, {
    entry_id: 'top_up:open1',
    kind: 'top_up',
    elder_id: 'e_open',
    amount_points: 40,
    from: 'topup_clearing',
    source: 'top_up',
    subsidy: false,
    expires_on: NEVER_EXPIRES,
    reason: 't',
    actor: 't',
    policy_version: null,
  });
  await hold(env.deps, {
    hold_id: 'o_open1',
    elder_id: 'e_open',
    amount_points: 15,
    category: 'barber',
    subsidy_allowed: true,
    per_order_max: null,
    per_month_max: null,
    expires_at: new Date(env.clock.now().getTime() + 86_400_000).toISOString(),
    actor: 't',
    reason: 't',
  });
  env.closePeriod('2026-11');
  const run = await runSettlement(env.deps, { period: '2026-11', policy: env.policy, actor: RUNNER });
  expect(run.statements).toBe(2);
  // one captured hold as a deployment older than holds in balance items keeps it: both layouts checked
  const captured = (await scanAll()).find((it) => it.sk === 'BAL' && (it.hold as Item)?.status === 'captured');
  await makeLegacyHold(db, String((captured?.hold as Item).hold_id));
  all = await scanAll();
});

describe('a clean ledger', () => {
  it('both verifiers pass and count alike, with 1, 3 and 8 segments', async () => {
    const ref = await verifyLedgerInMemory(db);
    expect(ref.problems).toEqual([]);
    expect(ref.counts.reversals).toBe(1);
    for (const segments of [1, 3, 8]) {
      const r = await verifyLedger(db, { segments });
      expect(r.problems).toEqual([]);
      expect(r.counts).toEqual(ref.counts);
    }
  });
});

describe('each corruption the first verifier finds, the streaming one finds', () => {
  const entry = (it: Item) => it.type === 'entry' && it.kind === 'top_up';
  const walletPosting = (it: Item) => it.type === 'posting' && String(it.account).startsWith('wallet:');
  const cases: [string, () => Promise<{ restore: Item[]; added?: Item[] }>, RegExp][] = [
    [
      'an entry that does not balance',
      change(entry, (e) => ((e.postings as { amount_points: number }[])[0]!.amount_points += 1)),
      /does not balance/,
    ],
    [
      'an entry with a fractional amount',
      change(entry, (e) => {
        const p = e.postings as { amount_points: number }[];
        p[0]!.amount_points += 0.5;
        p[1]!.amount_points -= 0.5;
      }),
      /non-integer amount/,
    ],
    [
      'a posting item with another amount',
      change(walletPosting, (p) => ((p.amount_points as number) += 3)),
      /posting item for wallet:\S+ missing or different/,
    ],
    ['a posting item missing', remove(walletPosting), /posting item for wallet:\S+ missing or different/],
    [
      'posting items of an entry that does not exist',
      add({
        pk: 'ACCT#wallet:e_ghost',
        sk: 'P#2026-11-23T08:00:00.000Z#ghost',
        type: 'posting',
        account: 'wallet:e_ghost',
        entry_id: 'ghost',
        amount_points: 0,
        kind: 'top_up',
        created_at: '2026-11-23T08:00:00.000Z',
      }),
      /posting items of unknown entry ghost/,
    ],
    [
      'a balance that is not the sum of its postings',
      change(
        (it) => isBalance(it, 'merchant:'),
        (b) => ((b.balance as number) += 7),
      ),
      /account merchant:\S+: balance -?\d+ != sum of postings/,
    ],
    [
      'a floored balance below zero',
      change(
        (it) => isBalance(it, 'wallet:e_open'),
        (b) => (b.balance = -1),
      ),
      /account wallet:e_open: balance -1 below its floor/,
    ],
    [
      'a posting whose balance_after is below zero',
      change(walletPosting, (p) => (p.balance_after = -2)),
      /balance_after -2 < 0/,
    ],
    [
      'a lot holding more than it was given',
      change(
        (it) => it.type === 'lot',
        (l) => (l.remaining_points = Number(l.original_points) + 1),
      ),
      /lot \S+: remaining/,
    ],
    [
      "lots that do not sum to the wallet's balance",
      change(
        (it) => it.type === 'lot' && it.wallet === 'wallet:e_open',
        (l) => ((l.remaining_points as number) -= 1),
      ),
      /wallet wallet:e_open: lots sum to 24, balance 25/,
    ],
    [
      'an open hold whose account does not hold its amount',
      change(
        (it) => isBalance(it, 'hold:o_open1'),
        (b) => ((b.balance as number) -= 5),
      ),
      /hold o_open1 open but its account holds 10 of 15/,
    ],
    [
      'a captured hold whose status says open',
      change(
        (it) => (it.hold as Item | undefined)?.status === 'captured',
        (b) => ((b.hold as Item).status = 'open'),
      ),
      /hold \S+ open but its account holds 0/,
    ],
    [
      'a captured hold of its own item (made before holds moved into balances) whose status says open',
      change(
        (it) => it.type === 'hold' && it.status !== 'open',
        (h) => (h.status = 'open'),
      ),
      /hold \S+ open but its account holds 0/,
    ],
    ['a reversal without its marker', remove((it) => it.type === 'reversal_marker'), /reversal \S+ has no marker/],
    [
      'a marker for an entry that does not exist',
      add({ pk: 'ENTRY#nobody', sk: 'REVERSED', type: 'reversal_marker', by_entry: 'nobody-else' }),
      /reversal marker for unknown entry nobody/,
    ],
    [
      'a marker naming a reversal that does not exist',
      change(
        (it) => it.type === 'reversal_marker',
        (m) => (m.by_entry = 'reversal:missing'),
      ),
      /names missing reversal reversal:missing/,
    ],
    [
      "a statement whose captures are not its window's",
      change(
        (it) => it.type === 'statement',
        (s) => ((s.captures_points as number) += 1),
      ),
      /statement \S+: captures/,
    ],
    [
      'a settling account that is not its unpaid statements',
      change(
        (it) => isBalance(it, 'settling:'),
        (b) => ((b.balance as number) += 1),
      ),
      /settling:m_ver\w holds \d+, unpaid statements/,
    ],
    ['a merchant with statements and no cursor', remove((it) => it.type === 'settle_cursor'), /cursor of m_ver\w/],
    ['a settlement entry without its statement', remove((it) => it.type === 'statement'), /has no statement/],
  ];
  it.each(cases)('%s', async (_name, tamper, expected) => {
    await expectBoth(tamper, expected);
  });

  it('after every case the ledger is clean again', async () => {
    expect((await verifyLedger(db)).problems).toEqual([]);
  });
});

describe('sums that disagree', () => {
  it('are reported even without the naming pass, which names the entry and the account', async () => {
    const orig = find((it) => it.type === 'posting' && String(it.account).startsWith('merchant:'));
    await put({ ...orig, amount_points: Number(orig.amount_points) + 1 });
    try {
      const quick = await verifyLedger(db, { name: false });
      expect(quick.problems.join('\n')).toMatch(/posting items do not match the postings the entries declare/);
      expect(quick.problems.join('\n')).not.toMatch(/missing or different/);
      const named = await verifyLedger(db);
      expect(named.problems.join('\n')).toMatch(new RegExp(`entry ${String(orig.entry_id)}: posting item`));
      expect(named.problems.join('\n')).toMatch(/account merchant:\S+: balance \d+ != sum of postings/);
    } finally {
      await put(orig);
    }
  });

  it('any change of any amount on a posting, balance or lot is found (property)', async () => {
    const targets = all.filter((it) => it.type === 'posting' || it.type === 'lot' || it.sk === 'BAL');
    await fc.assert(
      fc.asyncProperty(
        fc.nat(targets.length - 1),
        fc.integer({ min: -1000, max: 1000 }).filter((d) => d !== 0),
        async (i, d) => {
          const orig = structuredClone(targets[i] as Item);
          const field =
            orig.type === 'posting' ? 'amount_points' : orig.type === 'lot' ? 'remaining_points' : 'balance';
          await put({ ...orig, [field]: Number(orig[field]) + d });
          try {
            expect((await verifyLedger(db, { name: false })).ok).toBe(false);
          } finally {
            await put(orig);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
