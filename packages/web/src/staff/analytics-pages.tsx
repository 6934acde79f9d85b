// The bureau's dashboard page (issue 11): a GET filter form (works without script), then every figure as a
// captioned table with its CSV links (UTF-8 with BOM, GBK), and beside some a chart drawn by the ECharts
// island (kit/charts), which only this page loads. The numbers come from the same views as the API.
import * as z from 'zod/mini';
import { DashboardQuery } from '@tmc/core/analytics/dashboard-query';
import type { Cell, Table } from '@tmc/core/analytics/dashboard-tables';
import { chinaDate } from '@tmc/core/kernel/time';
import {
  ANALYTICS_READERS,
  analyticsTables,
  defineRoute,
  type AnalyticsView,
  type Deps,
  type RouteDef,
} from '@tmc/app/public';
import { T } from '../kit/layout';
import { loadAreaTree } from '../kit/areas';
import { chartsUrl } from '../kit/charts/asset';
import type { ChartSpec } from '../kit/charts/island';
import { staffPage } from './kit';

const DEFAULT_RANGE_DAYS = 30; // the page opens on the last 30 days, the active-elder window
const Text = z.optional(z.string().check(z.maxLength(40)));
const PageQuery = z.object({ from: Text, to: Text, street: Text, community: Text });

type Chart = { kind: ChartSpec['kind']; cols: number[] };
/** Which tables get a chart, of which kind, from which numeric columns (column 0 is the label). */
const CHARTS: Record<string, Chart> = {
  orders_series: { kind: 'line', cols: [1, 2] },
  orders_category: { kind: 'bar', cols: [1, 2] },
  elders_age: { kind: 'bar', cols: [1, 2] },
  ratings: { kind: 'bar', cols: [1] },
  areas: { kind: 'bar', cols: [4, 5] },
  merchants_orders: { kind: 'bar', cols: [2, 3] },
};
const num = (c: Cell) => (typeof c === 'number' ? c : 0);
export const chartSpec = (t: Table, chart: Chart): ChartSpec => ({
  kind: chart.kind,
  labels: t.rows.map((r) => String(r[0] ?? '')),
  series: chart.cols.map((i) => ({ name: t.columns[i] ?? '', data: t.rows.map((r) => num(r[i] ?? null)) })),
});

const SECTIONS: { view: AnalyticsView; zh: string; en: string }[] = [
  { view: 'overview', zh: '概览', en: 'Overview' },
  { view: 'by-area', zh: '按区域', en: 'By area' },
  { view: 'merchants', zh: '商户', en: 'Merchants' },
];

const csvHref = (view: AnalyticsView, q: DashboardQuery, table: string, gbk: boolean) => {
  const p = new URLSearchParams({ from: q.from, to: q.to, table });
  if (q.street) p.set('street', q.street);
  if (q.community) p.set('community', q.community);
  if (gbk) p.set('encoding', 'gbk');
  return `/api/analytics/${view}.csv?${p.toString()}`;
};

const TableBlock = (props: { t: Table; view: AnalyticsView; q: DashboardQuery; charts: boolean }) => {
  const chart = CHARTS[props.t.id];
  return (
    <section class="panel analytics" id={`t-${props.t.id}`}>
      {props.charts && chart && props.t.rows.length > 0 && (
        <div
          class="chart"
          aria-hidden="true"
          style="height:280px"
          data-chart={JSON.stringify(chartSpec(props.t, chart))}
        />
      )}
      <table>
        <caption>{props.t.caption}</caption>
        <thead>
          <tr>
            {props.t.columns.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.t.rows.length === 0 ? (
            <tr>
              <td colspan={props.t.columns.length}>
                <T zh="暂无数据" en="No data" />
              </td>
            </tr>
          ) : (
            props.t.rows.map((r) => (
              <tr>
                {r.map((c) => (
                  <td>{c ?? '—'}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
      <p class="links">
        <a href={csvHref(props.view, props.q, props.t.id, false)} download>
          <T zh={`导出 CSV（UTF-8）：${props.t.caption}`} en={`CSV (UTF-8): ${props.t.caption}`} />
        </a>{' '}
        <a href={csvHref(props.view, props.q, props.t.id, true)} download>
          <T zh={`导出 CSV（GBK）：${props.t.caption}`} en={`CSV (GBK): ${props.t.caption}`} />
        </a>
      </p>
    </section>
  );
};

export const staffAnalyticsPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/analytics',
    access: { roles: ANALYTICS_READERS },
    tags: ['pages'],
    page: true,
    summary: 'The dashboard for a date range and area in my scope: figures as tables with CSV links, and charts',
    query: PageQuery,
    async handler(c, { query, principal: p }) {
      const today = chinaDate(deps.clock.now());
      const back = new Date(Date.parse(`${today}T00:00:00Z`) - (DEFAULT_RANGE_DAYS - 1) * 86_400_000);
      const raw = {
        from: query.from || back.toISOString().slice(0, 10),
        to: query.to || today,
        ...(query.street ? { street: query.street } : {}),
        ...(query.community ? { community: query.community } : {}),
      };
      const parsed = DashboardQuery.safeParse(raw);
      const tree = await loadAreaTree(deps, p.scope);
      const streets = tree.flatMap((a) => (a.level === 'street' ? [a] : a.children));
      const communities = streets.flatMap((s) => s.children);
      let sections: { view: AnalyticsView; zh: string; en: string; tables: Table[] }[] = [];
      let problem: string | null = parsed.success
        ? null
        : '日期或区域有误：起止日期须为有效日期，起不晚于止，且不超过 366 天。';
      if (parsed.success) {
        try {
          sections = await Promise.all(
            SECTIONS.map(async (s) => ({
              ...s,
              tables: (await analyticsTables(deps, p.scope, s.view, parsed.data)).tables,
            })),
          );
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code !== 'OUT_OF_SCOPE' && code !== 'AREA_NOT_FOUND') throw e;
          problem = code === 'OUT_OF_SCOPE' ? '该区域不在您的管辖范围内。' : '找不到该区域。';
        }
      }
      const charts = await chartsUrl();
      return staffPage(
        c,
        deps,
        p,
        '数据统计',
        'Analytics',
        <>
          <form method="get" action="/staff/analytics" class="panel filters">
            <label>
              <T zh="开始日期" en="From" /> <input type="date" name="from" value={raw.from} required />
            </label>{' '}
            <label>
              <T zh="结束日期" en="To" /> <input type="date" name="to" value={raw.to} required />
            </label>{' '}
            <label>
              <T zh="街道" en="Street" />{' '}
              <select name="street">
                <option value="">{p.scope && streets.length === 1 ? streets[0]?.name : '全部 All'}</option>
                {streets.map((s) => (
                  <option value={s.code} selected={raw.street === s.code}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              <T zh="社区" en="Community" />{' '}
              <select name="community">
                <option value="">全部 All</option>
                {communities.map((s) => (
                  <option value={s.code} selected={raw.community === s.code}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button class="btn" type="submit">
              <T zh="查看" en="Show" />
            </button>
          </form>
          {problem && (
            <p class="err" role="alert">
              {problem}
            </p>
          )}
          {parsed.success &&
            sections.map((s) => (
              <>
                <h2>
                  <T zh={s.zh} en={s.en} />
                </h2>
                {s.tables.map((t) => (
                  <TableBlock t={t} view={s.view} q={parsed.data} charts={charts !== null} />
                ))}
              </>
            ))}
        </>,
        { status: problem ? 400 : 200, scripts: charts ? [charts] : [] },
      );
    },
  }),
];
