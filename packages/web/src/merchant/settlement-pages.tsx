// The merchant's 结算 page, on the shop phone: its statements newest first with amount, status, age
// and when and how each was paid, what is owed and what was paid, each statement's orders and its
// CSV, and how the shop is paid (a bank account, or Stripe onboarding). The same reads and core
// services as the API (app api/merchant-settlement.ts); another shop's statement is not found.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { STATEMENT_ID_RE, UNPAID_STATUSES, type Statement } from '@tmc/core/settlement/model';
import { statementLines } from '@tmc/core/settlement/reports';
import { StatementPage } from './statement-page';
import { payeeView, stripeOnboarding, type PayeeView } from '@tmc/core/settlement/payee-service';
import { defineRoute, type Ctx, type Deps, type RouteDef } from '@tmc/app/public';
import { allLines, csvResponse, ownStatement, statementView } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import type { MerchantP } from '../kit/principal';
import { ErrorBox, Notice, PostButton, expected, msgOfError, type Msg } from '../kit/ui';
import {
  Age,
  chinaMinute,
  METHOD_MSG,
  PayeeFields,
  PayeeForm,
  savePayeeForm,
  Status,
  Yuan,
  type PayeeState,
} from '../kit/settlement-ui';

const STATEMENTS_PAGE = 24; // a year of half-month periods
const STATEMENTS_MAX_PAGES = 10; // the totals read at most this many pages (ten years, biweekly)
const LINES_PAGE = 50;

const DONE = {
  payee_saved: { zh: '收款账户已保存', en: 'Payout account saved' },
  stripe_back: { zh: '已从 Stripe 返回；开通完成后会自动生效', en: 'Back from Stripe; it takes effect once ready' },
} as const satisfies Record<string, Msg>;
type Done = keyof typeof DONE;
const DoneQ = z.object({ done: z.optional(z.enum(Object.keys(DONE) as [Done, ...Done[]])) });
const StatementP = z.object({ statement_id: z.string().check(z.regex(STATEMENT_ID_RE)) });

const Item = (props: { s: Statement; now: Date }) => {
  const s = props.s;
  return (
    <li>
      <h3>
        <a href={`/merchant/settlement/${s.statement_id}`}>
          <T zh={`${s.period} 结算单`} en={`Statement ${s.period}`} />
        </a>
      </h3>
      <p>
        <b class="price">
          <Yuan fen={s.amount_fen} />
        </b>{' '}
        <Status s={s.status} />
      </p>
      <p class="wrap num">{s.statement_no}</p>
      <p>
        <Age age={statementView(s, props.now).age} />
      </p>
      {s.paid_at && (
        <p class="wrap">
          <T zh="付款于" en="Paid" /> {chinaMinute(s.paid_at)}
          {s.payout?.ref && <span class="num"> · {s.payout.ref}</span>}
        </p>
      )}
      {s.status === 'returned' && s.returned_reason && (
        <p>
          <T zh={`退回原因：${s.returned_reason}`} en="Returned by finance" />
        </p>
      )}
    </li>
  );
};

const PayeePanel = (props: { payee: PayeeView | null; state: PayeeState }) => {
  const p = props.payee;
  const v = props.state.values ?? {};
  const f = props.state.fields ?? {};
  return (
    <section class="panel" aria-labelledby="payee-h">
      <h2 id="payee-h">
        <T zh="收款账户" en="How you are paid" />
      </h2>
      <ErrorBox msg={props.state.error} />
      {p ? (
        <dl class="kv">
          <dt>
            <T zh="方式" en="Method" />
          </dt>
          <dd>
            <T zh={METHOD_MSG[p.method].zh} en={METHOD_MSG[p.method].en} />
            {p.method === 'stripe' && (p.stripe_ready ? '（已开通）' : '（尚未开通）')}
          </dd>
          {p.account_masked && (
            <>
              <dt>
                <T zh="账号" en="Account" />
              </dt>
              <dd class="num">{p.account_masked}</dd>
              <dt>
                <T zh="户名" en="Name" />
              </dt>
              <dd>{p.payee_name}</dd>
              <dt>
                <T zh="银行" en="Bank" />
              </dt>
              <dd>{p.bank_name}</dd>
            </>
          )}
        </dl>
      ) : (
        <p>
          <T zh="还没有登记收款账户，登记后才能收到结算款。" en="No payout account yet: add one to be paid." block />
        </p>
      )}
      <form method="post" action="/merchant/settlement/payee">
        <PayeeFields values={v} fields={f} />
        <button type="submit" class="btn">
          <T zh={p?.account_masked ? '更换银行账户' : '保存银行账户'} en="Save the bank account" />
        </button>
      </form>
      <PostButton
        action="/merchant/settlement/stripe"
        label={{ zh: '改用 Stripe 收款', en: 'Get paid by Stripe' }}
        cls="btn-2"
      />
    </section>
  );
};

