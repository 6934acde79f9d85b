// Who may see an elder: the elder themself, a family member with an active binding, or staff
// whose area holds the elder. The one rule behind every elder id a request names; it reads
// through the two ports it is given (app wires them to the store).
import { AppError } from '../kernel/errors';
import { isWithin } from '../areas/model';
import type { Principal } from '../auth/service';
import type { ElderRecord } from './model';
import type { Binding } from './family/bindings';

export type ElderReader = { get: (elder_id: string) => Promise<ElderRecord | null> };
export type BindingReader = { get: (family_id: string, elder_id: string) => Promise<Pick<Binding, 'status'> | null> };
export type ElderAccessDeps = { elders: ElderReader; bindings: BindingReader };

/** The staff member's area (null = city-wide), or null for anyone who is not staff. */
export const staffScope = (p: Principal): string | null => (p.kind === 'staff' ? p.scope : null);

/** Throws OUT_OF_SCOPE unless the staff member's area contains `areaCode`. */
export const assertAreaInScope = (p: Principal, areaCode: string): void => {
  if (p.kind !== 'staff') throw new AppError('FORBIDDEN');
  if (p.scope !== null && !isWithin(areaCode, p.scope)) throw new AppError('OUT_OF_SCOPE');
};

const readElder = async (deps: { elders: ElderReader }, elder_id: string): Promise<ElderRecord> => {
  const e = await deps.elders.get(elder_id);
  if (!e) throw new AppError('ELDER_NOT_FOUND');
  return e;
};

const assertActiveBinding = async (deps: { bindings: BindingReader }, family_id: string, elder_id: string) => {
  const b = await deps.bindings.get(family_id, elder_id);
  if (!b || b.status !== 'active') throw new AppError('FORBIDDEN');
};

/**
 * The one elder-access rule, for an elder id taken from the request: every route with an elder id
 * in its path goes through it (app http/route.ts applies it at mount, before the handler runs),
 * and so do routes that name an elder in their body.
 *
 * Elders and family members are refused before the elder is read, with the same answer whether
 * or not the id exists, so probing ids tells them nothing. Staff learn existence (404) first:
 * they work with the whole roster of their area and need to tell a typo from a neighbour's elder.
 */
export const loadElderFor = async (deps: ElderAccessDeps, p: Principal, elder_id: string): Promise<ElderRecord> => {
  switch (p.kind) {
    case 'staff': {
      const e = await readElder(deps, elder_id);
      assertAreaInScope(p, e.community_code);
      return e;
    }
    case 'elder':
      if (p.elder_id !== elder_id) throw new AppError('FORBIDDEN');
      return readElder(deps, elder_id);
    case 'family':
      await assertActiveBinding(deps, p.family_id, elder_id);
      return readElder(deps, elder_id);
    default:
      throw new AppError('FORBIDDEN');
  }
};

/** The same rule for an elder record already in hand (an order's elder, a search origin). */
export const assertCanSeeElder = async (deps: Pick<ElderAccessDeps, 'bindings'>, p: Principal, elder: ElderRecord) => {
  switch (p.kind) {
    case 'staff':
      return assertAreaInScope(p, elder.community_code);
    case 'elder':
      if (p.elder_id !== elder.elder_id) throw new AppError('FORBIDDEN');
      return;
    case 'family':
      return assertActiveBinding(deps, p.family_id, elder.elder_id);
    default:
      throw new AppError('FORBIDDEN');
  }
};
