// One elder's top-ups in the staff console (issue 12): the family's (or the office's) payments, newest
// first, paged by key, and the refund of a paid top-up's unspent points with a reason (admin and
// finance, as POST /api/topups/:id/refund: the same refundTopupAs, the refund audited with its own
// write). A hidden idempotency key written when the form renders makes a double submit one refund.
import * as z from 'zod/mini';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { ElderId } from '@tmc/core/kernel/ids';
import { TopupId, TOPUP_PAGE_MAX, type Topup, type TopupStatus } from '@tmc/core/topups/model';
import type { ElderRecord } from '@tmc/core/elders/model';
import { defineRoute, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { idempotencyOfForm, REFUNDERS, refundTopupAs, TOPUP_STAFF_READERS, topupsOfElder } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, Notice, expected, msgOf, msgOfError, type Msg } from '../kit/ui';
import { chinaTime, loadElderInScope, staffPage } from './kit';
import { LastChangeLine } from './last-change';
import { ElderNav, lastChangeAmong } from './elder-nav';
import { FIX_REASON, ReasonForm, formKey, reasonIssue } from './reason';

const ElderIdP = z.object({ elder_id: ElderId });
const BothP = z.object({ elder_id: ElderId, topup_id: TopupId });
export const REFUND_REASON_MIN = 2; // the API's RefundInput: FreeText(2, 200)
export const REFUND_REASON_MAX = 200;
const PAGE = 20;
const REFUND_ERRORS: readonly ErrorCode[] = [
  'TOPUP_NOT_PAID',
  'TOPUP_NOTHING_TO_REFUND',
  'INSUFFICIENT_POINTS',
  'PAYMENT_PROVIDER_FAILED',
  'PAYMENTS_UNAVAILABLE',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_REQUIRED',
  'VALIDATION_FAILED',
  'CONFLICT',
];
const STATUS_MSG: Record<TopupStatus, Msg> = {
  pending: { zh: '待支付', en: 'Pending' },
  paid: { zh: '已支付', en: 'Paid' },
  failed: { zh: '支付失败', en: 'Failed' },
  refunded: { zh: '已退款', en: 'Refunded' },
};
const TopupsQ = z.object({
  cursor: z.optional(z.string().check(z.maxLength(500))),
  done: z.optional(z.enum(['refunded'])),
});
const DONE: Msg = { zh: '已退款：未用完的积分已收回，款项原路退回', en: 'Refunded' };

type RefundState = { topup_id: string; error?: Msg; reasonError?: Msg; reason?: string };

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const actorLabel = (a: string) => a.replace(/^staff:/, '');

const RefundForm = (props: { e: ElderRecord; t: Topup; state: RefundState | undefined }) => {
  const s = props.state?.topup_id === props.t.topup_id ? props.state : undefined;
  const id = `refund-${props.t.topup_id}`;
  return (
    <form method="post" action={`/staff/elders/${props.e.elder_id}/topups/${props.t.topup_id}/refund`}>
      <ErrorBox msg={s?.error} />
      <input type="hidden" name="idempotency_key" value={formKey()} />
      <Field
        name="reason"
        id={id}
        label={{ zh: '退款原因', en: 'Reason to refund' }}
        error={s?.reasonError}
        value={s?.reason}
        maxlength={REFUND_REASON_MAX}
        required
      />
      <button type="submit" class="btn btn-warn">
        <T zh="退还未用积分" en="Refund unspent points" />
      </button>
    </form>
  );
};

const TopupCell = (props: { e: ElderRecord; t: Topup; p: StaffP; state: RefundState | undefined }) => {
  const { t } = props;
  if (t.refund)
    return (
      <span data-refunded={t.topup_id}>
        {t.refund.points} 分 / {yuan(t.refund.fen)} · {actorLabel(t.refund.by)} · {chinaTime(t.refund.at)} ·{' '}
        {t.refund.reason}
        {t.refund.confirmed_at ? ' · 已到账 Confirmed' : ' · 退款处理中 In progress'}
      </span>
    );
  if (t.status === 'paid' && (REFUNDERS as readonly string[]).includes(props.p.role))
    return <RefundForm e={props.e} t={t} state={props.state} />;
  return <>—</>;
};

