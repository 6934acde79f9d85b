// The policy in force now. Every point-moving use case reads it here, so a missing policy is
// one clear error rather than a crash deep in the ledger.
import { AppError } from '@tmc/core/kernel/errors';
import { policyOn, type Policy } from '@tmc/core/policy/model';
import type { Clock } from '@tmc/core/kernel/clock';
import type { PolicyStore } from '@tmc/store/entities/policy';

export const policyNow = async (
  deps: { policies: PolicyStore; clock: Clock },
  day = deps.clock.now().toISOString().slice(0, 10),
): Promise<Policy> => {
  // the versions as read within POLICY_STALE_MS by this process: every booking and award needs the policy
  const p = policyOn(await deps.policies.recentVersions(), day);
  if (!p) throw new AppError('POLICY_MISSING');
  return p;
};
