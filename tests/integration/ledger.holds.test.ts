// Where a hold lives (store ledger-holds.ts): in its hold account's balance item, written by the same
// Update as the balance, in the expiry index while open; and, for a hold made before that, in its own
// item, read and written where it is. Each layout under 30 parallel captures and releases of one hold on
// DynamoDB Local: one winner, the others HOLD_ALREADY_FINAL, the points moved once, both verifiers green.
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import { capture, credit, hold, release, type LedgerDeps } from '@tmc/core/ledger/service';
import { runHoldExpiry } from '@tmc/core/policy/expiry';
import { createLedgerStore, HoldPlaces, ledgerKeys } from '@tmc/store/entities/ledger';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { verifyLedgerDay } from '@tmc/store/ledger-verify-day';
import { verifyLedgerInMemory } from '@tmc/store/ledger-verify-memory';
import { makeTestDb } from '../support/db';
import { topUp } from '../support/top-up';
import { makeLegacyHold } from '../support/legacy-hold';

const NOW = new Date('2026-11-20T02:00:00.000Z');
const clock = { now: () => NOW };
const PARALLEL = 30;

/** 'ok' for the one that moved the points; a later call that finds its entry written gets it replayed. */
const outcome = async (p: Promise<{ replayed: boolean } | unknown>) => {
  try {
    const r = await p;
    return (r as { replayed?: boolean }).replayed ? 'replayed' : 'ok';
  } catch (e) {
    return e instanceof AppError ? e.code : `crash:${String(e)}`;
  }
};
/** One call moves the points; each other one is refused (already final) or replays the winner's entry. */
const expectOneWinner = (rs: string[]) => {
  const { ok, replayed = 0, HOLD_ALREADY_FINAL: final = 0, ...rest } = tally(rs);
  expect({ ok, rest }).toEqual({ ok: 1, rest: {} });
  expect(replayed + final).toBe(rs.length - 1);
};
const tally = (rs: string[]) => rs.reduce<Record<string, number>>((t, r) => ({ ...t, [r]: (t[r] ?? 0) + 1 }), {});

const setup = async (label: string) => {
  const db = await makeTestDb(label);
  const deps: LedgerDeps = { ledger: createLedgerStore(db), clock };
  const get = async (key: { pk: string; sk: string }) =>
    (await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }))).Item;
  const holdFor = async (elder: string, hold_id: string, expires_at = '2026-11-21T02:00:00.000Z') => {
    await credit(deps, topUp(elder, `seed:${hold_id}`, 100));
    await hold(deps, {
      hold_id,
      elder_id: elder,
      amount_points: 40,
      category: 'barber',
      subsidy_allowed: true,
      per_order_max: null,
      per_month_max: null,
      expires_at,
      actor: 't',
      reason: 't',
    });
  };
  const clean = async () => {
    expect((await verifyLedger(db, { segments: 3 })).problems).toEqual([]);
    expect((await verifyLedgerInMemory(db)).problems).toEqual([]);
    expect((await verifyLedgerDay(db, '2026-11-20')).problems).toEqual([]);
  };
  // another function: its store never remembers where it read a hold, so it finds the place by refusal
  const other: LedgerDeps = { ledger: createLedgerStore(db, { places: new HoldPlaces(0) }), clock };
  return { db, deps, other, get, holdFor, clean };
};

const captureOf = (deps: LedgerDeps, hold_id: string, amount_points: number, i: number) =>
  capture(deps, { hold_id, amount_points, merchant_id: `m_${i % 3}`, actor: 't', reason: 't', policy_version: null });

describe('a hold inside its balance item', () => {
  it('is written with the balance, indexed while open, and has no item of its own', async () => {
    const t = await setup('holds-new');
    await t.holdFor('e_new', 'o_new1');
    const bal = await t.get(ledgerKeys.balance('hold:o_new1'));
    expect(bal).toMatchObject({ balance: 40, hold: { hold_id: 'o_new1', status: 'open', amount_points: 40 } });
    expect(bal?.gsi1pk).toMatch(/^HOLDS_EXPIRING#2026-11-21#/);
    expect(await t.get(ledgerKeys.hold('o_new1'))).toBeUndefined();
    expect(await t.deps.ledger.hold('o_new1')).toMatchObject({ status: 'open', version: 1 });
    await t.clean();
  });

  it(`${PARALLEL} parallel captures with a fee: one wins, the fee kept once, the rest back once`, async () => {
    const t = await setup('holds-new-cap');
    await t.holdFor('e_cap', 'o_cap1');
    const rs = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => outcome(captureOf(t.deps, 'o_cap1', 5, i))),
    );
    expectOneWinner(rs);
    expect((await t.deps.ledger.account('wallet:e_cap')).balance_points).toBe(95);
    const bal = await t.get(ledgerKeys.balance('hold:o_cap1'));
    expect(bal).toMatchObject({ balance: 0, hold: { status: 'captured', version: 2 } });
    expect(bal?.gsi1pk).toBeUndefined(); // out of the expiry index
    await t.clean();
  });

  it(`${PARALLEL} parallel releases against a capture: one wins`, async () => {
    const t = await setup('holds-new-rel');
    await t.holdFor('e_rel', 'o_rel1');
    const rs = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        outcome(
          i === 7
            ? captureOf(t.deps, 'o_rel1', 40, i)
            : release(t.deps, { hold_id: 'o_rel1', why: 'cancelled', actor: 't' }),
        ),
      ),
    );
    expectOneWinner(rs);
    const w = (await t.deps.ledger.account('wallet:e_rel')).balance_points;
    const h = await t.deps.ledger.hold('o_rel1');
    expect(h?.status === 'captured' ? w === 60 : h?.status === 'released' && w === 100).toBe(true);
    await t.clean();
  });
});

