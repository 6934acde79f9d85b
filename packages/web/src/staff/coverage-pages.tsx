// Staff coverage page (issue 11, part 3): the last coverage run for my area: communities x categories
// with their shares, the ranked gaps (where to recruit merchants), a map, the gaps as CSV (the API's
// export) and a recompute button (audited). Reads the stored snapshot by key; nothing is computed here.
import * as z from 'zod/mini';
import { AreaCode } from '@tmc/core/areas/model';
import { CategoryCode } from '@tmc/core/merchants/model';
import { percentText, type CoverageView } from '@tmc/core/analytics/coverage-view';
import { COVERAGE_READERS, defineRoute, readCoverage, requestCoverageRun, type RouteDef } from '@tmc/app/public';
import type { CoverageQuery, Deps } from '@tmc/app/public';
import { T } from '../kit/layout';
import { chinaTime, staffPage } from './kit';
import { bandOf, CoverageMap, lowestShare } from './coverage-map';

/** Gaps listed on the page (the CSV has the whole ranking). */
export const PAGE_GAPS_MAX = 30;

const Query = z.object({
  street: z.optional(AreaCode),
  community: z.optional(AreaCode),
  category: z.optional(CategoryCode),
  done: z.optional(z.literal('started')),
});

const qs = (q: CoverageQuery, extra: Record<string, string> = {}) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, ...extra })) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

const Summary = (props: { v: CoverageView }) => {
  const s = props.v.summary;
  if (!s)
    return (
      <p>
        <T zh="尚未计算覆盖率。" en="Coverage has not been computed yet." />
      </p>
    );
  const unlocated = props.v.rows.reduce((a, r) => a + r.unlocated, 0);
  return (
    <>
      <p data-computed-at={s.computed_at}>
        <T zh="计算于" en="Computed at" /> {chinaTime(s.computed_at)} · <T zh="步行" en="Walking" /> {s.walking.minutes}{' '}
        <T zh="分钟" en="min" /> · <T zh="商户" en="Merchants" /> {s.inputs.merchants} · <T zh="服务" en="Services" />{' '}
        {s.inputs.services}
      </p>
      <p>
        <T
          zh={`没有登记住址坐标的老人按“未覆盖”计算（本范围 ${unlocated} 人）。`}
          en={`Elders without a recorded home location count as uncovered (${unlocated} in this view).`}
        />
      </p>
    </>
  );
};

