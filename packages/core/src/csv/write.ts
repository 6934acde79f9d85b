// Writing CSV that Excel opens correctly: the text (text.ts: RFC 4180 quoting after the injection
// guard, CRLF line ends, a BOM so Excel reads UTF-8), or GBK bytes for Excel's plain "CSV" on Chinese
// Windows. Importing this module loads iconv-lite: code on a cold-start path imports it lazily.
import iconv from 'iconv-lite';

export { csvCell, csvFile, csvLine } from './text';

/** The same text as GBK bytes, without the BOM: what Excel's plain "CSV" on Chinese Windows holds. */
export const csvGbk = (text: string): Uint8Array => iconv.encode(text.replace(/^\uFEFF/, ''), 'gbk');
