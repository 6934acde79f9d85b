import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseElderCsv, type ElderCsvContext } from '@tmc/core/elders/roster/parse';
import { decodeCsv } from '@tmc/core/csv/decode';
import { ElderInput, SPECIAL_CATEGORIES } from '@tmc/core/elders/model';
import { idCheckChar } from '@tmc/core/elders/id-card';
import { DEMO_COMMUNITIES, demoAreaNames, demoElders, demoResolveCommunity } from './district';
import { elderCsvHeader, elderCsvRow, elderRosterCsv } from './roster';

const TODAY = new Date('2026-11-23T00:00:00Z');
const CTX: ElderCsvContext = { resolveCommunity: demoResolveCommunity, today: TODAY };

describe('roster writer round trip', () => {
  const chinese = [...'王李张刘陈杨黄赵吴周秀英建国兰芳伟军敏德明福生长胜利社区栋单元号楼路街巷'];
  const textChars = fc.constantFrom(...chinese, ...'abcXYZ019 ,."\'=+-@;:()（）·#/、'.split(''));
  // Control characters and a leading = + - @ are refused by design (see the error-code table).
  const accepted = (s: string) => s.trim() !== '' && !/^[=+\-@]/.test(s.trim());
  const text = (max: number) =>
    fc
      .array(textChars, { minLength: 1, maxLength: max })
      .map((cs) => cs.join(''))
      .filter(accepted);
  const nameChars = fc.constantFrom(...chinese, ...'abcXYZ ·.-=+@'.split(''));
  const personName = fc
    .array(nameChars, { minLength: 1, maxLength: 30 })
    .map((cs) => cs.join(''))
    .filter(accepted);
  const mobile = fc
    .tuple(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }))
    .map(([b, n]) => `1${String(b)}${String(n).padStart(9, '0')}`);
  // aged 60 or more on TODAY: younger rows are refused (TOO_YOUNG)
  const birth = fc
    .integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(1966, 10, 23) })
    .map((t) => new Date(t).toISOString().slice(0, 10));

  const elder = fc
    .record({
      name: personName,
      birth_date: birth,
      seq: fc.integer({ min: 0, max: 999 }),
      area: fc.integer({ min: 110_000, max: 659_999 }),
      phone: fc.option(mobile, { nil: null }),
      community: fc.constantFrom(...DEMO_COMMUNITIES),
      address: text(120),
      location: fc.option(
        fc.record({
          lat: fc.double({ min: 3, max: 54, noNaN: true }),
          lng: fc.double({ min: 73, max: 136, noNaN: true }),
        }),
        { nil: null },
      ),
      care_level: fc.constantFrom('self_care', 'semi_disabled', 'disabled'),
      special_categories: fc.subarray([...SPECIAL_CATEGORIES]),
      emergency_contact: fc.option(fc.record({ name: personName, phone: mobile }), { nil: null }),
    })
    .map((g) => {
      const first17 = `${String(g.area)}${g.birth_date.replaceAll('-', '')}${String(g.seq).padStart(3, '0')}`;
      return ElderInput.parse({
        name: g.name,
        gender: g.seq % 2 === 1 ? 'M' : 'F',
        birth_date: g.birth_date,
        id_number: first17 + idCheckChar(first17),
        phone: g.phone,
        community_code: g.community.code,
        address: g.address,
        location: g.location,
        care_level: g.care_level,
        special_categories: g.special_categories,
        emergency_contact: g.emergency_contact,
      });
    });

  it('parseElderCsv(elderCsvRow(x)) is x (property)', () => {
    fc.assert(
      fc.property(elder, (input) => {
        const text = `${elderCsvHeader}\r\n${elderCsvRow(input, demoAreaNames(input.community_code))}\r\n`;
        const { rows, errors } = parseElderCsv(text, CTX);
        expect(errors).toEqual([]);
        expect(rows).toEqual([{ row: 2, input }]);
      }),
      { numRuns: 500 },
    );
  });

  it('a whole demo roster round-trips through bytes, BOM included', () => {
    const elders = demoElders(60, 7);
    const { text, encoding } = decodeCsv(new TextEncoder().encode(elderRosterCsv(elders, demoAreaNames)));
    expect(encoding).toBe('utf-8-bom');
    const { rows, errors } = parseElderCsv(text, CTX);
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.input)).toEqual(elders);
  });
});
