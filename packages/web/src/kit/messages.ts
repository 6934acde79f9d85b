// The pages' one message table: what a code says to a person, Chinese first, English second.
// Error codes say what the API's error table says (core kernel/errors.ts, reused, not copied);
// field issue codes that are not error codes (schema refinements, the page forms' own checks,
// zod's issue kinds) are worded here, once.
import { ERRORS, type AppError, type ErrorCode, type FieldIssue } from '@tmc/core/kernel/errors';

export type Msg = { zh: string; en: string };

/** Field issue codes that are not error codes. */
const FIELD_CODES: Record<string, Msg> = {
  BIRTH_DATE_MISMATCH: { zh: '出生日期与身份证号不一致', en: 'Birth date does not match the ID number' },
  GENDER_MISMATCH: { zh: '性别与身份证号不一致', en: 'Gender does not match the ID number' },
  COMMUNITY_UNKNOWN: { zh: '社区不存在', en: 'Unknown community' },
  CARD_INVALID: { zh: '积分卡号无效，请核对12位卡号', en: 'Invalid card number; check the 12 digits' },
  REQUIRED: { zh: '必填', en: 'Required' },
  USCC_INVALID: {
    zh: '统一社会信用代码不正确，请核对营业执照上的18位代码',
    en: 'Check the 18-character credit code on the licence',
  },
  CATEGORY_UNKNOWN: { zh: '没有这个服务类别', en: 'Unknown category' },
  CATEGORY_RETIRED: { zh: '该服务类别已停用，请选择其他类别', en: 'That category is retired; choose another' },
  CATEGORY_NOT_DECLARED: { zh: '入驻申请里没有这个类别', en: 'Not a category you applied for' },
  TOO_MANY: { zh: '服务太多了，请先下架不用的', en: 'Too many services; withdraw some first' },
  BOTH_OR_NEITHER: { zh: '两项要么都填，要么都不填', en: 'Fill in both or neither' },
  NOT_A_NUMBER: { zh: '请填数字', en: 'Enter a number' },
  TOO_SMALL: { zh: '必填或太短', en: 'Required or too short' },
  TOO_BIG: { zh: '太长或太大', en: 'Too long or too large' },
  INVALID_FORMAT: { zh: '格式不正确', en: 'Wrong format' },
  INVALID_VALUE: { zh: '请从列表中选择', en: 'Choose from the list' },
  INVALID_TYPE: { zh: '必填', en: 'Required' },
  ACCOUNT_NO_INVALID: { zh: '银行账号应为8到32位数字', en: 'The account number is 8 to 32 digits' },
  USERNAME_INVALID: {
    zh: '用户名为3–32位小写字母、数字或 . _ -，以字母开头',
    en: 'Use 3–32 lower-case letters, digits or . _ -, starting with a letter',
  },
  PASSWORD_MISMATCH: { zh: '两次输入的新密码不一致', en: 'The two new passwords differ' },
};

/** Field issue codes that are error codes too: worded by the error table, in Chinese always; in
 * English too unless the page's wording differed (kept: a reshape does not change rendered text). */
const FIELD_ERRORS: Partial<Record<ErrorCode, { en?: string }>> = {
  ID_NUMBER_INVALID: { en: 'Invalid ID number' }, // API: 'Invalid ID-card number'
  POLICY_EFFECTIVE_PAST: {},
};

/** Codes whose message gains "n tries left" when the error says how many are left. */
const TRIES_EN: Partial<Record<ErrorCode, string>> = {
  OTP_INVALID: 'Wrong code', // API: 'Wrong verification code'
  CODE_INVALID: 'Wrong code or card PIN', // API: 'Wrong verification code or card PIN'
};

/** An error code's words; with `tries_left` in the details, how many tries are left too. */
export const msgOf = (code: ErrorCode, details?: Record<string, unknown>): Msg => {
  const triesEn = TRIES_EN[code];
  if (triesEn !== undefined && typeof details?.tries_left === 'number') {
    const n = details.tries_left;
    return { zh: `${ERRORS[code].zh}，还可以再试 ${n} 次`, en: `${triesEn}; ${n} ${n === 1 ? 'try' : 'tries'} left` };
  }
  return { zh: ERRORS[code].zh, en: ERRORS[code].en };
};

export const msgOfError = (e: AppError): Msg => msgOf(e.code, e.details);

const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERRORS, code);

/** A field issue's words: the field table, the error table for the few codes that are both, else a
 * generic "wrong format". */
export const fieldMsg = (i: FieldIssue): Msg => {
  const field = FIELD_CODES[i.code];
  if (field) return field;
  const both = isErrorCode(i.code) ? FIELD_ERRORS[i.code] : undefined;
  if (both && isErrorCode(i.code)) return { zh: ERRORS[i.code].zh, en: both.en ?? ERRORS[i.code].en };
  return { zh: '格式不正确', en: i.message || 'Invalid value' };
};
