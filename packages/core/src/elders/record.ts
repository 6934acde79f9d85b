// An elder's stored record: built from an input with its sensitive fields sealed (each cipher text
// tied to its elder and field), the PIN and import-row hashes, and the phone read back. Shared by
// registration, the roster import and leaving; split out of service.ts, which re-exports it.
import { makeCardNumber } from './points-card';
import { maskIdNumber, maskPhone } from './id-card';
import type { ElderInput, ElderRecord } from './model';
import { randomDigits, randomId, type BlindIndex, type FieldCipher } from '../kernel/secrets';
import type { AreaStore } from '../areas/ports';
import type { AuditLog } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import type { ElderStore } from './ports';
import { aad } from '../kernel/aad';

export const CARD_ALLOCATION_TRIES = 5; // 10^10 card space: a collision twice in a row means a bug
export const PIN_DIGITS = 6;

export type ElderDeps = {
  elders: ElderStore;
  areas: AreaStore;
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  clock: Clock;
  audit: AuditLog;
  /** WeChat notice links by phone hash: dropped when an elder leaves (their phone leaves with them). */
  wechatLinks: { unlink: (phone_hash: string) => Promise<boolean> };
};

/** AAD ties each cipher text to its elder and field. */

export const pinHash = (bi: BlindIndex, elder_id: string, pin: string): string => bi('pin', `${elder_id}:${pin}`);

/** Canonical form of an import row: same person, same data -> same hash. */
export const inputHash = (bi: BlindIndex, input: ElderInput): string =>
  bi(
    'row',
    JSON.stringify([
      input.name,
      input.gender,
      input.birth_date,
      input.id_number,
      input.phone,
      input.community_code,
      input.address,
      input.location,
      input.care_level,
      [...input.special_categories].sort(),
      input.emergency_contact,
    ]),
  );

export const buildElderRecord = async (
  deps: Pick<ElderDeps, 'cipher' | 'clock' | 'blindIndex'>,
  input: ElderInput,
  opts: { elder_id?: string; card_number?: string; pin?: string } = {},
): Promise<{ record: ElderRecord; pin: string }> => {
  const elder_id = opts.elder_id ?? randomId('e');
  const now = deps.clock.now().toISOString();
  const pin = opts.pin ?? randomDigits(PIN_DIGITS);
  const record: ElderRecord = {
    elder_id,
    name: input.name,
    gender: input.gender,
    birth_date: input.birth_date,
    id_cipher: deps.cipher.encrypt(input.id_number, aad.elderField(elder_id, 'id')),
    id_masked: maskIdNumber(input.id_number),
    phone_cipher: input.phone ? deps.cipher.encrypt(input.phone, aad.elderField(elder_id, 'phone')) : null,
    phone_masked: input.phone ? maskPhone(input.phone) : null,
    community_code: input.community_code,
    address: input.address,
    location: input.location,
    care_level: input.care_level,
    special_categories: input.special_categories,
    emergency_contact_cipher: input.emergency_contact
      ? deps.cipher.encrypt(input.emergency_contact.phone, aad.elderField(elder_id, 'emergency'))
      : null,
    emergency_contact_name: input.emergency_contact?.name ?? null,
    card_number: opts.card_number ?? makeCardNumber(randomDigits(10)),
    pin_hash: pinHash(deps.blindIndex, elder_id, pin),
    pin_printed_at: null,
    input_hash: inputHash(deps.blindIndex, input),
    status: 'active',
    version: 1,
    created_at: now,
    updated_at: now,
  };
  return { record, pin };
};

export const decryptPhone = (deps: Pick<ElderDeps, 'cipher'>, r: ElderRecord): string | null =>
  r.phone_cipher ? deps.cipher.decrypt(r.phone_cipher, aad.elderField(r.elder_id, 'phone')) : null;
