// Text a person typed: names and free text end up in HTML pages, SMS and WeChat templates, CSV
// exports and audit lines. Characters no such text needs are refused at the door, the same way
// for every form of input (API body, CSV row, page form): NUL and other C0/C1 control characters
// (line breaks in a one-line field, terminal escapes), DEL, and the invisible bidirectional
// controls that make text display differently from what it is (Trojan Source, CVE-2021-42574),
// plus the Unicode line and paragraph separators.
import * as z from 'zod/mini';

const BIDI = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069';

/** One-line text: every control character is refused, line breaks included. */
export const UNSAFE_LINE_CHARS = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI}]`);
/** Multi-line free text (a comment, a reason): as above, but \n and \r may separate lines. */
export const UNSAFE_TEXT_CHARS = new RegExp(
  `[\\u0000-\\u0009\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI}]`,
);

/** The check, with the stable field code the API and the CSV report both answer. */
export const safeLine = () => z.refine<string>((s) => !UNSAFE_LINE_CHARS.test(s), 'INVALID_CHARACTERS');
export const safeText = () => z.refine<string>((s) => !UNSAFE_TEXT_CHARS.test(s), 'INVALID_CHARACTERS');

/** Free text such as a reason or comment: trimmed, bounded, no control or bidi characters. */
export const FreeText = (min: number, max: number) =>
  z.string().check(z.trim(), z.minLength(min), z.maxLength(max), safeText());