export const topupsPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  e: ElderRecord,
  x: { done?: Msg | undefined; refund?: RefundState; cursor?: string | undefined },
  status = 200,
) => {
  const [page, last] = await Promise.all([
    topupsOfElder(deps, e.elder_id, Math.min(PAGE, TOPUP_PAGE_MAX), x.cursor),
    lastChangeAmong(deps, `elder:${e.elder_id}`, ['topup.refund']),
  ]);
  const base = `/staff/elders/${e.elder_id}/topups`;
  return staffPage(
    c,
    deps,
    p,
    `老人充值：${e.name}`,
    'Elder top-ups',
    <>
      <ElderNav elder_id={e.elder_id} current="topups" name={e.name} role={p.role} />
      <Notice msg={x.done} />
      <section class="panel" aria-labelledby="topups-h">
        <h2 id="topups-h">
          <T zh="充值记录" en="Top-ups" />
        </h2>
        <LastChangeLine last={last} />
        {page.items.length === 0 ? (
          <p>
            <T zh="暂无充值。" en="No top-ups." />
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">时间 Started</th>
                <th scope="col">金额 Amount</th>
                <th scope="col">积分 Points</th>
                <th scope="col">付款人 Payer</th>
                <th scope="col">状态 Status</th>
                <th scope="col">退款 Refund</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((t) => (
                <tr data-topup={t.topup_id}>
                  <td class="num">{chinaTime(t.created_at)}</td>
                  <td class="num">{yuan(t.amount_fen)}</td>
                  <td class="num">{t.amount_points}</td>
                  <td>{t.family_id ? '家属 Family' : actorLabel(t.payer)}</td>
                  <td>
                    <T zh={STATUS_MSG[t.status].zh} en={STATUS_MSG[t.status].en} />
                  </td>
                  <td>
                    <TopupCell e={e} t={t} p={p} state={x.refund} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="pager links">
          {x.cursor && (
            <a href={base}>
              <T zh="最新" en="Newest" />
            </a>
          )}
          {page.cursor && (
            <a href={`${base}?cursor=${encodeURIComponent(page.cursor)}`} rel="next">
              <T zh="更早" en="Older" />
            </a>
          )}
        </p>
      </section>
    </>,
    { status },
  );
};

export const staffTopupPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/elders/:elder_id/topups',
    access: { roles: TOPUP_STAFF_READERS },
    tags: ['pages'],
    page: true,
    summary: "An elder's top-ups, newest first, paged; refund forms for admin and finance",
    params: ElderIdP,
    query: TopupsQ,
    async handler(c, { params, query, principal: p }) {
      const e = await loadElderInScope(deps, p, params.elder_id);
      return topupsPage(c, deps, p, e, { done: query.done ? DONE : undefined, cursor: query.cursor });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/elders/:elder_id/topups/:topup_id/refund',
    access: { roles: REFUNDERS },
    tags: ['pages'],
    page: true,
    summary: "Refund a paid top-up's unspent points with a reason (audited; one refund however often sent)",
    params: BothP,
    bodyKind: 'form',
    body: ReasonForm,
    async handler(c, { params, body, principal: p }) {
      const e = await loadElderInScope(deps, p, params.elder_id);
      const topup_id = params.topup_id;
      const reason = (body.reason ?? '').trim();
      const bad = reasonIssue(reason, REFUND_REASON_MIN, REFUND_REASON_MAX);
      if (bad)
        return topupsPage(c, deps, p, e, { refund: { topup_id, error: FIX_REASON, reasonError: bad, reason } }, 400);
      const t = await deps.topups.get(topup_id);
      // a top-up of another elder named under this one's path is not found here
      if (!t || t.elder_id !== e.elder_id)
        return topupsPage(c, deps, p, e, { refund: { topup_id, error: msgOf('TOPUP_NOT_FOUND') } }, 404);
      const r = await expected(REFUND_ERRORS, async () =>
        refundTopupAs(
          deps,
          p,
          topup_id,
          reason,
          idempotencyOfForm(c, body.idempotency_key, { reason }),
          c.get('requestId'),
        ),
      );
      if (!r.ok)
        return topupsPage(c, deps, p, e, { refund: { topup_id, error: msgOfError(r.error), reason } }, r.error.status);
      return c.redirect(`/staff/elders/${e.elder_id}/topups?done=refunded`, 303);
    },
  }),
];
