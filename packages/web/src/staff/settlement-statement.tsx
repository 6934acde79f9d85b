// Finance workbench: one statement (amounts, age, status, payout, its orders page by page) and what
// finance does to it: approve, return with a reason, resubmit, pay by Stripe, mark a bank payment
// paid or failed. The same core services, roles and scope as the API (app api/settlement.ts,
// api/payouts.ts); street and district officers read statements of their area only, and act on none.
import * as z from 'zod/mini';
import type { ErrorCode } from '@tmc/core/kernel/errors';
import { FreeText } from '@tmc/core/kernel/text';
import { STATEMENT_ID_RE, type Statement } from '@tmc/core/settlement/model';
import { approveStatement, resubmitStatement, returnStatement, statementInScope } from '@tmc/core/settlement/review';
import { statementLines } from '@tmc/core/settlement/reports';
import { payeeView, type PayeeView } from '@tmc/core/settlement/payee-service';
import { payByStripe } from '@tmc/core/settlement/payout';
import { defineRoute, zodFields, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { FINANCE, reviewerOf, SETTLEMENT_READERS, settlementDeps, statementView } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, Notice, PostButton, expected, fieldMsg, msgOfError, type Msg } from '../kit/ui';
import { METHOD_MSG } from '../kit/settlement-ui';
import { staffPage } from './kit';
import { Lines, Summary } from './settlement-view';
import { SETTLE_DONE, SettleDoneQ, isFinance } from './settlement-kit';

const StatementP = z.object({ statement_id: z.string().check(z.regex(STATEMENT_ID_RE)) });
const LINES_PAGE = 100;
const BANK_REF_RE = /^[A-Za-z0-9_-]{4,64}$/;
const ACT_ERRORS: readonly ErrorCode[] = [
  'STATEMENT_STATE_CONFLICT',
  'PAYEE_MISSING',
  'PAYOUT_METHOD_MISMATCH',
  'PAYOUT_ACCOUNT_NOT_READY',
  'PAYMENT_PROVIDER_FAILED',
  'PAYMENTS_UNAVAILABLE',
];

type ActState = { done?: Msg | undefined; error?: Msg; fields?: Record<string, Msg>; values?: Record<string, string> };

/** The forms finance may use in the statement's state. Officers see none. */
const Actions = (props: { s: Statement; payee: PayeeView | null; state: ActState }) => {
  const s = props.s;
  const base = `/staff/settlement/statements/${s.statement_id}`;
  const f = props.state.fields ?? {};
  const v = props.state.values ?? {};
  const stripe = props.payee?.method === 'stripe';
  return (
    <section class="panel" aria-labelledby="act-h">
      <h2 id="act-h">
        <T zh="操作" en="Actions" />
      </h2>
      {s.status === 'issued' && (
        <>
          <PostButton action={`${base}/approve`} label={{ zh: '审核通过', en: 'Approve' }} />
          <form method="post" action={`${base}/return`} class="narrow">
            <Field name="reason" label={{ zh: '退回原因', en: 'Reason to return' }} error={f.reason} value={v.reason} />
            <button type="submit" class="btn btn-warn">
              <T zh="退回" en="Return" />
            </button>
          </form>
        </>
      )}
      {s.status === 'returned' && (
        <PostButton action={`${base}/resubmit`} label={{ zh: '重新提交审核', en: 'Resubmit for review' }} />
      )}
      {(s.status === 'approved' || s.status === 'payout_failed' || (s.status === 'paying' && !s.payout?.batch_id)) &&
        stripe && (
          <PostButton
            action={`${base}/pay`}
            label={
              s.status === 'approved'
                ? { zh: '通过 Stripe 付款', en: 'Pay by Stripe' }
                : { zh: '重新通过 Stripe 付款', en: 'Retry the Stripe payment' }
            }
          />
        )}
      {(s.status === 'approved' || s.status === 'payout_failed') && !stripe && (
        <form method="post" action="/staff/settlement/batches">
          <input type="hidden" name="statement_id" value={s.statement_id} />
          <button type="submit" class="btn">
            <T zh="放入新的银行付款批次" en="Put in a new bank batch" />
          </button>
        </form>
      )}
      {s.status === 'paying' && s.payout?.method === 'bank' && (
        <div class="cols">
          <form method="post" action={`${base}/bank-outcome`}>
            <input type="hidden" name="outcome" value="paid" />
            <Field
              name="bank_ref"
              label={{ zh: '银行流水号', en: 'Bank reference' }}
              error={f.bank_ref}
              value={v.bank_ref}
            />
            <button type="submit" class="btn">
              <T zh="标记已付款" en="Mark paid" />
            </button>
          </form>
          <form method="post" action={`${base}/bank-outcome`}>
            <input type="hidden" name="outcome" value="failed" />
            <Field name="fail_reason" label={{ zh: '失败原因', en: 'Why it failed' }} error={f.fail_reason} />
            <button type="submit" class="btn btn-warn">
              <T zh="标记付款失败" en="Mark failed" />
            </button>
          </form>
        </div>
      )}
      <p class="links">
        <a href={`/staff/merchants/${s.merchant_id}/payee`}>
          <T zh="收款账户" en="Payee" />
        </a>
        {props.payee && (
          <span>
            <T zh={METHOD_MSG[props.payee.method].zh} en={METHOD_MSG[props.payee.method].en} />{' '}
            {props.payee.account_masked ?? ''}
            {props.payee.method === 'stripe' && !props.payee.stripe_ready && '（尚未开通 not ready）'}
          </span>
        )}
      </p>
    </section>
  );
};

const statementPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  statement_id: string,
  state: ActState,
  opts: { cursor?: string | undefined; status?: number } = {},
) => {
  const s = await statementInScope(deps, statement_id, p.scope);
  const finance = isFinance(p);
  const [lines, payee] = await Promise.all([
    statementLines(deps, s, LINES_PAGE, opts.cursor),
    finance ? deps.payees.get(s.merchant_id) : Promise.resolve(null),
  ]);
  const view = statementView(s, deps.clock.now());
  const base = `/staff/settlement/statements/${s.statement_id}`;
  return staffPage(
    c,
    deps,
    p,
    `结算单 ${s.statement_no}`,
    `Statement ${s.statement_no}`,
    <>
      <Notice msg={state.done} />
      <ErrorBox msg={state.error} />
      <section class="panel">
        <Summary s={s} age={view.age} />
      </section>
      {finance && <Actions s={s} payee={payee ? payeeView(payee) : null} state={state} />}
      <section class="panel" aria-labelledby="lines-h">
        <h2 id="lines-h">
          <T zh="订单明细" en="Orders" />
        </h2>
        {lines.items.length === 0 ? <p>本页没有明细 No lines on this page.</p> : <Lines lines={lines.items} />}
        <p class="pager links">
          {opts.cursor && (
            <a href={base}>
              <T zh="第一页" en="First page" />
            </a>
          )}
          {lines.cursor && (
            <a href={`${base}?cursor=${encodeURIComponent(lines.cursor)}`} rel="next">
              <T zh="下一页" en="Next" />
            </a>
          )}
        </p>
      </section>
      <p class="links">
        <a href={`/staff/settlement/statements?status=${s.status}`}>
          <T zh="返回列表" en="Back to the list" />
        </a>
      </p>
    </>,
    { status: opts.status ?? 200 },
  );
};

/** A form action: redirect back with `done`, or the statement page again with the error inline. */
const act = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  id: string,
  fn: () => Promise<Statement>,
  doneOf: (s: Statement) => keyof typeof SETTLE_DONE,
) => {
  const r = await expected(ACT_ERRORS, fn);
  if (!r.ok) return statementPage(c, deps, p, id, { error: msgOfError(r.error) }, { status: r.error.status });
  return c.redirect(`/staff/settlement/statements/${id}?done=${doneOf(r.value)}`, 303);
};

const invalid = (c: Ctx, deps: Deps, p: StaffP, id: string, fields: Record<string, Msg>, values = {}) =>
  statementPage(
    c,
    deps,
    p,
    id,
    { error: { zh: '请按提示改正', en: 'Please fix the marked field' }, fields, values },
    {
      status: 400,
    },
  );

const ReasonBody = z.object({ reason: z.optional(z.string().check(z.maxLength(400))) });
const OutcomeBody = z.object({
  outcome: z.enum(['paid', 'failed']),
  bank_ref: z.optional(z.string().check(z.maxLength(200))),
  fail_reason: z.optional(z.string().check(z.maxLength(400))),
});

