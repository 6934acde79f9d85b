// Telling a merchant about its statement: issued, approved, paid. Each once per statement and
// step (send-once marks), so a re-run, a retried approval or a re-delivered result sends nothing more.
import { fenToYuanText } from '../kernel/money';
import type { Notifier, NoticeMarks } from '../notices/ports';
import { sendOnce } from '../notices/send-once';
import type { Statement } from './model';
import type { Payee } from './ports';

export type TellDeps = {
  notifier: Notifier;
  noticeMarks: NoticeMarks;
  merchantPhone: (merchant_id: string) => Promise<string | null>;
};

export const tellStatement = async (
  deps: TellDeps,
  s: Statement,
  what: 'issued' | 'approved' | 'paid' | 'returned' | 'payout_failed',
): Promise<void> => {
  if (what === 'returned' || what === 'payout_failed') return; // finance's own business; the shop sees it on its page
  const phone = await deps.merchantPhone(s.merchant_id);
  if (!phone) return;
  const yuan = fenToYuanText(s.amount_fen);
  const id = { subject: `statement:${s.statement_id}`, change: what, to: phone };
  if (what === 'issued')
    await sendOnce(deps, id, {
      to_phone: phone,
      template: 'statement_issued',
      params: { statement_no: s.statement_no, period: s.period, amount_yuan: yuan },
      text_zh: `【十分钟服务圈】结算单 ${s.statement_no}（${s.period}）已出账，应付 ${yuan} 元，待财务审核。`,
    });
  else if (what === 'approved')
    await sendOnce(deps, id, {
      to_phone: phone,
      template: 'statement_approved',
      params: { statement_no: s.statement_no, amount_yuan: yuan },
      text_zh: `【十分钟服务圈】结算单 ${s.statement_no} 已审核通过，${yuan} 元将尽快支付。`,
    });
  else
    await sendOnce(deps, id, {
      to_phone: phone,
      template: 'statement_paid',
      params: { statement_no: s.statement_no, amount_yuan: yuan, ref: s.payout?.ref ?? '' },
      text_zh: `【十分钟服务圈】结算单 ${s.statement_no} 已付款 ${yuan} 元，流水号 ${s.payout?.ref ?? ''}。`,
    });
};

/** The shop's payout account changed: told on the shop's sign-in phone, once per version. */
export const tellPayeeChanged = async (deps: TellDeps, p: Payee): Promise<void> => {
  const phone = await deps.merchantPhone(p.merchant_id);
  if (!phone) return;
  const masked = p.account_last4 ? `**** ${p.account_last4}` : 'Stripe';
  await sendOnce(
    deps,
    { subject: `payee:${p.merchant_id}`, change: `v${p.version}`, to: phone },
    {
      to_phone: phone,
      template: 'payee_changed',
      params: { account_masked: masked },
      text_zh: `【十分钟服务圈】您的结算收款账户已改为 ${masked}。如非本店操作，请立即联系民政局财务科。`,
    },
  );
};
