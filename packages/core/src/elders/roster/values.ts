// Reading one roster cell as a value: genders, care levels and categories as staff write them,
// phones and ID digits as Excel mangles them, dates in every format Excel produces. Each parser
// returns the normalised value or null; the row checks (validate-row.ts) say what went wrong.
import { CARE_LEVELS, CARE_LEVEL_ZH, SPECIAL_CATEGORIES } from '../model';

export const GENDER_IN: Readonly<Record<string, 'M' | 'F'>> = {
  男: 'M',
  女: 'F',
  m: 'M',
  f: 'F',
  male: 'M',
  female: 'F',
};

export const CARE_LEVEL_IN: Readonly<Record<string, (typeof CARE_LEVELS)[number]>> = Object.fromEntries(
  CARE_LEVELS.flatMap((l) => [
    [CARE_LEVEL_ZH[l], l],
    [l, l],
  ]),
);

export type Category = (typeof SPECIAL_CATEGORIES)[number];
export const CATEGORY_IN: Readonly<Record<string, Category>> = {
  高龄: 'advanced_age',
  低保: 'low_income',
  特困: 'low_income',
  独居: 'living_alone',
  空巢: 'living_alone',
  失独: 'bereaved_parent',
  优抚: 'entitled_group',
  ...Object.fromEntries(SPECIAL_CATEGORIES.map((c) => [c, c])),
};
/** 、 is what Chinese typists use; the others turn up from other systems. `/` also splits
 * 低保/特困 into two tokens that map to the same category. */
export const CATEGORY_SEPARATORS = /[、,，;；/\s]+/;

/** Excel shows long digit strings as 4.21303E+17 unless the column is formatted as text, and the
 * CSV then holds that. The digits are gone; the only help is to say how to fix the sheet. */
export const SCIENTIFIC = /^\d(\.\d+)?e\+?\d+$/i;

export const digitsOnly = (raw: string): string => raw.normalize('NFKC').replace(/[\s-]/g, '');

export const normalisePhone = (raw: string): string => {
  const d = digitsOnly(raw).replace(/[()]/g, '');
  if (d.startsWith('+86')) return d.slice(3);
  if (d.length === 13 && d.startsWith('86')) return d.slice(2);
  return d;
};

const isRealDate = (y: number, m: number, d: number): boolean => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};

/** YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYYMMDD, YYYY年M月D日; Excel date-time cells add `0:00:00`. */
const DATE_FORMATS: readonly RegExp[] = [
  /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/,
  /^(\d{4})()(\d{2})(\d{2})$/,
  /^(\d{4})(年)(\d{1,2})月(\d{1,2})日?$/,
];

/** Returns YYYY-MM-DD, or null when the text is not a real date between 1900 and today. */
export const parseCsvDate = (raw: string, today: Date): string | null => {
  const s = raw
    .normalize('NFKC')
    .trim()
    .replace(/\s+0{1,2}:00(:00)?$/, '');
  for (const re of DATE_FORMATS) {
    const m = re.exec(s);
    if (!m) continue;
    const y = Number(m[1]);
    const mo = Number(m[3]);
    const d = Number(m[4]);
    if (y < 1900 || !isRealDate(y, mo, d)) return null;
    const iso = `${String(y)}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return iso > today.toISOString().slice(0, 10) ? null : iso;
  }
  return null;
};

export const parseCoordinate = (raw: string): number | null => {
  const s = raw.normalize('NFKC').trim();
  return /^[+-]?\d{1,3}(\.\d+)?$/.test(s) ? Number(s) : null;
};
