// The points policy (积分政策): staff-configurable and versioned. A version takes effect from a
// date; every entry records the version that made it, so history stays explainable after edits.
import * as z from 'zod/mini';
import { CADENCES } from '../settlement/period';
import { CARE_LEVELS, SPECIAL_CATEGORIES, type ElderRecord } from '../elders/model';
import { ageOn } from '../elders/id-card';
import { FreeText } from '../kernel/text';
import { CATEGORY_CODE_RE } from '../kernel/ids';

export const DEFAULT_CATEGORIES = ['barber', 'repair', 'domestic', 'clinic', 'canteen'] as const;
export const AWARD_KINDS = ['health_checkup', 'community_event', 'volunteer_hour'] as const;
export type AwardKind = (typeof AWARD_KINDS)[number];

export const NEWCOMER_RULES = ['none', 'full', 'by_remaining_days'] as const;
export type NewcomerRule = (typeof NEWCOMER_RULES)[number];

const Points = z.int().check(z.gte(0), z.lte(100_000));

const Count = z.int().check(z.gte(1), z.lte(10_000));
/** Thresholds of the anomaly rules (core/analytics/flag-rules.ts). A rule trips when its count
 * reaches the threshold (pair: goes above it). */
export const AnomalyThresholds = z.object({
  /** Completed orders of one elder at one merchant in a China month above which the pair is flagged
   * (a weekly haircut is 4-5; a canteen lunch every weekday is ~22: set per scheme). */
  pair_month_orders_max: Count,
  /** A completion this soon after the merchant accepted is flagged (no service takes seconds). */
  fast_complete_seconds: z.int().check(z.gte(1), z.lte(3_600)),
  /** Different cards (card + PIN completions of different elders) at one merchant in one China hour. */
  cards_per_merchant_hour: Count,
  /** Different elders served by one merchant within `after_issuance_hours` of the month's issuance day. */
  after_issuance_elders: Count,
  after_issuance_hours: z.int().check(z.gte(1), z.lte(24 * 7)),
  /** A completion outside the service's opening hours, and still outside them this many minutes
   * earlier (a haircut begun just before closing ends after it). */
  closed_grace_minutes: z.int().check(z.gte(0), z.lte(240)),
});
export type AnomalyThresholds = z.infer<typeof AnomalyThresholds>;
export const DEFAULT_ANOMALY: AnomalyThresholds = {
  pair_month_orders_max: 8,
  fast_complete_seconds: 60,
  cards_per_merchant_hour: 5,
  after_issuance_elders: 20,
  after_issuance_hours: 24,
  closed_grace_minutes: 30,
};

