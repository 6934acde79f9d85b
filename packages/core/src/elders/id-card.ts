// Resident ID-card numbers (GB 11643-1999): 6-digit area code, 8-digit birth date, 3-digit
// sequence (odd = male), 1 check character. PIPL art. 28: the number is sensitive; never log it.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type Gender = 'M' | 'F';
export type IdCardFacts = { birth_date: string; gender: Gender; area_code: string };

export const idCheckChar = (first17: string): string => {
  if (!/^\d{17}$/.test(first17)) throw new Error('idCheckChar needs 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
};

const isRealDate = (y: number, m: number, d: number): boolean => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};

/** Normalises (trim, upper-case x) and validates; returns the facts encoded in the number or null. */
export const parseIdNumber = (raw: string, today: Date = new Date()): (IdCardFacts & { id_number: string }) | null => {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return null;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || !isRealDate(y, m, d)) return null;
  const birth_date = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (birth_date > today.toISOString().slice(0, 10)) return null;
  const gender: Gender = Number(id[16]) % 2 === 1 ? 'M' : 'F';
  return { id_number: id, birth_date, gender, area_code: id.slice(0, 6) };
};

/** 420***********1234: area prefix and last four, as the bureau's printed forms show it. */
export const maskIdNumber = (id: string): string =>
  id.length < 8 ? '*'.repeat(id.length) : `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;

/** 138****5678 */
export const maskPhone = (phone: string): string =>
  phone.length < 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;

/** 张** : the surname and one star per further character (at most three), for people who must
 * know whom to ask for but not who they are. */
export const maskName = (name: string): string =>
  name.length <= 1 ? name : `${name.slice(0, 1)}${'*'.repeat(Math.min(name.length - 1, 3))}`;

export const ageOn = (birth_date: string, on: Date): number => {
  const [y, m, d] = birth_date.split('-').map(Number) as [number, number, number];
  let age = on.getUTCFullYear() - y;
  const md = (on.getUTCMonth() + 1) * 100 + on.getUTCDate();
  if (md < m * 100 + d) age -= 1;
  return age;
};
