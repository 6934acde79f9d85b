import { describe, expect, it } from 'vitest';
import { PayeeInput, isBankAccountNo, maskAccountNo, normaliseAccountNo } from './payee';

describe('bank account numbers', () => {
  it.each([
    ['12345678', true],
    ['6222 0212 3456 7890 123', true],
    ['0012\u00a03456\u30007890', true],
    ['1'.repeat(32), true],
    ['1234567', false],
    ['1'.repeat(33), false],
    ['6222-0212-3456', false],
    ['6222O2123456', false],
    ['', false],
  ])('%j is an account number: %s', (raw, ok) => {
    expect(isBankAccountNo(raw)).toBe(ok);
  });

  it('normalises and masks, keeping only the last four digits', () => {
    expect(normaliseAccountNo(' 0012 3456 7890 ')).toBe('001234567890');
    expect(maskAccountNo('6222 0212 3456 7890 123')).toBe('**** **** 0123');
    expect(maskAccountNo('1234')).toBe('**** **** ****');
  });
});

describe('PayeeInput', () => {
  const ok = { payee_name: ' 曾都区幸福理发店 ', bank_name: '中国工商银行随州分行', account_no: '0012 3456 7890' };

  it('trims names and stores the account number as digits only', () => {
    expect(PayeeInput.parse(ok)).toEqual({
      payee_name: '曾都区幸福理发店',
      bank_name: '中国工商银行随州分行',
      account_no: '001234567890',
    });
  });

  it.each([
    ['an empty name', { payee_name: ' ' }],
    ['a name over 60 characters', { payee_name: '名'.repeat(61) }],
    ['markup in a name', { payee_name: '<b>店</b>' }],
    ['a line break in a bank name', { bank_name: '工商银行\n随州' }],
    ['a bidi control', { payee_name: '店\u202e名' }],
    ['a malformed account', { account_no: '6222-0212' }],
  ])('refuses %s', (_name, over) => {
    expect(PayeeInput.safeParse({ ...ok, ...over }).success).toBe(false);
  });
});
