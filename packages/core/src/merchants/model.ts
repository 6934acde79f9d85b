// The merchant alliance (异业联盟): categories, merchant applications and decisions, services
// with points prices, opening hours and slots. Only approved, unsuspended merchants are matched.
import * as z from 'zod/mini';
import { AreaCode, LatLng } from '../areas/model';
import { Phone } from '../elders/model';
import { safeLine } from '../kernel/text';
import { chinaMidnightMs, chinaWallClock } from '../kernel/time';
import { CATEGORY_CODE_RE, DATE_RE } from '../kernel/ids';

// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-letter alphabet (no I O Z S V), the
// last a check character over the first 17 with these weights.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export const usccCheckChar = (first17: string): string | null => {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * (USCC_WEIGHTS[i] ?? 0);
  }
  const c = 31 - (sum % 31);
  return USCC_CHARS[c === 31 ? 0 : c] ?? null;
};

export const isValidUscc = (raw: string): boolean => {
  const s = raw.trim().toUpperCase();
  return /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(s) && usccCheckChar(s.slice(0, 17)) === s[17];
};

export const Uscc = z.string().check(z.trim(), z.toUpperCase(), z.refine(isValidUscc, 'USCC_INVALID'));

export const CategoryCode = z.string().check(z.regex(CATEGORY_CODE_RE));
/** What staff send to add or rename a category (retiring is its own move, not a field to post). */
export const CategoryInput = z.object({
  code: CategoryCode,
  name_zh: z.string().check(z.trim(), z.minLength(1), z.maxLength(20), safeLine()),
  name_en: z.string().check(z.trim(), z.minLength(1), z.maxLength(40), safeLine()),
  icon: z.string().check(z.trim(), z.maxLength(8), safeLine()),
});
export type CategoryInput = z.infer<typeof CategoryInput>;
/** A retired category is offered to no new application or service and listed on no elder page;
 * orders, services and statistics that name it keep it (its names still render). Absent = false. */
export const Category = z.extend(CategoryInput, { retired: z.optional(z.boolean()) });
export type Category = z.infer<typeof Category>;
/** The categories still offered: what elder pages list and new applications and services may name. */
export const activeCategories = (all: readonly Category[]): Category[] => all.filter((c) => !c.retired);

export const DEFAULT_CATEGORIES: Category[] = [
  { code: 'barber', name_zh: '理发', name_en: 'Barber', icon: '✂' },
  { code: 'repair', name_zh: '家电水电维修', name_en: 'Home repair', icon: '🔧' },
  { code: 'domestic', name_zh: '家政', name_en: 'Domestic help', icon: '🧹' },
  { code: 'clinic', name_zh: '医疗保健', name_en: 'Clinic and health care', icon: '✚' },
  { code: 'canteen', name_zh: '助餐', name_en: 'Community canteen', icon: '🍚' },
];

const Text = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(max),
      z.regex(/^[^<>"'`;\\]+$/, 'no markup or quote characters'),
      safeLine(),
    );

export const MerchantApplication = z.object({
  business_name: Text(60),
  uscc: Uscc,
  licence_number: Text(40),
  licence_expires_on: z._default(z.nullable(z.string().check(z.regex(DATE_RE))), null),
  contact_name: Text(20),
  contact_phone: Phone,
  address: Text(120),
  location: LatLng,
  community_code: AreaCode.check(z.refine((c) => c.split('.').length === 3, 'must be a community code')),
  categories: z.array(CategoryCode).check(z.minLength(1), z.maxLength(5)),
});
export type MerchantApplication = z.infer<typeof MerchantApplication>;

export const MERCHANT_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;
export type MerchantStatus = (typeof MERCHANT_STATUSES)[number];

export type Merchant = MerchantApplication & {
  merchant_id: string;
  status: MerchantStatus;
  decision_reason: string | null;
  rating_sum: number;
  rating_count: number;
  version: number;
  created_at: string;
  updated_at: string;
};

const Hhmm = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/));
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const WeeklyHours = z.partialRecord(
  z.enum(WEEKDAYS),
  z.array(z.tuple([Hhmm, Hhmm]).check(z.refine(([a, b]) => a < b, 'opening before closing'))).check(z.maxLength(4)),
);
export type WeeklyHours = z.infer<typeof WeeklyHours>;

export const ServiceInput = z
  .object({
    name: Text(40),
    category: CategoryCode,
    price_points: z.int().check(z.gte(1), z.lte(100_000)),
    ref_price_fen: z.int().check(z.gte(0), z.lte(10_000_000)),
    duration_min: z.int().check(z.gte(5), z.lte(600)),
    mode: z.enum(['onsite', 'home_visit']),
    // home visits: how far the merchant travels
    radius_m: z._default(z.nullable(z.int().check(z.gte(100), z.lte(10_000))), null),
    hours: WeeklyHours,
    closed_dates: z._default(z.array(z.string().check(z.regex(DATE_RE))).check(z.maxLength(60)), []),
    slot_minutes: z._default(z.int().check(z.gte(15), z.lte(240)), 60),
    capacity_per_slot: z.int().check(z.gte(1), z.lte(50)),
  })
  .check(
    z.refine((s) => (s.mode === 'home_visit') === (s.radius_m !== null), {
      message: 'home visits need radius_m; on-site services must not have one',
      path: ['radius_m'],
    }),
  );