export const PolicyInput = z.object({
  effective_from: z.string().check(z.regex(/^\d{4}-\d{2}-01$/, 'policies start on the first of a month')),
  note: z._default(FreeText(0, 200), ''),
  allowance: z.object({
    age_bands: z
      .array(
        z.object({
          min_age: z.int().check(z.gte(0), z.lte(130)),
          max_age: z.nullable(z.int().check(z.gte(0), z.lte(130))),
          points: Points,
        }),
      )
      .check(z.minLength(1), z.maxLength(10)),
    care_level: z.record(z.enum(CARE_LEVELS), Points),
    special_category: z.record(z.enum(SPECIAL_CATEGORIES), Points),
    /** sum: age band + care level + every special category. max: only the largest single component. */
    combine: z.enum(['sum', 'max']),
  }),
  expiry: z.discriminatedUnion('rule', [
    z.object({ rule: z.literal('end_of_year') }),
    z.object({ rule: z.literal('months'), months: z.int().check(z.gte(1), z.lte(36)) }),
  ]),
  fen_per_point: z.int().check(z.gte(1), z.lte(10_000)), // settlement: what the bureau pays a merchant per point
  topup_fen_per_point: z.int().check(z.gte(1), z.lte(10_000)), // what a family pays per point
  topup_daily_max_fen: z.int().check(z.gte(0), z.lte(10_000_000)),
  subsidy_categories: z.array(z.string().check(z.regex(CATEGORY_CODE_RE))).check(z.maxLength(50)),
  per_order_max_points: z.nullable(Points),
  per_month_max_points: z.nullable(Points),
  awards: z.record(z.enum(AWARD_KINDS), z.object({ points: Points, monthly_cap_points: Points })),
  circle: z.object({
    minutes: z.int().check(z.gte(1), z.lte(60)),
    walking_m_per_min: z.int().check(z.gte(20), z.lte(120)), // older people walk ~0.8 m/s (48 m/min)
    detour_factor: z.number().check(z.gte(1), z.lte(3)), // street network vs straight line
  }),
  /** The completion window: an order's hold (its points and slot place) lives until the slot, or
   * the booking when as soon as possible, plus this many hours; then the order lapses (final,
   * points and slot given back). */
  hold_ttl_hours: z.int().check(z.gte(1), z.lte(24 * 14)),
  /** How long a merchant has to answer an as-soon-as-possible order (and each 帮我找 offer).
   * Versions stored before this field existed read as 3. */
  offer_minutes: z._default(z.int().check(z.gte(1), z.lte(24 * 60)), 3),
  /** For a booking ahead, the merchant may answer until this long before the slot (never less
   * than offer_minutes from booking). Versions stored before this field existed read as 60. */
  answer_before_slot_minutes: z._default(z.int().check(z.gte(0), z.lte(24 * 60)), 60),
  /** Kept by the merchant when an elder cancels after the merchant accepted (it may have turned
   * other customers away). 0 = cancelling is always free. Capped at the order's price. Versions
   * stored before this field existed read as 0. */
  cancel_fee_after_accept_points: z._default(Points.check(z.lte(50)), 0),
  // -- newcomers and per-category caps (monthly issuance). Versions stored before these fields
  //    read as the defaults (store/entities/policy.ts ADDED_LATER).
  /** An elder registered after the month's issuance started (paid by a resume run): 'none' gets
   * nothing that month, 'full' the whole allowance, 'by_remaining_days' the allowance times the
   * days left from the registration day (China time, inclusive) over the month's days, rounded
   * down. Default 'full': the allowance is the elder's by the rules, whenever they joined. */
  newcomer_allowance: z._default(z.enum(NEWCOMER_RULES), 'full'),
  /** Most points an elder may spend in a month in one category (category code -> points); a
   * category not listed has no cap of its own (per_month_max_points still applies). */
  category_month_max_points: z._default(z.record(z.string().check(z.regex(CATEGORY_CODE_RE)), Points), {}),
  /** How often merchants are settled: a statement per calendar month, or per half month (1st-15th,
   * 16th-end). Versions stored before this field existed read as 'monthly'. */
  settlement_cadence: z._default(z.enum(CADENCES), 'monthly'),
  /** Anomaly flags (issue 11): when the stream raises a flag for staff to look at. Versions stored
   * before this section existed read as DEFAULT_ANOMALY (store/entities/policy.ts ADDED_LATER). */
  anomaly: z._default(AnomalyThresholds, DEFAULT_ANOMALY),
});
export type PolicyInput = z.infer<typeof PolicyInput>;
export type Policy = PolicyInput & { version: number; created_by: string; created_at: string };

export const DEFAULT_POLICY: PolicyInput = {
  effective_from: '2026-01-01',
  note: '试点默认政策',
  allowance: {
    age_bands: [
      { min_age: 60, max_age: 69, points: 30 },
      { min_age: 70, max_age: 79, points: 50 },
      { min_age: 80, max_age: null, points: 80 },
    ],
    care_level: { self_care: 0, semi_disabled: 40, disabled: 80 },
    special_category: { advanced_age: 0, low_income: 60, living_alone: 20, bereaved_parent: 60, entitled_group: 40 },
    combine: 'sum',
  },
  expiry: { rule: 'end_of_year' },
  fen_per_point: 100,
  topup_fen_per_point: 100,
  topup_daily_max_fen: 100_000, // 1,000 yuan a day per elder
  subsidy_categories: [...DEFAULT_CATEGORIES],
  per_order_max_points: 300,
  per_month_max_points: 1_000,
  awards: {
    health_checkup: { points: 20, monthly_cap_points: 20 },
    community_event: { points: 10, monthly_cap_points: 30 },
    volunteer_hour: { points: 5, monthly_cap_points: 40 },
  },
  circle: { minutes: 10, walking_m_per_min: 48, detour_factor: 1.3 },
  hold_ttl_hours: 72,
  offer_minutes: 3,
  answer_before_slot_minutes: 60,
  cancel_fee_after_accept_points: 0,
  newcomer_allowance: 'full',
  category_month_max_points: {},
  settlement_cadence: 'monthly',
  anomaly: DEFAULT_ANOMALY,
};

