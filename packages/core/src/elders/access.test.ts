import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/service';
import type { ElderRecord } from './model';
import type { Binding } from './family/bindings';
import { assertAreaInScope, assertCanSeeElder, loadElderFor, staffScope } from './access';
import type { BindingReader, ElderReader } from './access';

const STREET = '421302.001';
const elderIn = (elder_id: string, community_code: string): ElderRecord => ({
  elder_id,
  name: '张三',
  gender: 'M',
  birth_date: '1945-03-12',
  id_cipher: 'c',
  id_masked: '4213**********0011',
  phone_cipher: null,
  phone_masked: null,
  community_code,
  address: '街道1号',
  location: null,
  care_level: 'self_care',
  special_categories: [],
  emergency_contact_cipher: null,
  emergency_contact_name: null,
  card_number: '000000000000',
  pin_hash: 'h',
  pin_printed_at: null,
  input_hash: 'i',
  status: 'active',
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
});
const ELDER = elderIn('e_elder0001', `${STREET}.007`);

/** Ports over one elder and a table of bindings; `reads` counts elder reads (refusals must not read). */
const portsWith = (bindings: Record<string, Binding['status']>) => {
  const reads: string[] = [];
  const elders: ElderReader = {
    get: async (id) => {
      reads.push(id);
      return id === ELDER.elder_id ? ELDER : null;
    },
  };
  const bindingReader: BindingReader = {
    get: async (family_id, elder_id) => {
      const status = bindings[`${family_id}|${elder_id}`];
      return status ? { status } : null;
    },
  };
  return { deps: { elders, bindings: bindingReader }, reads };
};

const elder = (elder_id: string): Principal => ({ kind: 'elder', role: 'elder', sub: elder_id, elder_id, sid: 's' });
const family = (family_id: string): Principal => ({
  kind: 'family',
  role: 'family',
  sub: family_id,
  family_id,
  sid: 's',
});
const staff = (scope: string | null): Principal => ({
  kind: 'staff',
  role: 'street',
  sub: 'u1',
  username: 'u1',
  scope,
  sid: 's',
});
const MERCHANT: Principal = { kind: 'merchant', role: 'merchant', sub: 'm_1', merchant_id: 'm_1', sid: 's' };

/** 'OK', or the code the rule refused with. */
const codeOf = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'OK',
    (e: { code?: string }) => e.code ?? 'THROWN',
  );

describe('loadElderFor', () => {
  it.each([
    ['the elder themself', elder(ELDER.elder_id), {}, 'OK'],
    ['another elder', elder('e_other0001'), {}, 'FORBIDDEN'],
    ['family with an active binding', family('f_1'), { [`f_1|${ELDER.elder_id}`]: 'active' as const }, 'OK'],
    ['family with a pending binding', family('f_1'), { [`f_1|${ELDER.elder_id}`]: 'pending' as const }, 'FORBIDDEN'],
    ['family with a removed binding', family('f_1'), { [`f_1|${ELDER.elder_id}`]: 'removed' as const }, 'FORBIDDEN'],
    ['family with no binding', family('f_2'), {}, 'FORBIDDEN'],
    ['staff whose street holds the elder', staff(STREET), {}, 'OK'],
    ['city-wide staff', staff(null), {}, 'OK'],
    ['staff of another street', staff('421302.002'), {}, 'OUT_OF_SCOPE'],
    ['a merchant', MERCHANT, {}, 'FORBIDDEN'],
  ])('%s: %s', async (_what, p, bindings, expected) => {
    // Prepare
    const { deps } = portsWith(bindings);
    // Act
    const outcome = await codeOf(loadElderFor(deps, p, ELDER.elder_id));
    // Assess
    expect(outcome).toBe(expected);
  });

  it('returns the elder record to those allowed', async () => {
    const { deps } = portsWith({ [`f_1|${ELDER.elder_id}`]: 'active' });
    await expect(loadElderFor(deps, family('f_1'), ELDER.elder_id)).resolves.toEqual(ELDER);
  });

  it('refuses elders and unbound family before reading, the same whether or not the id exists', async () => {
    const { deps, reads } = portsWith({});
    for (const id of [ELDER.elder_id, 'e_missing01']) {
      expect(await codeOf(loadElderFor(deps, elder('e_other0001'), id))).toBe('FORBIDDEN');
      expect(await codeOf(loadElderFor(deps, family('f_2'), id))).toBe('FORBIDDEN');
    }
    expect(await codeOf(loadElderFor(deps, MERCHANT, ELDER.elder_id))).toBe('FORBIDDEN');
    expect(reads).toEqual([]);
  });

  it('tells staff that an id does not exist before checking their area', async () => {
    const { deps } = portsWith({});
    expect(await codeOf(loadElderFor(deps, staff('421302.002'), 'e_missing01'))).toBe('ELDER_NOT_FOUND');
  });
});

describe('assertCanSeeElder', () => {
  it.each([
    ['the elder themself', elder(ELDER.elder_id), {}, 'OK'],
    ['another elder', elder('e_other0001'), {}, 'FORBIDDEN'],
    ['bound family', family('f_1'), { [`f_1|${ELDER.elder_id}`]: 'active' as const }, 'OK'],
    ['unbound family', family('f_2'), {}, 'FORBIDDEN'],
    ['staff in scope', staff(STREET), {}, 'OK'],
    ['staff out of scope', staff('421302.002'), {}, 'OUT_OF_SCOPE'],
    ['a merchant', MERCHANT, {}, 'FORBIDDEN'],
  ])('%s: %s', async (_what, p, bindings, expected) => {
    const { deps, reads } = portsWith(bindings);
    expect(await codeOf(assertCanSeeElder(deps, p, ELDER))).toBe(expected);
    expect(reads).toEqual([]); // the record is in hand: never read again
  });
});

describe('assertAreaInScope and staffScope', () => {
  it('holds staff to their area and refuses everyone else', () => {
    expect(() => assertAreaInScope(staff(STREET), `${STREET}.007`)).not.toThrow();
    expect(() => assertAreaInScope(staff(null), '421303')).not.toThrow();
    const outOfScope = expect.objectContaining({ code: 'OUT_OF_SCOPE' });
    expect(() => assertAreaInScope(staff(STREET), '421302.0011')).toThrow(outOfScope);
    expect(() => assertAreaInScope(MERCHANT, STREET)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(staffScope(staff(STREET))).toBe(STREET);
    expect(staffScope(family('f_1'))).toBeNull();
  });
});
