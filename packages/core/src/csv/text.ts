// Writing CSV text that Excel opens correctly: RFC 4180 quoting after the injection guard, CRLF line
// ends, a BOM so Excel reads UTF-8. Apart from the GBK encoder (write.ts, iconv-lite's tables, ~480 KB
// bundled), so a module that builds CSV text, imported at a Lambda's cold start, does not load them.
import { guardCell } from './guard';

const BOM = '\uFEFF';
const EOL = '\r\n'; // what Excel writes and expects

/** RFC 4180 quoting, after the injection guard. */
export const csvCell = (value: string): string => {
  const v = guardCell(value);
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

/** One CSV line (no line end) of guarded, quoted cells. */
export const csvLine = (cells: readonly string[]): string => cells.map(csvCell).join(',');

/** A whole file as Excel's "CSV UTF-8" saves it: BOM, the given lines, each ended by CRLF. */
export const csvFile = (lines: readonly string[]): string => BOM + lines.join(EOL) + EOL;
