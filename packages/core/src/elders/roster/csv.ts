// Staff import of the elder roster from CSV as Excel exports it (UTF-8 or GBK, Chinese headers):
// decoding, per-row validation with every error of a row reported, the downloadable error report,
// and the writer used for samples and benchmarks. Pure: no I/O, no clock (the caller passes today).
import iconv from 'iconv-lite';
import { CsvError, parse } from 'csv-parse/sync';
import type { z } from 'zod/mini';
import { AppError } from '../../kernel/errors';
import { PHONE_RE, parseIdNumber } from '../id-card';
import { CARE_LEVELS, CARE_LEVEL_ZH, CHINA_BOUNDS, ELDER_MIN_AGE, ElderInput, GENDER_ZH, SPECIAL_CATEGORIES, SPECIAL_CATEGORY_ZH, elderDateIssues } from '../model';
import { UNSAFE_LINE_CHARS } from '../../kernel/text';

export { CHINA_BOUNDS }; // the one rule lives with the schema (./elders); kept here for callers of the importer

// ---------------------------------------------------------------------------------------------
// Limits

/** One district's roster: 曾都区 has roughly 120 000 people aged 60+, imported street by street
 * (the largest street is under 40 000). The whole file is parsed in memory inside one request, so
 * the cap keeps memory and time bounded; a bigger roster is split per street. */
export const CSV_MAX_ROWS = 50_000;

/** 50 000 rows of about 220 bytes each is ~11 MB; 16 MiB leaves room for long addresses while
 * refusing a file that could only be a mistake (a database dump, an XLSX renamed to .csv). */
export const CSV_MAX_BYTES = 16 * 1024 * 1024;

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
const ECHO_MAX_CHARS = 20;

const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
const FORMULA_GUARDED = /^'+[=+\-@\t\r]/;


// ---------------------------------------------------------------------------------------------
// Decoding

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gbk';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Excel on Chinese Windows saves "CSV" in GBK (code page 936) and "CSV UTF-8" with a BOM; WPS and
 * LibreOffice write UTF-8 without one. Anything else (UTF-16 "Unicode text", XLSX, images) is refused
 * rather than guessed, because a wrong guess silently imports garbled names. */
export const decodeCsv = (bytes: Uint8Array): { text: string; encoding: CsvEncoding } => {
  if (bytes.length > CSV_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { details: { max_bytes: CSV_MAX_BYTES } });
  const unsupported = (reason: string, cause?: unknown) => new AppError('CSV_ENCODING_UNSUPPORTED', { details: { reason }, cause });
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

// ---------------------------------------------------------------------------------------------
// Columns

export type ElderCsvField =
  | 'name' | 'gender' | 'id_number' | 'birth_date' | 'phone' | 'street' | 'community' | 'address'
  | 'lng' | 'lat' | 'care_level' | 'special_categories' | 'emergency_contact_name' | 'emergency_contact_phone';

export type ElderCsvColumn = { field: ElderCsvField; zh: string; required: boolean; aliases: readonly string[] };

/** In the order the roster writer emits them. The field name is itself the English alias. */
export const ELDER_CSV_COLUMNS: readonly ElderCsvColumn[] = [
  { field: 'name', zh: '姓名', required: true, aliases: ['老人姓名'] },
  { field: 'gender', zh: '性别', required: true, aliases: ['sex'] },
  { field: 'id_number', zh: '身份证号', required: true, aliases: ['身份证号码', '身份证', '公民身份号码', 'id_card'] },
  { field: 'birth_date', zh: '出生日期', required: true, aliases: ['出生年月日', 'birthday', 'date_of_birth'] },
  { field: 'phone', zh: '联系电话', required: false, aliases: ['手机', '手机号', '手机号码', '电话', 'mobile'] },
  { field: 'street', zh: '街道', required: true, aliases: ['所属街道'] },
  { field: 'community', zh: '社区', required: true, aliases: ['所属社区'] },
  { field: 'address', zh: '住址', required: true, aliases: ['家庭住址', '居住地址', '详细地址', '地址'] },
  { field: 'lng', zh: '经度', required: false, aliases: ['longitude'] },
  { field: 'lat', zh: '纬度', required: false, aliases: ['latitude'] },
  { field: 'care_level', zh: '护理等级', required: true, aliases: [] },
  { field: 'special_categories', zh: '特殊类别', required: false, aliases: ['categories'] },
  { field: 'emergency_contact_name', zh: '紧急联系人', required: false, aliases: ['紧急联系人姓名'] },
  { field: 'emergency_contact_phone', zh: '紧急联系电话', required: false, aliases: ['紧急联系人电话'] },
];

const COLUMN_ORDER = (zh: string): number => ELDER_CSV_COLUMNS.findIndex((c) => c.zh === zh);

const COLUMN = Object.fromEntries(ELDER_CSV_COLUMNS.map((c) => [c.field, c])) as Record<ElderCsvField, ElderCsvColumn>;

/** Headers as people type them: `*姓名`, `身份证号（18位）`, `姓 名`, `ID Number`, `birth-date`. */
const headerKey = (raw: string): string =>
  raw
    .normalize('NFKC')
    .trim()
    .replace(/^\*+|\*+$/g, '')
    .replace(/\([^)]*\)$/, '')
    .replace(/[\s_-]+/g, '')
    .toLowerCase();

