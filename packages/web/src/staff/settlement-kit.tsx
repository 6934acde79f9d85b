// What the finance workbench pages share: who may act (finance and admin, as the API's FINANCE),
// the notices an action's redirect shows (?done=...), a queue's statements in the caller's area and
// the table they are shown in.
import * as z from 'zod/mini';
import { isWithin } from '@tmc/core/areas/model';
import { streetKey } from '@tmc/core/settlement/model';
import type { Statement, StatementStatus } from '@tmc/core/settlement/model';
import type { Page } from '@tmc/core/kernel/page';
import { FINANCE, statementView, type Deps } from '@tmc/app/public';
import type { Msg } from '../kit/ui';
import type { StaffP } from '../kit/principal';
import { Age, Status, Yuan } from '../kit/settlement-ui';

export const isFinance = (p: StaffP): boolean => (FINANCE as readonly string[]).includes(p.role);

export const SETTLE_DONE = {
  approved: { zh: '已审核通过，商户会收到通知', en: 'Approved; the merchant is told' },
  returned: { zh: '已退回', en: 'Returned' },
  resubmitted: { zh: '已重新提交审核', en: 'Back in the approval queue' },
  paid: { zh: '已记为已付款', en: 'Marked paid' },
  failed: { zh: '已记为付款失败', en: 'Marked failed' },
  pay_refused: { zh: '付款被拒绝，原因见下方', en: 'The payment was refused; see why below' },
  run_started: { zh: '结算已开始，在后台逐个商户进行，稍后刷新本页', en: 'Settlement started; refresh later' },
  batch: { zh: '付款批次已生成，请下载文件到银行办理', en: 'Batch made; download its file for the bank' },
  payee_saved: { zh: '收款账户已保存', en: 'Payee saved' },
} as const satisfies Record<string, Msg>;
export type SettleDone = keyof typeof SETTLE_DONE;
export const SettleDoneQ = z.object({
  done: z.optional(z.enum(Object.keys(SETTLE_DONE) as [SettleDone, ...SettleDone[]])),
});

/** One page of a queue, in the caller's area (the same read and filter as GET /api/settlement/statements). */
export const queuePage = async (
  deps: Deps,
  p: StaffP,
  status: StatementStatus,
  limit: number,
  cursor?: string,
): Promise<Page<Statement>> => {
  const page = await deps.settlement.byStatus(status, streetKey(p.scope), limit, cursor);
  return {
    items: page.items.filter((s) => p.scope === null || isWithin(s.community_code, p.scope)),
    cursor: page.cursor,
  };
};

export const StatementTable = (props: { items: Statement[]; now: Date }) => (
  <table>
    <thead>
      <tr>
        <th>结算单号 No.</th>
        <th>商户 Merchant</th>
        <th>周期 Period</th>
        <th>积分 Points</th>
        <th>金额 Amount</th>
        <th>状态 Status</th>
        <th>账龄 Age</th>
      </tr>
    </thead>
    <tbody>
      {props.items.map((s) => (
        <tr>
          <td class="num">
            <a href={`/staff/settlement/statements/${s.statement_id}`}>{s.statement_no}</a>
          </td>
          <td>{s.merchant_name}</td>
          <td class="num">{s.period}</td>
          <td class="num">{s.total_points}</td>
          <td>
            <Yuan fen={s.amount_fen} />
          </td>
          <td>
            <Status s={s.status} />
          </td>
          <td>
            <Age age={statementView(s, props.now).age} />
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);
