// Staff decide a flag: dismiss it (a false alarm) or escalate it (to be investigated), with a reason.
// The move is versioned with its audit record in the same transaction: of many officers deciding at
// once one wins, the rest get 409 FLAG_STATE_CONFLICT with the state the winner left.
import { AppError } from '../kernel/errors';
import type { Clock } from '../kernel/clock';
import { isWithin } from '../areas/model';
import { decideFlag, type Flag, type FlagDecision } from './flags';
import type { FlagStore } from './flag-ports';

export type FlagDeps = { flags: FlagStore; clock: Clock };

/** Whether staff of `scope` (null = city-wide) may see `f`: an officer sees flags of merchants in its area. */
export const flagVisibleTo = (f: Flag, scope: string | null): boolean =>
  scope === null || (f.community_code !== null && isWithin(f.community_code, scope));

/** The flag if the caller may see it; another area's is not found (its existence is not told). */
export const flagInScope = async (deps: Pick<FlagDeps, 'flags'>, flag_id: string, scope: string | null) => {
  const f = await deps.flags.get(flag_id);
  if (!f || !flagVisibleTo(f, scope)) throw new AppError('FLAG_NOT_FOUND');
  return f;
};

export const decideFlagAudited = async (
  deps: FlagDeps,
  flag_id: string,
  to: FlagDecision,
  reason: string,
  by: { actor: string; scope: string | null },
): Promise<Flag> => {
  const f = await flagInScope(deps, flag_id, by.scope);
  const at = deps.clock.now().toISOString();
  const next = decideFlag(f, to, reason, by.actor, at);
  const event = {
    actor: by.actor,
    action: to === 'dismissed' ? 'flag.dismiss' : 'flag.escalate',
    subject: `flag:${f.flag_id}`,
    detail: { reason, rule: f.rule, merchant_id: f.merchant_id },
  };
  // a TransactionConflict (two writes at the same instant) is a lost race too
  const ok = await deps.flags.decide(f, next, { event, at }).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'CONFLICT') return false;
    throw e;
  });
  if (!ok) {
    const now = await deps.flags.get(flag_id);
    throw new AppError('FLAG_STATE_CONFLICT', { details: { status: now?.status ?? null } });
  }
  return next;
};
