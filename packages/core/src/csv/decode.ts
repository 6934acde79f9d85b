// Reading CSV bytes as Excel, WPS and LibreOffice save them (UTF-8, UTF-8 with BOM, GBK) into text.
// Generic: the elder roster and the activity-award sheet both decode through here.
import iconv from 'iconv-lite';
import { AppError } from '../kernel/errors';
import { CSV_MAX_BYTES } from '../kernel/limits';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gbk';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Excel on Chinese Windows saves "CSV" in GBK (code page 936) and "CSV UTF-8" with a BOM; WPS and
 * LibreOffice write UTF-8 without one. Anything else (UTF-16 "Unicode text", XLSX, images) is refused
 * rather than guessed, because a wrong guess silently imports garbled names. */
export const decodeCsv = (bytes: Uint8Array): { text: string; encoding: CsvEncoding } => {
  if (bytes.length > CSV_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { details: { max_bytes: CSV_MAX_BYTES } });
  const unsupported = (reason: string, cause?: unknown) =>
    new AppError('CSV_ENCODING_UNSUPPORTED', { details: { reason }, cause });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) throw unsupported('utf-16');
  if (bytes.includes(0)) throw unsupported('binary');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      // TextDecoder drops the BOM itself (ignoreBOM defaults to false).
      return { text: strictUtf8.decode(bytes), encoding: 'utf-8-bom' };
    } catch (e) {
      throw unsupported('utf-8 bom but invalid utf-8', e);
    }
  }
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: fall through to GBK.
  }
  const text = iconv.decode(bytes, 'gbk');
  if (text.includes('\uFFFD')) throw unsupported('neither utf-8 nor gbk');
  return { text, encoding: 'gbk' };
};
