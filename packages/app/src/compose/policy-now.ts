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
  const p = policyOn(await deps.policies.versions(), day);
  if (!p) throw new AppError('POLICY_MISSING');
  return p;
};

/**
 * The policy in force now for the order path (search, book, answer, complete, cancel): from the
 * versions this process read within POLICY_STALE_MS, so a booking does not Query the policy. Jobs,
 * issuance, awards, top-ups and settlement use `policyNow` (always read): a version saved a minute
 * ago must govern a month's issuance, while an order placed in that minute may use the one before.
 */
export const policyForOrders = async (
  deps: { policies: Pick<PolicyStore, 'recentVersions'>; clock: Clock },
  day = deps.clock.now().toISOString().slice(0, 10),
): Promise<Policy> => {
  const p = policyOn(await deps.policies.recentVersions(), day);
  if (!p) throw new AppError('POLICY_MISSING');
  return p;
};
