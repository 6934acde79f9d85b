// Concurrency on one wallet against DynamoDB Local: 50 simultaneous spends of 30 points on a
// wallet of 100 -> exactly 3 succeed, 47 get INSUFFICIENT_POINTS, balance 10, verify green.
import { describe, expect, it } from 'vitest';
import { createLedgerStore } from '@tmc/store/entities/ledger';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { credit, hold, release, capture, type LedgerDeps } from '@tmc/core/ledger/service';
import { AppError } from '@tmc/core/kernel/errors';
import { systemClock } from '@tmc/core/kernel/clock';
import { makeTestDb } from '../support/db';
import { topUp } from '../support/top-up';

const outcome = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof AppError ? e.code : `crash:${String(e)}`;
  }
};

describe('ledger under concurrency', () => {
  it('50 concurrent spends of 30 on 100 points: exactly 3 succeed', async () => {
    const db = await makeTestDb('race');
    const deps: LedgerDeps = { ledger: createLedgerStore(db), clock: systemClock };
    await credit(deps, topUp('e_race', 'seed', 100));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        outcome(
          hold(
            deps,
            {
              hold_id: `race${i}`,
              elder_id: 'e_race',
              amount_points: 30,
              category: 'barber',
              subsidy_allowed: true,
              per_order_max: null,
              per_month_max: null,
              expires_at: new Date(Date.now() + 3_600_000).toISOString(),
              actor: 't',
              reason: 't',
            },
            { scope: 'race', key: `k${i}`, request_hash: 'h' },
          ),
        ),
      ),
    );
    const tally = results.reduce<Record<string, number>>((t, r) => ({ ...t, [r]: (t[r] ?? 0) + 1 }), {});
    expect(tally).toEqual({ ok: 3, INSUFFICIENT_POINTS: 47 });
    expect((await deps.ledger.account('wallet:e_race')).balance_points).toBe(10);
    expect((await verifyLedger(db)).problems).toEqual([]);
  }, 120_000);

  it('capture racing release on one hold: exactly one wins, the other is HOLD_ALREADY_FINAL', async () => {
    const db = await makeTestDb('race2');
    const deps: LedgerDeps = { ledger: createLedgerStore(db), clock: systemClock };
    await credit(deps, topUp('e_r2', 'seed', 100));
    for (let i = 0; i < 10; i++) {
      await hold(deps, {
        hold_id: `h${i}`,
        elder_id: 'e_r2',
        amount_points: 10,
        category: 'x',
        subsidy_allowed: true,
        per_order_max: null,
        per_month_max: null,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        actor: 't',
        reason: 't',
      });
      const [a, b] = await Promise.all([
        outcome(
          capture(deps, {
            hold_id: `h${i}`,
            amount_points: 10,
            merchant_id: 'm',
            actor: 't',
            reason: 't',
            policy_version: null,
          }),
        ),
        outcome(release(deps, { hold_id: `h${i}`, why: 'cancelled', actor: 't' })),
      ]);
      expect([a, b].sort()).toEqual(['HOLD_ALREADY_FINAL', 'ok']);
    }
    expect((await verifyLedger(db)).problems).toEqual([]);
  }, 120_000);
});
