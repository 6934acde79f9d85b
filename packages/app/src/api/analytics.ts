// The bureau's dashboard (issue 11 part 2): overview, by area and merchants, as JSON and each table as CSV.
// Bureau staff only; a district or street officer sees their own area (a street or community outside it is
// OUT_OF_SCOPE, as for staff elsewhere). Every figure comes from counter items read by key (core/analytics).
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import {
  DASHBOARD_ERRORS,
  DashboardCsvQuery,
  DashboardQuery,
  resolveTarget,
} from '@tmc/core/analytics/dashboard-query';
import { dashboardByArea, dashboardOverview } from '@tmc/core/analytics/dashboard';
import { dashboardMerchants, type MerchantDirectory, type MerchantRef } from '@tmc/core/analytics/merchant-ranking';
import {
  byAreaTables,
  merchantTables,
  overviewTables,
  tableCsv,
  type Names,
  type Table,
} from '@tmc/core/analytics/dashboard-tables';
import type { Merchant } from '@tmc/core/merchants/model';
import { defineRoute } from '../http/route';
import type { Deps } from '../compose/deps-type';
import { csvResponse } from './settlement';

export const ANALYTICS_READERS = ['admin', 'district', 'street', 'finance'] as const;
export const ANALYTICS_VIEWS = ['overview', 'by-area', 'merchants'] as const;
export type AnalyticsView = (typeof ANALYTICS_VIEWS)[number];

/** The page size the directory reads the approved list in (the status index, by key). */
const MERCHANT_PAGE = 100;
const refOf = (m: Merchant): MerchantRef => ({
  merchant_id: m.merchant_id,
  business_name: m.business_name,
  community_code: m.community_code,
  status: m.status,
});
export const merchantDirectory = (deps: Deps): MerchantDirectory => ({
  async approved(max) {
    const out: MerchantRef[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.merchants.byStatus('approved', MERCHANT_PAGE, cursor);
      out.push(...page.items.map(refOf));
      cursor = page.cursor ?? undefined;
    } while (cursor && out.length < max);
    return out.slice(0, max);
  },
  async byIds(ids) {
    const found = await Promise.all(ids.map((id) => deps.merchants.getMerchant(id)));
    return found.filter((m): m is Merchant => m !== null).map(refOf);
  },
});

/** One view's figures for a staff member's scope (null: city-wide). */
export const analyticsView = async (deps: Deps, callerScope: string | null, view: AnalyticsView, q: DashboardQuery) => {
  const target = await resolveTarget(deps.areas, callerScope, q);
  if (view === 'overview') return { view, data: await dashboardOverview(deps.counters, q, target) } as const;
  if (view === 'by-area') return { view, data: await dashboardByArea(deps, q, target) } as const;
  return { view, data: await dashboardMerchants({ ...deps, merchants: merchantDirectory(deps) }, q, target) } as const;
};

/** A view's tables with category names (for the page and the CSV files). */
export const analyticsTables = async (
  deps: Deps,
  callerScope: string | null,
  view: AnalyticsView,
  q: DashboardQuery,
): Promise<{ tables: Table[]; result: Awaited<ReturnType<typeof analyticsView>> }> => {
  const result = await analyticsView(deps, callerScope, view, q);
  const names: Names = {
    category: Object.fromEntries((await deps.merchants.categories()).map((c) => [c.code, c.name_zh])),
  };
  const tables =
    result.view === 'overview'
      ? overviewTables(result.data, names)
      : result.view === 'by-area'
        ? byAreaTables(result.data)
        : merchantTables(result.data);
  return { tables, result };
};

export const analyticsRoutes = () =>
  ANALYTICS_VIEWS.flatMap((view) => [
    defineRoute({
      method: 'get',
      path: `/api/analytics/${view}`,
      access: { roles: ANALYTICS_READERS },
      tags: ['analytics'],
      summary: `Dashboard ${view} for a date range (at most a year) and area, from the counters (bounded reads)`,
      query: DashboardQuery,
      errors: [...DASHBOARD_ERRORS],
      response: z.looseObject({ items_read: z.number() }),
      async handler(c, { query, principal }) {
        return c.json((await analyticsView(c.get('deps'), principal.scope, view, query)).data);
      },
    }),
    defineRoute({
      method: 'get',
      path: `/api/analytics/${view}.csv`,
      access: { roles: ANALYTICS_READERS },
      tags: ['analytics'],
      summary: `One table of the ${view} dashboard as CSV (UTF-8 with BOM, or GBK with encoding=gbk)`,
      query: DashboardCsvQuery,
      errors: [...DASHBOARD_ERRORS, 'NOT_FOUND'],
      async handler(c, { query, principal }) {
        const { tables } = await analyticsTables(c.get('deps'), principal.scope, view, query);
        const t = tables.find((x) => x.id === query.table);
        if (!t) throw new AppError('NOT_FOUND', { details: { table: query.table } });
        const enc = query.encoding ?? 'utf8-bom';
        const text = tableCsv(t);
        // the GBK encoder (iconv-lite) loads on a GBK export only, not at the function's cold start
        const bytes =
          enc === 'gbk' ? (await import('@tmc/core/csv/write')).csvGbk(text) : new TextEncoder().encode(text);
        return csvResponse(bytes, `analytics-${t.id}-${query.from}-${query.to}.csv`, enc);
      },
    }),
  ]);
