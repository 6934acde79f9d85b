// One merchant for staff (issue 12 §1): the application as stored (统一社会信用代码, licence, categories,
// address, community, contact masked), status with its history and the last change, the decision
// forms (approve / reject / suspend / reinstate, each with a reason; POST and 303, errors inline with
// the typed reason), services, ratings, complaints, orders page by page and statements.
import * as z from 'zod/mini';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { MerchantId } from '@tmc/core/kernel/ids';
import { FreeText } from '@tmc/core/kernel/text';
import { maskPhone } from '@tmc/core/elders/id-card';
import { decideMerchant } from '@tmc/core/merchants/service';
import type { Merchant } from '@tmc/core/merchants/model';
import { defineRoute, zodFields, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { DECISION_REASON_MAX, DECISION_REASON_MIN, FINANCE, MERCHANT_DECISIONS, MERCHANT_STAFF } from '@tmc/app/public';
import { merchantDetail, merchantForStaff, merchantOrders, type MerchantDecision } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, Notice, expected, fieldMsg, msgOfError, type Msg } from '../kit/ui';
import { ACTION_ZH, chinaTime, staffPage } from './kit';
import { LastChangeLine, lastChangeOf } from './last-change';
import { MERCHANT_STATUS_MSG, MerchantOrderTable, MerchantServices, MerchantStatements } from './merchant-tables';

const DECISION_MSG: Record<MerchantDecision, Msg> = {
  approve: { zh: '批准入驻', en: 'Approve' },
  reject: { zh: '不予通过', en: 'Reject' },
  suspend: { zh: '暂停服务', en: 'Suspend' },
  reinstate: { zh: '恢复服务', en: 'Reinstate' },
};
const DONE_MSG: Record<MerchantDecision, Msg> = {
  approve: { zh: '已批准入驻，商户已收到通知', en: 'Approved; the merchant has been told' },
  reject: { zh: '已不予通过，商户已收到通知和理由', en: 'Rejected; the merchant has been told why' },
  suspend: { zh: '已暂停服务，老人搜索不到该商户', en: 'Suspended; elders no longer find it' },
  reinstate: { zh: '已恢复服务', en: 'Reinstated' },
};
/** Which decisions each status offers (core merchants/service.ts refuses the rest: MERCHANT_STATE). */
const OFFERED: Record<Merchant['status'], MerchantDecision[]> = {
  pending: ['approve', 'reject'],
  approved: ['suspend'],
  suspended: ['reinstate'],
  rejected: [],
};
/** Audit records shown as the status history: the newest ones of this merchant. */
export const MERCHANT_HISTORY_SHOWN = 10;
/** Statements listed on the page (newest first); the settlement pages hold the rest. */
export const MERCHANT_STATEMENTS_SHOWN = 6;
const DECIDE_ERRORS: readonly ErrorCode[] = ['MERCHANT_STATE', 'CONFLICT'];

const MerchantIdP = z.object({ merchant_id: MerchantId });
const DetailQ = z.object({
  done: z.optional(z.enum(MERCHANT_DECISIONS)),
  orders: z.optional(z.string().check(z.maxLength(500))),
});

type DecideState = { done?: Msg | undefined; error?: Msg; reasonError?: Msg; reason?: string };

const DecideForm = (props: { m: Merchant; state: DecideState }) => {
  const [first, ...rest] = OFFERED[props.m.status];
  if (!first) return null;
  const base = `/staff/merchants/${props.m.merchant_id}`;
  return (
    <section class="panel" aria-labelledby="decide-h">
      <h2 id="decide-h">
        <T zh="审核决定" en="Decision" />
      </h2>
      {/* one reason, one button per decision: formaction picks the move, no script needed */}
      <form method="post" action={`${base}/${first}`} class="narrow">
        <Field
          name="reason"
          label={{ zh: '理由（会告知商户并记录）', en: 'Reason (the merchant is told; audited)' }}
          hint={{
            zh: `${DECISION_REASON_MIN}–${DECISION_REASON_MAX} 字`,
            en: `${DECISION_REASON_MIN}–${DECISION_REASON_MAX} characters`,
          }}
          error={props.state.reasonError}
          value={props.state.reason}
          maxlength={DECISION_REASON_MAX}
        />
        <button type="submit" class="btn">
          <T zh={DECISION_MSG[first].zh} en={DECISION_MSG[first].en} />
        </button>
        {rest.map((d) => (
          <button type="submit" class="btn btn-warn" formaction={`${base}/${d}`}>
            <T zh={DECISION_MSG[d].zh} en={DECISION_MSG[d].en} />
          </button>
        ))}
      </form>
    </section>
  );
};

