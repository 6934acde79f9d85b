import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { parseElderCsv, type ElderCsvContext } from './parse';
import { CSV_MAX_ERRORS, CSV_MAX_ROWS } from './limits';
import { ELDER_CSV_COLUMNS } from './columns';
import { errorReportCsv, type RowError } from './report';
import { idCheckChar } from '../id-card';
import { thrown } from '../../kernel/testing';

const TODAY = new Date('2026-11-23T00:00:00Z');
// Two communities of the demo district (packages/local/src/demo/district.ts), by the names a roster uses.
const COMMUNITIES: Record<string, string> = {
  '西城街道/胜利社区': 'zengdu.xicheng.shengli',
  '东城街道/青年社区': 'zengdu.dongcheng.qingnian',
};
const resolveCommunity = (street: string, community: string): string | null =>
  COMMUNITIES[`${street}/${community}`] ?? null;
const CTX: ElderCsvContext = { resolveCommunity, today: TODAY };

const fakeId = (birth: string, seq: string): string => {
  const first17 = `421303${birth.replaceAll('-', '')}${seq}`;
  return first17 + idCheckChar(first17);
};

const ID_M = fakeId('1945-03-12', '901'); // odd sequence: male
const ID_F = fakeId('1950-07-01', '902'); // even sequence: female
const ID_M2 = fakeId('1955-05-05', '905');

type Row = Record<string, string>;

/** A row that imports cleanly; cases override single cells. */
const VALID: Row = {
  姓名: '王建国',
  性别: '男',
  身份证号: ID_M,
  出生日期: '1945-03-12',
  联系电话: '17000000001',
  街道: '西城街道',
  社区: '胜利社区',
  住址: '西城街道胜利社区 3栋2单元401',
  经度: '113.35',
  纬度: '31.70',
  护理等级: '自理',
  特殊类别: '高龄',
  紧急联系人: '王伟',
  紧急联系电话: '17000010001',
};
const HEADERS = Object.keys(VALID);

const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvOf = (rows: readonly Row[], headers: readonly string[] = HEADERS): string =>
  [headers.join(','), ...rows.map((r) => headers.map((h) => cell(r[h] ?? '')).join(','))].join('\r\n') + '\r\n';

const codesOf = (errors: readonly RowError[]) => errors.map((e) => [e.column, e.code]);

describe('parseElderCsv: a clean row', () => {
  it('becomes an ElderInput with the community resolved and the line number', () => {
    const { rows, errors } = parseElderCsv(csvOf([VALID]), CTX);
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        row: 2,
        input: {
          name: '王建国',
          gender: 'M',
          birth_date: '1945-03-12',
          id_number: ID_M,
          phone: '17000000001',
          community_code: 'zengdu.xicheng.shengli',
          address: '西城街道胜利社区 3栋2单元401',
          location: { lat: 31.7, lng: 113.35 },
          care_level: 'self_care',
          special_categories: ['advanced_age'],
          emergency_contact: { name: '王伟', phone: '17000010001' },
        },
      },
    ]);
  });

  it('leaves optional cells empty as null / []', () => {
    const { rows, errors } = parseElderCsv(
      csvOf([{ ...VALID, 联系电话: '', 经度: '', 纬度: '', 特殊类别: '', 紧急联系人: '', 紧急联系电话: '' }]),
      CTX,
    );
    expect(errors).toEqual([]);
    expect(rows[0]?.input).toMatchObject({
      phone: null,
      location: null,
      special_categories: [],
      emergency_contact: null,
    });
  });

  it.each([
    ['phone with spaces and dashes', { 联系电话: '170-0000 0001' }, { phone: '17000000001' }],
    ['phone with +86', { 联系电话: '+86 17000000001' }, { phone: '17000000001' }],
    [
      'full-width digits in the ID',
      { 身份证号: ID_M.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))) },
      { id_number: ID_M },
    ],
    ['gender in English', { 性别: 'M' }, { gender: 'M' }],
    ['care level code', { 护理等级: 'semi_disabled' }, { care_level: 'semi_disabled' }],
    [
      'categories with mixed separators, in any order',
      { 特殊类别: '优抚；独居，高龄/低保' },
      { special_categories: ['advanced_age', 'low_income', 'living_alone', 'entitled_group'] },
    ],
    [
      '低保/特困 as one value',
      { 特殊类别: '低保/特困、独居/空巢' },
      { special_categories: ['low_income', 'living_alone'] },
    ],
    ['特困 and 空巢 alone', { 特殊类别: '特困 空巢' }, { special_categories: ['low_income', 'living_alone'] }],
    ['a full-width space around a cell', { 姓名: '\u3000王建国\u3000' }, { name: '王建国' }],
  ])('accepts %s', (_name, override, expected) => {
    const { rows, errors } = parseElderCsv(csvOf([{ ...VALID, ...override }]), CTX);
    expect(errors).toEqual([]);
    expect(rows[0]?.input).toMatchObject(expected);
  });
});

