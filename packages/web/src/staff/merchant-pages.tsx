// Merchants in the staff console (issue 12 §1): the list by status (the review queue is "pending"),
// filtered by street or community, paged by key, exported as CSV (UTF-8 BOM or GBK); one merchant
// with its application, services, ratings, complaints, orders and statements (merchant-detail.tsx);
// and the decisions as plain form posts. The same functions, role list and scope rule as the API
// (app api/merchant-review.ts via public.ts).
import * as z from 'zod/mini';
import { MERCHANT_STATUSES, type Merchant } from '@tmc/core/merchants/model';
import { defineRoute, MERCHANT_STAFF, MerchantListQuery, merchantsFor, type Ctx, type Deps } from '@tmc/app/public';
import type { RouteDef } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { SelectField } from '../kit/ui';
import { loadAreaTree, type AreaNode } from '../kit/areas';
import { CsvEncodingQ, csvDownload, csvLinks } from '../kit/csv-download';
import { chinaTime, staffPage } from './kit';
import { merchantDetailRoutes } from './merchant-detail';
import { MERCHANT_STATUS_MSG } from './merchant-tables';

/** List pages one CSV export walks at most (50 merchants each): a city's alliance is a few hundred. */
export const MERCHANT_CSV_PAGES_MAX = 40;

/** The streets and communities a caller may filter by, indented under their parents. */
const areaOptions = (tree: AreaNode[]): { value: string; label: string }[] => {
  const out: { value: string; label: string }[] = [];
  const walk = (n: AreaNode, depth: number) => {
    if (n.level !== 'district') out.push({ value: n.code, label: `${'　'.repeat(depth)}${n.name}` });
    for (const k of n.children) walk(k, n.level === 'district' ? 0 : depth + 1);
  };
  for (const r of tree) walk(r, 0);
  return out;
};

const namesOf = (tree: AreaNode[]): Map<string, string> => {
  const out = new Map<string, string>();
  const walk = (n: AreaNode, street: string) => {
    out.set(n.code, n.level === 'community' ? `${street} ${n.name}`.trim() : n.name);
    for (const k of n.children) walk(k, n.level === 'street' ? n.name : street);
  };
  for (const r of tree) walk(r, '');
  return out;
};

