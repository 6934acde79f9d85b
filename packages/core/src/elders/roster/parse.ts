// Staff import of the elder roster from CSV as Excel exports it (Chinese headers, decoded by
// csv/decode.ts): the header is found and matched, then every row is checked (validate-row.ts)
// with every error of a row reported. Pure: no I/O, no clock (the caller passes today).
import { CsvError, parse } from 'csv-parse/sync';
import { AppError } from '../../kernel/errors';
import { CSV_MAX_BYTES } from '../../kernel/limits';
import { unguard } from '../../csv/guard';
import type { ElderInput } from '../model';
import { COLUMN, ELDER_CSV_COLUMNS, HEADER_LOOKUP, PAIRED, headerKey, type ElderCsvField } from './columns';
import { CSV_HEADER_SEARCH_LINES, CSV_MAX_ERRORS, CSV_MAX_ROWS } from './limits';
import { DEFAULT_MESSAGE, type RowError } from './report';
import { validateRow, type RowContext } from './validate-row';

export type ParsedRow = { row: number; input: ElderInput };

export type ElderCsvContext = RowContext & { maxRows?: number };

export type ElderCsvResult = { rows: ParsedRow[]; errors: RowError[] };

const isBlank = (record: readonly string[]): boolean => record.every((c) => c === '');

/** Line breaks inside a quoted cell, so physical line numbers stay exact (\r\n counts once). */
const innerLineBreaks = (record: readonly string[]): number =>
  record.reduce((n, c) => n + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0);

const malformed = (row: number, reason: string): ElderCsvResult => {
  const [message, message_en] = DEFAULT_MESSAGE.CSV_MALFORMED('', '');
  return {
    rows: [],
    errors: [
      {
        row,
        column: '',
        code: 'CSV_MALFORMED',
        message: `${message}（${reason}）`,
        message_en: `${message_en} (${reason})`,
      },
    ],
  };
};

/**
 * Validates every row and reports every error of every row (up to CSV_MAX_ERRORS). Throws
 * CSV_HEADER_INVALID when required columns are missing and CSV_TOO_MANY_ROWS above the limit:
 * those are problems with the file, not with rows. A row appears in `rows` only when it has no
 * error; the caller imports nothing unless `errors` is empty.
 */
export const parseElderCsv = (text: string, ctx: ElderCsvContext): ElderCsvResult => {
  if (text.length > CSV_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { details: { max_bytes: CSV_MAX_BYTES } });
  const maxRows = ctx.maxRows ?? CSV_MAX_ROWS;

  let records: string[][];
  try {
    // skip_empty_lines is off on purpose: csv-parse's own line counter counts a CRLF inside a
    // quoted cell twice, so we count lines ourselves and need every physical line as a record.
    // Blank records (empty lines and Excel's trailing ",,,,") are skipped below instead.
    records = parse(text, {
      bom: true,
      skip_empty_lines: false,
      relax_column_count: true,
      relax_quotes: true,
      trim: true,
    }) as string[][];
  } catch (e) {
    if (e instanceof CsvError) {
      const line = typeof e.lines === 'number' ? e.lines : 0;
      return malformed(line, e.code === 'CSV_QUOTE_NOT_CLOSED' ? '引号未闭合 / unclosed quote' : e.code);
    }
    throw e;
  }

  // Physical line of each non-blank record.
  const lines: { line: number; record: string[] }[] = [];
  let line = 1;
  for (const record of records) {
    const cells = record.map((c) => c.trim());
    if (!isBlank(cells)) lines.push({ line, record: cells });
    line += 1 + innerLineBreaks(record);
  }

  // Header: the first line naming the key columns, else the first line (which then fails).
  const looksLikeHeader = (r: readonly string[]) => {
    const fields = new Set(r.map((h) => HEADER_LOOKUP.get(headerKey(h))));
    return fields.has('name') && fields.has('id_number');
  };
  const headerAt = Math.max(
    0,
    lines.slice(0, CSV_HEADER_SEARCH_LINES).findIndex((l) => looksLikeHeader(l.record)),
  );
  const header = lines[headerAt];
  const index = new Map<ElderCsvField, number>();
  const duplicate: string[] = [];
  header?.record.forEach((h, i) => {
    const f = HEADER_LOOKUP.get(headerKey(h));
    if (f === undefined) return; // unknown columns (序号, 备注) are ignored
    if (index.has(f)) duplicate.push(COLUMN[f].zh);
    else index.set(f, i);
  });
  const missing = ELDER_CSV_COLUMNS.filter((c) => c.required && !index.has(c.field)).map((c) => c.zh);
  for (const [a, b] of PAIRED) {
    if (index.has(a) && !index.has(b)) missing.push(COLUMN[b].zh);
    if (index.has(b) && !index.has(a)) missing.push(COLUMN[a].zh);
  }
  if (missing.length > 0 || duplicate.length > 0) {
    throw new AppError('CSV_HEADER_INVALID', { details: { missing, duplicate, header_line: header?.line ?? 1 } });
  }

  const data = lines.slice(headerAt + 1);
  if (data.length > maxRows)
    throw new AppError('CSV_TOO_MANY_ROWS', { details: { max_rows: maxRows, rows: data.length } });

  const rows: ParsedRow[] = [];
  const errors: RowError[] = [];
  const firstRowById = new Map<string, number>();
  for (const [i, { line: row, record }] of data.entries()) {
    const cells = Object.fromEntries(
      ELDER_CSV_COLUMNS.map((c) => {
        const at = index.get(c.field);
        return [c.field, at === undefined ? '' : unguard(record[at] ?? '')];
      }),
    ) as Record<ElderCsvField, string>;
    const result = validateRow(cells, row, ctx, firstRowById);
    if (result.input) rows.push({ row, input: result.input });
    errors.push(...result.errors);
    if (errors.length >= CSV_MAX_ERRORS && i < data.length - 1) {
      const [message, message_en] = DEFAULT_MESSAGE.TOO_MANY_ERRORS('', '');
      errors.push({ row, column: '', code: 'TOO_MANY_ERRORS', message, message_en });
      break;
    }
  }
  return { rows, errors };
};