describe('parseElderCsv: each error code and the input that causes it', () => {
  const long = (n: number) => '长'.repeat(n);
  it.each<[string, Row, [string, string][]]>([
    ['empty name', { 姓名: '' }, [['姓名', 'REQUIRED']]],
    ['empty care level', { 护理等级: '' }, [['护理等级', 'REQUIRED']]],
    ['empty street', { 街道: '' }, [['街道', 'REQUIRED']]],
    [
      'wrong check character',
      { 身份证号: `${ID_M.slice(0, 17)}${ID_M[17] === '0' ? '1' : '0'}` },
      [['身份证号', 'ID_NUMBER_INVALID']],
    ],
    ['15-digit old ID', { 身份证号: '421303450312901' }, [['身份证号', 'ID_NUMBER_INVALID']]],
    ['ID in Excel scientific notation', { 身份证号: '4.21303E+17' }, [['身份证号', 'ID_NUMBER_INVALID']]],
    ['ID with SQL', { 身份证号: "4213031945' OR 1=1" }, [['身份证号', 'ID_NUMBER_INVALID']]],
    ['birth date one day off the ID', { 出生日期: '1945-03-13' }, [['出生日期', 'BIRTH_DATE_MISMATCH']]],
    ['female for a male ID', { 性别: '女' }, [['性别', 'GENDER_MISMATCH']]],
    ['gender neither 男 nor 女', { 性别: '未知' }, [['性别', 'GENDER_INVALID']]],
    ['impossible date', { 出生日期: '1945-02-30' }, [['出生日期', 'DATE_INVALID']]],
    ['words for a date', { 出生日期: '民国三十四年' }, [['出生日期', 'DATE_INVALID']]],
    ['future date', { 出生日期: '2027-01-01' }, [['出生日期', 'DATE_INVALID']]],
    ['mixed separators', { 出生日期: '1945-03/12' }, [['出生日期', 'DATE_INVALID']]],
    ['landline', { 联系电话: '0722-3312345' }, [['联系电话', 'PHONE_INVALID']]],
    ['phone in scientific notation', { 联系电话: '1.7E+10' }, [['联系电话', 'PHONE_INVALID']]],
    ['bad emergency phone', { 紧急联系电话: '12345' }, [['紧急联系电话', 'PHONE_INVALID']]],
    ['unknown community', { 社区: '不存在社区' }, [['社区', 'COMMUNITY_UNKNOWN']]],
    ['community of another street', { 街道: '东城街道' }, [['社区', 'COMMUNITY_UNKNOWN']]],
    ['care level not in the list', { 护理等级: '良好' }, [['护理等级', 'CARE_LEVEL_INVALID']]],
    ['unknown category', { 特殊类别: '高龄、残疾' }, [['特殊类别', 'CATEGORY_UNKNOWN']]],
    ['longitude without latitude', { 纬度: '' }, [['纬度', 'COORDINATES_INVALID']]],
    ['latitude without longitude', { 经度: '' }, [['经度', 'COORDINATES_INVALID']]],
    ['longitude outside China', { 经度: '13.35' }, [['经度', 'COORDINATES_INVALID']]],
    ['latitude not a number', { 纬度: '北纬31度' }, [['纬度', 'COORDINATES_INVALID']]],
    ['swapped coordinates', { 经度: '31.70', 纬度: '113.35' }, [['经度', 'COORDINATES_INVALID']]],
    ['contact name without phone', { 紧急联系电话: '' }, [['紧急联系电话', 'EMERGENCY_CONTACT_INCOMPLETE']]],
    ['contact phone without name', { 紧急联系人: '' }, [['紧急联系人', 'EMERGENCY_CONTACT_INCOMPLETE']]],
    ['31-character name', { 姓名: long(31) }, [['姓名', 'TOO_LONG']]],
    ['121-character address', { 住址: long(121) }, [['住址', 'TOO_LONG']]],
    ['a bloated cell anywhere', { 特殊类别: long(201) }, [['特殊类别', 'TOO_LONG']]],
    ['markup in a name', { 姓名: '<script>alert(1)</script>' }, [['姓名', 'INVALID_CHARACTERS']]],
    ['SQL in a name', { 姓名: "王'; DROP TABLE elders;--" }, [['姓名', 'INVALID_CHARACTERS']]],
    ['a formula in a name', { 姓名: "=cmd|' /C calc'!A0" }, [['姓名', 'INVALID_CHARACTERS']]],
    ['backslash and backtick in the contact name', { 紧急联系人: '王`\\伟' }, [['紧急联系人', 'INVALID_CHARACTERS']]],
    ['a line break in the address', { 住址: '西城街道\n胜利社区' }, [['住址', 'INVALID_CHARACTERS']]],
    ['a name starting like a formula', { 姓名: '+SUM(1,2)' }, [['姓名', 'INVALID_CHARACTERS']]],
    ['an address starting like a formula', { 住址: '@SUM(A1)' }, [['住址', 'INVALID_CHARACTERS']]],
    ['a guarded formula is still a formula', { 住址: "'=1+1" }, [['住址', 'INVALID_CHARACTERS']]],
  ])('%s', (_name, override, expected) => {
    const { rows, errors } = parseElderCsv(csvOf([{ ...VALID, ...override }]), CTX);
    expect(codesOf(errors)).toEqual(expected);
    expect(errors.every((e) => e.row === 2 && e.message !== '' && e.message_en !== '')).toBe(true);
    expect(rows).toEqual([]);
  });

  it.each(['<', '>', '"', "'", '`', ';', '\\'])('rejects %s in a name', (ch) => {
    expect(codesOf(parseElderCsv(csvOf([{ ...VALID, 姓名: `王${ch}伟` }]), CTX).errors)).toEqual([
      ['姓名', 'INVALID_CHARACTERS'],
    ]);
  });

  it('never echoes the ID number or phone in a message (PIPL art. 28)', () => {
    const rows = [VALID, { ...VALID, 联系电话: '17000000001x' }, VALID];
    const { errors } = parseElderCsv(csvOf(rows), CTX);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(`${e.message}${e.message_en}`).not.toMatch(/\d{11}/);
  });
});

