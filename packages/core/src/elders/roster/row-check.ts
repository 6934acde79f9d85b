// The errors of one roster row as they are found, and the checks of text shared by several columns
// (names, plain text, phone numbers, text that looks like a spreadsheet formula). Split out of
// validate-row.ts so the column groups there read alone.
import { PHONE_RE } from '../../kernel/ids';
import { UNSAFE_LINE_CHARS } from '../../kernel/text';
import { COLUMN, type ElderCsvField } from './columns';
import { NAME_MAX_CHARS } from './limits';
import { DEFAULT_MESSAGE, type RowError, type RowErrorCode } from './report';
import { SCIENTIFIC, normalisePhone } from './values';

export type Cells = Readonly<Record<ElderCsvField, string>>;

/** The errors found so far in one row, and the columns that already have one. */
export type RowCheck = {
  row: number;
  cells: Cells;
  errors: RowError[];
  failed: Set<ElderCsvField>;
  fail: (field: ElderCsvField, code: RowErrorCode, text?: readonly [string, string]) => void;
  /** The cell, or null when its column already failed. */
  cell: (f: ElderCsvField) => string | null;
  /** Like `cell`, and an empty cell fails REQUIRED (then null). */
  required: (f: ElderCsvField) => string | null;
};

export const rowCheck = (cells: Cells, row: number): RowCheck => {
  const errors: RowError[] = [];
  const failed = new Set<ElderCsvField>();
  const fail: RowCheck['fail'] = (field, code, text) => {
    failed.add(field);
    const col = COLUMN[field];
    const [message, message_en] = text ?? DEFAULT_MESSAGE[code](col.zh, col.field);
    errors.push({ row, column: col.zh, code, message, message_en });
  };
  const cell = (f: ElderCsvField): string | null => (failed.has(f) ? null : cells[f]);
  const required = (f: ElderCsvField): string | null => {
    const v = cell(f);
    if (v === '') fail(f, 'REQUIRED');
    return v === '' ? null : v;
  };
  return { row, cells, errors, failed, fail, cell, required };
};

/** No name or address starts with = + - @; such text is a spreadsheet formula waiting for the
 * next export that forgets `guardCell`, so it is refused at the door. */
const formulaLike = (r: RowCheck, f: ElderCsvField, v: string): boolean => {
  if (!/^[=+\-@]/.test(v)) return false;
  r.fail(f, 'INVALID_CHARACTERS', [`${COLUMN[f].zh}不能以 = + - @ 开头`, `${f} must not start with = + - @`]);
  return true;
};

/** Names end up in HTML pages, SMS templates and spreadsheets; markup and quote characters
 * have no place in a Chinese name and are the usual first step of an injection. */
export const personName = (r: RowCheck, f: 'name' | 'emergency_contact_name', v: string): string | null => {
  if (v.length > NAME_MAX_CHARS) {
    r.fail(f, 'TOO_LONG', [
      `${COLUMN[f].zh}不能超过${NAME_MAX_CHARS}个字`,
      `${f} must be at most ${NAME_MAX_CHARS} characters`,
    ]);
    return null;
  }
  const bad = [...new Set(v.match(new RegExp(`[<>"'\`;\\\\]|${UNSAFE_LINE_CHARS.source}`, 'g')) ?? [])];
  if (bad.length > 0) {
    const shown = bad.map((ch) => (UNSAFE_LINE_CHARS.test(ch) ? '换行/控制字符' : ch)).join(' ');
    const shownEn = bad.map((ch) => (UNSAFE_LINE_CHARS.test(ch) ? 'line break/control character' : ch)).join(' ');
    r.fail(f, 'INVALID_CHARACTERS', [
      `${COLUMN[f].zh}包含不允许的字符：${shown}`,
      `${f} contains characters that are not allowed: ${shownEn}`,
    ]);
    return null;
  }
  return formulaLike(r, f, v) ? null : v;
};

export const plainText = (r: RowCheck, f: 'street' | 'community' | 'address', v: string): string | null => {
  if (UNSAFE_LINE_CHARS.test(v)) {
    r.fail(f, 'INVALID_CHARACTERS', [
      `${COLUMN[f].zh}不能包含换行或控制字符`,
      `${f} must not contain line breaks or control characters`,
    ]);
    return null;
  }
  return formulaLike(r, f, v) ? null : v;
};

export const phone = (r: RowCheck, f: 'phone' | 'emergency_contact_phone', v: string): string | null => {
  if (SCIENTIFIC.test(v)) {
    r.fail(f, 'PHONE_INVALID', [
      `${COLUMN[f].zh}被 Excel 显示成了科学计数法，请把该列设为"文本"格式后重新导出`,
      `${f} was turned into scientific notation by Excel; format the column as Text and export again`,
    ]);
    return null;
  }
  const p = normalisePhone(v);
  if (!PHONE_RE.test(p)) {
    r.fail(f, 'PHONE_INVALID');
    return null;
  }
  return p;
};
