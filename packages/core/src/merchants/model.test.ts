import { describe, expect, it } from 'vitest';
import { isOpenAt, isValidUscc, nextSlotStart, usccCheckChar, isSlotStart } from './model';

describe('统一社会信用代码', () => {
  it('accepts a code with the right check character and rejects one-character changes', () => {
    const body = '91421300MA4A1B2C3';
    const code = body + (usccCheckChar(body) ?? '');
    expect(isValidUscc(code)).toBe(true);
    expect(isValidUscc(code.toLowerCase())).toBe(true);
    const wrong = body + (code[17] === '0' ? '1' : '0');
    expect(isValidUscc(wrong)).toBe(false);
    expect(isValidUscc('91421300MA4A1B2C3I')).toBe(false); // I is not in the alphabet
  });
});

describe('opening hours (UTC+8)', () => {
  const s = {
    hours: { mon: [['08:00', '12:00'] as [string, string]], tue: [['14:00', '16:00'] as [string, string]] },
    closed_dates: ['2026-11-24'],
    slot_minutes: 60,
  };
  it('is open at 09:00 Beijing time on Monday 2026-11-23, closed at 13:00', () => {
    expect(isOpenAt(s, new Date('2026-11-23T01:00:00Z'))).toBe(true);
    expect(isOpenAt(s, new Date('2026-11-23T05:00:00Z'))).toBe(false);
  });
  it('next slot skips closed dates and respects slot length', () => {
    // 11:30 Mon: no full slot left; Tue closed
    expect(nextSlotStart(s, new Date('2026-11-23T03:30:00Z'))).toBe('2026-11-30T00:00:00.000Z');
    expect(nextSlotStart(s, new Date('2026-11-23T00:00:00Z'))).toBe('2026-11-23T00:00:00.000Z');
    expect(isSlotStart(s, '2026-11-23T01:00:00.000Z')).toBe(true);
    expect(isSlotStart(s, '2026-11-23T01:30:00.000Z')).toBe(false);
  });
});