const areaLabel = async (deps: Deps, code: string): Promise<string> => {
  const street = code.split('.').slice(0, 2).join('.');
  const [s, c] = await Promise.all([deps.areas.get(street), deps.areas.get(code)]);
  return [s?.name, c?.name].filter(Boolean).join(' ') || code;
};

const merchantPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  merchant_id: string,
  state: DecideState,
  opts: { status?: number; ordersCursor?: string | undefined } = {},
) => {
  const { merchant: m, services, rating_avg } = await merchantDetail(deps, p, merchant_id);
  const [orders, history, last, categories, area, statements] = await Promise.all([
    merchantOrders(deps, merchant_id, opts.ordersCursor),
    deps.audit.listBySubject(`merchant:${merchant_id}`, MERCHANT_HISTORY_SHOWN),
    lastChangeOf(deps, `merchant:${merchant_id}`),
    deps.merchants.categories(),
    areaLabel(deps, m.community_code),
    deps.settlement.byMerchant(merchant_id, MERCHANT_STATEMENTS_SHOWN),
  ]);
  const catName = (code: string) => {
    const k = categories.find((x) => x.code === code);
    return k ? `${k.icon} ${k.name_zh}${k.retired ? '（已停用）' : ''}` : code;
  };
  const s = MERCHANT_STATUS_MSG[m.status];
  const rated = orders.items.filter((o) => o.rating);
  const disputed = orders.items.filter((o) => o.dispute);
  return staffPage(
    c,
    deps,
    p,
    `商户：${m.business_name}`,
    `Merchant: ${m.business_name}`,
    <>
      <Notice msg={state.done} />
      <ErrorBox msg={state.error} />
      <section class="panel" aria-labelledby="app-h">
        <h2 id="app-h">
          <T zh="申请资料" en="Application" />
        </h2>
        <dl class="kv">
          <dt>商户名称 Name</dt>
          <dd>{m.business_name}</dd>
          <dt>统一社会信用代码 Credit code</dt>
          <dd class="num">{m.uscc}</dd>
          <dt>营业执照 Licence</dt>
          <dd class="num">
            {m.licence_number}
            {m.licence_expires_on ? ` · 有效期至 ${m.licence_expires_on}` : ' · 长期有效 no expiry'}
          </dd>
          <dt>服务类别 Categories</dt>
          <dd>{m.categories.map(catName).join('、')}</dd>
          <dt>地址 Address</dt>
          <dd>{m.address}</dd>
          <dt>社区 Community</dt>
          <dd>{area}</dd>
          <dt>联系人 Contact</dt>
          <dd>
            {m.contact_name} · <span class="num">{maskPhone(m.contact_phone)}</span>
          </dd>
          <dt>申请时间 Applied</dt>
          <dd class="num">{chinaTime(m.created_at)}</dd>
        </dl>
      </section>
      <section class="panel" aria-labelledby="status-h">
        <h2 id="status-h">
          <T zh="状态" en="Status" />
        </h2>
        <p>
          <strong data-status={m.status}>
            <T zh={s.zh} en={s.en} />
          </strong>
          {m.decision_reason ? ` · 理由 Reason：${m.decision_reason}` : ''}
        </p>
        <LastChangeLine last={last} />
        <table>
          <caption>
            <T zh="审核记录" en="History" />
          </caption>
          <thead>
            <tr>
              <th scope="col">时间 When</th>
              <th scope="col">操作 Action</th>
              <th scope="col">操作人 By</th>
              <th scope="col">理由 Reason</th>
            </tr>
          </thead>
          <tbody>
            {history.items.map((h) => (
              <tr>
                <td class="num">{chinaTime(h.at)}</td>
                <td>{ACTION_ZH[h.action] ?? h.action}</td>
                <td>{h.actor.replace(/^staff:/, '')}</td>
                <td>{typeof h.detail?.reason === 'string' ? h.detail.reason : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <DecideForm m={m} state={state} />
      <MerchantServices services={services} catName={catName} />
      <section class="panel" aria-labelledby="ratings-h">
        <h2 id="ratings-h">
          <T zh="评价与投诉" en="Ratings and complaints" />
        </h2>
        <p>
          <T zh="平均评分" en="Average" />：
          <span class="num">{rating_avg === null ? '—' : `${rating_avg.toFixed(1)} / 5（${m.rating_count} 次）`}</span>
        </p>
        <MerchantOrderTable
          caption={{ zh: '本页订单中的评价', en: 'Ratings among the orders below' }}
          items={rated}
          show="rating"
        />
        <MerchantOrderTable
          caption={{ zh: '本页订单中的投诉', en: 'Complaints among the orders below' }}
          items={disputed}
          show="dispute"
        />
      </section>
      <section class="panel" aria-labelledby="orders-h">
        <h2 id="orders-h">
          <T zh="订单（最新在前）" en="Orders, newest first" />
        </h2>
        <MerchantOrderTable caption={{ zh: '订单', en: 'Orders' }} items={orders.items} show="status" />
        <p class="pager links">
          {opts.ordersCursor && (
            <a href={`/staff/merchants/${merchant_id}`}>
              <T zh="最新订单" en="Newest orders" />
            </a>
          )}
          {orders.cursor && (
            <a href={`/staff/merchants/${merchant_id}?orders=${encodeURIComponent(orders.cursor)}`} rel="next">
              <T zh="更早的订单" en="Older orders" />
            </a>
          )}
        </p>
      </section>
      <MerchantStatements items={statements.items} />
      <p class="links">
        <a href={`/staff/merchants?status=${m.status}`}>
          <T zh="返回列表" en="Back to the list" />
        </a>
        {(FINANCE as readonly string[]).includes(p.role) && (
          <a href={`/staff/merchants/${merchant_id}/payee`}>
            <T zh="收款账户" en="Payee" />
          </a>
        )}
      </p>
    </>,
    { status: opts.status ?? 200 },
  );
};

const ReasonBody = z.object({ reason: z.optional(z.string().check(z.maxLength(DECISION_REASON_MAX * 4))) });

/** The reason's first issue in the message table's words, or null (the API's own rule: FreeText). */
const reasonIssue = (reason: string): Msg | null => {
  const r = FreeText(DECISION_REASON_MIN, DECISION_REASON_MAX).safeParse(reason);
  if (r.success) return null;
  const [i] = zodFields(r.error);
  return fieldMsg(i ?? { path: '', code: 'INVALID_FORMAT', message: '' });
};

const decideRoute = (deps: Deps, decision: MerchantDecision) =>
  defineRoute({
    method: 'post',
    path: `/staff/merchants/:merchant_id/${decision}`,
    access: { roles: MERCHANT_STAFF },
    tags: ['pages'],
    page: true,
    summary: `Merchant decision: ${decision}, with a reason (audited; the merchant is told)`,
    params: MerchantIdP,
    bodyKind: 'form',
    body: ReasonBody,
    async handler(c, { params, body, principal: p }) {
      const id = params.merchant_id;
      const reason = (body.reason ?? '').trim();
      const bad = reasonIssue(reason);
      if (bad)
        return merchantPage(
          c,
          deps,
          p,
          id,
          { error: { zh: '请按提示改正', en: 'Please fix the marked field' }, reasonError: bad, reason },
          { status: 400 },
        );
      // scope first (OUT_OF_SCOPE is the error page), then the one core decision the API makes
      await merchantForStaff(deps, p, id);
      const r = await expected(DECIDE_ERRORS, () => decideMerchant(deps, id, decision, reason, p.sub));
      if (!r.ok)
        return merchantPage(c, deps, p, id, { error: msgOfError(r.error), reason }, { status: r.error.status });
      return c.redirect(`/staff/merchants/${id}?done=${decision}`, 303);
    },
  });

export const merchantDetailRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/merchants/:merchant_id',
    access: { roles: MERCHANT_STAFF },
    tags: ['pages'],
    page: true,
    summary: 'One merchant: application, status and history, decisions, services, ratings, orders, statements',
    params: MerchantIdP,
    query: DetailQ,
    handler(c, { params, query, principal: p }) {
      return merchantPage(
        c,
        deps,
        p,
        params.merchant_id,
        { done: query.done ? DONE_MSG[query.done] : undefined },
        { ordersCursor: query.orders },
      );
    },
  }),
  ...MERCHANT_DECISIONS.map((d) => decideRoute(deps, d)),
];