const HEADER_LOOKUP: ReadonlyMap<string, ElderCsvField> = new Map(
  ELDER_CSV_COLUMNS.flatMap((c) => [c.zh, c.field, ...c.aliases].map((a) => [headerKey(a), c.field] as const)),
);

/** Columns that only make sense together: a header with one and not the other is a broken template. */
const PAIRED: readonly (readonly [ElderCsvField, ElderCsvField])[] = [
  ['lng', 'lat'],
  ['emergency_contact_name', 'emergency_contact_phone'],
];

// ---------------------------------------------------------------------------------------------
// Row errors

export const ROW_ERROR_CODES = [
  'REQUIRED', 'ID_NUMBER_INVALID', 'BIRTH_DATE_MISMATCH', 'GENDER_MISMATCH', 'GENDER_INVALID', 'DATE_INVALID',
  'PHONE_INVALID', 'COMMUNITY_UNKNOWN', 'CARE_LEVEL_INVALID', 'CATEGORY_UNKNOWN', 'COORDINATES_INVALID',
  'EMERGENCY_CONTACT_INCOMPLETE', 'DUPLICATE_IN_FILE', 'TOO_LONG', 'INVALID_CHARACTERS', 'VALUE_INVALID',
  'CSV_MALFORMED', 'TOO_MANY_ERRORS',
  'ALREADY_REGISTERED', // set by the importer: the ID number is in the database with different data
  'TOO_YOUNG', // under ELDER_MIN_AGE on the day of import (elders.ts, shared with POST /api/elders)
] as const;
export type RowErrorCode = (typeof ROW_ERROR_CODES)[number];

export type RowError = {
  /** 1-based physical line in the file (header = 1), so staff can find it in a text editor or Excel. */
  row: number;
  /** The canonical Chinese header name, or '' when the error concerns the whole row or file. */
  column: string;
  code: RowErrorCode;
  message: string;
  message_en: string;
};

export type ParsedRow = { row: number; input: ElderInput };

export type ElderCsvContext = {
  /** Street and community as written in the file (trimmed) -> community area code, or null. */
  resolveCommunity: (streetName: string, communityName: string) => string | null;
  /** Birth dates after today are impossible; passed in so the parser stays pure. */
  today: Date;
  maxRows?: number;
};

export type ElderCsvResult = { rows: ParsedRow[]; errors: RowError[] };


/** Quote a user value inside a message: control characters blanked, length capped. */
const echo = (s: string): string => {
  const flat = s.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return flat.length > ECHO_MAX_CHARS ? `${flat.slice(0, ECHO_MAX_CHARS)}…` : flat;
};

