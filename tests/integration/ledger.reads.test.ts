// The booking path's reads (issue 13): the wallet's balance and lots in one Query, balances in one
// BatchGet, and a hold planned optimistically (its id assumed new, the idempotency record not read
// first). Each must answer exactly what the separate reads answered, and every surprise the optimistic
// plan did not look for must end as before: the winner's replay, IDEMPOTENCY_KEY_REUSED, or
// HOLD_ALREADY_FINAL when the key's record has expired but its hold remains.
import { describe, expect, it } from 'vitest';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { createLedgerStore, ledgerKeys } from '@tmc/store/entities/ledger';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { credit, hold, type HoldArgs, type LedgerDeps } from '@tmc/core/ledger/service';
import { AppError } from '@tmc/core/kernel/errors';
import { systemClock } from '@tmc/core/kernel/clock';
import { makeTestDb } from '../support/db';
import { topUp } from '../support/top-up';

const holdOf = (elder_id: string, hold_id: string, amount_points: number): HoldArgs => ({
  hold_id,
  elder_id,
  amount_points,
  category: 'barber',
  subsidy_allowed: true,
  per_order_max: null,
  per_month_max: null,
  expires_at: '2099-01-01T00:00:00.000Z',
  actor: 't',
  reason: 't',
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof AppError ? e.code : `crash:${String(e)}`;
  }
};

describe('the booking path reads', () => {
  it('walletWithLots and accounts() answer what account() and lots() answer', async () => {
    const db = await makeTestDb('reads');
    const ledger = createLedgerStore(db);
    const deps: LedgerDeps = { ledger, clock: systemClock };
    await credit(deps, topUp('e_r', 'a', 50, '2099-12-31'));
    await credit(deps, topUp('e_r', 'b', 70));
    await hold(deps, holdOf('e_r', 'h1', 60), { scope: 'elder:e_r', key: 'k1', request_hash: 'x' });
    const both = await ledger.walletWithLots('wallet:e_r');
    expect(both.state).toEqual(await ledger.account('wallet:e_r'));
    expect(both.lots).toEqual(await ledger.lots('wallet:e_r'));
    expect(both.state.balance_points).toBe(60);
    const names = ['wallet:e_r', 'hold:h1', 'wallet:e_never', 'wallet:e_r'];
    expect(await ledger.accounts(names)).toEqual(await Promise.all(names.map((a) => ledger.account(a))));
    expect((await ledger.walletWithLots('wallet:e_never')).state.version).toBe(0);
  });

  it('a replay, a reused key and a hold id whose record expired end as they did with the reads first', async () => {
    const db = await makeTestDb('reads');
    const ledger = createLedgerStore(db);
    const deps: LedgerDeps = { ledger, clock: systemClock };
    await credit(deps, topUp('e_o', 'seed', 100));
    const idem = { scope: 'elder:e_o', key: 'key-one', request_hash: 'body-1' };
    const first = await hold(deps, holdOf('e_o', 'o1', 30), idem);
    expect(first.replayed).toBe(false);
    // 20 copies of the same request at once: all the one entry, replayed; points held once
    const copies = await Promise.all(Array.from({ length: 20 }, () => hold(deps, holdOf('e_o', 'o1', 30), idem)));
    expect(new Set(copies.map((r) => `${r.entry_id}:${r.replayed}`))).toEqual(new Set(['hold:o1:true']));
    expect((await ledger.account('wallet:e_o')).balance_points).toBe(70);
    // the same key with another body
    expect(await codeOf(hold(deps, holdOf('e_o', 'o1', 40), { ...idem, request_hash: 'body-2' }))).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    // the key's record gone (its TTL passed), the hold it made still there: refused, nothing moves
    await db.doc.send(new DeleteCommand({ TableName: db.table, Key: ledgerKeys.idempotency(idem.scope, idem.key) }));
    expect(await codeOf(hold(deps, holdOf('e_o', 'o1', 30), idem))).toBe('HOLD_ALREADY_FINAL');
    expect((await ledger.account('wallet:e_o')).balance_points).toBe(70);
    expect((await verifyLedger(db)).ok).toBe(true);
  });
});