const SettlementHome = (props: {
  view: View;
  now: Date;
  items: Statement[];
  payee: PayeeView | null;
  state: PayeeState;
}) => {
  const owed = props.items.filter((s) => UNPAID_STATUSES.includes(s.status)).reduce((a, s) => a + s.amount_fen, 0);
  const paid = props.items.filter((s) => s.status === 'paid').reduce((a, s) => a + s.amount_fen, 0);
  return (
    <H5Layout view={props.view} title="结算" titleEn="Settlement">
      <Notice msg={props.state.done} />
      <section class="panel" aria-labelledby="sum-h">
        <h2 id="sum-h">
          <T zh="合计" en="Totals" />
        </h2>
        <dl class="kv">
          <dt>
            <T zh="待付给您" en="Owed to you" />
          </dt>
          <dd>
            <b class="price" id="owed">
              <Yuan fen={owed} />
            </b>
          </dd>
          <dt>
            <T zh="已付给您" en="Paid to you" />
          </dt>
          <dd id="paid">
            <Yuan fen={paid} />
          </dd>
        </dl>
      </section>
      <section class="panel" aria-labelledby="list-h">
        <h2 id="list-h">
          <T zh="结算单" en="Statements" />
        </h2>
        {props.items.length === 0 ? (
          <p>
            <T zh="还没有结算单。每个结算周期结束后出账。" en="No statements yet." block />
          </p>
        ) : (
          <ul class="list">
            {props.items.map((s) => (
              <Item s={s} now={props.now} />
            ))}
          </ul>
        )}
      </section>
      <PayeePanel payee={props.payee} state={props.state} />
      <a class="btn btn-2" href="/merchant">
        <T zh="返回首页" en="Back home" />
      </a>
    </H5Layout>
  );
};

/** All of the shop's statements (bounded), newest first: the totals must count every unpaid one. */
const statementsOf = async (deps: Deps, merchant_id: string): Promise<Statement[]> => {
  const out: Statement[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < STATEMENTS_MAX_PAGES; i++) {
    const page = await deps.settlement.byMerchant(merchant_id, STATEMENTS_PAGE, cursor);
    out.push(...page.items);
    cursor = page.cursor ?? undefined;
    if (!cursor) break;
  }
  return out;
};

const settlementHome = async (c: Ctx, deps: Deps, p: MerchantP, state: PayeeState, status = 200) => {
  const [items, payee] = await Promise.all([statementsOf(deps, p.merchant_id), deps.payees.get(p.merchant_id)]);
  return render(
    c,
    <SettlementHome
      view={viewOf(c)}
      now={deps.clock.now()}
      items={items}
      payee={payee ? payeeView(payee) : null}
      state={state}
    />,
    { status },
  );
};

export const merchantSettlementRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/merchant/settlement',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: 'My statements newest first, what is owed and paid, and how I am paid',
    query: DoneQ,
    handler(c, { query, principal: p }) {
      return settlementHome(c, deps, p, { done: query.done ? DONE[query.done] : undefined });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/merchant/settlement/payee',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: 'Set my bank account for payouts (sealed at rest; audited)',
    bodyKind: 'form',
    body: PayeeForm,
    async handler(c, { body, principal: p }) {
      if (!(await deps.merchants.getMerchant(p.merchant_id))) throw new AppError('MERCHANT_NOT_FOUND');
      const r = await savePayeeForm(deps, p.merchant_id, body, p.sub);
      if (!r.ok) return settlementHome(c, deps, p, r.state, r.status);
      return c.redirect('/merchant/settlement?done=payee_saved', 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/merchant/settlement/stripe',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: "Open (once) my Stripe connected account and go to Stripe's onboarding",
    bodyKind: 'form',
    async handler(c, { principal: p }) {
      const m = await deps.merchants.getMerchant(p.merchant_id);
      if (!m) throw new AppError('MERCHANT_NOT_FOUND');
      const back = `${deps.publicUrl}/merchant/settlement?done=stripe_back`;
      const r = await expected(['PAYMENTS_UNAVAILABLE', 'PAYMENT_PROVIDER_FAILED', 'CONFLICT'], () =>
        stripeOnboarding({ ...deps, gateway: deps.payments }, m, { return_url: back, refresh_url: back }, p.sub),
      );
      if (!r.ok) return settlementHome(c, deps, p, { error: msgOfError(r.error) }, r.error.status);
      return c.redirect(r.value.url, 303);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/merchant/settlement/:statement_id',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: 'One of my statements with its orders, page by page',
    params: StatementP,
    query: z.object({ cursor: z.optional(z.string().check(z.maxLength(800))) }),
    async handler(c, { params, query, principal: p }) {
      const s = await ownStatement(deps, p.merchant_id, params.statement_id);
      const lines = await statementLines(deps, s, LINES_PAGE, query.cursor);
      return render(
        c,
        <StatementPage
          view={viewOf(c)}
          s={s}
          now={deps.clock.now()}
          lines={lines.items}
          cursor={lines.cursor}
          first={!query.cursor}
        />,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/merchant/settlement/:statement_id/file',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: 'One of my statements as CSV (its orders and the total; UTF-8 with BOM or GBK)',
    params: StatementP,
    query: z.object({ encoding: z._default(z.enum(['gbk', 'utf8-bom']), 'utf8-bom') }),
    async handler(c, { params, query, principal: p }) {
      const s = await ownStatement(deps, p.merchant_id, params.statement_id);
      const { statementLinesCsv } = await import('@tmc/core/settlement/exports');
      const bytes = statementLinesCsv(s, await allLines(deps, s), query.encoding);
      return csvResponse(bytes, `${s.statement_no}.csv`, query.encoding);
    },
  }),
];
