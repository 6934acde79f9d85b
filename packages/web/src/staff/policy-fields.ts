// A points-policy version as rows a person reads (one row per field, nested sections flattened,
// Chinese label first) and as the flat form of the editor (one input per field, named by the
// field's path, so a schema error on `allowance.age_bands.1.points` lands next to that input).
import { CARE_LEVEL_ZH, SPECIAL_CATEGORY_ZH } from '@tmc/core/elders/model';
import { PolicyInput, type Policy } from '@tmc/core/policy/model';

export type Row = { path: string; zh: string; en: string; value: string };

/** Age bands the editor offers: the version's own plus blank ones to add (the schema allows 10). */
export const AGE_BANDS_MAX = 10;
const AGE_BAND_BLANKS = 2;

const AWARD_ZH: Record<string, string> = {
  health_checkup: '健康体检',
  community_event: '社区活动',
  volunteer_hour: '志愿服务（每小时）',
};
const KEY_ZH: Record<string, string> = { ...CARE_LEVEL_ZH, ...SPECIAL_CATEGORY_ZH, ...AWARD_ZH };

/** Labels by path, `#` standing for an age band's number. */
const LABELS: Record<string, [string, string]> = {
  effective_from: ['生效日期', 'Effective from'],
  note: ['说明', 'Note'],
  'allowance.age_bands.#.min_age': ['年龄段#：起始年龄', 'Age band #: from age'],
  'allowance.age_bands.#.max_age': ['年龄段#：截止年龄（空 = 不限）', 'Age band #: to age (blank = no limit)'],
  'allowance.age_bands.#.points': ['年龄段#：每月积分', 'Age band #: points a month'],
  'allowance.care_level': ['护理等级加发', 'Care level, points a month'],
  'allowance.special_category': ['特殊类别加发', 'Special category, points a month'],
  'allowance.combine': ['合计方式', 'How parts combine'],
  'expiry.rule': ['有效期规则', 'Expiry rule'],
  'expiry.months': ['有效月数', 'Months valid'],
  fen_per_point: ['结算：每分积分折合（分）', 'Settlement: fen per point'],
  topup_fen_per_point: ['充值：每分积分价格（分）', 'Top-up: fen per point'],
  topup_daily_max_fen: ['充值：每位老人每日上限（分）', 'Top-up: daily max per elder (fen)'],
  subsidy_categories: ['可用积分的服务类别', 'Categories points pay for'],
  per_order_max_points: ['每单最多用积分（空 = 不限）', 'Most points per order (blank = no limit)'],
  per_month_max_points: ['每月最多用积分（空 = 不限）', 'Most points a month (blank = no limit)'],
  awards: ['活动奖励', 'Activity awards'],
  'circle.minutes': ['服务圈：步行分钟数', 'Service circle: walking minutes'],
  'circle.walking_m_per_min': ['服务圈：步速（米/分钟）', 'Service circle: walking speed (m/min)'],
  'circle.detour_factor': ['服务圈：绕行系数', 'Service circle: detour factor'],
  hold_ttl_hours: ['订单完成时限（小时）', 'Completion window (hours)'],
  offer_minutes: ['商户应答时限（分钟）', 'Merchant answer time (minutes)'],
  answer_before_slot_minutes: ['预约单最晚应答（开始前分钟）', 'Answer booked orders by (minutes before)'],
  cancel_fee_after_accept_points: ['接单后取消的违约积分', 'Cancel fee after acceptance (points)'],
  newcomer_allowance: ['新登记老人当月积分', "Newcomers' first month"],
  category_month_max_points: ['类别每月上限', 'Monthly cap per category'],
  settlement_cadence: ['结算周期', 'Settlement cadence'],
  'anomaly.pair_month_orders_max': ['异常：同一老人同一商户每月单数', 'Flag: orders per elder-merchant month'],
  'anomaly.fast_complete_seconds': ['异常：接单后完成过快（秒）', 'Flag: completed too fast (s)'],
  'anomaly.cards_per_merchant_hour': ['异常：商户每小时刷卡人数', 'Flag: cards per merchant hour'],
  'anomaly.after_issuance_elders': ['异常：发放后服务人数', 'Flag: elders served after issuance'],
  'anomaly.after_issuance_hours': ['异常：发放后时段（小时）', 'Flag: hours after issuance'],
  'anomaly.closed_grace_minutes': ['异常：营业时间外宽限（分钟）', 'Flag: grace outside opening (min)'],
};

