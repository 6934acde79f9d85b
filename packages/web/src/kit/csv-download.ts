// A staff list as a CSV download that Excel opens: UTF-8 with a BOM by default, GBK with
// `?encoding=gbk` (Excel's plain "CSV" on Chinese Windows). Cells pass the formula guard (core csv).
// The GBK encoder (iconv-lite) loads only when a GBK file is asked for: not on every cold start.
import * as z from 'zod/mini';
import { csvFile, csvLine } from '@tmc/core/csv/text';
import { csvResponse } from '@tmc/app/public';

export const CsvEncodingQ = z.optional(z.enum(['gbk', 'utf8-bom']));
export type CsvEncoding = 'gbk' | 'utf8-bom';

/** A page of rows as an attachment named `name`; `header` is the first line (Chinese with English). */
export const csvDownload = async (
  name: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
  encoding: CsvEncoding = 'utf8-bom',
): Promise<Response> => {
  const text = csvFile([csvLine(header), ...rows.map((r) => csvLine(r))]);
  if (encoding === 'utf8-bom') return csvResponse(new TextEncoder().encode(text), name, encoding);
  const { csvGbk } = await import('@tmc/core/csv/write');
  return csvResponse(csvGbk(text), name, encoding);
};

/** The two download links for a list whose CSV lives at `href` (which may carry a query already). */
export const csvLinks = (href: string): { utf8: string; gbk: string } => ({
  utf8: href,
  gbk: `${href}${href.includes('?') ? '&' : '?'}encoding=gbk`,
});
