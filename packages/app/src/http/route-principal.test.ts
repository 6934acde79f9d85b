// The route declaration types the handler's principal: checked by the compiler (tsc covers tests),
// and at run time the mount still refuses the wrong role before the handler (access.test.ts).
import { describe, expectTypeOf, it } from 'vitest';
import type { Principal } from '@tmc/core/auth/service';
import { defineRoute, type PrincipalFor } from './route';

type Of<K extends Principal['kind']> = Extract<Principal, { kind: K }>;

describe('PrincipalFor', () => {
  it('narrows to the roles the declaration lists; a public route may have nobody', () => {
    expectTypeOf<PrincipalFor<{ roles: readonly ['merchant'] }>>().toEqualTypeOf<Of<'merchant'>>();
    expectTypeOf<PrincipalFor<{ roles: readonly ['elder', 'family'] }>>().toEqualTypeOf<Of<'elder'> | Of<'family'>>();
    expectTypeOf<PrincipalFor<{ roles: readonly ['admin', 'finance'] }>>().toEqualTypeOf<Of<'staff'>>();
    expectTypeOf<PrincipalFor<{ public: true }>>().toEqualTypeOf<Principal | null>();
  });

  it('defineRoute infers it from the access rule written in the declaration', () => {
    defineRoute({
      method: 'get',
      path: '/x',
      access: { roles: ['merchant'] },
      summary: 'x',
      tags: [],
      handler(c, { principal }) {
        expectTypeOf(principal).toEqualTypeOf<Of<'merchant'>>();
        return c.text(principal.merchant_id);
      },
    });
    defineRoute({
      method: 'get',
      path: '/y',
      access: { public: true },
      summary: 'y',
      tags: [],
      handler(c, { principal }) {
        expectTypeOf(principal).toEqualTypeOf<Principal | null>();
        return c.text(principal?.sub ?? '');
      },
    });
  });
});