describe('parseElderCsv: whole rows', () => {
  it('reports every error of a row, in column order, and still imports the good rows', () => {
    const bad: Row = {
      姓名: '<b>',
      性别: '人',
      身份证号: '123',
      出生日期: '1945-13-01',
      联系电话: '110',
      街道: '西城街道',
      社区: '火星社区',
      住址: '',
      经度: '200',
      纬度: '',
      护理等级: '很好',
      特殊类别: '富豪',
      紧急联系人: '王伟',
      紧急联系电话: '',
    };
    const { rows, errors } = parseElderCsv(
      csvOf([VALID, bad, { ...VALID, 身份证号: ID_F, 性别: '女', 出生日期: '1950-07-01' }]),
      CTX,
    );
    expect(rows.map((r) => r.row)).toEqual([2, 4]);
    expect(codesOf(errors)).toEqual([
      ['姓名', 'INVALID_CHARACTERS'],
      ['性别', 'GENDER_INVALID'],
      ['身份证号', 'ID_NUMBER_INVALID'],
      ['出生日期', 'DATE_INVALID'],
      ['联系电话', 'PHONE_INVALID'],
      ['社区', 'COMMUNITY_UNKNOWN'],
      ['住址', 'REQUIRED'],
      ['纬度', 'COORDINATES_INVALID'],
      ['护理等级', 'CARE_LEVEL_INVALID'],
      ['特殊类别', 'CATEGORY_UNKNOWN'],
      ['紧急联系电话', 'EMERGENCY_CONTACT_INCOMPLETE'],
    ]);
    expect(errors.every((e) => e.row === 3)).toBe(true);
  });

  it('reports a duplicate ID on the later row and names the first', () => {
    const lowerX = (() => {
      for (let s = 900; s < 1000; s++) {
        const id = fakeId('1948-05-06', String(s));
        if (id.endsWith('X')) return { id, gender: s % 2 === 1 ? '男' : '女' };
      }
      throw new Error('no X check character in range');
    })();
    const withX: Row = { ...VALID, 身份证号: lowerX.id, 性别: lowerX.gender, 出生日期: '1948-05-06' };
    const { rows, errors } = parseElderCsv(
      csvOf([VALID, withX, VALID, { ...withX, 身份证号: lowerX.id.toLowerCase() }]),
      CTX,
    );
    expect(rows.map((r) => r.row)).toEqual([2, 3]);
    expect(errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [4, '身份证号', 'DUPLICATE_IN_FILE'],
      [5, '身份证号', 'DUPLICATE_IN_FILE'],
    ]);
    expect(errors[0]?.message).toContain('第 2 行');
    expect(errors[1]?.message_en).toContain('line 3');
  });

  it('counts physical lines: blank lines, Excel trailing commas and CRLF inside a quoted cell', () => {
    const header = HEADERS.join(',');
    const line = (r: Row) => HEADERS.map((h) => cell(r[h] ?? '')).join(',');
    const text = [
      header,
      '',
      ',,,,,,,,,,,,,',
      line({ ...VALID, 姓名: '' }), // line 4
      line({ ...VALID, 身份证号: ID_F, 性别: '女', 出生日期: '1950-07-01', 住址: '两行\r\n地址' }), // lines 5-6
      line({ ...VALID, 身份证号: ID_M2, 出生日期: '1955-05-05', 社区: '无' }), // line 7
    ].join('\r\n');
    const { errors } = parseElderCsv(text, CTX);
    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [4, 'REQUIRED'],
      [5, 'INVALID_CHARACTERS'],
      [7, 'COMMUNITY_UNKNOWN'],
    ]);
  });

  it('reports a malformed file (unclosed quote) as one whole-file error', () => {
    const { rows, errors } = parseElderCsv(`${csvOf([VALID])}"王,男`, CTX);
    expect(rows).toEqual([]);
    expect(errors).toMatchObject([{ column: '', code: 'CSV_MALFORMED' }]);
  });

  it('returns nothing for a header without rows', () => {
    expect(parseElderCsv(`${HEADERS.join(',')}\r\n`, CTX)).toEqual({ rows: [], errors: [] });
  });

  it('stops after CSV_MAX_ERRORS errors and says so', () => {
    const bad = { ...VALID, 姓名: '', 性别: '', 护理等级: '' };
    const { errors } = parseElderCsv(csvOf(Array.from({ length: Math.ceil(CSV_MAX_ERRORS / 3) + 10 }, () => bad)), CTX);
    expect(errors.length).toBeLessThanOrEqual(CSV_MAX_ERRORS + ELDER_CSV_COLUMNS.length + 1);
    expect(errors.at(-1)?.code).toBe('TOO_MANY_ERRORS');
  });
});

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
