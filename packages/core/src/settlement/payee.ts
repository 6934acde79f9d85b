// A merchant's payee (收款账户) for settlement by bank transfer: who is paid, at which bank, to which
// account. The account number is checked loosely on purpose: Chinese account numbers run from
// short corporate ones to 19-21 digit cards, with no check digit common to all banks (Luhn holds
// for most UnionPay cards but not for corporate accounts), so only the shape is checked here and
// the bank confirms the rest when it pays or returns the transfer.
import * as z from 'zod/mini';
import { safeLine } from '../kernel/text';

export const ACCOUNT_NO_MIN_DIGITS = 8;
export const ACCOUNT_NO_MAX_DIGITS = 32;

// ASCII, no-break and ideographic spaces: people copy account numbers in groups of four from
// bank cards, apps and Chinese input methods.
const SPACES = /[ \u00a0\u3000]/g;

/** The account number as digits only: "6222 0212 3456 7890" -> "6222021234567890". */
export const normaliseAccountNo = (raw: string): string => raw.trim().replace(SPACES, '');

/** Digits and spaces only, 8 to 32 digits. */
export const isBankAccountNo = (raw: string): boolean => {
  const digits = normaliseAccountNo(raw);
  return /^\d+$/.test(digits) && digits.length >= ACCOUNT_NO_MIN_DIGITS && digits.length <= ACCOUNT_NO_MAX_DIGITS;
};

/** For pages, lists and audit lines: only the last four digits, "**** **** 1234". A value too
 * short to keep four digits back shows none. */
export const maskAccountNo = (raw: string): string => {
  const digits = normaliseAccountNo(raw);
  return digits.length > 4 ? `**** **** ${digits.slice(-4)}` : '**** **** ****';
};

// The same rule as merchants/model.ts Text: trimmed, bounded, one line, no markup or quote
// characters. Names go into the bank batch file and into pages; a bank account name never needs them.
const PayeeText = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(max),
      z.regex(/^[^<>"'`;\\]+$/, 'no markup or quote characters'),
      safeLine(),
    );

/** A payee as a merchant or staff enters it; `account_no` comes out as digits only. */
export const PayeeInput = z.object({
  payee_name: PayeeText(60),
  bank_name: PayeeText(60),
  account_no: z
    .string()
    .check(z.trim(), z.refine(isBankAccountNo, 'ACCOUNT_NO_INVALID'), z.overwrite(normaliseAccountNo)),
});
export type PayeeInput = z.infer<typeof PayeeInput>;
