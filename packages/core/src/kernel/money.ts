// Money is integers: points are whole numbers, cash is integer fen (1 yuan = 100 fen). Yuan exist
// only as text a person types or reads, and are converted here, by string arithmetic, so no float
// comes near an amount. The rounding rule, stated once: there is none. Typed yuan with more than
// two decimals are refused, not rounded.

export const FEN_PER_YUAN = 100;

// Up to six whole digits (999,999.99 yuan) and at most two decimals: no sign, no thousands
// separator, no leading or trailing dot.
const YUAN_TEXT = /^\d{1,6}(\.\d{1,2})?$/;

/** Typed yuan to fen: "12.5" -> 1250, "20" -> 2000, " 0.05 " -> 5. Anything else is null:
 * empty, a sign, a third decimal ("1.234"), a comma, a bare dot ("1." or ".5"), seven digits. */
export const yuanTextToFen = (text: string): number | null => {
  const t = text.trim();
  if (!YUAN_TEXT.test(t)) return null;
  const [yuan = '0', frac = ''] = t.split('.');
  return Number(yuan) * FEN_PER_YUAN + Number(frac.padEnd(2, '0'));
};

/** Whole yuan (a preset button, a typed whole amount) to fen. */
export const wholeYuanToFen = (yuan: number): number => yuan * FEN_PER_YUAN;

/** Fen as yuan text with two decimals, for reading: 1250 -> "12.50", 5 -> "0.05". Whole, not
 * negative fen (every stored amount is). */
export const fenToYuanText = (fen: number): string =>
  `${Math.floor(fen / FEN_PER_YUAN)}.${String(fen % FEN_PER_YUAN).padStart(2, '0')}`;
