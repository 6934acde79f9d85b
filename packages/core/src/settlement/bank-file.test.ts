import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { thrown } from '../kernel/testing';
import {
  BANK_BATCH_COLUMNS,
  BANK_FILE_MAX_ROWS,
  bankAmountToFen,
  bankBatchFileName,
  bankBatchSummary,
  fenToYuanExact,
  parseBankResult,
  writeBankBatch,
  type BatchLine,
} from './bank-file';

const line = (over: Partial<BatchLine> = {}, payee: Partial<BatchLine['payee']> = {}): BatchLine => ({
  statement_no: 'ST-202611-0001',
  merchant_id: 'm1',
  payee: {
    payee_name: '曾都区幸福理发店',
    bank_name: '中国工商银行随州分行',
    account_no: '6222021234567890123',
    ...payee,
  },
  amount_fen: 12345,
  memo: '2026年11月积分结算',
  ...over,
});

const utf8 = (s: string) => new TextEncoder().encode(s);
const gbk = (s: string) => new Uint8Array(iconv.encode(s, 'gbk'));

/** The file as Excel's CSV reader sees it: decoded, then split into cells. */
const cellsOf = (bytes: Uint8Array, encoding: 'gbk' | 'utf8-bom'): string[][] => {
  const text = encoding === 'gbk' ? iconv.decode(Buffer.from(bytes), 'gbk') : iconv.decode(Buffer.from(bytes), 'utf8');
  return parse(text) as string[][];
};

