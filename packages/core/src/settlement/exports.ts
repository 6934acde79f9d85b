// CSV exports finance and merchants take to Excel: statements (with age and status), one
// statement's lines, and payouts. UTF-8 with BOM, or GBK for older Excel and WPS; every cell goes
// through the formula guard (csv/write.ts).
import { csvFile, csvGbk, csvLine } from '../csv/write';
import { fenToYuanExact } from './bank-file';
import { ageOf, statementStatusZh, type Statement } from './model';
import type { StatementLine } from './reports';

export type CsvEncoding = 'gbk' | 'utf8-bom';

const encode = (text: string, encoding: CsvEncoding): Uint8Array =>
  encoding === 'gbk' ? csvGbk(text) : new TextEncoder().encode(text);

export const statementsCsv = (rows: readonly Statement[], now: Date, encoding: CsvEncoding): Uint8Array => {
  const lines = [
    csvLine([
      '结算单号',
      '商户',
      '商户编号',
      '周期',
      '订单数',
      '扣减数',
      '积分',
      '金额(元)',
      '状态',
      '出账时间',
      '审核时间',
      '付款时间',
      '付款方式',
      '付款流水号',
      '结算后天数',
    ]),
  ];
  for (const s of rows)
    lines.push(
      csvLine([
        s.statement_no,
        s.merchant_name,
        s.merchant_id,
        s.period,
        String(s.captures_count),
        String(s.deductions_count),
        String(s.total_points),
        fenToYuanExact(s.amount_fen),
        statementStatusZh(s.status),
        s.issued_at,
        s.approved_at ?? '',
        s.paid_at ?? '',
        s.payout?.method === 'bank' ? '银行转账' : s.payout?.method === 'stripe' ? 'Stripe' : '',
        s.payout?.ref ?? '',
        String(ageOf(s, now).days_since_close),
      ]),
    );
  return encode(csvFile(lines), encoding);
};

/** Payouts: every statement that has gone out for payment (paying, paid, failed), one line each with
 * its method, batch, attempt, reference and the account's last four digits (never the number). */
export const payoutsCsv = (rows: readonly Statement[], encoding: CsvEncoding): Uint8Array => {
  const lines = [
    csvLine([
      '结算单号',
      '商户',
      '商户编号',
      '周期',
      '金额(元)',
      '状态',
      '付款方式',
      '批次',
      '第几次',
      '收款账号后四位',
      '开始付款',
      '付款时间',
      '付款流水号',
      '失败原因',
    ]),
  ];
  for (const s of rows) {
    const p = s.payout;
    lines.push(
      csvLine([
        s.statement_no,
        s.merchant_name,
        s.merchant_id,
        s.period,
        fenToYuanExact(s.amount_fen),
        statementStatusZh(s.status),
        p?.method === 'bank' ? '银行转账' : p?.method === 'stripe' ? 'Stripe' : '',
        p?.batch_id ?? '',
        String((p?.attempt ?? 0) + 1),
        p?.account_last4 ?? '',
        p?.started_at ?? '',
        s.paid_at ?? '',
        p?.ref ?? '',
        p?.failure ? `${p.failure.code} ${p.failure.message}` : '',
      ]),
    );
  }
  return encode(csvFile(lines), encoding);
};

export const statementLinesCsv = (s: Statement, rows: readonly StatementLine[], encoding: CsvEncoding): Uint8Array => {
  const lines = [csvLine(['结算单号', '订单号', '老人(匿名)', '服务', '类型', '积分', '时间'])];
  for (const l of rows)
    lines.push(
      csvLine([
        s.statement_no,
        l.order_id ?? '',
        l.elder,
        l.service_name,
        l.kind === 'deduction' ? '纠纷扣减' : '服务完成',
        String(l.amount_points),
        l.at,
      ]),
    );
  lines.push(csvLine(['合计', '', '', '', '', String(s.total_points), `${fenToYuanExact(s.amount_fen)} 元`]));
  return encode(csvFile(lines), encoding);
};
