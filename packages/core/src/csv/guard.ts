// The CSV injection guard and its exact inverse: a cell written by us never runs as a formula in
// Excel or WPS, and reading our own export back gives the text that was exported.

const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
const FORMULA_GUARDED = /^'+[=+\-@\t\r]/;

/** CSV injection guard (OWASP): a cell starting with = + - @ (or tab / CR) is a formula to Excel
 * and WPS; a leading quote makes it text. Text that already starts with quotes before such a
 * character gets one more, so the importer's `unguard` (strip one) is an exact inverse. */
export const guardCell = (value: string): string => (FORMULA_LIKE.test(value) ? `'${value}` : value);

/** Undoes `guardCell`: one leading quote before a formula character is ours (Excel itself never
 * exports it), so removing it on import restores exactly the text that was exported. */
export const unguard = (cell: string): string => (FORMULA_GUARDED.test(cell) ? cell.slice(1) : cell);