describe('fenToYuanExact and bankAmountToFen', () => {
  it.each([
    [1, '0.01'],
    [99, '0.99'],
    [100, '1.00'],
    [12345, '123.45'],
    [123456789, '1234567.89'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%i fen is %s yuan and back', (fen, yuan) => {
    expect(fenToYuanExact(fen)).toBe(yuan);
    expect(bankAmountToFen(yuan)).toBe(fen);
  });

  it.each([
    ['1,234,567.89', 123456789],
    [' 1 234 567.89 ', 123456789],
    ['¥1,234.50', 123450],
    ['1234.5元', 123450],
    ['12.300', 1230],
    ['0.01', 1],
    ['１２', null], // full-width digits are not read as amounts
    ['1,50', null], // a decimal comma, not 150
    ['12.345', null], // a third decimal is not rounded
    ['-5.00', null],
    ['', null],
    ['1.2.3', null],
  ])('reads %j as %s', (text, fen) => {
    expect(bankAmountToFen(text)).toBe(fen);
  });
});

describe('writeBankBatch', () => {
  it.each(['gbk', 'utf8-bom'] as const)('round-trips a batch in %s as Excel reads it', (encoding) => {
    const lines = [
      line({ amount_fen: 1 }),
      line({ statement_no: 'ST-2', amount_fen: 99 }, { account_no: '0012 3456 7890' }),
      line({ statement_no: 'ST-3', amount_fen: 123456789 }, { payee_name: '随州市·阿卜杜拉（个体）' }),
    ];
    const bytes = writeBankBatch(lines, encoding);
    if (encoding === 'utf8-bom') expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    else expect(bytes[0]).not.toBe(0xef);
    const [header, ...rows] = cellsOf(bytes, encoding);
    expect(header).toEqual([...BANK_BATCH_COLUMNS]);
    expect(rows).toEqual([
      [
        '1',
        '曾都区幸福理发店',
        '中国工商银行随州分行',
        '6222021234567890123\t',
        '0.01',
        'ST-202611-0001',
        '2026年11月积分结算',
      ],
      ['2', '曾都区幸福理发店', '中国工商银行随州分行', '001234567890\t', '0.99', 'ST-2', '2026年11月积分结算'],
      [
        '3',
        '随州市·阿卜杜拉（个体）',
        '中国工商银行随州分行',
        '6222021234567890123\t',
        '1234567.89',
        'ST-3',
        '2026年11月积分结算',
      ],
    ]);
  });

  it('ends every line with CRLF and keeps a leading-zero account number whole', () => {
    const text = new TextDecoder().decode(writeBankBatch([line({}, { account_no: '0000123456789' })], 'utf8-bom'));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain(',"0000123456789\t",');
  });

  it('neutralises formula-looking cells and keeps commas and quotes inside their cell', () => {
    const bytes = writeBankBatch(
      [
        line(
          { memo: '+cmd|calc', statement_no: '@SUM(1)' },
          { payee_name: '=HYPERLINK("http://x")', bank_name: '-1,2' },
        ),
      ],
      'utf8-bom',
    );
    const [, row] = cellsOf(bytes, 'utf8-bom');
    expect(row).toEqual([
      '1',
      '\'=HYPERLINK("http://x")',
      "'-1,2",
      '6222021234567890123\t',
      '123.45',
      "'@SUM(1)",
      "'+cmd|calc",
    ]);
  });

  it('gives purely numeric statement numbers the text treatment too', () => {
    const [, row] = cellsOf(writeBankBatch([line({ statement_no: '00202611000001' })], 'gbk'), 'gbk');
    expect(row?.[5]).toBe('00202611000001\t');
  });

  it('refuses for GBK a name GBK cannot hold, and writes it as UTF-8', () => {
    const l = line({}, { payee_name: '𠀀记小吃' });
    const e = thrown(() => writeBankBatch([l], 'gbk'));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details).toEqual({ line: 1, field: 'payee.payee_name', code: 'NOT_GBK' });
    expect(cellsOf(writeBankBatch([l], 'utf8-bom'), 'utf8-bom')[1]?.[1]).toBe('𠀀记小吃');
  });

  it.each([
    ['a zero amount', line({ amount_fen: 0 }), 'amount_fen', 'AMOUNT_INVALID'],
    ['a fractional amount', line({ amount_fen: 1.5 }), 'amount_fen', 'AMOUNT_INVALID'],
    ['a negative amount', line({ amount_fen: -100 }), 'amount_fen', 'AMOUNT_INVALID'],
    ['a short account', line({}, { account_no: '1234567' }), 'payee.account_no', 'ACCOUNT_NO_INVALID'],
    ['an account with letters', line({}, { account_no: '6222O21234567' }), 'payee.account_no', 'ACCOUNT_NO_INVALID'],
    ['no payee name', line({}, { payee_name: '  ' }), 'payee.payee_name', 'REQUIRED'],
    ['no statement', line({ statement_no: '' }), 'statement_no', 'REQUIRED'],
    ['a line break in a name', line({}, { payee_name: '张三\n李四' }), 'payee.payee_name', 'INVALID_CHARACTERS'],
  ])('refuses %s with the line and field', (_name, bad, field, code) => {
    const e = thrown(() => writeBankBatch([line({ statement_no: 'ST-0' }), bad], 'utf8-bom'));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details).toEqual({ line: 2, field, code });
  });

  it('refuses a statement paid twice in one batch, an empty batch and an oversized one', () => {
    expect(thrown(() => writeBankBatch([line(), line()], 'gbk')).details).toEqual({
      line: 2,
      field: 'statement_no',
      code: 'STATEMENT_DUPLICATE',
    });
    expect(thrown(() => writeBankBatch([], 'gbk')).code).toBe('VALIDATION_FAILED');
    const many = Array.from({ length: BANK_FILE_MAX_ROWS + 1 }, (_, i) => line({ statement_no: `S${i}` }));
    expect(thrown(() => writeBankBatch(many, 'gbk')).code).toBe('CSV_TOO_MANY_ROWS');
  });

  it('puts count and total in the summary and the file name, not in a total row', () => {
    const lines = [line({ amount_fen: 1 }), line({ statement_no: 'ST-2', amount_fen: 123456789 })];
    expect(bankBatchSummary(lines)).toEqual({ count: 2, total_fen: 123456790 });
    expect(bankBatchFileName('2026-11/第1批', lines, 'gbk')).toBe('bank-batch-2026-111-2-1234567.90-gbk.csv');
    expect(cellsOf(writeBankBatch(lines, 'gbk'), 'gbk')).toHaveLength(3);
  });
});

