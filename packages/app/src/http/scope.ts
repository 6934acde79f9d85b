// Data scope: who may see which elder. Staff see their area (admin and finance the whole
// city); an elder sees only themself; a family member only elders bound and confirmed.
import { AppError } from '@tmc/core/kernel/errors';
import { isWithin } from '@tmc/core/areas/model';
import type { Principal } from '@tmc/core/auth/service';
import type { ElderRecord } from '@tmc/core/elders/model';
import { getElderOrThrow } from '@tmc/core/elders/service';
import type { Deps } from '../compose/deps';

export const staffScope = (p: Principal): string | null => (p.kind === 'staff' ? p.scope : null);

/** Throws OUT_OF_SCOPE unless the staff member's area contains `areaCode`. */
export const assertAreaInScope = (p: Principal, areaCode: string): void => {
  if (p.kind !== 'staff') throw new AppError('FORBIDDEN');
  if (p.scope !== null && !isWithin(areaCode, p.scope)) throw new AppError('OUT_OF_SCOPE');
};

/**
 * The one elder-access rule: the elder themself, a family member with an active binding, or
 * staff whose area holds the elder. Every route with an elder id in its path goes through it
 * (route.ts applies it at mount, before the handler runs), and so do routes that name an elder
 * in their body or reach one through an order.
 *
 * Elders and family members are refused before the elder is read, with the same answer whether
 * or not the id exists, so probing ids tells them nothing. Staff learn existence (404) first:
 * they work with the whole roster of their area and need to tell a typo from a neighbour's elder.
 */
export const loadElderFor = async (deps: Pick<Deps, 'elders' | 'bindings'>, p: Principal, elder_id: string): Promise<ElderRecord> => {
  switch (p.kind) {
    case 'staff': {
      const e = await getElderOrThrow(deps, elder_id);
      assertAreaInScope(p, e.community_code);
      return e;
    }
    case 'elder':
      if (p.elder_id !== elder_id) throw new AppError('FORBIDDEN');
      return getElderOrThrow(deps, elder_id);
    case 'family': {
      const b = await deps.bindings.get(p.family_id, elder_id);
      if (!b || b.status !== 'active') throw new AppError('FORBIDDEN');
      return getElderOrThrow(deps, elder_id);
    }
    default:
      throw new AppError('FORBIDDEN');
  }
};

/** The same rule for an elder record already in hand (an order's elder, a search origin). */
export const assertCanSeeElder = async (deps: Pick<Deps, 'bindings'>, p: Principal, elder: ElderRecord): Promise<void> => {
  switch (p.kind) {
    case 'staff':
      return assertAreaInScope(p, elder.community_code);
    case 'elder':
      if (p.elder_id !== elder.elder_id) throw new AppError('FORBIDDEN');
      return;
    case 'family': {
      const b = await deps.bindings.get(p.family_id, elder.elder_id);
      if (!b || b.status !== 'active') throw new AppError('FORBIDDEN');
      return;
    }
    default:
      throw new AppError('FORBIDDEN');
  }
};
