// Data scope: who may see which elder. Staff see their area (admin and finance the whole
// city); an elder sees only themself; a family member only elders bound and confirmed.
import { AppError } from '@tmc/core/errors';
import { isWithin } from '@tmc/core/areas';
import type { Principal } from '@tmc/core/auth';
import type { ElderRecord } from '@tmc/core/elders';
import type { Deps } from './deps';

export const staffScope = (p: Principal): string | null => (p.kind === 'staff' ? p.scope : null);

/** Throws OUT_OF_SCOPE unless the staff member's area contains `areaCode`. */
export const assertAreaInScope = (p: Principal, areaCode: string): void => {
  if (p.kind !== 'staff') throw new AppError('FORBIDDEN');
  if (p.scope !== null && !isWithin(areaCode, p.scope)) throw new AppError('OUT_OF_SCOPE');
};

export const assertCanSeeElder = async (deps: Deps, p: Principal, elder: ElderRecord): Promise<void> => {
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
