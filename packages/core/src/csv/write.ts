// Writing CSV that Excel opens correctly: RFC 4180 quoting after the injection guard, CRLF line
// ends, a BOM so Excel reads UTF-8, or GBK bytes for Excel's plain "CSV" on Chinese Windows.
import iconv from 'iconv-lite';
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

/** The same text as GBK bytes, without the BOM: what Excel's plain "CSV" on Chinese Windows holds. */
export const csvGbk = (text: string): Uint8Array => iconv.encode(text.replace(/^\uFEFF/, ''), 'gbk');
