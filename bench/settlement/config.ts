// What the settlement bench settles: one closed month, merchants of 100 captured orders each (the
// city's ratio: 1,000,000 orders across 10,000 merchants), at a fixed clock after the month closed.
import type { Clock } from '@tmc/core/kernel/clock';
import { DEFAULT_POLICY, type Policy } from '@tmc/core/policy/model';
import { periodBounds } from '@tmc/core/settlement/period';
import { progress } from '../fixtures/entry';
import { BENCH_ACTOR } from '../fixtures/points';

export const log = progress('settlement');
export const SECTION = 'bench:settlement';

export const ORDERS_PER_MERCHANT = 100;
// Three sizes for the trend. The month is 10,000 merchants; the largest here is what fits
// the bench's few minutes on 2 shared cores (see docs/BENCHMARKS.md for the timing that chose it).
const DEFAULT_MERCHANTS = [200, 600, 2_000];
const QUICK_MERCHANTS = [10, 30, 100];
// `--quick`: tiny sizes, report not written (a check that the bench runs, not a measurement).
export const QUICK = process.argv.includes('--quick');
// `SETTLEMENT_BENCH_MERCHANTS=200,600,2000 npx tsx bench/settlement.ts`: other sizes.
const fromEnv = (process.env.SETTLEMENT_BENCH_MERCHANTS ?? '')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
export const MERCHANT_SIZES: readonly number[] = fromEnv.length ? fromEnv : QUICK ? QUICK_MERCHANTS : DEFAULT_MERCHANTS;

export const PERIOD = '2026-11';
export const BOUNDS = periodBounds(PERIOD);
// 10:00 China time on the 1st: the month closed (grace included) ten hours ago.
export const clock: Clock = { now: () => new Date('2026-12-01T02:00:00.000Z') };
export const POLICY: Policy = {
  ...DEFAULT_POLICY,
  version: 1,
  created_by: BENCH_ACTOR,
  created_at: '2026-01-01T00:00:00.000Z',
};
export const ACTOR = BENCH_ACTOR;

// Goals of the issue.
export const READS_RATIO_MAX = 1.1; // items read per order, largest size over smallest
export const WRITES_PER_ITEM_MAX = 1; // per merchant per run (the run record aside: once per page)
