import { describe, expect, it } from 'vitest';
import { fenToYuanText, wholeYuanToFen, yuanTextToFen } from './money';

describe('yuanTextToFen', () => {
  it.each<[string, number]>([
    ['20', 2000],
    ['12.5', 1250],
    ['12.50', 1250],
    ['0.05', 5],
    ['0', 0],
    ['007', 700],
    [' 12.5 ', 1250],
    ['\u300012\u3000', 1200],
    ['999999.99', 99_999_999],
  ])('accepts %j as %i fen', (text, fen) => {
    expect(yuanTextToFen(text)).toBe(fen);
  });

  it.each([
    '',
    ' ',
    '1.234',
    '12.345',
    '-1',
    '+1',
    '1,000',
    '1.',
    '.5',
    '1000000',
    '12元',
    '¥12',
    '1e3',
    '0x10',
    '１２',
  ])('refuses %j (no rounding, no sign, no separators)', (text) => {
    expect(yuanTextToFen(text)).toBeNull();
  });
});

describe('fen to and from yuan', () => {
  it('whole yuan are a hundred fen each', () => {
    expect(wholeYuanToFen(50)).toBe(5000);
    expect(wholeYuanToFen(0)).toBe(0);
  });

  it('reads fen as yuan with two decimals, as the pages always have', () => {
    expect(fenToYuanText(1250)).toBe('12.50');
    expect(fenToYuanText(5)).toBe('0.05');
    expect(fenToYuanText(0)).toBe('0.00');
    expect(fenToYuanText(10_000_000)).toBe('100000.00');
    // the merchant page used (fen / 100).toFixed(2): the same text for every whole fen it can store
    for (let fen = 0; fen <= 200_000; fen += 7) expect(fenToYuanText(fen)).toBe((fen / 100).toFixed(2));
  });

  it('round-trips every amount a person can type with two decimals', () => {
    for (let fen = 0; fen <= 100_000; fen += 13) expect(yuanTextToFen(fenToYuanText(fen))).toBe(fen);
  });
});