/** Values of the choice fields, in Chinese and English. */
export const CHOICES: Record<string, Record<string, string>> = {
  'allowance.combine': { sum: '各项相加 Sum', max: '取最高一项 Largest only' },
  'expiry.rule': { end_of_year: '当年年底 End of year', months: '按月数 After N months' },
  newcomer_allowance: {
    full: '全月 Full month',
    by_remaining_days: '按剩余天数 By days left',
    none: '当月不发 None that month',
  },
  settlement_cadence: { monthly: '每月 Monthly', biweekly: '每半月 Half-monthly' },
};

/** The label of a path: its own, its age band's, or its section's plus the key's Chinese name. */
export const labelOf = (path: string): { zh: string; en: string } => {
  const band = /^allowance\.age_bands\.(\d+)\./.exec(path);
  if (band) {
    const l = LABELS[path.replace(/\.\d+\./, '.#.')];
    const n = String(Number(band[1]) + 1);
    if (l) return { zh: l[0].replace('#', n), en: l[1].replace('#', n) };
  }
  const own = LABELS[path];
  if (own) return { zh: own[0], en: own[1] };
  const i = path.lastIndexOf('.');
  const section = LABELS[path.slice(0, i)];
  const key = path.slice(i + 1);
  if (section && i > 0) return { zh: `${section[0]}：${KEY_ZH[key] ?? key}`, en: `${section[1]}: ${key}` };
  const awards = /^awards\.(\w+)\.(points|monthly_cap_points)$/.exec(path);
  if (awards) {
    const [, kind = '', what] = awards;
    const zh = what === 'points' ? '每次积分' : '每月上限';
    return { zh: `活动奖励：${AWARD_ZH[kind] ?? kind}${zh}`, en: `Award ${kind}: ${what}` };
  }
  return { zh: path, en: path };
};

const shown = (path: string, v: unknown): string => {
  if (v === null || v === undefined) return '不限 none';
  if (Array.isArray(v)) return v.length === 0 ? '（无 none）' : v.join(', ');
  if (typeof v === 'object') return '（无 none）'; // an empty map: no per-category caps
  const choice = CHOICES[path]?.[String(v)];
  return choice ?? String(v);
};

const flatten = (v: unknown, path: string, out: [string, unknown][]) => {
  const leafArray = Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object');
  if (v !== null && typeof v === 'object' && !leafArray && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) flatten(x, path ? `${path}.${k}` : k, out);
  } else out.push([path, v]);
};

/** A version's fields in the schema's order (a stored item comes back in DynamoDB's order). */
const ordered = (p: PolicyInput | Policy): PolicyInput => {
  const r = PolicyInput.safeParse(p); // drops the stored version's own facts (number, who, when) too
  return r.success ? r.data : p;
};

/** Every field of a version as a readable row, in the schema's order; an empty map is one row. */
export const policyRows = (p: PolicyInput): Row[] => {
  const out: [string, unknown][] = [];
  flatten(ordered(p), '', out);
  return out.map(([path, v]) => ({ path, ...labelOf(path), value: shown(path, v) }));
};

export type DiffRow = Row & { other: string; changed: boolean };

/** Both versions' rows side by side: every field of either, `changed` where the values differ. */
export const diffRows = (a: PolicyInput, b: PolicyInput): DiffRow[] => {
  const ra = new Map(policyRows(a).map((r) => [r.path, r]));
  const rb = new Map(policyRows(b).map((r) => [r.path, r]));
  const paths = [...ra.keys(), ...[...rb.keys()].filter((k) => !ra.has(k))];
  return paths.map((path) => {
    const x = ra.get(path);
    const y = rb.get(path);
    const value = x?.value ?? '（无 none）';
    const other = y?.value ?? '（无 none）';
    return { path, ...labelOf(path), value, other, changed: value !== other };
  });
};