/** When the merchant's time to answer an order booked at `now` runs out. */
export const answerDeadline = (
  p: Pick<PolicyInput, 'offer_minutes' | 'answer_before_slot_minutes'>,
  now: Date,
  slot_start: string | null,
): Date => {
  const soon = now.getTime() + p.offer_minutes * 60_000;
  if (slot_start === null) return new Date(soon);
  // measured against the slot: a booking two weeks ahead need not be answered in three minutes
  return new Date(Math.max(soon, Date.parse(slot_start) - p.answer_before_slot_minutes * 60_000));
};

/** When an order's hold runs out: its slot (or its booking) plus the completion window. */
export const holdExpiry = (p: Pick<PolicyInput, 'hold_ttl_hours'>, now: Date, slot_start: string | null): Date =>
  new Date(Math.max(now.getTime(), slot_start === null ? 0 : Date.parse(slot_start)) + p.hold_ttl_hours * 3600_000);

/** The version in force on `day`: the newest version whose effective date has come. */
export const policyOn = (versions: readonly Policy[], day: string): Policy | null =>
  [...versions].filter((p) => p.effective_from <= day).sort((a, b) => b.version - a.version)[0] ?? null;

export type AllowanceLine = { rule: string; points: number };

/** Monthly allowance for one elder in `month` (YYYY-MM), with the rules that produced it. */
export const monthlyAllowance = (
  p: PolicyInput,
  e: Pick<ElderRecord, 'birth_date' | 'care_level' | 'special_categories' | 'status'>,
  month: string,
): { points: number; lines: AllowanceLine[] } => {
  if (e.status !== 'active') return { points: 0, lines: [] };
  const age = ageOn(e.birth_date, new Date(`${month}-01T00:00:00Z`));
  const band = p.allowance.age_bands.find((b) => age >= b.min_age && (b.max_age === null || age <= b.max_age));
  if (!band) return { points: 0, lines: [] }; // under the scheme's age: no allowance
  const lines: AllowanceLine[] = [{ rule: `age:${band.min_age}-${band.max_age ?? '+'}`, points: band.points }];
  const care = e.care_level === null ? 0 : (p.allowance.care_level[e.care_level] ?? 0);
  if (care > 0) lines.push({ rule: `care:${e.care_level}`, points: care });
  for (const c of e.special_categories) {
    const n = p.allowance.special_category[c] ?? 0;
    if (n > 0) lines.push({ rule: `category:${c}`, points: n });
  }
  if (p.allowance.combine === 'max') {
    const top = lines.reduce((a, b) => (b.points > a.points ? b : a));
    return { points: top.points, lines: [top] };
  }
  return { points: lines.reduce((s, l) => s + l.points, 0), lines };
};

/** Last day allowance points of `month` can be spent. */
export const allowanceExpiresOn = (p: PolicyInput, month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  if (p.expiry.rule === 'end_of_year') return `${y}-12-31`;
  const last = new Date(Date.UTC(y, m - 1 + p.expiry.months, 0)); // day 0 = last day of the previous month
  return last.toISOString().slice(0, 10);
};

export const subsidyAllows = (p: PolicyInput, category: string): boolean => p.subsidy_categories.includes(category);

export const pointsForFen = (p: PolicyInput, amount_fen: number): number =>
  Math.floor(amount_fen / p.topup_fen_per_point);

/** What a newcomer of `month` gets of a `full` allowance under the policy (see newcomer_allowance). */
export const newcomerPoints = (p: PolicyInput, full: number, registered_on: string, month: string): number => {
  if (p.newcomer_allowance === 'none') return 0;
  if (registered_on.slice(0, 7) > month) return 0; // not yet in the scheme that month (a late resume run)
  if (p.newcomer_allowance === 'full' || registered_on < `${month}-01`) return full;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const left = days - Number(registered_on.slice(8, 10)) + 1;
  return Math.floor((full * left) / days);
};

/** The per-category monthly cap for `category`, or null when it has none. */
export const categoryMonthMax = (p: PolicyInput, category: string): number | null =>
  p.category_month_max_points[category] ?? null;