/** Default wording per code, used for zod issues and wherever no more specific message helps. */
const DEFAULT_MESSAGE: Record<RowErrorCode, (zh: string, en: string) => readonly [string, string]> = {
  REQUIRED: (zh, en) => [`${zh}不能为空`, `${en} is required`],
  ID_NUMBER_INVALID: () => ['身份证号无效（应为18位，最后一位校验码须正确）', 'Invalid ID-card number (18 characters with a correct check character)'],
  BIRTH_DATE_MISMATCH: () => ['出生日期与身份证号中的出生日期不一致', 'Birth date does not match the one in the ID-card number'],
  GENDER_MISMATCH: () => ['性别与身份证号不一致（第17位奇数为男，偶数为女）', 'Gender does not match the ID-card number (17th digit odd = male, even = female)'],
  GENDER_INVALID: () => ['性别应填写"男"或"女"', 'Gender must be 男 (male) or 女 (female)'],
  DATE_INVALID: () => ['出生日期无法识别，请使用 YYYY-MM-DD 格式，如 1950-03-12', 'Unrecognised birth date; use YYYY-MM-DD, e.g. 1950-03-12'],
  PHONE_INVALID: (zh, en) => [`${zh}应为11位手机号码`, `${en} must be an 11-digit mobile number`],
  COMMUNITY_UNKNOWN: () => ['找不到该街道下的社区，请核对街道和社区名称', 'No such community in this street; check the street and community names'],
  CARE_LEVEL_INVALID: () => ['护理等级应为"自理"、"半失能"或"失能"', 'Care level must be 自理, 半失能 or 失能'],
  CATEGORY_UNKNOWN: () => ['特殊类别只能是：高龄、低保/特困、独居/空巢、失独、优抚', 'Special categories must be among 高龄, 低保/特困, 独居/空巢, 失独, 优抚'],
  COORDINATES_INVALID: () => ['经纬度无效：应同时填写经度和纬度，且位于中国境内', 'Invalid coordinates: give both longitude and latitude, inside China'],
  EMERGENCY_CONTACT_INCOMPLETE: () => ['紧急联系人和紧急联系电话须同时填写', 'Give both the emergency contact name and phone, or neither'],
  DUPLICATE_IN_FILE: () => ['身份证号在文件中重复', 'The ID-card number appears more than once in the file'],
  TOO_LONG: (zh, en) => [`${zh}内容过长`, `${en} is too long`],
  INVALID_CHARACTERS: (zh, en) => [`${zh}包含不允许的字符`, `${en} contains characters that are not allowed`],
  VALUE_INVALID: (zh, en) => [`${zh}的值无效`, `${en} is invalid`],
  CSV_MALFORMED: () => ['CSV 格式错误，请用 Excel 重新另存为 CSV 后再导入', 'Malformed CSV; save it again as CSV from Excel and retry'],
  ALREADY_REGISTERED: () => ['该身份证号已登记且资料不同，请在系统中直接修改', 'ID number already registered with different data; edit the existing record instead'],
  TOO_YOUNG: () => [`未满${ELDER_MIN_AGE}周岁，不属于服务对象，请核对出生日期`, `Under ${ELDER_MIN_AGE} years old, so not eligible; check the birth date`],
  TOO_MANY_ERRORS: () => [`错误超过 ${CSV_MAX_ERRORS} 条，已停止检查，请先修正以上错误`, `More than ${CSV_MAX_ERRORS} errors; checking stopped. Fix these first`],
};

// ---------------------------------------------------------------------------------------------
// Value parsers (each returns the normalised value or null)

const GENDER_IN: Readonly<Record<string, 'M' | 'F'>> = { 男: 'M', 女: 'F', m: 'M', f: 'F', male: 'M', female: 'F' };

const CARE_LEVEL_IN: Readonly<Record<string, (typeof CARE_LEVELS)[number]>> = Object.fromEntries(
  CARE_LEVELS.flatMap((l) => [[CARE_LEVEL_ZH[l], l], [l, l]]),
);

type Category = (typeof SPECIAL_CATEGORIES)[number];
const CATEGORY_IN: Readonly<Record<string, Category>> = {
  高龄: 'advanced_age', 低保: 'low_income', 特困: 'low_income', 独居: 'living_alone', 空巢: 'living_alone',
  失独: 'bereaved_parent', 优抚: 'entitled_group',
  ...Object.fromEntries(SPECIAL_CATEGORIES.map((c) => [c, c])),
};
/** 、 is what Chinese typists use; the others turn up from other systems. `/` also splits
 * 低保/特困 into two tokens that map to the same category. */
const CATEGORY_SEPARATORS = /[、,，;；/\s]+/;

/** Excel shows long digit strings as 4.21303E+17 unless the column is formatted as text, and the
 * CSV then holds that. The digits are gone; the only help is to say how to fix the sheet. */
const SCIENTIFIC = /^\d(\.\d+)?e\+?\d+$/i;

const digitsOnly = (raw: string): string => raw.normalize('NFKC').replace(/[\s-]/g, '');