// ---- the editor's flat form -------------------------------------------------------------------

export type PolicyForm = Record<string, string>;

/** A version as the editor's inputs (name = path, value = text), with blank age bands to add. */
export const formOfPolicy = (version: PolicyInput): PolicyForm => {
  const p = ordered(version);
  const f: PolicyForm = {};
  const put = (v: unknown, path: string) => {
    if (path === 'subsidy_categories') f[path] = p.subsidy_categories.join(', ');
    else if (path === 'category_month_max_points')
      f[path] = Object.entries(p.category_month_max_points)
        .map(([k, n]) => `${k}=${n}`)
        .join(', ');
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) put(x, path ? `${path}.${k}` : k);
    else f[path] = v === null || v === undefined ? '' : String(v);
  };
  put(p, '');
  if (p.expiry.rule === 'end_of_year') f['expiry.months'] = '';
  // blank bands to add go right after the last band, so they show in its place on the form
  const n = p.allowance.age_bands.length;
  const blanks: [string, string][] = [];
  for (let i = n; i < Math.min(AGE_BANDS_MAX, n + AGE_BAND_BLANKS); i++)
    for (const k of ['min_age', 'max_age', 'points']) blanks.push([`allowance.age_bands.${i}.${k}`, '']);
  const last = `allowance.age_bands.${n - 1}.points`;
  return Object.fromEntries(Object.entries(f).flatMap((e) => (e[0] === last ? [e, ...blanks] : [e])));
};

const NULLABLE = /^(per_order_max_points|per_month_max_points|allowance\.age_bands\.\d+\.max_age)$/;
const TEXT = /^(effective_from|note|allowance\.combine|expiry\.rule|newcomer_allowance|settlement_cadence)$/;

/** A typed number stays a number; anything else goes on as typed, for the schema to name. */
const numberOr = (s: string): number | string => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s.trim()) : s);

/** The editor's inputs back to a policy-shaped value for PolicyInput to check (templated on the
 * version it started from, so only the fields a policy has are read). Blank age bands are dropped. */
export const policyOfForm = (f: PolicyForm, template: PolicyInput): unknown => {
  const out: Record<string, unknown> = {};
  const set = (path: string, v: unknown) => {
    const parts = path.split('.');
    let o: Record<string, unknown> = out;
    parts.slice(0, -1).forEach((k, i) => {
      const next = parts[i + 1] ?? '';
      o[k] ??= /^\d+$/.test(next) ? [] : {};
      o = o[k] as Record<string, unknown>;
    });
    o[parts[parts.length - 1] ?? ''] = v;
  };
  for (const [path] of Object.entries(formOfPolicy(template))) {
    const s = (f[path] ?? '').trim();
    if (/^allowance\.age_bands\./.test(path) || path === 'expiry.months') continue;
    if (path === 'subsidy_categories') set(path, s === '' ? [] : s.split(/[,，、\s]+/).filter(Boolean));
    else if (path === 'category_month_max_points')
      set(
        path,
        Object.fromEntries(
          (s === '' ? [] : s.split(/[,，、\s]+/))
            .map((kv) => kv.split('='))
            .map(([k = '', n = '']) => [k.trim(), numberOr(n)]),
        ),
      );
    else if (TEXT.test(path)) set(path, s);
    else if (NULLABLE.test(path) && s === '') set(path, null);
    else set(path, numberOr(s));
  }
  const bands: unknown[] = [];
  for (let i = 0; i < AGE_BANDS_MAX; i++) {
    const cell = (k: string) => (f[`allowance.age_bands.${i}.${k}`] ?? '').trim();
    if (!cell('min_age') && !cell('max_age') && !cell('points')) continue;
    const max = cell('max_age');
    bands.push({
      min_age: numberOr(cell('min_age')),
      max_age: max === '' ? null : numberOr(max),
      points: numberOr(cell('points')),
    });
  }
  set('allowance.age_bands', bands);
  const months = (f['expiry.months'] ?? '').trim();
  set('expiry', f['expiry.rule'] === 'months' ? { rule: 'months', months: numberOr(months) } : { rule: 'end_of_year' });
  return out;
};
