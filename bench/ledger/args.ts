// What the ledger bench asks the ledger to do, shared by its parts: this month's allowance, a hold
// at the canteen and its capture, each as the services that call the ledger would build them.
import { systemClock } from '@tmc/core/kernel/clock';
import type { CreditArgs, HoldArgs } from '@tmc/core/ledger/service';
import { allowanceExpiresOn, DEFAULT_POLICY } from '@tmc/core/policy/model';
import type { VerifyReport } from '@tmc/store/ledger-verify';
import { BENCH_ACTOR } from '../fixtures/points';

export const SEED = 2026; // any seed works: every table starts empty
const MERCHANT = 'm_bench';
export const CATEGORY = 'canteen'; // one of DEFAULT_POLICY's subsidy categories, so allowance lots may pay
const MS_PER_HOUR = 3_600_000;
export const HOLD_POINTS = 30; // a meal at the community canteen

export const clock = systemClock;
export const month = clock.now().toISOString().slice(0, 7);
export const allowanceExpiry = allowanceExpiresOn(DEFAULT_POLICY, month);
export const allowanceEntryId = (elder_id: string) => `allowance:${elder_id}:${month}`; // as issuance names it

/** An allowance like the monthly issuance's, into `elder_id`'s wallet. */
export const allowance = (elder_id: string, amount_points: number): CreditArgs => ({
  entry_id: allowanceEntryId(elder_id),
  kind: 'allowance',
  elder_id,
  amount_points,
  from: 'issuance',
  source: 'allowance',
  subsidy: true,
  expires_on: allowanceExpiry,
  reason: `${month} 月补贴积分`,
  actor: BENCH_ACTOR,
  policy_version: null,
});

export const holdArgs = (hold_id: string, elder_id: string, amount_points: number): HoldArgs => ({
  hold_id,
  elder_id,
  amount_points,
  category: CATEGORY,
  subsidy_allowed: true,
  per_order_max: DEFAULT_POLICY.per_order_max_points,
  per_month_max: DEFAULT_POLICY.per_month_max_points,
  expires_at: new Date(clock.now().getTime() + DEFAULT_POLICY.hold_ttl_hours * MS_PER_HOUR).toISOString(),
  actor: BENCH_ACTOR,
  reason: 'bench order',
});

export const captureArgs = (hold_id: string, amount_points: number) => ({
  hold_id,
  amount_points,
  merchant_id: MERCHANT,
  actor: BENCH_ACTOR,
  reason: 'bench order',
  policy_version: null,
});

export const verifyLine = (v: VerifyReport): string =>
  `${v.ok ? 'ok' : `**NOT ok** (${v.problems.length} problems, first: ${v.problems.slice(0, 3).join('; ')})`}`;
