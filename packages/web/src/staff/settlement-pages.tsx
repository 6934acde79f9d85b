// Finance workbench (issue 10): periods and runs with the button that starts the last closed period's
// run, the aging list of unpaid statements, the bureau's total owed now, and the queues by status
// with their CSV exports. Readers: admin, finance, district and street officers (their area only);
// only finance and admin start a run. The statement page is settlement-statement.tsx, payouts
// (bank batches, the bank's result file, payees) payout-pages.tsx.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { chinaDate, chinaMidnightMs } from '@tmc/core/kernel/time';
import { DATE_RE } from '@tmc/core/kernel/ids';
import { STATEMENT_STATUSES, type StatementStatus } from '@tmc/core/settlement/model';
import { isClosed, lastClosedPeriod, PERIOD_RE } from '@tmc/core/settlement/period';
import { agingReport, owedAsOf, type AgingReport } from '@tmc/core/settlement/reports';
import type { SettlementRun } from '@tmc/core/settlement/ports';
import { defineRoute, policyNow, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { FINANCE, SETTLEMENT_READERS } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Notice, expected, msgOfError, type Msg } from '../kit/ui';
import { Status, statusMsg, yuan, Yuan } from '../kit/settlement-ui';
import { chinaTime, staffPage } from './kit';
import { isFinance, queuePage, SETTLE_DONE, SettleDoneQ, StatementTable } from './settlement-kit';
import { staffStatementRoutes } from './settlement-statement';
import { staffPayoutRoutes } from './payout-pages';
import { staffPayeeRoutes } from './payee-pages';

const QUEUE_PAGE = 50;
const AGING_ROWS_SHOWN = 200; // the oldest first; the CSV of a queue has them all
const RUNS_SHOWN = 6;

const BUCKET_ZH: Record<string, string> = {
  '0-15': '0–15 天',
  '16-30': '16–30 天',
  '31-60': '31–60 天',
  '60+': '60 天以上',
};

