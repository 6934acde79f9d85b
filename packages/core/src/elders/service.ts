// Use cases of the elder information database: register, edit, look up, reveal (audited), leave.
// Sensitive fields are encrypted before they reach the store and masked in every view.
// The record a registration builds lives in record.ts and leaving in leave.ts; this module re-exports
// them, so `@tmc/core/elders/service` stays the one entry point of these use cases.
import { AppError } from '../kernel/errors';
import { maskPhone } from './id-card';
import { ELDER_MIN_AGE, elderDateIssues, type ElderInput, type ElderPatch, type ElderRecord } from './model';
import { randomDigits } from '../kernel/secrets';
import { aad } from '../kernel/aad';
import { buildElderRecord, CARD_ALLOCATION_TRIES, decryptPhone, PIN_DIGITS, pinHash, type ElderDeps } from './record';

export {
  buildElderRecord,
  CARD_ALLOCATION_TRIES,
  decryptPhone,
  inputHash,
  PIN_DIGITS,
  pinHash,
  type ElderDeps,
} from './record';
export { leaveScheme, type LeaveDeps } from './leave';

const requireCommunity = async (deps: ElderDeps, code: string) => {
  const area = await deps.areas.get(code);
  if (!area || area.level !== 'community') {
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'community_code', code: 'COMMUNITY_UNKNOWN', message: 'unknown community' }],
    });
  }
  return area;
};

export const registerElder = async (
  deps: ElderDeps,
  input: ElderInput,
  actor: string,
): Promise<{ record: ElderRecord; pin: string }> => {
  // the importer's date rules, one function for both (elders.ts)
  const dated = elderDateIssues(input, deps.clock.now());
  if (dated.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      fields: dated.map((i) => ({
        path: `body.${i.path}`,
        code: i.code,
        message: `must be at least ${ELDER_MIN_AGE} years old`,
      })),
    });
  }
  await requireCommunity(deps, input.community_code);
  const id_hash = deps.blindIndex('id', input.id_number);
  if (await deps.elders.findIdByIdHash(id_hash)) throw new AppError('ELDER_EXISTS');
  const phone_hash = input.phone ? deps.blindIndex('phone', input.phone) : null;
  for (let attempt = 1; ; attempt++) {
    const built = await buildElderRecord(deps, input);
    try {
      await deps.elders.create({ record: built.record, id_hash, phone_hash });
      await deps.audit.write({ actor, action: 'elder.create', subject: `elder:${built.record.elder_id}` });
      return built;
    } catch (e) {
      // CONFLICT here can only be a card-number collision (the ID guard maps to ELDER_EXISTS)
      if (e instanceof AppError && e.code === 'CONFLICT' && attempt < CARD_ALLOCATION_TRIES) continue;
      throw e;
    }
  }
};

export const getElderOrThrow = async (deps: Pick<ElderDeps, 'elders'>, elder_id: string): Promise<ElderRecord> => {
  const r = await deps.elders.get(elder_id);
  if (!r) throw new AppError('ELDER_NOT_FOUND');
  return r;
};

export const patchElder = async (
  deps: ElderDeps,
  prev: ElderRecord,
  patch: ElderPatch,
  actor: string,
): Promise<ElderRecord> => {
  if (prev.status !== 'active') throw new AppError('ELDER_INACTIVE');
  if (patch.version !== prev.version) throw new AppError('CONFLICT', { details: { current_version: prev.version } });
  if (patch.community_code) await requireCommunity(deps, patch.community_code);
  const next: ElderRecord = { ...prev, version: prev.version + 1, updated_at: deps.clock.now().toISOString() };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.community_code !== undefined) next.community_code = patch.community_code;
  if (patch.address !== undefined) next.address = patch.address;
  if (patch.location !== undefined) next.location = patch.location;
  if (patch.care_level !== undefined) next.care_level = patch.care_level;
  if (patch.special_categories !== undefined) next.special_categories = patch.special_categories;
  if (patch.emergency_contact !== undefined) {
    next.emergency_contact_name = patch.emergency_contact?.name ?? null;
    next.emergency_contact_cipher = patch.emergency_contact
      ? deps.cipher.encrypt(patch.emergency_contact.phone, aad.elderField(prev.elder_id, 'emergency'))
      : null;
  }
  // Both stay null when the phone is not touched: the store then leaves the phone index alone.
  let phone_prev: string | null = null;
  let phone_next: string | null = null;
  if (patch.phone !== undefined) {
    const old = decryptPhone(deps, prev);
    phone_prev = old ? deps.blindIndex('phone', old) : null;
    phone_next = patch.phone ? deps.blindIndex('phone', patch.phone) : null;
    next.phone_cipher = patch.phone ? deps.cipher.encrypt(patch.phone, aad.elderField(prev.elder_id, 'phone')) : null;
    next.phone_masked = patch.phone ? maskPhone(patch.phone) : null;
  }
  await deps.elders.update(next, prev, phone_prev, phone_next);
  await deps.audit.write({
    actor,
    action: 'elder.update',
    subject: `elder:${prev.elder_id}`,
    detail: {
      fields: Object.keys(patch)
        .filter((k) => k !== 'version')
        .join(','),
    },
  });
  return next;
};

export type SensitiveView = { id_number: string; phone: string | null; emergency_contact_phone: string | null };

/** The only way to the clear values; every call leaves an audit record (PIPL art. 28/51). */
export const revealSensitive = async (
  deps: ElderDeps,
  r: ElderRecord,
  actor: string,
  reason: string,
  request_id?: string,
): Promise<SensitiveView> => {
  if (r.status !== 'active') throw new AppError('ELDER_INACTIVE');
  await deps.audit.write({
    actor,
    action: 'elder.read_sensitive',
    subject: `elder:${r.elder_id}`,
    detail: { reason },
    ...(request_id ? { request_id } : {}),
  });
  return {
    id_number: deps.cipher.decrypt(r.id_cipher, aad.elderField(r.elder_id, 'id')),
    phone: r.phone_cipher ? deps.cipher.decrypt(r.phone_cipher, aad.elderField(r.elder_id, 'phone')) : null,
    emergency_contact_phone: r.emergency_contact_cipher
      ? deps.cipher.decrypt(r.emergency_contact_cipher, aad.elderField(r.elder_id, 'emergency'))
      : null,
  };
};

export const resetPin = async (
  deps: ElderDeps,
  prev: ElderRecord,
  actor: string,
): Promise<{ record: ElderRecord; pin: string }> => {
  if (prev.status !== 'active') throw new AppError('ELDER_INACTIVE');
  const pin = randomDigits(PIN_DIGITS);
  const next: ElderRecord = {
    ...prev,
    pin_hash: pinHash(deps.blindIndex, prev.elder_id, pin),
    pin_printed_at: deps.clock.now().toISOString(),
    version: prev.version + 1,
    updated_at: deps.clock.now().toISOString(),
  };
  await deps.elders.update(next, prev, null, null);
  await deps.audit.write({ actor, action: 'elder.reset_pin', subject: `elder:${prev.elder_id}` });
  return { record: next, pin };
};