export type ServiceInput = z.infer<typeof ServiceInput>;

export type Service = ServiceInput & {
  service_id: string;
  merchant_id: string;
  active: boolean;
  version: number;
  updated_at: string;
};

/** What index items carry, so a search reads no service or merchant record. The rating is not on
 * it (a rating would rewrite every card): search reads it by key for the page it shows. */
export type ServiceCard = {
  service_id: string;
  merchant_id: string;
  merchant_name: string;
  merchant_phone: string;
  name: string;
  category: string;
  price_points: number;
  ref_price_fen: number;
  duration_min: number;
  mode: 'onsite' | 'home_visit';
  radius_m: number | null;
  location: { lat: number; lng: number };
  address: string;
  hours: WeeklyHours;
  closed_dates: string[];
  slot_minutes: number;
  capacity_per_slot: number;
};

export const serviceCard = (m: Merchant, s: Service): ServiceCard => ({
  service_id: s.service_id,
  merchant_id: m.merchant_id,
  merchant_name: m.business_name,
  merchant_phone: m.contact_phone,
  name: s.name,
  category: s.category,
  price_points: s.price_points,
  ref_price_fen: s.ref_price_fen,
  duration_min: s.duration_min,
  mode: s.mode,
  radius_m: s.radius_m,
  location: m.location,
  address: m.address,
  hours: s.hours,
  closed_dates: s.closed_dates,
  slot_minutes: s.slot_minutes,
  capacity_per_slot: s.capacity_per_slot,
});

export const isMatchable = (m: Merchant, s: Service): boolean =>
  m.status === 'approved' && s.active && m.categories.includes(s.category);

// China has one time zone and no daylight saving: opening hours are read in UTC+8.
const local = (at: Date) => chinaWallClock(at);
const dayName = (d: Date) => WEEKDAYS[(d.getUTCDay() + 6) % 7] ?? 'mon';
const hhmm = (d: Date) => d.toISOString().slice(11, 16);

export const isOpenAt = (s: Pick<ServiceInput, 'hours' | 'closed_dates'>, at: Date): boolean => {
  const l = local(at);
  if (s.closed_dates.includes(l.toISOString().slice(0, 10))) return false;
  const t = hhmm(l);
  return (s.hours[dayName(l)] ?? []).some(([a, b]) => t >= a && t < b);
};

export const NEXT_SLOT_DAYS = 14; // look two weeks ahead at most

/** The next `max` slot starts (at or after `from`) inside opening hours, as ISO instants, within two weeks. */
export const slotStarts = (
  s: Pick<ServiceInput, 'hours' | 'closed_dates' | 'slot_minutes'>,
  from: Date,
  max: number,
): string[] => {
  const out: string[] = [];
  for (let d = 0; d < NEXT_SLOT_DAYS && out.length < max; d++) {
    const day = new Date(local(from).getTime() + d * 86_400_000);
    const date = day.toISOString().slice(0, 10);
    if (s.closed_dates.includes(date)) continue;
    for (const [a, b] of [...(s.hours[dayName(day)] ?? [])].sort()) {
      const [ah, am] = a.split(':').map(Number) as [number, number];
      const [bh, bm] = b.split(':').map(Number) as [number, number];
      for (let m = ah * 60 + am; m + s.slot_minutes <= bh * 60 + bm && out.length < max; m += s.slot_minutes) {
        const startUtc = chinaMidnightMs(date) + m * 60_000;
        if (startUtc >= from.getTime()) out.push(new Date(startUtc).toISOString());
      }
    }
  }
  return out;
};

/** Start of the next slot by opening hours alone (capacity is checked with the slot counters:
 * see `withFreeSlots` in search.ts); null if none within two weeks. */
export const nextSlotStart = (
  s: Pick<ServiceInput, 'hours' | 'closed_dates' | 'slot_minutes'>,
  from: Date,
): string | null => slotStarts(s, from, 1)[0] ?? null;

/** Whether `start` (ISO) is the start of a slot inside opening hours. */
export const isSlotStart = (
  s: Pick<ServiceInput, 'hours' | 'closed_dates' | 'slot_minutes'>,
  start: string,
): boolean => {
  const at = new Date(start);
  if (Number.isNaN(at.getTime())) return false;
  return nextSlotStart(s, at) === at.toISOString();
};
