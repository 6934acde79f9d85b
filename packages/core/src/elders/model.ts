// The elder information database (老年人信息数据库): profile schema and the rules that tie an
// ID-card number to birth date and gender. PIPL art. 28: ID number, phone and health (care
// level) are sensitive personal information.
import * as z from 'zod/mini';
import { LatLng, AreaCode } from '../areas/model';
import { ageOn, parseIdNumber } from './id-card';
import { safeLine } from '../kernel/text';
import { DATE_RE, PHONE_RE } from '../kernel/ids';

export const CARE_LEVELS = ['self_care', 'semi_disabled', 'disabled'] as const; // 自理 / 半失能 / 失能
export const CARE_LEVEL_ZH: Record<(typeof CARE_LEVELS)[number], string> = {
  self_care: '自理',
  semi_disabled: '半失能',
  disabled: '失能',
};

export const SPECIAL_CATEGORIES = [
  'advanced_age',
  'low_income',
  'living_alone',
  'bereaved_parent',
  'entitled_group',
] as const;
export const SPECIAL_CATEGORY_ZH: Record<(typeof SPECIAL_CATEGORIES)[number], string> = {
  advanced_age: '高龄',
  low_income: '低保/特困',
  living_alone: '独居/空巢',
  bereaved_parent: '失独',
  entitled_group: '优抚',
};

export const GENDERS = ['M', 'F'] as const;
export const GENDER_ZH = { M: '男', F: '女' } as const;

export const Phone = z.string().check(z.trim(), z.regex(PHONE_RE, '11-digit mainland mobile number'));
export const IsoDate = z.string().check(z.regex(DATE_RE, 'date as YYYY-MM-DD'));
export const IdNumber = z.pipe(
  z.string().check(z.trim()),
  z.transform((s, ctx) => {
    const facts = parseIdNumber(s);
    if (!facts) {
      ctx.issues.push({ code: 'custom', message: 'ID_NUMBER_INVALID', input: s });
      return z.NEVER;
    }
    return facts.id_number;
  }),
);

