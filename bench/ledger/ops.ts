// Part 1 of the ledger bench: what each ledger operation writes and reads. Every operation is
// repeated on fresh wallets; counts must agree across samples (they are the code's, not the
// machine's), the median time smooths DynamoDB Local's jitter.
import type { DynamoLocal } from '@tmc/local/dynamo-local';
import { capture, credit, hold, release, reverse, type LedgerDeps } from '@tmc/core/ledger/service';
import { createLedgerStore } from '@tmc/store/entities/ledger';
import { verifyLedger, type VerifyReport } from '@tmc/store/ledger-verify';
import { openTable } from '../fixtures/dynamo';
import { createMeter, type Tally } from '../fixtures/metering';
import { BENCH_ACTOR, topUpCredit } from '../fixtures/points';
import { allowance, allowanceEntryId, allowanceExpiry, captureArgs, clock, HOLD_POINTS, holdArgs } from './args';

export const OPS_SAMPLES = 5;
const SEED_TOPUP_POINTS = 100; // paid, never expires: holds take the allowance lot first, as in life
const ALLOWANCE_POINTS = 80; // a typical month (age band 80+, or 70-79 with a care level)
const PARTIAL_CAPTURE_POINTS = 20; // the merchant charges less than held: 10 go back
const SMALL_LOT_POINTS = 10; // three of them, so a hold of 25 must take all three
const SMALL_LOTS = 3;
const THREE_LOT_HOLD_POINTS = 25;

export const OPS = [
  ['credit', 'credit: allowance into an existing wallet'],
  ['hold1', 'hold taking 1 lot'],
  ['hold3', 'hold taking 3 lots'],
  ['captureFull', 'capture, full'],
  ['capturePartial', 'capture, partial (rest back to the wallet)'],
  ['release', 'release (order cancelled)'],
  ['reverseAllowance', 'reversal of an allowance'],
  ['reverseCapture', 'reversal of a capture (dispute upheld)'],
  ['holdIdem', 'hold taking 1 lot, with an idempotency key'],
] as const;
export type OpName = (typeof OPS)[number][0];
export type OpSample = { tally: Tally; ms: number };

export const measureOps = async (
  dynamo: DynamoLocal,
): Promise<{ samples: Map<OpName, OpSample[]>; verify: VerifyReport }> => {
  const db = await openTable(dynamo, 'ledger-ops');
  const meter = createMeter(db);
  const deps: LedgerDeps = { ledger: createLedgerStore(db), clock };
  const samples = new Map<OpName, OpSample[]>(OPS.map(([op]) => [op, []]));
  const measure = async (op: OpName, fn: () => Promise<unknown>): Promise<void> => {
    meter.reset({ trackItems: true });
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    samples.get(op)?.push({ tally: meter.take(), ms });
  };

  for (let i = 0; i < OPS_SAMPLES; i++) {
    const w = `e_ops${i}`; // the main wallet: a paid top-up, then this month's allowance
    const w3 = `e_ops${i}_lots`; // three small lots
    const wr = `e_ops${i}_rev`; // an allowance to reverse
    const h = (name: string) => `ops${i}_${name}`;
    // Setup steps are not measured: only the calls wrapped in `measure`.
    await credit(deps, topUpCredit(w, w, SEED_TOPUP_POINTS, 'bench top-up'));
    await measure('credit', () => credit(deps, allowance(w, ALLOWANCE_POINTS)));
    // The allowance lot expires first, so each hold below takes from it alone.
    await measure('hold1', () => hold(deps, holdArgs(h('a'), w, HOLD_POINTS)));
    await measure('captureFull', () => capture(deps, captureArgs(h('a'), HOLD_POINTS)));
    await hold(deps, holdArgs(h('b'), w, HOLD_POINTS));
    await measure('capturePartial', () => capture(deps, captureArgs(h('b'), PARTIAL_CAPTURE_POINTS)));
    await hold(deps, holdArgs(h('c'), w, HOLD_POINTS));
    await measure('release', () => release(deps, { hold_id: h('c'), why: 'cancelled', actor: BENCH_ACTOR }));
    for (let k = 0; k < SMALL_LOTS; k++) {
      await credit(deps, {
        entry_id: `award:${w3}:${k}`,
        kind: 'award',
        elder_id: w3,
        amount_points: SMALL_LOT_POINTS,
        from: 'awards',
        source: 'award',
        subsidy: true,
        expires_on: allowanceExpiry,
        reason: 'bench award',
        actor: BENCH_ACTOR,
        policy_version: null,
      });
    }
    await measure('hold3', () => hold(deps, holdArgs(h('d'), w3, THREE_LOT_HOLD_POINTS)));
    await credit(deps, allowance(wr, ALLOWANCE_POINTS));
    await measure('reverseAllowance', () =>
      reverse(deps, { entry_id: allowanceEntryId(wr), reason: 'bench', actor: BENCH_ACTOR }),
    );
    await measure('reverseCapture', () =>
      reverse(deps, { entry_id: `capture:${h('a')}`, reason: 'bench', actor: BENCH_ACTOR }),
    );
    await measure('holdIdem', () =>
      hold(deps, holdArgs(h('e'), w, HOLD_POINTS), { scope: 'bench', key: h('e'), request_hash: 'bench' }),
    );
  }
  return { samples, verify: await verifyLedger(db) };
};

/** "8", or "8–9" if samples disagree (they should not: the counts are the code's). */
export const spread = (xs: readonly number[]): string => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
};
