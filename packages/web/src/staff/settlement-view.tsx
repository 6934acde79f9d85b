// The statement as finance and officers read it: its summary (amounts exact, age, review and payout)
// and a page of its lines (the orders behind it, elders pseudonymous).
import type { Statement, StatementAge } from '@tmc/core/settlement/model';
import type { StatementLine } from '@tmc/core/settlement/reports';
import { periodBounds } from '@tmc/core/settlement/period';
import { T } from '../kit/layout';
import { Age, METHOD_MSG, Status, Yuan } from '../kit/settlement-ui';
import { chinaTime } from './kit';

export const Lines = (props: { lines: StatementLine[] }) => (
  <table>
    <thead>
      <tr>
        <th>订单 Order</th>
        <th>类型 Kind</th>
        <th>老人（匿名） Elder</th>
        <th>服务 Service</th>
        <th>积分 Points</th>
        <th>时间 At</th>
      </tr>
    </thead>
    <tbody>
      {props.lines.map((l) => (
        <tr>
          <td class="num">{l.order_id ?? '—'}</td>
          <td>{l.kind === 'deduction' ? '纠纷扣减' : '服务完成'}</td>
          <td class="num">{l.elder || '—'}</td>
          <td>{l.service_name || '—'}</td>
          <td class="num">{l.amount_points}</td>
          <td class="num">{chinaTime(l.at)}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

export const Summary = (props: { s: Statement; age: StatementAge }) => {
  const s = props.s;
  return (
    <dl class="kv">
      <dt>状态 Status</dt>
      <dd>
        <Status s={s.status} />
      </dd>
      <dt>商户 Merchant</dt>
      <dd>
        {s.merchant_name} <span class="num">{s.merchant_id}</span>
      </dd>
      <dt>周期 Period</dt>
      <dd class="num">
        {s.period}（{periodBounds(s.period).first_day} — {periodBounds(s.period).last_day}）
      </dd>
      <dt>金额 Amount</dt>
      <dd>
        <b>
          <Yuan fen={s.amount_fen} />
        </b>{' '}
        <span class="num">
          = {s.total_points} 积分 × {s.fen_per_point} 分（{s.amount_fen} 分）
        </span>
      </dd>
      <dt>订单 Orders</dt>
      <dd class="num">
        {s.captures_count} 笔 {s.captures_points} 积分；扣减 {s.deductions_count} 笔 {s.deductions_points} 积分
      </dd>
      <dt>账龄 Age</dt>
      <dd>
        <Age age={props.age} />
      </dd>
      <dt>出账 Issued</dt>
      <dd class="num">{chinaTime(s.issued_at)}</dd>
      {s.approved_at && (
        <>
          <dt>审核 Approved</dt>
          <dd class="num">
            {chinaTime(s.approved_at)} · {s.reviewed_by}
          </dd>
        </>
      )}
      {s.returned_reason && (
        <>
          <dt>退回原因 Returned</dt>
          <dd>{s.returned_reason}</dd>
        </>
      )}
      {s.payout && (
        <>
          <dt>付款 Payout</dt>
          <dd>
            <T zh={METHOD_MSG[s.payout.method].zh} en={METHOD_MSG[s.payout.method].en} />
            <span class="num"> · 第 {s.payout.attempt + 1} 次 </span>
            {s.payout.batch_id && <span class="num">· 批次 {s.payout.batch_id}</span>}
            {s.payout.ref && <span class="num"> · 流水号 {s.payout.ref}</span>}
            {s.paid_at && <span class="num"> · 付款于 {chinaTime(s.paid_at)}</span>}
            {s.payout.failure && (
              <div class="err">
                付款失败 Failed: {s.payout.failure.message}（{s.payout.failure.code}）
              </div>
            )}
          </dd>
        </>
      )}
    </dl>
  );
};