const Name = z
  .string()
  .check(
    z.trim(),
    z.minLength(1),
    z.maxLength(30),
    z.regex(/^[^<>"'`;\\]+$/, 'name must not contain markup or quote characters'),
    safeLine(),
  );

/** Mainland China's extent, generous at the edges (Hainan's southern islands, Heilongjiang,
 * Xinjiang). A coordinate outside it is a typo or swapped columns, not an elder's home; 0,0
 * (a form's default) is far outside. The CSV importer and the API use this one rule. */
export const CHINA_BOUNDS = { lng_min: 73, lng_max: 136, lat_min: 3, lat_max: 54 } as const;
export const inChina = (p: { lat: number; lng: number }): boolean =>
  p.lat >= CHINA_BOUNDS.lat_min &&
  p.lat <= CHINA_BOUNDS.lat_max &&
  p.lng >= CHINA_BOUNDS.lng_min &&
  p.lng <= CHINA_BOUNDS.lng_max;
const ElderLocation = LatLng.check(z.refine(inChina, 'COORDINATES_INVALID'));

/** The scheme serves residents aged 60 and over (老年人权益保障法 art. 2: 六十周岁以上). A
 * younger birth date is a wrong row or a wrong form; the importer and the API refuse it alike. */
export const ELDER_MIN_AGE = 60;

/** The rules that need today's date, so they cannot live in the schema: one function for the
 * importer (each row) and registration (POST /api/elders). Answers field issues, [] when fine. */
export const elderDateIssues = (
  input: { birth_date: string },
  today: Date,
): { path: 'birth_date'; code: 'TOO_YOUNG' }[] =>
  ageOn(input.birth_date, today) < ELDER_MIN_AGE ? [{ path: 'birth_date', code: 'TOO_YOUNG' }] : [];

export const EmergencyContact = z.object({ name: Name, phone: Phone });

const ProfileFields = {
  name: Name,
  gender: z.enum(GENDERS),
  birth_date: IsoDate,
  id_number: IdNumber,
  phone: z._default(z.nullable(Phone), null),
  community_code: AreaCode.check(z.refine((c) => c.split('.').length === 3, 'must be a community code')),
  address: z.string().check(z.trim(), z.minLength(1), z.maxLength(120), safeLine()),
  location: z._default(z.nullable(ElderLocation), null),
  care_level: z.enum(CARE_LEVELS),
  special_categories: z._default(z.array(z.enum(SPECIAL_CATEGORIES)).check(z.maxLength(SPECIAL_CATEGORIES.length)), []),
  emergency_contact: z._default(z.nullable(EmergencyContact), null),
};

/** The ID number is the source of truth for birth date and gender; a mismatch is a typo somewhere. */
const agreesWithIdNumber = (
  v: { id_number: string; birth_date: string; gender: 'M' | 'F' },
  ctx: z.core.$RefinementCtx,
) => {
  const facts = parseIdNumber(v.id_number);
  if (!facts) return;
  if (facts.birth_date !== v.birth_date)
    ctx.addIssue({ code: 'custom', path: ['birth_date'], message: 'BIRTH_DATE_MISMATCH' });
  if (facts.gender !== v.gender) ctx.addIssue({ code: 'custom', path: ['gender'], message: 'GENDER_MISMATCH' });
};

export const ElderInput = z.object(ProfileFields).check(z.superRefine(agreesWithIdNumber));
export type ElderInput = z.infer<typeof ElderInput>;

/** PATCH body: any subset except the ID number, which identifies the person and is never edited. */
export const ElderPatch = z.object({
  name: z.optional(ProfileFields.name),
  phone: z.optional(z.nullable(Phone)),
  community_code: z.optional(ProfileFields.community_code),
  address: z.optional(ProfileFields.address),
  location: z.optional(z.nullable(ElderLocation)),
  care_level: z.optional(ProfileFields.care_level),
  // no default here: leaving the field out of an edit must not clear the elder's categories
  special_categories: z.optional(z.array(z.enum(SPECIAL_CATEGORIES)).check(z.maxLength(SPECIAL_CATEGORIES.length))),
  emergency_contact: z.optional(z.nullable(EmergencyContact)),
  version: z.int().check(z.gte(1)),
});
export type ElderPatch = z.infer<typeof ElderPatch>;

export const ELDER_STATUSES = ['active', 'left'] as const;

/** What the store keeps (sensitive fields already encrypted by the caller). */
export type ElderRecord = {
  elder_id: string;
  name: string;
  gender: 'M' | 'F';
  birth_date: string;
  id_cipher: string;
  id_masked: string;
  phone_cipher: string | null;
  phone_masked: string | null;
  community_code: string;
  address: string;
  location: LatLng | null;
  care_level: (typeof CARE_LEVELS)[number] | null; // null only once the elder has left (health data erased)
  special_categories: (typeof SPECIAL_CATEGORIES)[number][];
  emergency_contact_cipher: string | null;
  emergency_contact_name: string | null;
  card_number: string;
  /** Keyed hash (blind index, purpose 'pin') of elder_id + PIN. A 6-digit PIN falls to any offline
   * guessing, so the secret key, not hash cost, protects it; online tries are limited per card. */
  pin_hash: string;
  pin_printed_at: string | null;
  /** Keyed hash of the normalised input: a re-import of the same row is recognised as unchanged. */
  input_hash: string;
  status: (typeof ELDER_STATUSES)[number];
  version: number;
  created_at: string;
  updated_at: string;
};

/** What any response shows: masked, never the cipher text or PIN hash. */
export const ElderView = z.object({
  elder_id: z.string(),
  name: z.string(),
  gender: z.enum(GENDERS),
  birth_date: z.string(),
  id_number_masked: z.string(),
  phone_masked: z.nullable(z.string()),
  community_code: z.string(),
  address: z.string(),
  location: z.nullable(LatLng),
  care_level: z.nullable(z.enum(CARE_LEVELS)),
  special_categories: z.array(z.enum(SPECIAL_CATEGORIES)),
  emergency_contact_name: z.nullable(z.string()),
  card_number: z.string(),
  status: z.enum(ELDER_STATUSES),
  version: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ElderView = z.infer<typeof ElderView>;

export const toElderView = (r: ElderRecord): ElderView => ({
  elder_id: r.elder_id,
  name: r.name,
  gender: r.gender,
  birth_date: r.birth_date,
  id_number_masked: r.id_masked,
  phone_masked: r.phone_masked,
  community_code: r.community_code,
  address: r.address,
  location: r.location,
  care_level: r.care_level,
  special_categories: r.special_categories,
  emergency_contact_name: r.emergency_contact_name,
  card_number: r.card_number,
  status: r.status,
  version: r.version,
  created_at: r.created_at,
  updated_at: r.updated_at,
});
