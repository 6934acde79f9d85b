// Part 3 of the ledger bench: holds per second spread over many wallets versus piled on one, with
// the transactions each sent, the ones cancelled (by reason) and a verify of the ledger after.
import { AppError } from '@tmc/core/kernel/errors';
import { credit, hold, type LedgerDeps } from '@tmc/core/ledger/service';
import { createLedgerStore } from '@tmc/store/entities/ledger';
import { verifyLedger, type VerifyReport } from '@tmc/store/ledger-verify';
import type { Db } from '@tmc/store/table';
import type { Meter, Tally } from '../fixtures/metering';
import { inFlight } from '../fixtures/pool';
import { bump } from '../fixtures/stats';
import { allowance, clock, HOLD_POINTS, holdArgs } from './args';

export const SPEND_HOLDS = 200;
export const SPEND_CONCURRENCY = 32;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export type SpendResult = {
  wallets: number;
  ms: number;
  outcomes: Map<string, number>;
  latencies: number[];
  tally: Tally;
  verify: VerifyReport;
};

/** SPEND_HOLDS holds of HOLD_POINTS, SPEND_CONCURRENCY in flight, on the wallets `elderOf` names. */
export const spend = async (
  db: Db,
  meter: Meter,
  label: string,
  elderOf: (i: number) => string,
): Promise<SpendResult> => {
  const deps: LedgerDeps = { ledger: createLedgerStore(db), clock };
  const elders = [...new Set(range(SPEND_HOLDS).map(elderOf))];
  // Each wallet gets one allowance lot big enough for all its holds, so no hold fails for points.
  const perWallet = (SPEND_HOLDS / elders.length) * HOLD_POINTS;
  await inFlight(elders, SPEND_CONCURRENCY, async (e) => {
    await credit(deps, allowance(e, perWallet));
  });

  meter.reset();
  const outcomes = new Map<string, number>();
  const latencies: number[] = [];
  const t0 = performance.now();
  await inFlight(range(SPEND_HOLDS), SPEND_CONCURRENCY, async (i) => {
    const s = performance.now();
    let outcome = 'ok';
    try {
      // No monthly cap here: the policy's 1,000 points a month would stop the single elder after
      // 33 holds, and this measures contention, not the cap. The counter item is still written.
      await hold(deps, { ...holdArgs(`${label}_${i}`, elderOf(i), HOLD_POINTS), per_month_max: null });
      latencies.push(performance.now() - s);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      outcome = e.code;
    }
    bump(outcomes, outcome);
  });
  const ms = performance.now() - t0;
  const tally = meter.take();
  return { wallets: elders.length, ms, outcomes, latencies, tally, verify: await verifyLedger(db) };
};
