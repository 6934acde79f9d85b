// The disputes queue in the staff console (issue 12): open disputes of elders in the officer's area,
// filtered by street or community, paged by key, as CSV; one dispute with its order, the elder's words
// and what the record holds of the shop's side; uphold (the points go back to the elder) or dismiss
// with a reason. The same reads, decisions, roles and scope as GET /api/disputes and POST
// /api/orders/:id/dispute/{uphold,dismiss} (openDisputesFor, decideDisputeAs, OFFICERS).
import * as z from 'zod/mini';
import { AppError, type ErrorCode } from '@tmc/core/kernel/errors';
import { OrderId } from '@tmc/core/kernel/ids';
import { AreaCode } from '@tmc/core/areas/model';
import type { Order } from '@tmc/core/orders/state';
import { defineRoute, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { decideDisputeAs, OFFICERS, openDisputesFor } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, Notice, SelectField, expected, msgOfError, type Msg } from '../kit/ui';
import { ELDER_STATUS } from '../kit/order-ui';
import { areaLabel, loadAreaTree, type AreaNode } from '../kit/areas';
import { CsvEncodingQ, csvDownload, csvLinks } from '../kit/csv-download';
import { chinaTime, loadElderInScope, staffPage } from './kit';
import { LastChangeLine, lastChangeOf } from './last-change';
import { FIX_REASON, ReasonForm, reasonIssue } from './reason';

const OrderP = z.object({ order_id: OrderId });
export const DISPUTE_REASON_MIN = 2; // the API's Reason: FreeText(2, 300)
export const DISPUTE_REASON_MAX = 300;
const PAGE = 20;
/** Rows one CSV download may hold: a city's open disputes are tens, not thousands; bounded so one
 * request stays a handful of Queries. */
export const DISPUTES_CSV_MAX_ROWS = 1000;
const CSV_PAGE = 100;
const DECIDE_ERRORS: readonly ErrorCode[] = ['ORDER_STATE', 'HOLD_ALREADY_FINAL', 'CONFLICT'];
const ListQ = z.object({
  area: z.optional(z.union([z.literal(''), AreaCode])),
  cursor: z.optional(z.string().check(z.maxLength(500))),
});
const DONE = {
  uphold: { zh: '投诉成立：积分已退回老人', en: 'Upheld: the points went back to the elder' },
  dismiss: { zh: '已驳回投诉', en: 'Dismissed' },
} as const satisfies Record<string, Msg>;

/** Streets (all their communities) and communities in the caller's area, for the filter. */
const areaOptions = (tree: AreaNode[]): { value: string; label: string }[] => {
  const out: { value: string; label: string }[] = [];
  const walk = (n: AreaNode, street: string | null) => {
    if (n.level === 'street') out.push({ value: n.code, label: `${n.name}（全部 all）` });
    if (n.level === 'community') out.push({ value: n.code, label: street ? `${street} ${n.name}` : n.name });
    for (const k of n.children) walk(k, n.level === 'street' ? n.name : street);
  };
  for (const r of tree) walk(r, null);
  return out;
};

const listHref = (area: string | undefined, extra = '') =>
  `/staff/disputes${area ? `?area=${encodeURIComponent(area)}${extra ? `&${extra}` : ''}` : extra ? `?${extra}` : ''}`;

