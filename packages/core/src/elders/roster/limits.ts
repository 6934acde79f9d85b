// Limits of the roster import, each with its reason. The byte limit of any CSV upload is
// kernel/limits.ts (CSV_MAX_BYTES), shared with the HTTP layer.

/** One district's roster: 曾都区 has roughly 120 000 people aged 60+, imported street by street
 * (the largest street is under 40 000). The whole file is parsed in memory inside one request, so
 * the cap keeps memory and time bounded; a bigger roster is split per street. */
export const CSV_MAX_ROWS = 50_000;

/** No legitimate cell is longer (the longest field, the address, is 120); a longer cell is a
 * broken export or an attempt to bloat the error report, so it is rejected before any parsing. */
export const CSV_MAX_CELL_CHARS = 200;

/** Mirrors the Name and address limits in ./elders so the importer reports TOO_LONG in words
 * staff understand before the schema would; the schema remains the final check. */
export const NAME_MAX_CHARS = 30;
export const ADDRESS_MAX_CHARS = 120;

/** More than this many errors means the wrong file or a shifted column layout; listing 700 000
 * errors would cost memory and help nobody. Checking stops and a TOO_MANY_ERRORS line says so. */
export const CSV_MAX_ERRORS = 2_000;

/** Excel templates from the bureau often carry a title row (e.g. 曾都区老年人信息表) above the
 * header; the header is looked for among this many first non-empty lines. */
export const CSV_HEADER_SEARCH_LINES = 5;

/** Values echoed back in messages are cut short: the report is for locating the cell, and a
 * short echo cannot carry a payload. ID numbers and phones are never echoed (PIPL art. 28). */
export const ECHO_MAX_CHARS = 20;