const Runs = (props: { runs: SettlementRun[]; lastClosed: string | null; finance: boolean }) => (
  <section class="panel" aria-labelledby="runs-h">
    <h2 id="runs-h">
      <T zh="结算周期与进度" en="Periods and runs" />
    </h2>
    {props.lastClosed ? (
      <p>
        <T zh="最近结束的周期：" en="Last closed period: " />
        <b class="num">{props.lastClosed}</b>
      </p>
    ) : (
      <p class="err">
        <T zh="没有生效的积分政策" en="No policy in force" />
      </p>
    )}
    {props.finance && props.lastClosed && (
      <form method="post" action="/staff/settlement/runs">
        <input type="hidden" name="period" value={props.lastClosed} />
        <button type="submit" class="btn">
          <T zh={`结算 ${props.lastClosed}`} en={`Settle ${props.lastClosed}`} />
        </button>
      </form>
    )}
    {props.runs.length === 0 ? (
      <p>
        <T zh="还没有结算过。" en="No runs yet." />
      </p>
    ) : (
      <table>
        <thead>
          <tr>
            <th>周期 Period</th>
            <th>状态 Status</th>
            <th>商户 Merchants</th>
            <th>结算单 Statements</th>
            <th>积分 Points</th>
            <th>开始 Started</th>
            <th>更新 Updated</th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((r) => (
            <tr>
              <td class="num">{r.period}</td>
              <td>{r.status === 'completed' ? '已完成 Completed' : '进行中 Running'}</td>
              <td class="num">{r.merchants_seen}</td>
              <td class="num">{r.statements}</td>
              <td class="num">{r.points}</td>
              <td class="num">{chinaTime(r.started_at)}</td>
              <td class="num">{chinaTime(r.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
);

const Aging = (props: { r: AgingReport }) => (
  <section class="panel" aria-labelledby="aging-h">
    <h2 id="aging-h">
      <T zh="未付结算单账龄（结算后天数）" en="Unpaid statements by age" />
    </h2>
    <table>
      <thead>
        <tr>
          <th>账龄 Age</th>
          <th>笔数 Count</th>
          <th>金额 Amount</th>
        </tr>
      </thead>
      <tbody>
        {props.r.buckets.map((b) => (
          <tr>
            <td>{BUCKET_ZH[b.key] ?? b.key}</td>
            <td class="num">{b.count}</td>
            <td>
              <Yuan fen={b.amount_fen} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    {props.r.rows.length > 0 && (
      <table>
        <thead>
          <tr>
            <th>结算单号 No.</th>
            <th>商户 Merchant</th>
            <th>金额 Amount</th>
            <th>状态 Status</th>
            <th>结算后天数 Days since close</th>
            <th>审核后天数 Days since approval</th>
          </tr>
        </thead>
        <tbody>
          {props.r.rows.slice(0, AGING_ROWS_SHOWN).map((s) => (
            <tr>
              <td class="num">
                <a href={`/staff/settlement/statements/${s.statement_id}`}>{s.statement_no}</a>
              </td>
              <td>{s.merchant_name}</td>
              <td>
                <Yuan fen={s.amount_fen} />
              </td>
              <td>
                <Status s={s.status} />
              </td>
              <td class="num">{s.age.days_since_close}</td>
              <td class="num">{s.age.days_since_approval ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    {(props.r.truncated || props.r.rows.length > AGING_ROWS_SHOWN) && (
      <p class="notice">
        <T zh="只显示最久的一部分，完整清单请导出各队列" en="Only the oldest are shown; export the queues for all" />
      </p>
    )}
  </section>
);

const QueueLinks = (props: { current?: StatementStatus }) => (
  <nav class="links" aria-label="结算单队列 Queues">
    {STATEMENT_STATUSES.map((st) => (
      <a href={`/staff/settlement/statements?status=${st}`} aria-current={props.current === st ? 'page' : undefined}>
        <T zh={statusMsg(st).zh} en={statusMsg(st).en} />
      </a>
    ))}
  </nav>
);

const workbench = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  state: { done?: Msg; error?: Msg; owedOn?: string },
  status = 200,
) => {
  const now = deps.clock.now();
  const policy = await policyNow(deps).catch(() => null);
  // The total owed costs two key reads per merchant (as-of balances), so it is computed when asked
  // for, not on every visit: at the end of the chosen China day, or now for today.
  const owedAt =
    state.owedOn === undefined
      ? null
      : new Date(Math.min(now.getTime(), chinaMidnightMs(state.owedOn) + 86_400_000 - 1)).toISOString();
  const [runs, aging, owed] = await Promise.all([
    deps.settlement.recentRuns(RUNS_SHOWN),
    agingReport(deps, p.scope, now),
    owedAt === null ? Promise.resolve(null) : owedAsOf(deps, owedAt, p.scope),
  ]);
  const finance = isFinance(p);
  return staffPage(
    c,
    deps,
    p,
    '结算',
    'Settlement',
    <>
      <Notice msg={state.done} />
      <ErrorBox msg={state.error} />
      <section class="panel" aria-labelledby="owed-h">
        <h2 id="owed-h">
          <T zh="应付商户总额" en="Owed to merchants" />
        </h2>
        <form method="get" action="/staff/settlement">
          <label for="owed-on">
            <T zh="截至日期" en="As of" />
          </label>{' '}
          <input id="owed-on" name="owed_on" type="date" value={state.owedOn ?? chinaDate(now)} />{' '}
          <button type="submit">
            <T zh="计算" en="Compute" />
          </button>
        </form>
        {owed && (
          <p>
            {owedAt} · <b class="num">{owed.points}</b> 积分 points
            {policy && (
              <>
                {' ≈ '}
                <b>{yuan(owed.points * policy.fen_per_point)}</b>（{policy.fen_per_point} 分/积分）
              </>
            )}{' '}
            · {owed.merchants} <T zh="家商户" en="merchants" />
          </p>
        )}
      </section>
      <Runs
        runs={runs}
        lastClosed={policy ? lastClosedPeriod(now, policy.settlement_cadence) : null}
        finance={finance}
      />
      <section class="panel">
        <h2>
          <T zh="结算单队列" en="Queues" />
        </h2>
        <QueueLinks />
        {finance && (
          <p class="links">
            <a href="/staff/settlement/batches">
              <T zh="银行付款批次与失败付款" en="Bank batches and failed payouts" />
            </a>
          </p>
        )}
      </section>
      <Aging r={aging} />
    </>,
    { status },
  );
};

export const staffSettlementPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/settlement',
    access: { roles: SETTLEMENT_READERS },
    tags: ['pages'],
    page: true,
    summary: 'Finance workbench: runs and the last closed period, the aging list, total owed, the queues',
    query: z.object({ ...SettleDoneQ.shape, owed_on: z.optional(z.string().check(z.regex(DATE_RE))) }),
    handler(c, { query, principal: p }) {
      return workbench(c, deps, p, {
        ...(query.done ? { done: SETTLE_DONE[query.done] } : {}),
        ...(query.owed_on ? { owedOn: query.owed_on } : {}),
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/settlement/runs',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: 'Start (or resume) the settlement of a closed period in the background, then back to the workbench',
    bodyKind: 'form',
    body: z.object({ period: z.string().check(z.regex(PERIOD_RE)) }),
    async handler(c, { body, principal: p }) {
      const r = await expected(['PERIOD_NOT_CLOSED', 'POLICY_MISSING'], async () => {
        await policyNow(deps);
        if (!isClosed(body.period, deps.clock.now()))
          throw new AppError('PERIOD_NOT_CLOSED', { details: { period: body.period } });
        await deps.jobs.start({ job: 'settlement', period: body.period, resume: false, by: p.sub });
      });
      if (!r.ok) return workbench(c, deps, p, { error: msgOfError(r.error) }, r.error.status);
      return c.redirect('/staff/settlement?done=run_started', 303);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/settlement/statements',
    access: { roles: SETTLEMENT_READERS },
    tags: ['pages'],
    page: true,
    summary: 'Statements in a status in my area, oldest period first, page by page, with CSV exports',
    query: z.object({
      status: z._default(z.enum(STATEMENT_STATUSES), 'issued'),
      cursor: z.optional(z.string().check(z.maxLength(800))),
    }),
    async handler(c, { query, principal: p }) {
      const page = await queuePage(deps, p, query.status, QUEUE_PAGE, query.cursor);
      const m = statusMsg(query.status);
      // The CSV is the API's export: the staff session's cookie signs API reads in too, as for the
      // roster import's error report (import-pages.tsx), and the API holds the one export rule.
      const csv = (enc: string) => `/api/settlement/statements.csv?status=${query.status}&encoding=${enc}`;
      return staffPage(
        c,
        deps,
        p,
        `结算单：${m.zh}`,
        `Statements: ${m.en}`,
        <>
          <section class="panel">
            <QueueLinks current={query.status} />
            <p class="links">
              <a href={csv('gbk')} download>
                <T zh="导出 CSV（GBK，旧版 Excel/WPS）" en="Export CSV (GBK)" />
              </a>
              <a href={csv('utf8-bom')} download>
                <T zh="导出 CSV（UTF-8）" en="Export CSV (UTF-8 with BOM)" />
              </a>
            </p>
          </section>
          <section class="panel">
            {page.items.length === 0 ? (
              <p>
                <T zh="本页没有结算单。" en="No statements on this page." />
              </p>
            ) : (
              <StatementTable items={page.items} now={deps.clock.now()} />
            )}
            <p class="pager links">
              {query.cursor && (
                <a href={`/staff/settlement/statements?status=${query.status}`}>
                  <T zh="第一页" en="First page" />
                </a>
              )}
              {page.cursor && (
                <a
                  href={`/staff/settlement/statements?status=${query.status}&cursor=${encodeURIComponent(page.cursor)}`}
                  rel="next"
                >
                  <T zh="下一页" en="Next" />
                </a>
              )}
            </p>
          </section>
        </>,
      );
    },
  }),
  ...staffStatementRoutes(deps),
  ...staffPayoutRoutes(deps),
  ...staffPayeeRoutes(deps),
];