describe('the hold expiry job', () => {
  it('releases an open hold in its balance item once and takes it out of the index', async () => {
    const t = await setup('holds-new-exp');
    await t.holdFor('e_nexp', 'o_nexp1', '2026-11-20T01:00:00.000Z');
    expect(await runHoldExpiry(t.deps, NOW)).toEqual({ released: 1 });
    const bal = await t.get(ledgerKeys.balance('hold:o_nexp1'));
    expect(bal).toMatchObject({ balance: 0, hold: { status: 'expired', version: 2 } });
    expect(bal?.gsi1pk).toBeUndefined();
    expect(await runHoldExpiry(t.deps, NOW)).toEqual({ released: 0 });
    expect((await t.deps.ledger.account('wallet:e_nexp')).balance_points).toBe(100);
    await t.clean();
  });
});

describe('a hold made before holds moved into balance items', () => {
  it('is read, expired by the job and verified where it is', async () => {
    const t = await setup('holds-old-exp');
    await t.holdFor('e_oexp', 'o_oexp1', '2026-11-20T01:00:00.000Z');
    await makeLegacyHold(t.db, 'o_oexp1');
    expect(await t.get(ledgerKeys.hold('o_oexp1'))).toMatchObject({ status: 'open', version: 1 });
    expect(await t.deps.ledger.hold('o_oexp1')).toMatchObject({ status: 'open', amount_points: 40 });
    await t.clean();
    expect(await runHoldExpiry(t.deps, NOW)).toEqual({ released: 1 });
    expect(await t.get(ledgerKeys.hold('o_oexp1'))).toMatchObject({ status: 'expired', version: 2 });
    expect((await t.get(ledgerKeys.balance('hold:o_oexp1')))?.hold).toBeUndefined(); // written where it lives
    expect(await runHoldExpiry(t.deps, NOW)).toEqual({ released: 0 });
    expect((await t.deps.ledger.account('wallet:e_oexp')).balance_points).toBe(100);
    await t.clean();
  });

  it(`${PARALLEL} parallel captures with a fee: one wins, written to its own item`, async () => {
    const t = await setup('holds-old-cap');
    await t.holdFor('e_ocap', 'o_ocap1');
    await makeLegacyHold(t.db, 'o_ocap1');
    const rs = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => outcome(captureOf(t.deps, 'o_ocap1', 5, i))),
    );
    expectOneWinner(rs);
    expect(await t.get(ledgerKeys.hold('o_ocap1'))).toMatchObject({ status: 'captured', version: 2 });
    expect((await t.get(ledgerKeys.hold('o_ocap1')))?.gsi1pk).toBeUndefined();
    expect((await t.get(ledgerKeys.balance('hold:o_ocap1')))?.hold).toBeUndefined();
    expect((await t.deps.ledger.account('wallet:e_ocap')).balance_points).toBe(95);
    await t.clean();
  });

  it(`${PARALLEL} parallel captures and releases from two functions: one wins, written to its own item`, async () => {
    const t = await setup('holds-old-mix');
    await t.holdFor('e_omix', 'o_omix1');
    await makeLegacyHold(t.db, 'o_omix1');
    const rs = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => {
        const deps = i % 2 ? t.other : t.deps;
        return outcome(
          i % 3
            ? release(deps, { hold_id: 'o_omix1', why: 'cancelled', actor: 't' })
            : captureOf(deps, 'o_omix1', 5, i),
        );
      }),
    );
    expectOneWinner(rs);
    const h = await t.get(ledgerKeys.hold('o_omix1'));
    expect(h).toMatchObject({ version: 2 });
    const w = (await t.deps.ledger.account('wallet:e_omix')).balance_points;
    expect(h?.status === 'captured' ? w === 95 : h?.status === 'released' && w === 100).toBe(true);
    expect((await t.get(ledgerKeys.balance('hold:o_omix1')))?.hold).toBeUndefined();
    await t.clean();
  });

  it('a booking that reuses its id is refused, and changes nothing', async () => {
    const t = await setup('holds-old-reuse');
    await t.holdFor('e_oreuse', 'o_oreuse1');
    await makeLegacyHold(t.db, 'o_oreuse1');
    const again = hold(t.deps, {
      hold_id: 'o_oreuse1',
      elder_id: 'e_oreuse',
      amount_points: 10,
      category: 'barber',
      subsidy_allowed: true,
      per_order_max: null,
      per_month_max: null,
      expires_at: '2026-11-21T02:00:00.000Z',
      actor: 't',
      reason: 't',
    });
    expect(await outcome(again)).toBe('HOLD_ALREADY_FINAL');
    expect((await t.deps.ledger.account('wallet:e_oreuse')).balance_points).toBe(60);
    await t.clean();
  });
});