/** The first issue of a free text field, worded by the message table. */
const textIssue = (value: string, min: number, max: number): Msg | null => {
  const r = FreeText(min, max).safeParse(value);
  if (r.success) return null;
  const [i] = zodFields(r.error);
  return fieldMsg(i ?? { path: '', code: 'INVALID_FORMAT', message: '' });
};

export const staffStatementRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/staff/settlement/statements/:statement_id',
    access: { roles: SETTLEMENT_READERS },
    tags: ['pages'],
    page: true,
    summary: 'A statement in my area: amounts, age, status, payout, its orders page by page, and the actions',
    params: StatementP,
    query: z.object({ ...SettleDoneQ.shape, cursor: z.optional(z.string().check(z.maxLength(800))) }),
    handler(c, { params, query, principal: p }) {
      const done = query.done ? SETTLE_DONE[query.done] : undefined;
      return statementPage(c, deps, p, params.statement_id, { done }, { cursor: query.cursor });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/settlement/statements/:statement_id/approve',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: 'Approve a statement (audited; the merchant is told)',
    params: StatementP,
    bodyKind: 'form',
    handler(c, { params, principal: p }) {
      const id = params.statement_id;
      return act(
        c,
        deps,
        p,
        id,
        () => approveStatement(settlementDeps(deps), id, reviewerOf(p)),
        () => 'approved',
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/settlement/statements/:statement_id/return',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: 'Return a statement with a reason (audited)',
    params: StatementP,
    bodyKind: 'form',
    body: ReasonBody,
    handler(c, { params, body, principal: p }) {
      const id = params.statement_id;
      const reason = (body.reason ?? '').trim();
      const bad = textIssue(reason, 2, 200);
      if (bad) return invalid(c, deps, p, id, { reason: bad }, { reason });
      return act(
        c,
        deps,
        p,
        id,
        () => returnStatement(settlementDeps(deps), id, reason, reviewerOf(p)),
        () => 'returned',
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/settlement/statements/:statement_id/resubmit',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: 'Put a returned statement back in the approval queue (audited)',
    params: StatementP,
    bodyKind: 'form',
    handler(c, { params, principal: p }) {
      const id = params.statement_id;
      return act(
        c,
        deps,
        p,
        id,
        () => resubmitStatement(settlementDeps(deps), id, reviewerOf(p)),
        () => 'resubmitted',
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/settlement/statements/:statement_id/pay',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: 'Pay an approved statement by Stripe transfer, or retry a failed or unanswered one',
    params: StatementP,
    bodyKind: 'form',
    handler(c, { params, principal: p }) {
      const id = params.statement_id;
      return act(
        c,
        deps,
        p,
        id,
        () => payByStripe(settlementDeps(deps), id, reviewerOf(p)),
        (s) => (s.status === 'paid' ? 'paid' : 'pay_refused'),
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/settlement/statements/:statement_id/bank-outcome',
    access: { roles: FINANCE },
    tags: ['pages'],
    page: true,
    summary: 'Mark a bank-paid statement paid (bank reference) or failed (reason)',
    params: StatementP,
    bodyKind: 'form',
    body: OutcomeBody,
    async handler(c, { params, body, principal: p }) {
      const id = params.statement_id;
      const { markBankOutcome } = await import('@tmc/core/settlement/bank');
      if (body.outcome === 'paid') {
        const ref = (body.bank_ref ?? '').trim();
        if (!BANK_REF_RE.test(ref))
          return invalid(c, deps, p, id, { bank_ref: fieldMsg({ path: '', code: 'INVALID_FORMAT', message: '' }) });
        const outcome = { paid: true as const, bank_ref: ref };
        return act(
          c,
          deps,
          p,
          id,
          () => markBankOutcome(settlementDeps(deps), id, outcome, reviewerOf(p)),
          () => 'paid',
        );
      }
      const reason = (body.fail_reason ?? '').trim();
      const bad = textIssue(reason, 2, 200);
      if (bad) return invalid(c, deps, p, id, { fail_reason: bad });
      const outcome = { paid: false as const, reason };
      return act(
        c,
        deps,
        p,
        id,
        () => markBankOutcome(settlementDeps(deps), id, outcome, reviewerOf(p)),
        () => 'failed',
      );
    },
  }),
];