const Table = (props: { v: CoverageView; names: Map<string, string> }) => (
  <table>
    <caption>
      <T zh="各社区各类服务覆盖率（已覆盖 / 老人数）" en="Share of elders covered, by community and category" />
    </caption>
    <thead>
      <tr>
        <th scope="col">
          <T zh="社区" en="Community" />
        </th>
        <th scope="col">
          <T zh="老人" en="Elders" />
        </th>
        {props.v.categories.map((c) => (
          <th scope="col">{props.names.get(c) ?? c}</th>
        ))}
      </tr>
    </thead>
    <tbody>
      {props.v.rows.map((r) => (
        <tr data-community={r.community_code}>
          <th scope="row">
            {r.name} <small>{r.community_code}</small>
          </th>
          <td>{r.elders}</td>
          {props.v.categories.map((c) => (
            <td data-band={bandOf(r.share_permille[c] ?? 0)[2]}>
              {r.elders === 0 ? '—' : `${percentText(r.share_permille[c] ?? 0)} (${r.covered[c] ?? 0}/${r.elders})`}
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  </table>
);

const Gaps = (props: { v: CoverageView; names: Map<string, string>; cats: Map<string, string> }) =>
  props.v.gaps.length === 0 ? (
    <p>
      <T zh="没有缺口：每位老人都有各类服务可达。" en="No gaps: every elder has every category in reach." />
    </p>
  ) : (
    <ol class="gaps">
      {props.v.gaps.slice(0, PAGE_GAPS_MAX).map((g) => (
        <li data-gap={`${g.community_code}/${g.category}`}>
          {props.names.get(g.community_code) ?? g.community_code} · {props.cats.get(g.category) ?? g.category}:{' '}
          <b>{g.uncovered}</b> <T zh="位老人未覆盖" en="elders uncovered" /> ({percentText(g.share_permille)}{' '}
          <T zh="已覆盖" en="covered" />)
        </li>
      ))}
    </ol>
  );

export const staffCoveragePageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/coverage',
    access: { roles: COVERAGE_READERS },
    tags: ['pages'],
    page: true,
    summary: 'Coverage of my area: shares by community and category, the ranked gaps, a map and the CSV',
    query: Query,
    async handler(c, { query, principal: p }) {
      const { done, ...filter } = query;
      const [v, categories] = await Promise.all([readCoverage(deps, p.scope, filter), deps.merchants.categories()]);
      const cats = new Map(categories.map((k) => [k.code, k.name_zh]));
      const names = new Map(v.rows.map((r) => [r.community_code, r.name]));
      const worst = v.rows.filter((r) => r.elders > 0).sort((a, b) => lowestShare(a) - lowestShare(b))[0];
      return staffPage(
        c,
        deps,
        p,
        '服务覆盖',
        'Coverage',
        <>
          {done && (
            <p class="notice" role="status">
              <T zh="已开始重新计算，稍后刷新本页。" en="Recomputing; refresh this page in a while." />
            </p>
          )}
          <form method="get" action="/staff/coverage" class="panel">
            <label>
              <T zh="街道代码" en="Street code" /> <input name="street" value={filter.street ?? ''} />
            </label>{' '}
            <label>
              <T zh="社区代码" en="Community code" /> <input name="community" value={filter.community ?? ''} />
            </label>{' '}
            <label>
              <T zh="服务类别" en="Category" />{' '}
              <select name="category">
                <option value="">全部 All</option>
                {categories.map((k) => (
                  <option value={k.code} selected={filter.category === k.code}>
                    {k.name_zh}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button class="btn" type="submit">
              <T zh="查看" en="Show" />
            </button>
          </form>
          <div class="panel">
            <Summary v={v} />
            <form method="post" action="/staff/coverage/recompute">
              <button class="btn" type="submit">
                <T zh="立即重新计算" en="Recompute now" />
              </button>
            </form>
          </div>
          <div class="panel">
            <h2>
              <T zh="覆盖率" en="Coverage" />
            </h2>
            {worst && (
              <p>
                <T zh="覆盖最弱的社区：" en="Least covered community: " />
                {worst.name} ({percentText(lowestShare(worst))})
              </p>
            )}
            <Table v={v} names={cats} />
          </div>
          <div class="panel">
            <h2>
              <T zh="缺口排名（招募商户的优先顺序）" en="Gaps, ranked (where to recruit merchants)" />
            </h2>
            <Gaps v={v} names={names} cats={cats} />
            <p class="links">
              <a href={`/api/analytics/coverage/gaps.csv${qs(filter, { encoding: 'utf8-bom' })}`}>CSV (UTF-8)</a>{' '}
              <a href={`/api/analytics/coverage/gaps.csv${qs(filter, { encoding: 'gbk' })}`}>CSV (GBK, Excel)</a>
            </p>
          </div>
          <div class="panel">
            <h2>
              <T zh="地图" en="Map" />
            </h2>
            <CoverageMap rows={v.rows} merchants={v.merchants} />
          </div>
        </>,
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/coverage/recompute',
    access: { roles: COVERAGE_READERS },
    tags: ['pages'],
    page: true,
    summary: 'Recompute coverage now in the background (audited), then back to the page',
    bodyKind: 'form',
    body: z.object({}),
    async handler(c, { principal: p }) {
      await requestCoverageRun(deps, p.sub, c.get('requestId'));
      return c.redirect('/staff/coverage?done=started', 303);
    },
  }),
];
