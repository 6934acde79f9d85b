// The message table's words are the ones the pages showed before it existed: the checks below
// pin the derived ones (error table plus tries left, field codes that are error codes too).
import { describe, expect, it } from 'vitest';
import { AppError, ERRORS } from '@tmc/core/kernel/errors';
import { fieldMsg, msgOf, msgOfError } from './messages';

describe('message table', () => {
  it('an error code says what the API says', () => {
    expect(msgOf('SLOT_FULL')).toEqual({ zh: ERRORS.SLOT_FULL.zh, en: ERRORS.SLOT_FULL.en });
    expect(msgOfError(new AppError('OTP_INVALID'))).toEqual({ zh: '验证码错误', en: 'Wrong verification code' });
  });

  it('a wrong code says how many tries are left', () => {
    expect(msgOf('OTP_INVALID', { tries_left: 2 })).toEqual({
      zh: '验证码错误，还可以再试 2 次',
      en: 'Wrong code; 2 tries left',
    });
    expect(msgOf('OTP_INVALID', { tries_left: 1 }).en).toBe('Wrong code; 1 try left');
    expect(msgOf('CODE_INVALID', { tries_left: 3 })).toEqual({
      zh: '核销码或卡号密码不正确，还可以再试 3 次',
      en: 'Wrong code or card PIN; 3 tries left',
    });
  });

  it('field codes have their words; an unknown code falls back to a generic one', () => {
    expect(fieldMsg({ path: 'id_number', code: 'ID_NUMBER_INVALID', message: '' })).toEqual({
      zh: '身份证号码无效',
      en: 'Invalid ID number',
    });
    expect(fieldMsg({ path: 'x', code: 'TOO_SMALL', message: '' })).toEqual({
      zh: '必填或太短',
      en: 'Required or too short',
    });
    expect(fieldMsg({ path: 'x', code: 'SOMETHING_ELSE', message: 'Too odd' })).toEqual({
      zh: '格式不正确',
      en: 'Too odd',
    });
    // an error code not listed as a field code keeps the generic words, as before the table
    expect(fieldMsg({ path: 'x', code: 'SLOT_FULL', message: '' })).toEqual({ zh: '格式不正确', en: 'Invalid value' });
  });
});