describe('parseBankResult', () => {
  it('reads Chinese headers in GBK with a title row above, ignoring unknown columns', () => {
    const file = [
      '随州农商银行 批量代发结果,,,,,',
      '序号,结算单号,收款户名,金额（元）,状态,银行流水号,失败原因',
      '1,ST-1,张三,"1,234.50",成功,B0001,',
      '2,ST-2,李四,0.99,退回,,账户已销户',
      '',
      '3,ST-3,王五, 12 345.00 ,已支付,B0003,',
    ].join('\r\n');
    expect(parseBankResult(gbk(file))).toEqual({
      rows: [
        { line: 3, statement_no: 'ST-1', outcome: 'paid', bank_ref: 'B0001', reason: null, amount_fen: 123450 },
        { line: 4, statement_no: 'ST-2', outcome: 'failed', bank_ref: null, reason: '账户已销户', amount_fen: 99 },
        { line: 6, statement_no: 'ST-3', outcome: 'paid', bank_ref: 'B0003', reason: null, amount_fen: 1234500 },
      ],
      errors: [],
    });
  });

  it('reads English headers in UTF-8 with BOM, without an amount column', () => {
    const file = '\uFEFFStatement_No,Status,Bank_Ref,Reason\nST-1,SUCCESS,REF-9,\nST-2,failed,,Account closed\n';
    const { rows, errors } = parseBankResult(utf8(file));
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { line: 2, statement_no: 'ST-1', outcome: 'paid', bank_ref: 'REF-9', reason: null },
      { line: 3, statement_no: 'ST-2', outcome: 'failed', bank_ref: null, reason: 'Account closed' },
    ]);
    expect('amount_fen' in (rows[0] ?? {})).toBe(false);
  });

  it('reads back our own batch file columns (tab-suffixed and guarded statement numbers)', () => {
    const file = '结算单号,状态,交易流水号\r\n"00202611000001\t",成功,T1\r\n\'=ST-9,失败,\r\n';
    expect(parseBankResult(utf8(file)).rows.map((r) => r.statement_no)).toEqual(['00202611000001', '=ST-9']);
  });

  it('reports every bad row with its line and keeps the good ones', () => {
    const file = [
      '结算单号,状态,金额(元),银行流水号',
      'ST-1,成功,10.00,B1',
      ',成功,10.00,B2',
      'ST-3,处理中,10.00,B3',
      'ST-4,已完成,10.00,B4',
      'ST-5,成功,12.345,B5',
      'ST-6,成功,,B6',
      '"ST-7\nX",失败,1.00,', // a line break inside a quoted cell: the lines after it still count right
      'ST-1,失败,10.00,',
      'ST-9,失败,"1,5",',
      '合计,,40.00,',
    ].join('\r\n');
    const { rows, errors } = parseBankResult(utf8(file));
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'STATEMENT_NO_MISSING'],
      [4, 'STATUS_NOT_FINAL'],
      [5, 'STATUS_UNKNOWN'],
      [6, 'AMOUNT_INVALID'],
      [7, 'AMOUNT_MISSING'],
      [8, 'STATEMENT_NO_INVALID'],
      [10, 'STATEMENT_DUPLICATE'],
      [11, 'AMOUNT_INVALID'],
    ]);
    expect(errors.every((e) => e.message.length > 0)).toBe(true);
    expect(errors.find((e) => e.code === 'STATEMENT_DUPLICATE')?.message).toContain('(2)');
  });

  it('reports every error of one row', () => {
    const { errors } = parseBankResult(utf8('结算单号,状态,金额\n,不知道,abc\n'));
    expect(errors.map((e) => e.code)).toEqual(['STATEMENT_NO_MISSING', 'STATUS_UNKNOWN', 'AMOUNT_INVALID']);
  });

  it('reports an unclosed quote as a malformed file at its line', () => {
    const { rows, errors } = parseBankResult(utf8('结算单号,状态\nST-1,成功\n"ST-2,成功\n'));
    expect(rows).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['CSV_MALFORMED']);
  });

  it('throws for a file without the key columns, with duplicate columns, or with too many rows', () => {
    expect(thrown(() => parseBankResult(utf8('单号,金额\nST-1,1.00\n'))).code).toBe('CSV_HEADER_INVALID');
    expect(thrown(() => parseBankResult(utf8('结算单号,状态,status\nST-1,成功,成功\n'))).details).toMatchObject({
      duplicate: ['status'],
    });
    const many = ['结算单号,状态', ...Array.from({ length: BANK_FILE_MAX_ROWS + 1 }, (_, i) => `S${i},成功`)];
    expect(thrown(() => parseBankResult(utf8(many.join('\n')))).code).toBe('CSV_TOO_MANY_ROWS');
  });

  it('refuses bytes that are neither UTF-8 nor GBK, before reading rows', () => {
    expect(thrown(() => parseBankResult(new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).code).toBe(
      'CSV_ENCODING_UNSUPPORTED',
    );
  });

  it('keeps an odd failure reason, cleaned and cut short', () => {
    const { rows } = parseBankResult(utf8(`结算单号,状态,失败原因\nST-1,失败,"户名\u202e不符${'。'.repeat(300)}"\n`));
    expect(rows[0]?.reason?.startsWith('户名 不符')).toBe(true);
    expect(rows[0]?.reason).toHaveLength(200);
  });
});
