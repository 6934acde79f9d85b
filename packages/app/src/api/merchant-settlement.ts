// A merchant's own settlement (issue 10): its statements with amounts, status and age, each one's
// orders and CSV, and how it is paid (bank account, or Stripe Connect onboarding).
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { PayeeInput } from '@tmc/core/settlement/payee';
import type { StatementLine } from '@tmc/core/settlement/reports';

// A shop opens these a few times a month: loaded with the first such request, not at cold start.
const payees = () => import('@tmc/core/settlement/payee-service');
const statementLines: typeof import('@tmc/core/settlement/reports').statementLines = async (...a) =>
  (await import('@tmc/core/settlement/reports')).statementLines(...a);
import type { Statement } from '@tmc/core/settlement/model';
import { defineRoute } from '../http/route';
import { settlementDeps } from '../compose/settlement-deps';
import type { Deps } from '../compose/deps-type';
import { csvResponse, statementView, StatementIdParam } from './settlement';

/** What a shop sees of its statement: not who reviewed it, nor the provider's or bank's own words. */
const shopView = (s: Statement, now: Date) => {
  const { reviewed_by: _reviewer, payout, ...rest } = statementView(s, now);
  return {
    ...rest,
    payout: payout
      ? {
          method: payout.method,
          ref: payout.ref,
          started_at: payout.started_at,
          failed_at: payout.failure?.at ?? null,
        }
      : null,
  };
};

const Cursor = z.optional(z.string().check(z.maxLength(800)));
const LINES_MAX = 20_000; // a CSV of one statement: two months of a busy shop

/** The merchant's own statement; another shop's is not found. */
export const ownStatement = async (deps: Deps, merchant_id: string, statement_id: string): Promise<Statement> => {
  const s = await deps.settlement.statement(statement_id);
  if (!s || s.merchant_id !== merchant_id) throw new AppError('STATEMENT_NOT_FOUND');
  return s;
};

export const allLines = async (deps: Deps, s: Statement): Promise<StatementLine[]> => {
  const out: StatementLine[] = [];
  let cursor: string | undefined;
  do {
    const page = await statementLines(deps, s, 100, cursor);
    out.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor && out.length < LINES_MAX);
  return out;
};

export const merchantSettlementRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/merchant/statements',
    access: { roles: ['merchant'] },
    tags: ['settlement'],
    summary: 'My statements, newest first: amounts, status, age, what is owed and what is paid',
    query: z.object({ cursor: Cursor }),
    async handler(c, { query, principal }) {
      const deps = c.get('deps');
      const page = await deps.settlement.byMerchant(principal.merchant_id, 24, query.cursor);
      const now = deps.clock.now();
      return c.json({ items: page.items.map((s) => shopView(s, now)), cursor: page.cursor });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/merchant/statements/:statement_id',
    access: { roles: ['merchant'] },
    tags: ['settlement'],
    summary: 'One of my statements with a page of its orders',
    params: StatementIdParam,
    query: z.object({ cursor: Cursor }),
    errors: ['STATEMENT_NOT_FOUND'],
    async handler(c, { params, query, principal }) {
      const deps = c.get('deps');
      const s = await ownStatement(deps, principal.merchant_id, params.statement_id);
      const lines = await statementLines(deps, s, 100, query.cursor);
      return c.json({ statement: shopView(s, deps.clock.now()), lines: lines.items, cursor: lines.cursor });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/merchant/statements/:statement_id/file',
    access: { roles: ['merchant'] },
    tags: ['settlement'],
    summary: 'One of my statements as CSV (its orders and the total; UTF-8 with BOM or GBK)',
    params: StatementIdParam,
    query: z.object({ encoding: z._default(z.enum(['gbk', 'utf8-bom']), 'utf8-bom') }),
    errors: ['STATEMENT_NOT_FOUND'],
    async handler(c, { params, query, principal }) {
      const deps = c.get('deps');
      const s = await ownStatement(deps, principal.merchant_id, params.statement_id);
      const { statementLinesCsv } = await import('@tmc/core/settlement/exports');
      const bytes = statementLinesCsv(s, await allLines(deps, s), query.encoding);
      return csvResponse(bytes, `${s.statement_no}.csv`, query.encoding);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/merchant/payee',
    access: { roles: ['merchant'] },
    tags: ['settlement'],
    summary: 'How I am paid (the account number masked)',
    async handler(c, { principal }) {
      const p = await c.get('deps').payees.get(principal.merchant_id);
      return c.json({ payee: p ? (await payees()).payeeView(p) : null });
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/merchant/payee',
    access: { roles: ['merchant'] },
    tags: ['settlement'],
    summary: 'Set my bank account for payouts by bank transfer (sealed at rest; audited)',
    body: PayeeInput,
    errors: ['MERCHANT_NOT_FOUND', 'CONFLICT'],
    async handler(c, { body, principal }) {
      const deps = c.get('deps');
      if (!(await deps.merchants.getMerchant(principal.merchant_id))) throw new AppError('MERCHANT_NOT_FOUND');
      return c.json({
        payee: await (await payees()).setBankPayee(settlementDeps(deps), principal.merchant_id, body, principal.sub),
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/merchant/payee/stripe-onboarding',
    access: { roles: ['merchant'] },
    tags: ['settlement'],
    summary: 'Open (once) my Stripe connected account and get its onboarding link',
    errors: ['MERCHANT_NOT_FOUND', 'PAYMENTS_UNAVAILABLE', 'PAYMENT_PROVIDER_FAILED', 'CONFLICT'],
    async handler(c, { principal }) {
      const deps = c.get('deps');
      const m = await deps.merchants.getMerchant(principal.merchant_id);
      if (!m) throw new AppError('MERCHANT_NOT_FOUND');
      const back = `${deps.publicUrl}/merchant/settlement`;
      const link = await (
        await payees()
      ).stripeOnboarding(
        { ...deps, gateway: deps.payments },
        m,
        { return_url: back, refresh_url: back },
        principal.sub,
      );
      return c.json(link);
    },
  }),
];