const listPage = async (c: Ctx, deps: Deps, p: StaffP, q: z.infer<typeof ListQ>) => {
  const area = q.area || undefined;
  const [page, tree] = await Promise.all([openDisputesFor(deps, p, PAGE, q.cursor, area), loadAreaTree(deps, p.scope)]);
  const labels = new Map(areaOptions(tree).map((o) => [o.value, o.label]));
  const csv = csvLinks(`/staff/disputes.csv${area ? `?area=${encodeURIComponent(area)}` : ''}`);
  return staffPage(
    c,
    deps,
    p,
    '投诉处理',
    'Disputes',
    <>
      <form method="get" action="/staff/disputes" class="panel filters">
        <SelectField
          name="area"
          label={{ zh: '街道或社区', en: 'Street or community' }}
          value={area}
          blank="全部 All"
          options={areaOptions(tree)}
        />
        <button type="submit" class="btn">
          <T zh="筛选" en="Filter" />
        </button>
      </form>
      <section class="panel" aria-labelledby="disputes-h">
        <h2 id="disputes-h">
          <T zh="待处理的投诉" en="Open disputes" />
        </h2>
        <p class="links">
          <a href={csv.utf8}>
            <T zh="导出 CSV（UTF-8）" en="CSV (UTF-8)" />
          </a>
          <a href={csv.gbk}>
            <T zh="导出 CSV（GBK，Excel）" en="CSV (GBK, Excel)" />
          </a>
        </p>
        {page.items.length === 0 ? (
          <p>
            <T zh="没有待处理的投诉。" en="No open disputes." />
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">投诉时间 Disputed</th>
                <th scope="col">社区 Community</th>
                <th scope="col">服务 Service</th>
                <th scope="col">商户 Shop</th>
                <th scope="col">积分 Points</th>
                <th scope="col">老人的话 Elder's words</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map(({ order: o, community_code }) => (
                <tr data-order={o.order_id}>
                  <td class="num">
                    <a href={`/staff/disputes/${o.order_id}`}>{o.dispute ? chinaTime(o.dispute.at) : o.order_id}</a>
                  </td>
                  <td>{labels.get(community_code) ?? community_code}</td>
                  <td>{o.service_name}</td>
                  <td>{o.merchant_name}</td>
                  <td class="num">{o.price_points}</td>
                  <td>{o.dispute?.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="pager links">
          {q.cursor && (
            <a href={listHref(area)}>
              <T zh="第一页" en="First page" />
            </a>
          )}
          {page.cursor && (
            <a href={listHref(area, `cursor=${encodeURIComponent(page.cursor)}`)} rel="next">
              <T zh="下一页" en="Next" />
            </a>
          )}
        </p>
      </section>
    </>,
  );
};

const csvRows = async (deps: Deps, p: StaffP, area: string | undefined): Promise<string[][]> => {
  const rows: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await openDisputesFor(deps, p, CSV_PAGE, cursor, area);
    for (const { order: o, community_code } of page.items)
      rows.push([
        o.order_id,
        o.dispute ? chinaTime(o.dispute.at) : '',
        community_code,
        o.service_name,
        o.merchant_name,
        String(o.price_points),
        o.completed_at ? chinaTime(o.completed_at) : '',
        o.dispute?.reason ?? '',
      ]);
    cursor = page.cursor ?? undefined;
  } while (cursor && rows.length < DISPUTES_CSV_MAX_ROWS);
  return rows.slice(0, DISPUTES_CSV_MAX_ROWS);
};

/** The order, if the caller may see its elder (the API's loadVisible rule for staff). */
const orderInScope = async (deps: Deps, p: StaffP, order_id: string) => {
  const o = await deps.orders.get(order_id);
  if (!o || !o.dispute) throw new AppError('ORDER_NOT_FOUND');
  const e = await loadElderInScope(deps, p, o.elder_id);
  return { o, e };
};

type DecideState = { done?: Msg | undefined; error?: Msg; reasonError?: Msg; reason?: string };

const DecideForm = (props: { o: Order; state: DecideState }) => {
  const base = `/staff/disputes/${props.o.order_id}`;
  return (
    <section class="panel" aria-labelledby="decide-h">
      <h2 id="decide-h">
        <T zh="处理投诉" en="Decide" />
      </h2>
      <ErrorBox msg={props.state.error} />
      {/* one reason, two buttons: formaction picks the decision, no script needed */}
      <form method="post" action={`${base}/uphold`} class="narrow">
        <Field
          name="reason"
          id="decide-reason"
          label={{ zh: '处理理由', en: 'Reason' }}
          hint={{
            zh: `${DISPUTE_REASON_MIN}–${DISPUTE_REASON_MAX} 字；会告知老人和商户`,
            en: `${DISPUTE_REASON_MIN}–${DISPUTE_REASON_MAX} characters`,
          }}
          error={props.state.reasonError}
          value={props.state.reason}
          maxlength={DISPUTE_REASON_MAX}
          required
        />
        <button type="submit" class="btn btn-warn">
          <T zh={`投诉成立，退回 ${props.o.price_points} 积分`} en="Uphold (points back to the elder)" />
        </button>
        <button type="submit" class="btn" formaction={`${base}/dismiss`}>
          <T zh="驳回投诉" en="Dismiss" />
        </button>
      </form>
    </section>
  );
};

const disputePage = async (c: Ctx, deps: Deps, p: StaffP, order_id: string, state: DecideState, status = 200) => {
  const { o, e } = await orderInScope(deps, p, order_id);
  const [community, last] = await Promise.all([
    areaLabel(deps, e.community_code),
    lastChangeOf(deps, `order:${o.order_id}`),
  ]);
  const d = o.dispute;
  return staffPage(
    c,
    deps,
    p,
    `投诉：${o.service_name}`,
    `Dispute: ${o.service_name}`,
    <>
      <Notice msg={state.done} />
      <section class="panel" aria-labelledby="order-h">
        <h2 id="order-h">
          <T zh="订单" en="The order" />
        </h2>
        <dl class="kv">
          <dt>订单号 Order</dt>
          <dd class="num">{o.order_id}</dd>
          <dt>状态 Status</dt>
          <dd data-status={o.status}>
            <T zh={ELDER_STATUS[o.status].zh} en={ELDER_STATUS[o.status].en} />
          </dd>
          <dt>服务 Service</dt>
          <dd>{o.service_name}</dd>
          <dt>商户 Shop</dt>
          <dd>{o.merchant_name}</dd>
          <dt>积分 Points</dt>
          <dd class="num">{o.price_points}</dd>
          <dt>完成时间 Completed</dt>
          <dd class="num">{o.completed_at ? chinaTime(o.completed_at) : '—'}</dd>
          <dt>老人 Elder</dt>
          <dd>
            <a href={`/staff/elders/${e.elder_id}`}>{e.name}</a>（{community}）
          </dd>
        </dl>
      </section>
      <section class="panel" aria-labelledby="words-h">
        <h2 id="words-h">
          <T zh="双方的说法" en="What each side says" />
        </h2>
        <h3>
          <T zh="老人（或代投诉人）" en="The elder (or who disputed for them)" />
        </h3>
        <blockquote data-elder-words>{d?.reason}</blockquote>
        <p class="muted">
          {d
            ? `${d.by.startsWith('staff:') ? `工作人员代投诉 ${d.by.slice(6)}` : '老人或家属'} · ${chinaTime(d.at)}`
            : ''}
        </p>
        <h3>
          <T zh="商户" en="The shop" />
        </h3>
        <p>
          <T
            zh="商户在系统里没有留下说明；请电话联系商户核实。"
            en="The shop has left no statement in the system; call the shop to check."
          />
        </p>
        {d?.decided_by && <p data-decided>处理人 Decided by：{d.decided_by.replace(/^staff:/, '')}</p>}
        <LastChangeLine last={last} />
      </section>
      {o.status === 'disputed' ? <DecideForm o={o} state={state} /> : <ErrorBox msg={state.error} />}
      <p class="links">
        <a href="/staff/disputes">
          <T zh="返回投诉列表" en="Back to the queue" />
        </a>
        <a href={`/staff/elders/${e.elder_id}/points`}>
          <T zh="老人积分" en="Elder's points" />
        </a>
      </p>
    </>,
    { status },
  );
};

const decideRoute = (deps: Deps, decision: 'uphold' | 'dismiss') =>
  defineRoute({
    method: 'post',
    path: `/staff/disputes/:order_id/${decision}`,
    access: { roles: OFFICERS },
    tags: ['pages'],
    page: true,
    summary:
      decision === 'uphold'
        ? 'Uphold a dispute with a reason: the points go back to the elder (audited)'
        : 'Dismiss a dispute with a reason (audited)',
    params: OrderP,
    bodyKind: 'form',
    body: ReasonForm,
    async handler(c, { params, body, principal: p }) {
      const id = params.order_id;
      const reason = (body.reason ?? '').trim();
      const bad = reasonIssue(reason, DISPUTE_REASON_MIN, DISPUTE_REASON_MAX);
      if (bad) return disputePage(c, deps, p, id, { error: FIX_REASON, reasonError: bad, reason }, 400);
      const r = await expected(DECIDE_ERRORS, () => decideDisputeAs(c, p, id, decision, reason));
      if (!r.ok) return disputePage(c, deps, p, id, { error: msgOfError(r.error) }, r.error.status);
      return c.redirect(`/staff/disputes/${id}?done=${decision}`, 303);
    },
  });

export const staffDisputePageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/disputes',
    access: { roles: OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Open disputes in my area, by street or community, oldest first, paged',
    query: ListQ,
    handler(c, { query, principal: p }) {
      return listPage(c, deps, p, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/disputes.csv',
    access: { roles: OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'Open disputes in my area as CSV (UTF-8 with BOM, or GBK)',
    query: z.object({ area: z.optional(z.union([z.literal(''), AreaCode])), encoding: CsvEncodingQ }),
    async handler(c, { query, principal: p }) {
      return csvDownload(
        'disputes.csv',
        [
          '订单 Order',
          '投诉时间 Disputed',
          '社区 Community',
          '服务 Service',
          '商户 Shop',
          '积分 Points',
          '完成 Completed',
          '投诉内容 Words',
        ],
        await csvRows(deps, p, query.area || undefined),
        query.encoding,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/disputes/:order_id',
    access: { roles: OFFICERS },
    tags: ['pages'],
    page: true,
    summary: 'One dispute: the order, both sides, the decision form',
    params: OrderP,
    query: z.object({ done: z.optional(z.enum(['uphold', 'dismiss'])) }),
    handler(c, { params, query, principal: p }) {
      return disputePage(c, deps, p, params.order_id, { done: query.done ? DONE[query.done] : undefined });
    },
  }),
  decideRoute(deps, 'uphold'),
  decideRoute(deps, 'dismiss'),
];
