import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { errorReportCsv, type RowError } from './report';
import { guardCell } from '../../csv/guard';

describe('errorReportCsv', () => {
  it('starts with a BOM and the bilingual header, quotes properly and guards formulas', () => {
    const errors: RowError[] = [
      { row: 2, column: '姓名', code: 'REQUIRED', message: '姓名不能为空', message_en: 'name is required' },
      {
        row: 3,
        column: '住址',
        code: 'VALUE_INVALID',
        message: '=HYPERLINK("http://x","点我")',
        message_en: '+1, "two"\nthree',
      },
      { row: 4, column: '-', code: 'VALUE_INVALID', message: '@SUM(A1)', message_en: '\tTAB' },
    ];
    const text = errorReportCsv(errors);
    expect(text.startsWith('\uFEFF行号,列,错误代码,说明,Description\r\n')).toBe(true);
    const cells = parse(text, { bom: true }) as string[][];
    expect(cells).toEqual([
      ['行号', '列', '错误代码', '说明', 'Description'],
      ['2', '姓名', 'REQUIRED', '姓名不能为空', 'name is required'],
      ['3', '住址', 'VALUE_INVALID', `'=HYPERLINK("http://x","点我")`, `'+1, "two"\nthree`],
      ['4', "'-", 'VALUE_INVALID', "'@SUM(A1)", "'\tTAB"],
    ]);
  });

  it('guardCell leaves ordinary text alone', () => {
    expect(guardCell('王建国')).toBe('王建国');
    expect(guardCell('3-2-401')).toBe('3-2-401');
  });
});
