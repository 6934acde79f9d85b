// Activity awards (活动奖励): health check-up, community event, volunteer hours. Points per the
// policy, limited per elder per month and kind by a capped counter in the same transaction.
import { AppError } from '../kernel/errors';
import type { AuditEvent } from '../kernel/audit';
import { chinaMonth } from '../kernel/time';
import { credit, type EntryResult, type Idem, type LedgerDeps } from '../ledger/service';
import { allowanceExpiresOn, type AwardKind, type Policy } from './model';

export const AWARD_QUANTITY_MAX = 40; // volunteer hours in one award line

export type AwardArgs = {
  award_id: string;
  elder_id: string;
  kind: AwardKind;
  quantity: number;
  reason: string;
  actor: string;
  audit?: AuditEvent; // in the award's transaction (a single award from the staff page or API)
};

export const awardPoints = (deps: LedgerDeps, policy: Policy, a: AwardArgs, idem?: Idem): Promise<EntryResult> => {
  const rule = policy.awards[a.kind];
  if (!rule)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'kind', code: 'UNKNOWN_AWARD', message: 'unknown award kind' }],
    });
  if (!Number.isSafeInteger(a.quantity) || a.quantity < 1 || a.quantity > AWARD_QUANTITY_MAX)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'quantity', code: 'OUT_OF_RANGE', message: `1..${AWARD_QUANTITY_MAX}` }],
    });
  const points = rule.points * a.quantity;
  if (points <= 0)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'kind', code: 'NO_POINTS', message: 'this award gives no points under the current policy' }],
    });
  if (points > rule.monthly_cap_points)
    throw new AppError('CAP_EXCEEDED', { details: { monthly_cap_points: rule.monthly_cap_points } });
  const month = chinaMonth(deps.clock.now());
  return credit(
    deps,
    {
      entry_id: `award:${a.award_id}`,
      kind: 'award',
      elder_id: a.elder_id,
      amount_points: points,
      from: 'awards',
      source: 'award',
      subsidy: true,
      expires_on: allowanceExpiresOn(policy, month),
      reason: a.reason,
      actor: a.actor,
      ...(a.audit ? { audit: a.audit } : {}),
      policy_version: policy.version,
      ref: { award_kind: a.kind, quantity: String(a.quantity), month },
      counters: [
        {
          key: { kind: 'award_month', elder_id: a.elder_id, month, award_kind: a.kind },
          delta: points,
          max: rule.monthly_cap_points,
        },
      ],
    },
    idem,
  );
};
