// The roster's row errors: their codes, their bilingual wording, and the downloadable report
// staff open in Excel to find and fix each cell.
import { ELDER_MIN_AGE } from '../model';
import { csvFile, csvLine } from '../../csv/write';
import { CSV_MAX_ERRORS, ECHO_MAX_CHARS } from './limits';

export const ROW_ERROR_CODES = [
  'REQUIRED',
  'ID_NUMBER_INVALID',
  'BIRTH_DATE_MISMATCH',
  'GENDER_MISMATCH',
  'GENDER_INVALID',
  'DATE_INVALID',
  'PHONE_INVALID',
  'COMMUNITY_UNKNOWN',
  'CARE_LEVEL_INVALID',
  'CATEGORY_UNKNOWN',
  'COORDINATES_INVALID',
  'EMERGENCY_CONTACT_INCOMPLETE',
  'DUPLICATE_IN_FILE',
  'TOO_LONG',
  'INVALID_CHARACTERS',
  'VALUE_INVALID',
  'CSV_MALFORMED',
  'TOO_MANY_ERRORS',
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

/** Quote a user value inside a message: control characters blanked, length capped. */
export const echo = (s: string): string => {
  const flat = s.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return flat.length > ECHO_MAX_CHARS ? `${flat.slice(0, ECHO_MAX_CHARS)}…` : flat;
};

/** Default wording per code, used for zod issues and wherever no more specific message helps. */
export const DEFAULT_MESSAGE: Record<RowErrorCode, (zh: string, en: string) => readonly [string, string]> = {
  REQUIRED: (zh, en) => [`${zh}不能为空`, `${en} is required`],
  ID_NUMBER_INVALID: () => [
    '身份证号无效（应为18位，最后一位校验码须正确）',
    'Invalid ID-card number (18 characters with a correct check character)',
  ],
  BIRTH_DATE_MISMATCH: () => [
    '出生日期与身份证号中的出生日期不一致',
    'Birth date does not match the one in the ID-card number',
  ],
  GENDER_MISMATCH: () => [
    '性别与身份证号不一致（第17位奇数为男，偶数为女）',
    'Gender does not match the ID-card number (17th digit odd = male, even = female)',
  ],
  GENDER_INVALID: () => ['性别应填写"男"或"女"', 'Gender must be 男 (male) or 女 (female)'],
  DATE_INVALID: () => [
    '出生日期无法识别，请使用 YYYY-MM-DD 格式，如 1950-03-12',
    'Unrecognised birth date; use YYYY-MM-DD, e.g. 1950-03-12',
  ],
  PHONE_INVALID: (zh, en) => [`${zh}应为11位手机号码`, `${en} must be an 11-digit mobile number`],
  COMMUNITY_UNKNOWN: () => [
    '找不到该街道下的社区，请核对街道和社区名称',
    'No such community in this street; check the street and community names',
  ],
  CARE_LEVEL_INVALID: () => ['护理等级应为"自理"、"半失能"或"失能"', 'Care level must be 自理, 半失能 or 失能'],
  CATEGORY_UNKNOWN: () => [
    '特殊类别只能是：高龄、低保/特困、独居/空巢、失独、优抚',
    'Special categories must be among 高龄, 低保/特困, 独居/空巢, 失独, 优抚',
  ],
  COORDINATES_INVALID: () => [
    '经纬度无效：应同时填写经度和纬度，且位于中国境内',
    'Invalid coordinates: give both longitude and latitude, inside China',
  ],
  EMERGENCY_CONTACT_INCOMPLETE: () => [
    '紧急联系人和紧急联系电话须同时填写',
    'Give both the emergency contact name and phone, or neither',
  ],
  DUPLICATE_IN_FILE: () => ['身份证号在文件中重复', 'The ID-card number appears more than once in the file'],
  TOO_LONG: (zh, en) => [`${zh}内容过长`, `${en} is too long`],
  INVALID_CHARACTERS: (zh, en) => [`${zh}包含不允许的字符`, `${en} contains characters that are not allowed`],
  VALUE_INVALID: (zh, en) => [`${zh}的值无效`, `${en} is invalid`],
  CSV_MALFORMED: () => [
    'CSV 格式错误，请用 Excel 重新另存为 CSV 后再导入',
    'Malformed CSV; save it again as CSV from Excel and retry',
  ],
  ALREADY_REGISTERED: () => [
    '该身份证号已登记且资料不同，请在系统中直接修改',
    'ID number already registered with different data; edit the existing record instead',
  ],
  TOO_YOUNG: () => [
    `未满${ELDER_MIN_AGE}周岁，不属于服务对象，请核对出生日期`,
    `Under ${ELDER_MIN_AGE} years old, so not eligible; check the birth date`,
  ],
  TOO_MANY_ERRORS: () => [
    `错误超过 ${CSV_MAX_ERRORS} 条，已停止检查，请先修正以上错误`,
    `More than ${CSV_MAX_ERRORS} errors; checking stopped. Fix these first`,
  ],
};

export const ERROR_REPORT_HEADER = ['行号', '列', '错误代码', '说明', 'Description'] as const;

/** The downloadable per-row report; UTF-8 with BOM so Excel shows the Chinese correctly. */
export const errorReportCsv = (errors: readonly RowError[]): string =>
  csvFile(
    [ERROR_REPORT_HEADER, ...errors.map((e) => [String(e.row), e.column, e.code, e.message, e.message_en])].map(
      csvLine,
    ),
  );
