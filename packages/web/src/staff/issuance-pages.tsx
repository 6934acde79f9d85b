// Staff issuance page: the month's stored preview for the officer's area (computed by a job,
// never on this request: it reads every elder in the area) with when it was computed, a button
// to compute it again, and the month's run. GetItems only.
import * as z from 'zod/mini';
import { chinaMonth } from '@tmc/core/kernel/time';
import type { IssuanceRun, PreviewRecord } from '@tmc/core/policy/issuance';
import { createIssuancePreviewStore, createIssuanceRunStore } from '@tmc/store/entities/issuance-runs';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { policyNow } from '@tmc/app/public';
import { T } from '../kit/layout';
import { ALL_STAFF } from '../kit/principal';
import { chinaTime, staffPage } from './kit';
import { MONTH_RE } from '@tmc/core/kernel/ids';

const MonthQ = z.object({ month: z.optional(z.string().check(z.regex(MONTH_RE))) });
const MonthBody = z.object({ month: z.string().check(z.regex(MONTH_RE)) });

const PreviewPanel = (props: {
  month: string;
  rec: PreviewRecord | null;
  policyMissing: boolean;
  names: Map<string, string>;
}) => {
  const p = props.rec?.preview ?? null;
  return (
    <div class="panel">
      <h2>
        <T zh={`${props.month} 发放预览`} en={`Preview for ${props.month}`} />
      </h2>
      {p ? (
        <p data-computed-at={props.rec?.computed_at ?? ''}>
          <T zh="计算于" en="Computed at" /> {chinaTime(props.rec?.computed_at ?? '')} ·{' '}
          <T zh="政策版本" en="Policy version" /> {p.policy_version}
        </p>
      ) : (
        <p>
          <T zh="尚未计算" en="Not computed yet" />
        </p>
      )}
      {props.rec?.status === 'computing' && (
        <p class="notice">
          <T zh="正在重新计算，请稍后刷新本页" en="Computing; refresh this page in a while" />
        </p>
      )}
      {p && (
        <>
          <p>
            <T zh="老人" en="Elders" /> <b>{p.elders}</b> · <T zh="积分" en="Points" /> <b>{p.points}</b>
          </p>
          <table>
            <thead>
              <tr>
                <th>
                  <T zh="街道" en="Street" />
                </th>
                <th>
                  <T zh="老人" en="Elders" />
                </th>
                <th>
                  <T zh="积分" en="Points" />
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(p.by_street).map(([street, f]) => (
                <tr>
                  <td>{props.names.get(street) ?? street}</td>
                  <td>{f.elders}</td>
                  <td>{f.points}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {props.policyMissing ? (
        <p class="err">
          <T zh="该月没有生效的积分政策" en="No policy in force for this month" />
        </p>
      ) : (
        <form method="post" action="/staff/issuance/preview">
          <input type="hidden" name="month" value={props.month} />
          <button class="btn" type="submit" disabled={props.rec?.status === 'computing'}>
            <T zh={p ? '重新计算预览' : '计算预览'} en={p ? 'Compute again' : 'Compute the preview'} />
          </button>
        </form>
      )}
    </div>
  );
};

const RunPanel = (props: { run: IssuanceRun | null }) => (
  <div class="panel">
    <h2>
      <T zh="发放进度" en="Issuance run" />
    </h2>
    {props.run ? (
      <p>
        {props.run.status === 'completed' ? '已完成 Completed' : '进行中 Running'} · <T zh="已发放" en="Issued" />{' '}
        {props.run.issued} · <T zh="积分" en="Points" /> {props.run.points} · <T zh="新登记" en="Newcomers" />{' '}
        {props.run.newcomers}
      </p>
    ) : (
      <p>
        <T zh="尚未开始" en="Not started" />
      </p>
    )}
  </div>
);

export const staffIssuancePageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/issuance',
    access: { roles: ALL_STAFF },
    tags: ['pages'],
    page: true,
    summary: "The month's stored issuance preview for my area, when it was computed, and the run",
    query: MonthQ,
    async handler(c, { query, principal: p }) {
      const month = query.month ?? chinaMonth(deps.clock.now());
      const [rec, run, policy] = await Promise.all([
        createIssuancePreviewStore(deps.db).get(month, p.scope),
        createIssuanceRunStore(deps.db).get(month),
        policyNow(deps, `${month}-01`).catch(() => null),
      ]);
      // a city has a handful of streets: one GetItem each for their names
      const names = new Map(
        (await Promise.all(Object.keys(rec?.preview?.by_street ?? {}).map((code) => deps.areas.get(code)))).flatMap(
          (a) => (a ? [[a.code, a.name] as const] : []),
        ),
      );
      return staffPage(
        c,
        deps,
        p,
        '积分发放',
        'Issuance',
        <>
          <form method="get" action="/staff/issuance" class="panel">
            <label>
              <T zh="月份" en="Month" /> <input name="month" value={month} pattern="\d{4}-\d{2}" />
            </label>{' '}
            <button class="btn" type="submit">
              <T zh="查看" en="Show" />
            </button>
          </form>
          <PreviewPanel month={month} rec={rec} policyMissing={policy === null} names={names} />
          <RunPanel run={run} />
        </>,
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/issuance/preview',
    access: { roles: ALL_STAFF },
    tags: ['pages'],
    page: true,
    summary: "Compute the month's preview for my area in the background, then back to the page",
    bodyKind: 'form',
    body: MonthBody,
    async handler(c, { body, principal: p }) {
      await policyNow(deps, `${body.month}-01`);
      // a few times a month: not in every cold start
      const { requestPreview } = await import('@tmc/core/policy/issuance');
      const r = await requestPreview({ ...deps, previews: createIssuancePreviewStore(deps.db) }, body.month, p.scope);
      if (r.start) await deps.jobs.start({ job: 'issuance-preview', month: body.month, scope: p.scope });
      return c.redirect(`/staff/issuance?month=${body.month}`, 303);
    },
  }),
];