const normalisePhone = (raw: string): string => {
  const d = digitsOnly(raw).replace(/[()]/g, '');
  if (d.startsWith('+86')) return d.slice(3);
  if (d.length === 13 && d.startsWith('86')) return d.slice(2);
  return d;
};

const isRealDate = (y: number, m: number, d: number): boolean => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};

/** YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYYMMDD, YYYY年M月D日; Excel date-time cells add `0:00:00`. */
const DATE_FORMATS: readonly RegExp[] = [
  /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/,
  /^(\d{4})()(\d{2})(\d{2})$/,
  /^(\d{4})(年)(\d{1,2})月(\d{1,2})日?$/,
];

/** Returns YYYY-MM-DD, or null when the text is not a real date between 1900 and today. */
export const parseCsvDate = (raw: string, today: Date): string | null => {
  const s = raw.normalize('NFKC').trim().replace(/\s+0{1,2}:00(:00)?$/, '');
  for (const re of DATE_FORMATS) {
    const m = re.exec(s);
    if (!m) continue;
    const y = Number(m[1]);
    const mo = Number(m[3]);
    const d = Number(m[4]);
    if (y < 1900 || !isRealDate(y, mo, d)) return null;
    const iso = `${String(y)}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return iso > today.toISOString().slice(0, 10) ? null : iso;
  }
  return null;
};

const parseCoordinate = (raw: string): number | null => {
  const s = raw.normalize('NFKC').trim();
  return /^[+-]?\d{1,3}(\.\d+)?$/.test(s) ? Number(s) : null;
};

/** Undoes `guardCell`: one leading quote before a formula character is ours (Excel itself never
 * exports it), so removing it on import restores exactly the text that was exported. */
const unguard = (cell: string): string => (FORMULA_GUARDED.test(cell) ? cell.slice(1) : cell);

// ---------------------------------------------------------------------------------------------
// Row validation

type Cells = Readonly<Record<ElderCsvField, string>>;

type ZodIssue = z.core.$ZodIssue;

const fieldOfPath = (path: readonly PropertyKey[]): ElderCsvField | null => {
  const [head, sub] = path;
  switch (head) {
    case 'name': case 'gender': case 'birth_date': case 'id_number': case 'phone': case 'address':
    case 'care_level': case 'special_categories':
      return head;
    case 'community_code': return 'community';
    case 'location': return sub === 'lat' ? 'lat' : 'lng';
    case 'emergency_contact': return sub === 'phone' ? 'emergency_contact_phone' : 'emergency_contact_name';
    default: return null;
  }
};

/** What a schema issue means in the importer's vocabulary; anything unforeseen is VALUE_INVALID. */
const codeOfIssue = (field: ElderCsvField, issue: ZodIssue): RowErrorCode => {
  if (issue.code === 'custom' && (ROW_ERROR_CODES as readonly string[]).includes(issue.message)) return issue.message as RowErrorCode;
  if (issue.code === 'too_big') return 'TOO_LONG';
  if (issue.code === 'too_small') return 'REQUIRED';
  const byField: Partial<Record<ElderCsvField, RowErrorCode>> = {
    name: 'INVALID_CHARACTERS', emergency_contact_name: 'INVALID_CHARACTERS', gender: 'GENDER_INVALID',
    birth_date: 'DATE_INVALID', id_number: 'ID_NUMBER_INVALID', phone: 'PHONE_INVALID', emergency_contact_phone: 'PHONE_INVALID',
    community: 'COMMUNITY_UNKNOWN', lng: 'COORDINATES_INVALID', lat: 'COORDINATES_INVALID', care_level: 'CARE_LEVEL_INVALID',
    special_categories: 'CATEGORY_UNKNOWN',
  };
  return byField[field] ?? 'VALUE_INVALID';
};

const validateRow = (
  cells: Cells,
  row: number,
  ctx: ElderCsvContext,
  firstRowById: Map<string, number>,
): { input: ElderInput | null; errors: RowError[] } => {
  const errors: RowError[] = [];
  const failed = new Set<ElderCsvField>();
  const fail = (field: ElderCsvField, code: RowErrorCode, text?: readonly [string, string]) => {
    failed.add(field);
    const col = COLUMN[field];
    const [message, message_en] = text ?? DEFAULT_MESSAGE[code](col.zh, col.field);
    errors.push({ row, column: col.zh, code, message, message_en });
  };

  // Bloated cells are refused before anything else looks at them.
  for (const c of ELDER_CSV_COLUMNS) if (cells[c.field].length > CSV_MAX_CELL_CHARS) fail(c.field, 'TOO_LONG');
  const cell = (f: ElderCsvField): string | null => (failed.has(f) ? null : cells[f]);

  const required = (f: ElderCsvField): string | null => {
    const v = cell(f);
    if (v === '') fail(f, 'REQUIRED');
    return v === '' ? null : v;
  };

  /** Names end up in HTML pages, SMS templates and spreadsheets; markup and quote characters
   * have no place in a Chinese name and are the usual first step of an injection. */
  const personName = (f: 'name' | 'emergency_contact_name', v: string): string | null => {
    if (v.length > NAME_MAX_CHARS) {
      fail(f, 'TOO_LONG', [`${COLUMN[f].zh}不能超过${NAME_MAX_CHARS}个字`, `${f} must be at most ${NAME_MAX_CHARS} characters`]);
      return null;
    }
    const bad = [...new Set(v.match(new RegExp(`[<>"'\`;\\\\]|${UNSAFE_LINE_CHARS.source}`, 'g')) ?? [])];
    if (bad.length > 0) {
      const shown = bad.map((ch) => (UNSAFE_LINE_CHARS.test(ch) ? '换行/控制字符' : ch)).join(' ');
      const shownEn = bad.map((ch) => (UNSAFE_LINE_CHARS.test(ch) ? 'line break/control character' : ch)).join(' ');
      fail(f, 'INVALID_CHARACTERS', [`${COLUMN[f].zh}包含不允许的字符：${shown}`, `${f} contains characters that are not allowed: ${shownEn}`]);
      return null;
    }
    return formulaLike(f, v) ? null : v;
  };

  /** No name or address starts with = + - @; such text is a spreadsheet formula waiting for the
   * next export that forgets `guardCell`, so it is refused at the door. */
  const formulaLike = (f: ElderCsvField, v: string): boolean => {
    if (!/^[=+\-@]/.test(v)) return false;
    fail(f, 'INVALID_CHARACTERS', [`${COLUMN[f].zh}不能以 = + - @ 开头`, `${f} must not start with = + - @`]);
    return true;
  };

  const plainText = (f: 'street' | 'community' | 'address', v: string): string | null => {
    if (UNSAFE_LINE_CHARS.test(v)) {
      fail(f, 'INVALID_CHARACTERS', [`${COLUMN[f].zh}不能包含换行或控制字符`, `${f} must not contain line breaks or control characters`]);
      return null;
    }
    return formulaLike(f, v) ? null : v;
  };

  const phone = (f: 'phone' | 'emergency_contact_phone', v: string): string | null => {
    if (SCIENTIFIC.test(v)) {
      fail(f, 'PHONE_INVALID', [`${COLUMN[f].zh}被 Excel 显示成了科学计数法，请把该列设为"文本"格式后重新导出`, `${f} was turned into scientific notation by Excel; format the column as Text and export again`]);
      return null;
    }
    const p = normalisePhone(v);
    if (!PHONE_RE.test(p)) {
      fail(f, 'PHONE_INVALID');
      return null;
    }
    return p;
  };

  // 姓名
  const nameRaw = required('name');
  const name = nameRaw === null ? null : personName('name', nameRaw);

  // 性别
  const genderRaw = required('gender');
  const gender = genderRaw === null ? null : (GENDER_IN[genderRaw.normalize('NFKC').toLowerCase()] ?? null);
  if (genderRaw !== null && gender === null) fail('gender', 'GENDER_INVALID', [`性别应填写"男"或"女"，而不是「${echo(genderRaw)}」`, `Gender must be 男 or 女, not "${echo(genderRaw)}"`]);

  // 身份证号: the source of truth for birth date and gender.
  const idRaw = required('id_number');
  let idFacts: ReturnType<typeof parseIdNumber> = null;
  if (idRaw !== null) {
    const id = digitsOnly(idRaw).toUpperCase();
    if (SCIENTIFIC.test(id)) {
      fail('id_number', 'ID_NUMBER_INVALID', ['身份证号被 Excel 显示成了科学计数法（如 4.21303E+17），请把该列设为"文本"格式后重新导出', 'The ID number was turned into scientific notation by Excel (e.g. 4.21303E+17); format the column as Text and export again']);
    } else if (/^\d{15}$/.test(id)) {
      fail('id_number', 'ID_NUMBER_INVALID', ['这是15位旧身份证号，请填写18位身份证号', 'This is an old 15-digit ID number; give the 18-character one']);
    } else {
      idFacts = parseIdNumber(id, ctx.today);
      if (!idFacts) fail('id_number', 'ID_NUMBER_INVALID');
    }
  }
  if (idFacts) {
    const first = firstRowById.get(idFacts.id_number);
    if (first === undefined) firstRowById.set(idFacts.id_number, row);
    else fail('id_number', 'DUPLICATE_IN_FILE', [`身份证号与第 ${first} 行重复`, `The ID-card number already appears on line ${first}`]);
  }

  // 出生日期
  const birthRaw = required('birth_date');
  const birth_date = birthRaw === null ? null : parseCsvDate(birthRaw, ctx.today);
  if (birthRaw !== null && birth_date === null) fail('birth_date', 'DATE_INVALID');
  if (idFacts && birth_date !== null && idFacts.birth_date !== birth_date) {
    fail('birth_date', 'BIRTH_DATE_MISMATCH', [`出生日期与身份证号中的出生日期（${idFacts.birth_date}）不一致`, `Birth date does not match the one in the ID-card number (${idFacts.birth_date})`]);
  }
  if (idFacts && gender !== null && idFacts.gender !== gender) fail('gender', 'GENDER_MISMATCH');
  if (birth_date !== null && !failed.has('birth_date')) for (const i of elderDateIssues({ birth_date }, ctx.today)) fail(i.path, i.code);

  // 联系电话 (optional)
  const phoneRaw = cell('phone');
  const phoneValue = phoneRaw === null || phoneRaw === '' ? null : phone('phone', phoneRaw);

  // 街道 + 社区
  const streetRaw = required('street');
  const street = streetRaw === null ? null : plainText('street', streetRaw);
  const communityRaw = required('community');
  const community = communityRaw === null ? null : plainText('community', communityRaw);
  let community_code: string | null = null;
  if (street === null || community === null) {
    // Nothing to resolve; the error on 街道 or 社区 already says why, so the schema stays quiet.
    failed.add('community');
  } else {
    community_code = ctx.resolveCommunity(street, community);
    if (community_code === null) {
      fail('community', 'COMMUNITY_UNKNOWN', [`找不到「${echo(street)}」下的「${echo(community)}」，请核对街道和社区名称`, `No community "${echo(community)}" in street "${echo(street)}"; check both names`]);
    }
  }

  // 住址
  const addressRaw = required('address');
  let address = addressRaw === null ? null : plainText('address', addressRaw);
  if (address !== null && address.length > ADDRESS_MAX_CHARS) {
    fail('address', 'TOO_LONG', [`住址不能超过${ADDRESS_MAX_CHARS}个字`, `address must be at most ${ADDRESS_MAX_CHARS} characters`]);
    address = null;
  }

  // 经度 + 纬度: both or neither, numbers inside China.
  let location: { lat: number; lng: number } | null = null;
  const lngRaw = cell('lng');
  const latRaw = cell('lat');
  if (lngRaw !== null && latRaw !== null && (lngRaw !== '' || latRaw !== '')) {
    if (lngRaw === '' || latRaw === '') {
      const missing = lngRaw === '' ? 'lng' : 'lat';
      fail(missing, 'COORDINATES_INVALID', ['经度和纬度须同时填写或同时留空', 'Give both longitude and latitude, or neither']);
    } else {
      const lng = parseCoordinate(lngRaw);
      const lat = parseCoordinate(latRaw);
      const lngOk = lng !== null && lng >= CHINA_BOUNDS.lng_min && lng <= CHINA_BOUNDS.lng_max;
      const latOk = lat !== null && lat >= CHINA_BOUNDS.lat_min && lat <= CHINA_BOUNDS.lat_max;
      const swapped = lng !== null && lat !== null && !lngOk && !latOk
        && lat >= CHINA_BOUNDS.lng_min && lat <= CHINA_BOUNDS.lng_max && lng >= CHINA_BOUNDS.lat_min && lng <= CHINA_BOUNDS.lat_max;
      if (swapped) {
        fail('lng', 'COORDINATES_INVALID', ['经度和纬度似乎填反了（经度约73–136，纬度约3–54）', 'Longitude and latitude seem swapped (longitude ~73–136, latitude ~3–54)']);
      } else {
        if (!lngOk) fail('lng', 'COORDINATES_INVALID', ['经度应为73到136之间的数字', 'Longitude must be a number between 73 and 136']);
        if (!latOk) fail('lat', 'COORDINATES_INVALID', ['纬度应为3到54之间的数字', 'Latitude must be a number between 3 and 54']);
      }
      if (lngOk && latOk) location = { lat, lng };
    }
  }

  // 护理等级
  const careRaw = required('care_level');
  const care_level = careRaw === null ? null : (CARE_LEVEL_IN[careRaw.normalize('NFKC').toLowerCase()] ?? null);
  if (careRaw !== null && care_level === null) {
    fail('care_level', 'CARE_LEVEL_INVALID', [`护理等级应为"自理"、"半失能"或"失能"，而不是「${echo(careRaw)}」`, `Care level must be 自理, 半失能 or 失能, not "${echo(careRaw)}"`]);
  }

  // 特殊类别 (optional, several)
  const catRaw = cell('special_categories');
  const categories = new Set<Category>();
  if (catRaw !== null && catRaw !== '') {
    const unknown: string[] = [];
    for (const token of catRaw.split(CATEGORY_SEPARATORS)) {
      if (token === '') continue;
      const c = CATEGORY_IN[token.normalize('NFKC').toLowerCase()];
      if (c) categories.add(c);
      else unknown.push(echo(token));
    }
    if (unknown.length > 0) {
      const list = unknown.slice(0, 3).join('、');
      fail('special_categories', 'CATEGORY_UNKNOWN', [`无法识别的特殊类别「${list}」；可选：高龄、低保/特困、独居/空巢、失独、优抚`, `Unknown special category "${list}"; allowed: 高龄, 低保/特困, 独居/空巢, 失独, 优抚`]);
    }
  }
  const special_categories = SPECIAL_CATEGORIES.filter((c) => categories.has(c));

  // 紧急联系人 + 紧急联系电话: both or neither.
  let emergency_contact: { name: string; phone: string } | null = null;
  const ecNameRaw = cell('emergency_contact_name');
  const ecPhoneRaw = cell('emergency_contact_phone');
  if (ecNameRaw !== null && ecPhoneRaw !== null && (ecNameRaw !== '' || ecPhoneRaw !== '')) {
    const ecName = ecNameRaw === '' ? null : personName('emergency_contact_name', ecNameRaw);
    const ecPhone = ecPhoneRaw === '' ? null : phone('emergency_contact_phone', ecPhoneRaw);
    if (ecNameRaw === '') fail('emergency_contact_name', 'EMERGENCY_CONTACT_INCOMPLETE');
    if (ecPhoneRaw === '') fail('emergency_contact_phone', 'EMERGENCY_CONTACT_INCOMPLETE');
    if (ecName !== null && ecPhone !== null) emergency_contact = { name: ecName, phone: ecPhone };
  }

  // The schema is the final word: run it even when the row already failed, so problems in the
  // other columns still surface; issues on columns that already have an error are not repeated.
  const candidate = {
    name: name ?? cells.name,
    gender: gender ?? cells.gender,
    birth_date: birth_date ?? cells.birth_date,
    id_number: idFacts?.id_number ?? cells.id_number,
    phone: phoneValue,
    community_code: community_code ?? '',
    address: address ?? cells.address,
    location,
    care_level: care_level ?? cells.care_level,
    special_categories,
    emergency_contact,
  };
  const parsed = ElderInput.safeParse(candidate);
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path);
      if (field === null) {
        if (!seen.has('')) errors.push({ row, column: '', code: 'VALUE_INVALID', message: '该行数据无效', message_en: 'The row is invalid' });
        seen.add('');
        continue;
      }
      if (failed.has(field) || seen.has(field)) continue;
      seen.add(field);
      fail(field, codeOfIssue(field, issue));
    }
  }
  // Checks run in dependency order (the ID before the fields it vouches for); the report reads
  // better left to right, as the columns stand in the sheet. Array sort is stable.
  errors.sort((x, y) => COLUMN_ORDER(x.column) - COLUMN_ORDER(y.column));
  return { input: parsed.success && errors.length === 0 ? parsed.data : null, errors };
};

