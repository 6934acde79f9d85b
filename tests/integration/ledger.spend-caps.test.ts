// An elder's monthly spend kept in the wallet's balance item (store ledger-keys counterCell): a hold adds to it
// in the Update that moves the points, its ceilings in that Update's condition. Under 30 parallel holds on one
// wallet the category ceiling and then the month's hold exactly, every refusal is CAP_EXCEEDED (never a
// CONFLICT: the store tells a cap's refusal from a lost race), and months before SPEND_IN_WALLET_FROM stay in
// their counter items, where a give-back of an older hold finds them.
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import { credit, hold, release, type LedgerDeps } from '@tmc/core/ledger/service';
import { createLedgerStore, ledgerKeys, type SpendInWalletFrom } from '@tmc/store/entities/ledger';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { makeTestDb } from '../support/db';
import { topUp } from '../support/top-up';

const PARALLEL = 30;
let seq = 0;

const setup = async (label: string, spendInWalletFrom: SpendInWalletFrom) => {
  const db = await makeTestDb(label);
  let now = new Date('2026-11-20T02:00:00.000Z');
  const deps: LedgerDeps = { ledger: createLedgerStore(db, { spendInWalletFrom }), clock: { now: () => now } };
  const get = async (key: { pk: string; sk: string }) =>
    (await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }))).Item;
  await credit(deps, topUp('e_cap', 'seed', 1000));
  const book = async (category: string, caps: { month: number | null; category: number | null }) => {
    const hold_id = `o_${++seq}`;
    try {
      await hold(deps, {
        hold_id,
        elder_id: 'e_cap',
        amount_points: 10,
        category,
        subsidy_allowed: true,
        per_order_max: null,
        per_month_max: caps.month,
        per_category_month_max: caps.category,
        expires_at: '2027-01-31T00:00:00.000Z',
        actor: 't',
        reason: 't',
      });
      return { hold_id, outcome: 'ok' };
    } catch (e) {
      return { hold_id, outcome: e instanceof AppError ? e.code : `crash:${String(e)}` };
    }
  };
  const tally = (rs: { outcome: string }[]) =>
    rs.reduce<Record<string, number>>((t, r) => ({ ...t, [r.outcome]: (t[r.outcome] ?? 0) + 1 }), {});
  return { db, deps, get, book, tally, setNow: (iso: string) => (now = new Date(iso)) };
};

const wallet = ledgerKeys.balance('wallet:e_cap');
const monthItem = (month: string) => ledgerKeys.counterOf({ kind: 'spent_month', elder_id: 'e_cap', month });

describe('monthly spend in the wallet balance item', () => {
  it(`${PARALLEL} parallel holds: category ceiling, then month ceiling, exactly; refusals CAP_EXCEEDED`, async () => {
    const t = await setup('spend-wallet', '0000-01');
    const caps = { month: 100, category: 50 };
    const barber = await Promise.all(Array.from({ length: PARALLEL }, () => t.book('barber', caps)));
    expect(t.tally(barber)).toEqual({ ok: 5, CAP_EXCEEDED: PARALLEL - 5 });
    const clinic = await Promise.all(Array.from({ length: PARALLEL }, () => t.book('clinic', caps)));
    expect(t.tally(clinic)).toEqual({ ok: 5, CAP_EXCEEDED: PARALLEL - 5 });
    expect(await t.get(wallet)).toMatchObject({
      balance: 900,
      'spent#2026-11': 100,
      'spent#2026-11#barber': 50,
      'spent#2026-11#clinic': 50,
    });
    expect(await t.get(monthItem('2026-11'))).toBeUndefined(); // no counter item
    expect(await t.deps.ledger.counter({ kind: 'spent_month', elder_id: 'e_cap', month: '2026-11' })).toBe(100);

    // a give-back makes room for exactly one more
    await release(t.deps, { hold_id: barber.find((r) => r.outcome === 'ok')!.hold_id, why: 'cancelled', actor: 't' });
    expect(await t.get(wallet)).toMatchObject({ 'spent#2026-11': 90, 'spent#2026-11#barber': 40 });
    const again = await Promise.all(Array.from({ length: 10 }, () => t.book('barber', caps)));
    expect(t.tally(again)).toEqual({ ok: 1, CAP_EXCEEDED: 9 });
    expect((await verifyLedger(t.db)).problems).toEqual([]);
  });

  it('months before SPEND_IN_WALLET_FROM stay in their counter items, give-backs included', async () => {
    const t = await setup('spend-cutover', '2026-12');
    const none = { month: null, category: null };
    const nov = await t.book('barber', none);
    expect(await t.get(monthItem('2026-11'))).toMatchObject({ amount: 10, 'amount#barber': 10 });
    t.setNow('2026-12-02T02:00:00.000Z');
    expect((await t.book('barber', { month: 10, category: null })).outcome).toBe('ok');
    expect((await t.book('barber', { month: 10, category: null })).outcome).toBe('CAP_EXCEEDED');
    await release(t.deps, { hold_id: nov.hold_id, why: 'cancelled', actor: 't' });
    expect(await t.get(monthItem('2026-11'))).toMatchObject({ amount: 0, 'amount#barber': 0 });
    const w = await t.get(wallet);
    expect(w).toMatchObject({ 'spent#2026-12': 10, 'spent#2026-12#barber': 10 });
    expect(w?.['spent#2026-11']).toBeUndefined();
    expect((await verifyLedger(t.db)).problems).toEqual([]);
  });

  it('without SPEND_IN_WALLET_FROM every month is in counter items', async () => {
    const t = await setup('spend-never', null);
    expect((await t.book('barber', { month: 10, category: null })).outcome).toBe('ok');
    expect((await t.book('barber', { month: 10, category: null })).outcome).toBe('CAP_EXCEEDED');
    expect(await t.get(monthItem('2026-11'))).toMatchObject({ amount: 10 });
    expect(Object.keys((await t.get(wallet)) ?? {}).filter((k) => k.startsWith('spent#'))).toEqual([]);
  });
});
