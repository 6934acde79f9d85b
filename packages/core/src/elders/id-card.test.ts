import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ageOn, idCheckChar, maskIdNumber, maskPhone, parseIdNumber } from './id-card';
import { isValidCardNumber, makeCardNumber } from './points-card';

const TODAY = new Date('2026-11-23T00:00:00Z');

describe('parseIdNumber', () => {
  it('accepts a valid number and reads birth date and gender from it', () => {
    const first17 = '42130219450312001';
    const id = first17 + idCheckChar(first17);
    expect(parseIdNumber(id, TODAY)).toEqual({
      id_number: id,
      birth_date: '1945-03-12',
      gender: 'M',
      area_code: '421302',
    });
  });

  it.each([
    ['too short', '42130219450312'],
    ['letters', '4213021945031200AB'],
    ['wrong check digit', '421302194503120010'],
    [
      'impossible date',
      (() => {
        const b = '42130219450231002';
        return b + idCheckChar(b);
      })(),
    ],
    [
      'future birth',
      (() => {
        const b = '42130220990101002';
        return b + idCheckChar(b);
      })(),
    ],
    ['injection', "4213021945' OR 1=1"],
  ])('rejects %s', (_name, raw) => {
    expect(parseIdNumber(raw, TODAY)).toBeNull();
  });

  it('upper-cases a trailing x', () => {
    // find a body whose check char is X
    let body = '';
    for (let s = 0; s < 1000; s++) {
      const b = `42130219500101${String(s).padStart(3, '0')}`;
      if (idCheckChar(b) === 'X') {
        body = b;
        break;
      }
    }
    expect(parseIdNumber(`${body}x`, TODAY)?.id_number).toBe(`${body}X`);
  });

  it('any single-digit change is detected (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const b = '42130219450312001';
        const id = b + idCheckChar(b);
        const changed = id.slice(0, pos) + String((Number(id[pos]) + delta) % 10) + id.slice(pos + 1);
        expect(parseIdNumber(changed, TODAY)?.id_number === changed && changed !== id).toBe(false);
      }),
    );
  });
});

describe('masking', () => {
  it('keeps only the area prefix and the last four', () => {
    expect(maskIdNumber('420302194503120017')).toBe('420***********0017');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});

describe('ageOn', () => {
  it('counts birthdays exactly', () => {
    expect(ageOn('1945-11-23', TODAY)).toBe(81);
    expect(ageOn('1945-11-24', TODAY)).toBe(80);
  });
});

describe('card numbers', () => {
  it('round-trips and catches single-digit typos', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{10}$/),
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 1, max: 9 }),
        (body, pos, delta) => {
          const card = makeCardNumber(body);
          expect(isValidCardNumber(card)).toBe(true);
          const typo = card.slice(0, pos) + String((Number(card[pos]) + delta) % 10) + card.slice(pos + 1);
          expect(isValidCardNumber(typo)).toBe(false);
        },
      ),
    );
  });
});
