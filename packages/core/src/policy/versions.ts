// Saving a points-policy version: the one function behind POST /api/policies and the staff editor.
// A version is appended as `after + 1` with its audit record in the same write, so of many saves
// based on one version exactly one lands (and is audited once); the rest get CONFLICT.
import { AppError } from '../kernel/errors';
import { randomId } from '../kernel/secrets';
import { chinaMonth } from '../kernel/time';
import type { AuditEvent } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import type { Policy, PolicyInput } from './model';

export type PolicyAudit = { event: AuditEvent; at: string; id: string };

export type PolicyPort = {
  /** Newest first, at most POLICY_VERSIONS_READ_MAX (store/entities/policy.ts). */
  versions: () => Promise<Policy[]>;
  /** Appends version `after + 1` (after: the newest version when not given); CONFLICT when that
   * version exists already. The audit record, made from the new version, rides in the same write. */
  append: (
    input: PolicyInput,
    by: string,
    at: string,
    opts?: { after?: number; audit?: (p: Policy) => PolicyAudit },
  ) => Promise<Policy>;
};

export type PolicySaveDeps = { policies: PolicyPort; clock: Clock };

/** The first day a new version may take effect: the first of the current China month. A version
 * never reaches back into a month that has closed (its issuance and statements are done). */
export const earliestEffectiveFrom = (now: Date): string => `${chinaMonth(now)}-01`;

/** Saves `input` as a new version. `after`: the version the editor started from; a save based on an
 * older version than the newest gets CONFLICT instead of silently overriding a colleague's. */
export const savePolicy = async (
  deps: PolicySaveDeps,
  input: PolicyInput,
  a: { actor: string; after?: number; request_id?: string },
): Promise<Policy> => {
  const now = deps.clock.now();
  if (input.effective_from < earliestEffectiveFrom(now))
    throw new AppError('POLICY_EFFECTIVE_PAST', {
      fields: [{ path: 'effective_from', code: 'POLICY_EFFECTIVE_PAST', message: 'before this month' }],
      details: { earliest: earliestEffectiveFrom(now) },
    });
  const at = now.toISOString();
  return deps.policies.append(input, a.actor, at, {
    ...(a.after === undefined ? {} : { after: a.after }),
    audit: (p) => ({
      event: {
        actor: a.actor,
        action: 'policy.create',
        subject: `policy:${p.version}`,
        detail: { effective_from: p.effective_from, after: p.version - 1 },
        ...(a.request_id ? { request_id: a.request_id } : {}),
      },
      at,
      id: randomId('a'),
    }),
  });
};
