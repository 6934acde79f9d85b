// One of the merchant's statements on the phone: amount, status, age, payment, CSV downloads, and
// its orders a page at a time (elders shown by a pseudonym only).
import type { Statement } from '@tmc/core/settlement/model';
import type { StatementLine } from '@tmc/core/settlement/reports';
import { statementView } from '@tmc/app/public';
import { H5Layout, T, type View } from '../kit/layout';
import { Age, chinaMinute, Status, Yuan } from '../kit/settlement-ui';

const Lines = (props: { lines: StatementLine[] }) => (
  <ul class="list">
    {props.lines.map((l) => (
      <li>
        <p>
          <b>{l.service_name || '—'}</b> · {l.kind === 'deduction' ? '纠纷扣减' : '服务完成'}
        </p>
        <p class="num wrap">
          {[`${l.amount_points} 积分`, chinaMinute(l.at), l.elder, l.order_id ?? ''].filter(Boolean).join(' · ')}
        </p>
      </li>
    ))}
  </ul>
);

export const StatementPage = (props: {
  view: View;
  s: Statement;
  now: Date;
  lines: StatementLine[];
  cursor: string | null;
  first: boolean;
}) => {
  const s = props.s;
  const base = `/merchant/settlement/${s.statement_id}`;
  return (
    <H5Layout view={props.view} title="结算单" titleEn="Statement">
      <section class="panel">
        <p class="wrap num">{s.statement_no}</p>
        <p>
          <b class="price">
            <Yuan fen={s.amount_fen} />
          </b>{' '}
          <Status s={s.status} />
        </p>
        <p class="num wrap">
          {s.total_points} 积分 × {s.fen_per_point} 分 · {s.captures_count} 单
          {s.deductions_count > 0 && ` · 扣减 ${s.deductions_count} 单`}
        </p>
        <p>
          <Age age={statementView(s, props.now).age} />
        </p>
        {s.paid_at && (
          <p class="wrap">
            <T zh="付款于" en="Paid" /> {chinaMinute(s.paid_at)}{' '}
            {s.payout?.ref && <span class="num">· {s.payout.ref}</span>}
          </p>
        )}
        <a class="btn btn-2" href={`${base}/file?encoding=utf8-bom`} download>
          <T zh="下载明细 CSV" en="Download CSV" />
        </a>
        <a class="btn btn-2" href={`${base}/file?encoding=gbk`} download>
          <T zh="下载明细 CSV（GBK）" en="Download CSV (GBK)" />
        </a>
      </section>
      <section class="panel" aria-labelledby="lines-h">
        <h2 id="lines-h">
          <T zh="订单明细" en="Orders" />
        </h2>
        <Lines lines={props.lines} />
        {!props.first && (
          <a class="btn btn-2" href={base}>
            <T zh="第一页" en="First page" />
          </a>
        )}
        {props.cursor && (
          <a class="btn btn-2" href={`${base}?cursor=${encodeURIComponent(props.cursor)}`} rel="next">
            <T zh="下一页" en="Next" />
          </a>
        )}
      </section>
      <a class="btn btn-2" href="/merchant/settlement">
        <T zh="返回结算" en="Back to settlement" />
      </a>
    </H5Layout>
  );
};
