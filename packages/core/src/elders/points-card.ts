// Points cards (积分卡) for elders without a smartphone: a 12-digit number whose last digit is a
// Luhn check digit, so a mistyped card on the merchant's page is caught before any lookup.
import { CARD_NUMBER_RE } from '../kernel/ids';

export const CARD_PREFIX = '8'; // keeps card numbers visually distinct from phone numbers

export const luhnDigit = (digits: string): string => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return String((10 - (sum % 10)) % 10);
};

export const isValidCardNumber = (card: string): boolean =>
  CARD_NUMBER_RE.test(card) && card.startsWith(CARD_PREFIX) && luhnDigit(card.slice(0, 11)) === card[11];

/** `body10` are ten digits derived by the caller (random or from a counter). */
export const makeCardNumber = (body10: string): string => {
  if (!/^\d{10}$/.test(body10)) throw new Error('makeCardNumber needs 10 digits');
  const first11 = CARD_PREFIX + body10;
  return first11 + luhnDigit(first11);
};