const MerchantTable = (props: { items: Merchant[]; names: Map<string, string>; cats: Map<string, string> }) => (
  <table>
    <thead>
      <tr>
        <th scope="col">商户 Merchant</th>
        <th scope="col">统一社会信用代码 Credit code</th>
        <th scope="col">类别 Categories</th>
        <th scope="col">社区 Community</th>
        <th scope="col">状态 Status</th>
        <th scope="col">更新 Updated</th>
      </tr>
    </thead>
    <tbody>
      {props.items.map((m) => (
        <tr>
          <td>
            <a href={`/staff/merchants/${m.merchant_id}`}>{m.business_name}</a>
          </td>
          <td class="num">{m.uscc}</td>
          <td>{m.categories.map((k) => props.cats.get(k) ?? k).join('、')}</td>
          <td>{props.names.get(m.community_code) ?? m.community_code}</td>
          <td>
            <T zh={MERCHANT_STATUS_MSG[m.status].zh} en={MERCHANT_STATUS_MSG[m.status].en} />
          </td>
          <td class="num">{chinaTime(m.updated_at)}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

const listPage = async (c: Ctx, deps: Deps, p: StaffP, q: MerchantListQuery) => {
  const [page, tree, cats] = await Promise.all([
    merchantsFor(deps, p, q),
    loadAreaTree(deps, p.scope),
    deps.merchants.categories(),
  ]);
  const filter = new URLSearchParams({ status: q.status, ...(q.area ? { area: q.area } : {}) });
  const csv = csvLinks(`/staff/merchants.csv?${filter.toString()}`);
  const m = MERCHANT_STATUS_MSG[q.status];
  return staffPage(
    c,
    deps,
    p,
    `商户：${m.zh}`,
    `Merchants: ${m.en}`,
    <>
      <form method="get" action="/staff/merchants" class="panel filters">
        <SelectField
          name="status"
          label={{ zh: '状态', en: 'Status' }}
          value={q.status}
          options={MERCHANT_STATUSES.map((s) => ({
            value: s,
            label: `${MERCHANT_STATUS_MSG[s].zh} ${MERCHANT_STATUS_MSG[s].en}`,
          }))}
        />
        <SelectField
          name="area"
          label={{ zh: '街道或社区', en: 'Street or community' }}
          value={q.area}
          blank="全部 All"
          options={areaOptions(tree)}
        />
        <button type="submit" class="btn">
          <T zh="筛选" en="Filter" />
        </button>
      </form>
      <section class="panel" aria-labelledby="list-h">
        <h2 id="list-h">
          <T zh={m.zh} en={m.en} />
        </h2>
        <p class="links">
          <a href={csv.gbk} download>
            <T zh="导出 CSV（GBK，旧版 Excel/WPS）" en="Export CSV (GBK)" />
          </a>
          <a href={csv.utf8} download>
            <T zh="导出 CSV（UTF-8）" en="Export CSV (UTF-8 with BOM)" />
          </a>
        </p>
        {page.items.length === 0 ? (
          <p>
            <T zh="本页没有商户。" en="No merchants on this page." />
          </p>
        ) : (
          <MerchantTable
            items={page.items}
            names={namesOf(tree)}
            cats={new Map(cats.map((k) => [k.code, k.name_zh]))}
          />
        )}
        <p class="pager links">
          {q.cursor && (
            <a href={`/staff/merchants?${filter.toString()}`}>
              <T zh="第一页" en="First page" />
            </a>
          )}
          {/* the cursor is honest: a page picked out of the city's index may be short and still go on */}
          {page.cursor && (
            <a href={`/staff/merchants?${filter.toString()}&cursor=${encodeURIComponent(page.cursor)}`} rel="next">
              <T zh="下一页" en="Next" />
            </a>
          )}
        </p>
      </section>
    </>,
  );
};

const CSV_HEADER = [
  '商户编号 Merchant ID',
  '商户名称 Name',
  '统一社会信用代码 Credit code',
  '营业执照号 Licence',
  '类别 Categories',
  '社区编码 Community',
  '地址 Address',
  '状态 Status',
  '评分次数 Ratings',
  '平均评分 Average',
  '更新时间 Updated',
] as const;

const csvRow = (m: Merchant): string[] => [
  m.merchant_id,
  m.business_name,
  m.uscc,
  m.licence_number,
  m.categories.join(' '),
  m.community_code,
  m.address,
  MERCHANT_STATUS_MSG[m.status].zh,
  String(m.rating_count),
  m.rating_count ? (m.rating_sum / m.rating_count).toFixed(1) : '',
  chinaTime(m.updated_at),
];

export const staffMerchantPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/merchants',
    access: { roles: MERCHANT_STAFF },
    tags: ['pages'],
    page: true,
    summary: 'Merchants by status (pending = the review queue) in my area, by street or community, paged by key',
    query: MerchantListQuery,
    handler(c, { query, principal: p }) {
      return listPage(c, deps, p, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/merchants.csv',
    access: { roles: MERCHANT_STAFF },
    tags: ['pages'],
    page: true,
    summary: 'The merchant list as CSV (UTF-8 with BOM, or GBK with encoding=gbk), same filter and scope',
    query: z.extend(MerchantListQuery, { encoding: CsvEncodingQ }),
    async handler(_c, { query, principal: p }) {
      const rows: string[][] = [];
      let cursor = query.cursor;
      for (let i = 0; i < MERCHANT_CSV_PAGES_MAX; i++) {
        const page = await merchantsFor(deps, p, { ...query, cursor });
        rows.push(...page.items.map(csvRow));
        if (!page.cursor) break;
        cursor = page.cursor;
      }
      return csvDownload(`merchants-${query.status}.csv`, CSV_HEADER, rows, query.encoding);
    },
  }),
  ...merchantDetailRoutes(deps),
];
