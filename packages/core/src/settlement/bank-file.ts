// The two files of a bank-transfer payout: the batch CSV finance downloads (approved statements,
// one transfer a line) and pays in the bank's portal, and the bank's result file finance uploads
// back. Pure: bytes in, bytes or rows out; no I/O, no clock. Amounts are integer fen and cross
// into yuan text only here, by string arithmetic.
//
// Choices, with their reasons:
// - Account numbers are written as text with a trailing tab ("6222...\t"). Opened in Excel or WPS
//   a bare 19-digit number becomes 6.22202E+18 and loses its last digits (15 significant digits),
//   and a leading zero vanishes; any non-numeric character keeps the cell text. The usual ways
//   fail here: a leading apostrophe is shown literally when Excel opens a CSV, ="0123" is a
//   formula (refused by our injection guard and by bank portals), and a leading tab is one of the
//   characters the guard neutralises. A trailing tab is invisible, passes the guard, and is
//   surrounding whitespace, which import tools trim (parseBankResult does; so should a bank portal,
//   but finance should try one batch against their bank's template before relying on it).
//   Purely numeric statement numbers get the same treatment.
// - No total row. Bank upload templates take one transfer per line and reject or pay a line they
//   cannot read as a transfer; a 合计 line is at best an error and at worst a mistaken payee. The
//   count and total go into the file name (bankBatchFileName) and the page that offers the file,
//   where finance checks them against the portal's own summary before approving the batch.
// - Every cell passes the CSV injection guard (csv/write.ts); a cell the guard changes (a payee
//   name starting with "=") then fails at the bank instead of running as a formula on the way.
// - GBK cannot hold every character (rare name characters outside GBK, e.g. 𠀀): iconv-lite would
//   write "?" in their place and the transfer would go to a wrong or failing name, so such a
//   batch is refused for GBK and must be downloaded as UTF-8 with BOM.
import { CsvError, parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { AppError } from '../kernel/errors';
import { UNSAFE_LINE_CHARS } from '../kernel/text';
import { decodeCsv } from '../csv/decode';
import { unguard } from '../csv/guard';
import { csvFile, csvGbk, csvLine } from '../csv/write';
import { isBankAccountNo, normaliseAccountNo } from './payee';

/** Who is paid. The account number is plain here: the caller decrypted it (and audited that). */
export type BankPayee = { payee_name: string; bank_name: string; account_no: string };

/** One transfer: one approved statement paid to its merchant's payee. */
export type BatchLine = {
  statement_no: string;
  merchant_id: string;
  payee: BankPayee;
  amount_fen: number;
  memo: string;
};

/** Headers of the batch file, in order: No., payee account name, payee bank, payee account number,
 * amount (yuan), statement number, purpose of payment. */
export const BANK_BATCH_COLUMNS = ['序号', '收款户名', '收款银行', '收款账号', '金额(元)', '结算单号', '用途'] as const;

/** Rows of a batch or result file. Bank portals commonly take up to 5 000 transfers per upload, and
 * a month of the bureau's merchants is far fewer; the byte limit is CSV_MAX_BYTES (csv/decode.ts). */
export const BANK_FILE_MAX_ROWS = 5_000;

/** Longest statement number or bank reference read back; longer is a shifted column, not an id. */
const ID_MAX_CHARS = 64;
/** Bank failure reasons are kept, cut to this length: a long one is a bank's whole message. */
const REASON_MAX_CHARS = 200;
/** Any longer cell is a broken file, refused before it is looked at. */
const CELL_MAX_CHARS = 500;

/** Integer fen as yuan with two decimals, by string arithmetic (exact for any safe integer):
 * 1 -> "0.01", 99 -> "0.99", 123456789 -> "1234567.89". */
export const fenToYuanExact = (fen: number): string => {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not a whole, non-negative fen amount: ${fen}`);
  const s = String(fen).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
};

// Yuan as banks print them: "1,234.56", "1 234.56", "¥1,234.50", "1234.5元", "12.300". Thousands
// separators must group by three (so a decimal comma, "1,50", is refused rather than read as 150);
// decimals past the second must be zeros (nothing is rounded).
const GROUPED = /^\d{1,3}(,\d{3})+(\.\d+)?$/;
const PLAIN = /^\d{1,14}(\.\d+)?$/; // up to MAX_SAFE_INTEGER fen, checked below

/** Bank-printed yuan to integer fen, or null when the text is not an exact amount. */
export const bankAmountToFen = (text: string): number | null => {
  const t = text
    .replace(/[\s\u00a0\u3000]/g, '')
    .replace(/，/g, ',')
    .replace(/^(¥|￥|RMB|CNY)/i, '')
    .replace(/元$/, '');
  if (!PLAIN.test(t) && !GROUPED.test(t)) return null;
  const [whole = '', frac = ''] = t.replace(/,/g, '').split('.');
  if (/[^0]/.test(frac.slice(2))) return null;
  const fen = BigInt(whole) * 100n + BigInt(frac.slice(0, 2).padEnd(2, '0'));
  return fen <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(fen) : null;
};

/** Digits-only values kept as text in Excel (see the header comment). */
const excelText = (value: string): string => (/^\d+$/.test(value) ? `${value}\t` : value);

const invalidLine = (line: number, field: string, code: string, message: string) =>
  new AppError('VALIDATION_FAILED', {
    fields: [{ path: `lines[${line - 1}].${field}`, code, message }],
    details: { line, field, code },
  });

/** The BatchLine field behind each column, for errors. */
const BATCH_FIELDS = [
  '',
  'payee.payee_name',
  'payee.bank_name',
  'payee.account_no',
  'amount_fen',
  'statement_no',
  'memo',
];

const representableInGbk = (s: string): boolean => iconv.decode(iconv.encode(s, 'gbk'), 'gbk') === s;

/** One checked line as the cells of the file, in BANK_BATCH_COLUMNS order. */
const batchCells = (l: BatchLine, line: number): string[] => {
  const text = (field: string, value: string, required: boolean): string => {
    const v = value.trim();
    if (required && v === '') throw invalidLine(line, field, 'REQUIRED', 'must not be empty');
    if (UNSAFE_LINE_CHARS.test(v)) throw invalidLine(line, field, 'INVALID_CHARACTERS', 'control characters');
    return v;
  };
  if (!Number.isSafeInteger(l.amount_fen) || l.amount_fen <= 0)
    throw invalidLine(line, 'amount_fen', 'AMOUNT_INVALID', 'a whole, positive number of fen');
  if (!isBankAccountNo(l.payee.account_no))
    throw invalidLine(line, 'payee.account_no', 'ACCOUNT_NO_INVALID', '8-32 digits');
  return [
    String(line),
    text('payee.payee_name', l.payee.payee_name, true),
    text('payee.bank_name', l.payee.bank_name, true),
    excelText(normaliseAccountNo(l.payee.account_no)),
    fenToYuanExact(l.amount_fen),
    excelText(text('statement_no', l.statement_no, true)),
    text('memo', l.memo, false),
  ];
};

/**
 * The batch file for the bank portal: a header row (BANK_BATCH_COLUMNS), then one transfer a line,
 * numbered from 1, CRLF line ends. `gbk` is what older Excel and WPS on Chinese Windows open
 * without garbling; `utf8-bom` is Excel's "CSV UTF-8" and holds every character. Throws
 * VALIDATION_FAILED (details: line, field, code) for a line that must not reach a bank: no amount,
 * a malformed account, a duplicated statement, a character GBK cannot hold.
 */
export const writeBankBatch = (lines: BatchLine[], encoding: 'gbk' | 'utf8-bom'): Uint8Array => {
  if (lines.length === 0) throw new AppError('VALIDATION_FAILED', { details: { code: 'EMPTY_BATCH' } });
  if (lines.length > BANK_FILE_MAX_ROWS)
    throw new AppError('CSV_TOO_MANY_ROWS', { details: { max_rows: BANK_FILE_MAX_ROWS, rows: lines.length } });
  const seen = new Set<string>();
  const rows = lines.map((l, i) => {
    const line = i + 1;
    const cells = batchCells(l, line);
    const statement = l.statement_no.trim();
    if (seen.has(statement)) throw invalidLine(line, 'statement_no', 'STATEMENT_DUPLICATE', 'already in this batch');
    seen.add(statement);
    const notGbk = encoding === 'gbk' ? cells.findIndex((c) => !representableInGbk(c)) : -1;
    if (notGbk >= 0)
      throw invalidLine(line, BATCH_FIELDS[notGbk] ?? '', 'NOT_GBK', 'a character GBK cannot hold: use UTF-8');
    return csvLine(cells);
  });
  const text = csvFile([csvLine(BANK_BATCH_COLUMNS), ...rows]);
  return encoding === 'gbk' ? csvGbk(text) : new TextEncoder().encode(text);
};

/** Count and total of a batch, for the file name and the page offering it (no total row). */
export const bankBatchSummary = (lines: readonly BatchLine[]): { count: number; total_fen: number } => ({
  count: lines.length,
  total_fen: lines.reduce((sum, l) => sum + l.amount_fen, 0),
});

/** "bank-batch-<batch_no>-<count>-<total yuan>-<gbk|utf8>.csv": ASCII, so it survives every
 * browser's Content-Disposition handling; the count and total let finance check the portal's summary. */
export const bankBatchFileName = (batch_no: string, lines: readonly BatchLine[], encoding: 'gbk' | 'utf8-bom') => {
  const { count, total_fen } = bankBatchSummary(lines);
  const safe = batch_no.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'batch';
  return `bank-batch-${safe}-${count}-${fenToYuanExact(total_fen)}-${encoding === 'gbk' ? 'gbk' : 'utf8'}.csv`;
};

// ---- The bank's result file ----

export type BankResultRow = {
  line: number;
  statement_no: string;
  outcome: 'paid' | 'failed';
  bank_ref: string | null;
  reason: string | null;
  /** Present when the file has an amount column: the caller checks it against the statement. */
  amount_fen?: number;
};
export type BankResultError = { line: number; code: string; message: string };

type ResultField = 'statement_no' | 'status' | 'bank_ref' | 'reason' | 'amount';

const headerKey = (h: string): string =>
  unguard(h)
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/[\s_\-]/g, '')
    .toLowerCase();

const RESULT_HEADERS: Record<ResultField, readonly string[]> = {
  statement_no: ['结算单号', 'statement_no'],
  status: ['状态', '交易状态', '处理状态', 'status'],
  bank_ref: ['银行流水号', '交易流水号', 'bank_ref'],
  reason: ['失败原因', 'reason'],
  amount: ['金额(元)', '金额', '交易金额', 'amount'],
};
const HEADER_LOOKUP = new Map<string, ResultField>(
  Object.entries(RESULT_HEADERS).flatMap(([f, names]) => names.map((n) => [headerKey(n), f as ResultField])),
);

// Only words that say plainly that the money left or came back; anything else is an error, never a guess.
const OUTCOME = new Map<string, 'paid' | 'failed'>([
  ...['成功', '已支付', '交易成功', '支付成功', '付款成功', 'success', 'paid'].map((w) => [w, 'paid'] as const),
  ...['失败', '退回', '已退回', '退票', '交易失败', '支付失败', '付款失败', 'failed'].map(
    (w) => [w, 'failed'] as const,
  ),
]);
const NOT_FINAL = new Set(['处理中', '待处理', '银行处理中', 'pending', 'processing']);

/** A bank's footer (合计 / 总计) is not a transfer and is skipped. */
const SUMMARY_WORDS = /^(合计|总计|小计|total)[:：]?/i;
/** The header is looked for among this many first non-blank lines: banks put a title row or two
 * (account, date range) above it. */
const HEADER_SEARCH_LINES = 5;

const MESSAGES: Record<string, string> = {
  CSV_MALFORMED: '文件格式有误 / The file is not valid CSV',
  CELL_TOO_LONG: '单元格内容过长 / A cell is too long',
  STATEMENT_NO_MISSING: '缺少结算单号 / The statement number is missing',
  STATEMENT_NO_INVALID: '结算单号格式有误 / The statement number is malformed',
  STATEMENT_DUPLICATE: '结算单号重复 / This statement number appears twice',
  STATUS_UNKNOWN: '状态应为 成功/已支付/失败/退回 / Status must be success, paid, failed or returned',
  STATUS_NOT_FINAL: '银行尚未处理完成，请稍后导出结果 / The bank has not finished this transfer yet',
  BANK_REF_INVALID: '银行流水号格式有误 / The bank reference is malformed',
  AMOUNT_MISSING: '缺少金额 / The amount is missing',
  AMOUNT_INVALID: '金额应为元，最多两位小数 / The amount must be yuan with at most two decimals',
};

const rowError = (line: number, code: string): BankResultError => ({ line, code, message: MESSAGES[code] ?? code });

const isBlank = (record: readonly string[]): boolean => record.every((c) => c === '');

/** Line breaks inside a quoted cell, so physical line numbers stay exact (\r\n counts once). */
const innerLineBreaks = (record: readonly string[]): number =>
  record.reduce((n, c) => n + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0);

/** One data row: the row, or every error found in it. */
const readResultRow = (
  line: number,
  cell: (f: ResultField) => string | null,
): { row: BankResultRow | null; errors: BankResultError[] } => {
  const errors: BankResultError[] = [];
  const statement_no = cell('statement_no') ?? '';
  if (statement_no === '') errors.push(rowError(line, 'STATEMENT_NO_MISSING'));
  else if (statement_no.length > ID_MAX_CHARS || UNSAFE_LINE_CHARS.test(statement_no))
    errors.push(rowError(line, 'STATEMENT_NO_INVALID'));

  const status = (cell('status') ?? '').toLowerCase();
  const outcome = OUTCOME.get(status);
  if (!outcome) errors.push(rowError(line, NOT_FINAL.has(status) ? 'STATUS_NOT_FINAL' : 'STATUS_UNKNOWN'));

  const bank_ref = cell('bank_ref') || null;
  if (bank_ref !== null && (bank_ref.length > ID_MAX_CHARS || UNSAFE_LINE_CHARS.test(bank_ref)))
    errors.push(rowError(line, 'BANK_REF_INVALID'));

  // The bank's words are kept even when odd: a failed transfer must be recorded whatever its reason says.
  const reasonText = (cell('reason') ?? '').replace(new RegExp(UNSAFE_LINE_CHARS.source, 'g'), ' ').trim();
  const reason = reasonText === '' ? null : reasonText.slice(0, REASON_MAX_CHARS);

  const amount = cell('amount');
  let amount_fen: number | undefined;
  if (amount !== null) {
    const fen = amount === '' ? null : bankAmountToFen(amount);
    if (fen === null) errors.push(rowError(line, amount === '' ? 'AMOUNT_MISSING' : 'AMOUNT_INVALID'));
    else amount_fen = fen;
  }
  if (errors.length > 0 || !outcome) return { row: null, errors };
  const row: BankResultRow = { line, statement_no, outcome, bank_ref, reason };
  if (amount_fen !== undefined) row.amount_fen = amount_fen;
  return { row, errors };
};

/**
 * Reads the bank's result file: CSV in UTF-8 (with or without BOM) or GBK, a header row with Chinese
 * or English names (see RESULT_HEADERS; unknown columns are ignored, title rows above the header
 * skipped), then one transfer a line. Bad rows never throw: each is reported with its physical
 * line number (the header line counts) and left out of `rows`. A row is in `rows` only without
 * errors, and a statement number appearing twice is an error on its later line.
 *
 * Problems with the file itself throw, as for every CSV upload: PAYLOAD_TOO_LARGE,
 * CSV_ENCODING_UNSUPPORTED, CSV_HEADER_INVALID (details: missing, duplicate) and CSV_TOO_MANY_ROWS.
 */
export const parseBankResult = (bytes: Uint8Array): { rows: BankResultRow[]; errors: BankResultError[] } => {
  const { text } = decodeCsv(bytes);
  let records: string[][];
  try {
    // Every physical line is a record (skip_empty_lines off) so that line numbers can be counted here.
    records = parse(text, { skip_empty_lines: false, relax_column_count: true, relax_quotes: true }) as string[][];
  } catch (e) {
    if (e instanceof CsvError)
      return { rows: [], errors: [rowError(typeof e.lines === 'number' ? e.lines : 0, 'CSV_MALFORMED')] };
    throw e;
  }
  const lines: { line: number; record: string[] }[] = [];
  let line = 1;
  for (const record of records) {
    const cells = record.map((c) => c.trim());
    if (!isBlank(cells)) lines.push({ line, record: cells });
    line += 1 + innerLineBreaks(record);
  }

  const fieldsOf = (r: readonly string[]) => r.map((h) => HEADER_LOOKUP.get(headerKey(h)));
  const headerAt = Math.max(
    0,
    lines.slice(0, HEADER_SEARCH_LINES).findIndex((l) => {
      const fields = fieldsOf(l.record);
      return fields.includes('statement_no') && fields.includes('status');
    }),
  );
  const header = lines[headerAt];
  const index = new Map<ResultField, number>();
  const duplicate: string[] = [];
  fieldsOf(header?.record ?? []).forEach((f, i) => {
    if (f === undefined) return;
    if (index.has(f)) duplicate.push(f);
    else index.set(f, i);
  });
  const missing = (['statement_no', 'status'] as const).filter((f) => !index.has(f));
  if (missing.length > 0 || duplicate.length > 0)
    throw new AppError('CSV_HEADER_INVALID', { details: { missing, duplicate, header_line: header?.line ?? 1 } });

  const data = lines.slice(headerAt + 1);
  if (data.length > BANK_FILE_MAX_ROWS)
    throw new AppError('CSV_TOO_MANY_ROWS', { details: { max_rows: BANK_FILE_MAX_ROWS, rows: data.length } });

  const rows: BankResultRow[] = [];
  const errors: BankResultError[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { line: at, record } of data) {
    if (record.some((c) => c.length > CELL_MAX_CHARS)) {
      errors.push(rowError(at, 'CELL_TOO_LONG'));
      continue;
    }
    // unguard: a file that went through our own export (or a careful bank) has guarded cells.
    const cell = (f: ResultField): string | null => {
      const i = index.get(f);
      return i === undefined ? null : unguard(record[i] ?? '').trim();
    };
    const statement = cell('statement_no') ?? '';
    if ((statement === '' || SUMMARY_WORDS.test(statement)) && record.some((c) => SUMMARY_WORDS.test(c))) continue;
    const { row, errors: found } = readResultRow(at, cell);
    errors.push(...found);
    if (!row) continue;
    const first = firstLineOf.get(row.statement_no);
    if (first !== undefined) {
      errors.push({ ...rowError(at, 'STATEMENT_DUPLICATE'), message: `${MESSAGES.STATEMENT_DUPLICATE} (${first})` });
      continue;
    }
    firstLineOf.set(row.statement_no, at);
    rows.push(row);
  }
  return { rows, errors };
};
