// The roster CSV parser, file by file: dates, headers (aliases, decoration, order, duplicates), the row
// limit and injection payloads. Rows and their error codes are in parse.test.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { parseElderCsv } from './parse';
import { CSV_MAX_ROWS } from './limits';
import { ELDER_CSV_COLUMNS } from './columns';
import { errorReportCsv } from './report';
import { CTX, HEADERS, VALID, csvOf, thrown, type Row } from './parse-fixtures';

describe('parseElderCsv: dates', () => {
  it.each([
    '1945-03-12',
    '1945-3-12',
    '1945/3/12',
    '1945/03/12',
    '1945.3.12',
    '19450312',
    '1945年3月12日',
    '1945年03月12日',
    '1945/3/12 0:00',
    '1945-03-12 00:00:00',
    '１９４５－０３－１２',
  ])('reads %s as 1945-03-12', (d) => {
    const { rows, errors } = parseElderCsv(csvOf([{ ...VALID, 出生日期: d }]), CTX);
    expect(errors).toEqual([]);
    expect(rows[0]?.input.birth_date).toBe('1945-03-12');
  });
});

describe('parseElderCsv: headers', () => {
  const english = ELDER_CSV_COLUMNS.map((c) => c.field);
  const toEnglish = (r: Row): Row => Object.fromEntries(ELDER_CSV_COLUMNS.map((c) => [c.field, r[c.zh] ?? '']));

  it('accepts the English aliases', () => {
    const { rows, errors } = parseElderCsv(csvOf([toEnglish(VALID)], english), CTX);
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1);
  });

  it('accepts decorated headers, any column order, unknown columns and a title row', () => {
    const decorated = [
      '序号',
      '*姓 名',
      '身份证号（18位）',
      'Birth Date',
      '性别',
      '所属街道',
      '所属社区',
      '家庭住址',
      '护理等级',
      '备注',
    ];
    const plain = ['序号', '姓名', '身份证号', '出生日期', '性别', '街道', '社区', '住址', '护理等级', '备注'];
    const row = Object.fromEntries(plain.map((h, i) => [decorated[i] ?? '', VALID[h] ?? '1']));
    const text = `曾都区老年人信息表,,,\r\n${csvOf([row], decorated)}`;
    const { rows, errors } = parseElderCsv(text, CTX);
    expect(errors).toEqual([]);
    expect(rows).toMatchObject([{ row: 3, input: { name: '王建国', phone: null, location: null } }]);
  });

  it.each<[string, string[], string[]]>([
    ['required columns', HEADERS.filter((h) => h !== '身份证号' && h !== '护理等级'), ['身份证号', '护理等级']],
    ['latitude beside longitude', HEADERS.filter((h) => h !== '纬度'), ['纬度']],
    ['the emergency phone beside the name', HEADERS.filter((h) => h !== '紧急联系电话'), ['紧急联系电话']],
  ])('rejects a header missing %s', (_name, headers, missing) => {
    const e = thrown(() => parseElderCsv(csvOf([VALID], headers), CTX));
    expect(e.code).toBe('CSV_HEADER_INVALID');
    expect(e.details).toMatchObject({ missing });
  });

  it('rejects the same column twice (姓名 and name)', () => {
    const e = thrown(() => parseElderCsv(csvOf([VALID], [...HEADERS, 'name']), CTX));
    expect(e.code).toBe('CSV_HEADER_INVALID');
    expect(e.details).toMatchObject({ duplicate: ['姓名'] });
  });

  it('rejects an empty file', () => {
    expect(thrown(() => parseElderCsv('', CTX)).code).toBe('CSV_HEADER_INVALID');
  });
});

describe('parseElderCsv: row limit', () => {
  it('defaults to 50 000 rows', () => {
    expect(CSV_MAX_ROWS).toBe(50_000);
  });

  it('throws CSV_TOO_MANY_ROWS above maxRows, not counting blank lines', () => {
    const three = csvOf([VALID, VALID, VALID]);
    expect(() => parseElderCsv(`${three}\r\n\r\n`, { ...CTX, maxRows: 3 })).not.toThrow();
    const e = thrown(() => parseElderCsv(csvOf([VALID, VALID, VALID, VALID]), { ...CTX, maxRows: 3 }));
    expect(e.code).toBe('CSV_TOO_MANY_ROWS');
    expect(e.details).toEqual({ max_rows: 3, rows: 4 });
  });
});

describe('injection', () => {
  const PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "'; DROP TABLE elders;--",
    '<script>alert(1)</script>',
    '+SUM(1,2)',
    '-2+3',
    '@SUM(A1)',
    '"quoted", comma',
    "'=already guarded",
  ];
  const TEXT_COLUMNS = [
    '姓名',
    '住址',
    '街道',
    '社区',
    '特殊类别',
    '紧急联系人',
    '护理等级',
    '性别',
    '出生日期',
    '联系电话',
  ];

  it.each(TEXT_COLUMNS)('payloads in %s never crash: the row errs or keeps the text verbatim', (column) => {
    for (const payload of PAYLOADS) {
      const { rows, errors } = parseElderCsv(csvOf([{ ...VALID, [column]: payload }]), CTX);
      if (errors.length === 0) {
        expect(column).toBe('住址');
        expect(rows[0]?.input.address).toBe(payload);
      }
      const report = parse(errorReportCsv(errors), { bom: true }) as string[][];
      for (const c of report.flat()) expect(c).not.toMatch(/^[=+\-@]/);
    }
  });

  it('any cell content never throws (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HEADERS), fc.string({ unit: 'grapheme', maxLength: 60 }), (column, value) => {
        const { rows, errors } = parseElderCsv(csvOf([{ ...VALID, [column]: value }]), CTX);
        expect(rows.length + (errors.length > 0 ? 1 : 0)).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