// ---------------------------------------------------------------------------------------------
// File parsing

const isBlank = (record: readonly string[]): boolean => record.every((c) => c === '');

/** Line breaks inside a quoted cell, so physical line numbers stay exact (\r\n counts once). */
const innerLineBreaks = (record: readonly string[]): number =>
  record.reduce((n, c) => n + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0);

const malformed = (row: number, reason: string): ElderCsvResult => {
  const [message, message_en] = DEFAULT_MESSAGE.CSV_MALFORMED('', '');
  return { rows: [], errors: [{ row, column: '', code: 'CSV_MALFORMED', message: `${message}（${reason}）`, message_en: `${message_en} (${reason})` }] };
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
    records = parse(text, { bom: true, skip_empty_lines: false, relax_column_count: true, relax_quotes: true, trim: true }) as string[][];
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
  const headerAt = Math.max(0, lines.slice(0, CSV_HEADER_SEARCH_LINES).findIndex((l) => looksLikeHeader(l.record)));
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
  if (data.length > maxRows) throw new AppError('CSV_TOO_MANY_ROWS', { details: { max_rows: maxRows, rows: data.length } });

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

// ---------------------------------------------------------------------------------------------
// Writing CSV (error report, roster)

const BOM = '\uFEFF';
const EOL = '\r\n'; // what Excel writes and expects

/** CSV injection guard (OWASP): a cell starting with = + - @ (or tab / CR) is a formula to Excel
 * and WPS; a leading quote makes it text. Text that already starts with quotes before such a
 * character gets one more, so the importer's `unguard` (strip one) is an exact inverse. */
export const guardCell = (value: string): string => (FORMULA_LIKE.test(value) ? `'${value}` : value);

/** RFC 4180 quoting, after the injection guard. */
export const csvCell = (value: string): string => {
  const v = guardCell(value);
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

/** One CSV line (no line end) of guarded, quoted cells. */
export const csvLine = (cells: readonly string[]): string => cells.map(csvCell).join(',');

export const ERROR_REPORT_HEADER = ['行号', '列', '错误代码', '说明', 'Description'] as const;

/** The downloadable per-row report; UTF-8 with BOM so Excel shows the Chinese correctly. */
export const errorReportCsv = (errors: readonly RowError[]): string =>
  BOM + [ERROR_REPORT_HEADER, ...errors.map((e) => [String(e.row), e.column, e.code, e.message, e.message_en])].map(csvLine).join(EOL) + EOL;

export type ElderCsvArea = { street: string; community: string };

/** The Chinese header line of a roster, without BOM or line end. */
export const elderCsvHeader: string = csvLine(ELDER_CSV_COLUMNS.map((c) => c.zh));

/** The cells of one roster line, in ELDER_CSV_COLUMNS order, before quoting and guarding. */
export const elderCsvCells = (input: ElderInput, area: ElderCsvArea): string[] => {
  const values: Record<ElderCsvField, string> = {
    name: input.name,
    gender: GENDER_ZH[input.gender],
    id_number: input.id_number,
    birth_date: input.birth_date,
    phone: input.phone ?? '',
    street: area.street,
    community: area.community,
    address: input.address,
    lng: input.location ? String(input.location.lng) : '',
    lat: input.location ? String(input.location.lat) : '',
    care_level: CARE_LEVEL_ZH[input.care_level],
    special_categories: input.special_categories.map((c) => SPECIAL_CATEGORY_ZH[c]).join('、'),
    emergency_contact_name: input.emergency_contact?.name ?? '',
    emergency_contact_phone: input.emergency_contact?.phone ?? '',
  };
  return ELDER_CSV_COLUMNS.map((c) => values[c.field]);
};

/** One roster line (no line end) that `parseElderCsv` reads back as the same ElderInput. */
export const elderCsvRow = (input: ElderInput, area: ElderCsvArea): string => csvLine(elderCsvCells(input, area));

/** A whole roster file as Excel's "CSV UTF-8" would save it: BOM, Chinese header, CRLF. */
export const elderRosterCsv = (inputs: readonly ElderInput[], areaOf: (community_code: string) => ElderCsvArea): string =>
  BOM + [elderCsvHeader, ...inputs.map((i) => elderCsvRow(i, areaOf(i.community_code)))].join(EOL) + EOL;
