// Settlement for finance (issue 10): runs, statements (with their orders), review, the aging list
// and the bureau's total owed. Street and district officers read the statements of merchants in
// their area; finance and admin act. Payouts are in payouts.ts.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { FreeText } from '@tmc/core/kernel/text';
import { isWithin } from '@tmc/core/areas/model';
import { ageOf, STATEMENT_ID_RE, STATEMENT_STATUSES, streetKey, type Statement } from '@tmc/core/settlement/model';
import { isClosed, lastClosedPeriod, PERIOD_RE } from '@tmc/core/settlement/period';
// Finance's routes, a few staff a few times a month: their services load with the first such request.
const review = () => import('@tmc/core/settlement/review');
const reports = () => import('@tmc/core/settlement/reports');
import { defineRoute } from '../http/route';
import { policyNow } from '../compose/policy-now';
import { settlementDeps } from '../compose/settlement-deps';

export const SETTLEMENT_READERS = ['admin', 'finance', 'district', 'street'] as const;
export const FINANCE = ['admin', 'finance'] as const;

export const StatementIdParam = z.object({ statement_id: z.string().check(z.regex(STATEMENT_ID_RE)) });
const Encoding = z.optional(z.enum(['gbk', 'utf8-bom']));
const Cursor = z.optional(z.string().check(z.maxLength(800)));

/** A statement as the API shows it: with its age (late payment made visible). */
export const statementView = (s: Statement, now: Date) => ({ ...s, age: ageOf(s, now) });
const StatementOut = z.looseObject({ statement_id: z.string(), status: z.string(), amount_fen: z.number() });

const csvResponse = (bytes: Uint8Array, name: string, encoding: 'gbk' | 'utf8-bom') =>
  new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': `text/csv; charset=${encoding === 'gbk' ? 'gbk' : 'utf-8'}`,
      // the plain name for old clients, the UTF-8 one (Chinese in it) for the rest (RFC 6266)
      'content-disposition':
        `attachment; filename="${encodeURIComponent(name)}"; ` + `filename*=UTF-8''${encodeURIComponent(name)}`,
    },
  });
export { csvResponse };

export const settlementRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/settlement/runs',
    access: { roles: SETTLEMENT_READERS },
    tags: ['settlement'],
    summary: 'The latest settlement runs (one per period) with their progress, and the last closed period',
    async handler(c) {
      const deps = c.get('deps');
      const policy = await policyNow(deps).catch(() => null);
      return c.json({
        last_closed: lastClosedPeriod(deps.clock.now(), policy?.settlement_cadence ?? 'monthly'),
        items: await deps.settlement.recentRuns(24),
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/settlement/runs',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: 'Start (or resume) the settlement of a closed period; it runs in the background, merchant by merchant',
    body: z.object({
      period: z.optional(z.string().check(z.regex(PERIOD_RE))),
      resume: z._default(z.boolean(), false),
    }),
    successStatus: 202,
    errors: ['PERIOD_NOT_CLOSED', 'POLICY_MISSING'],
    async handler(c, { body, principal }) {
      const deps = c.get('deps');
      const policy = await policyNow(deps);
      const period = body.period ?? lastClosedPeriod(deps.clock.now(), policy.settlement_cadence);
      if (!isClosed(period, deps.clock.now())) throw new AppError('PERIOD_NOT_CLOSED', { details: { period } });
      await deps.jobs.start({ job: 'settlement', period, resume: body.resume, by: principal.sub });
      return c.json({ period, started: true as const }, 202);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/settlement/statements',
    access: { roles: SETTLEMENT_READERS },
    tags: ['settlement'],
    summary: 'Statements in a status (default: to approve), oldest period first, in the caller’s area',
    query: z.object({ status: z._default(z.enum(STATEMENT_STATUSES), 'issued'), cursor: Cursor }),
    async handler(c, { query, principal }) {
      const deps = c.get('deps');
      const page = await deps.settlement.byStatus(query.status, streetKey(principal.scope), 50, query.cursor);
      const now = deps.clock.now();
      const scope = principal.scope;
      return c.json({
        items: page.items
          .filter((s) => scope === null || isWithin(s.community_code, scope))
          .map((s) => statementView(s, now)),
        cursor: page.cursor,
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/settlement/statements/:statement_id',
    access: { roles: SETTLEMENT_READERS },
    tags: ['settlement'],
    summary: 'One statement with its age and a page of its lines (the orders behind it)',
    params: StatementIdParam,
    query: z.object({ cursor: Cursor }),
    errors: ['STATEMENT_NOT_FOUND'],
    async handler(c, { params, query, principal }) {
      const deps = c.get('deps');
      const s = await (await review()).statementInScope(deps, params.statement_id, principal.scope);
      const lines = await (await reports()).statementLines(deps, s, 100, query.cursor);
      return c.json({ statement: statementView(s, deps.clock.now()), lines: lines.items, cursor: lines.cursor });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/settlement/statements/:statement_id/approve',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: 'Approve a statement for payment (audited; the merchant is told)',
    params: StatementIdParam,
    response: z.object({ statement: StatementOut }),
    errors: ['STATEMENT_NOT_FOUND', 'STATEMENT_STATE_CONFLICT'],
    async handler(c, { params, principal }) {
      const deps = c.get('deps');
      const s = await (await review()).approveStatement(settlementDeps(deps), params.statement_id, by(principal));
      return c.json({ statement: statementView(s, deps.clock.now()) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/settlement/statements/:statement_id/return',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: 'Send a statement back with a reason (audited); it can be resubmitted after',
    params: StatementIdParam,
    body: z.object({ reason: FreeText(2, 200) }),
    response: z.object({ statement: StatementOut }),
    errors: ['STATEMENT_NOT_FOUND', 'STATEMENT_STATE_CONFLICT'],
    async handler(c, { params, body, principal }) {
      const deps = c.get('deps');
      const s = await (
        await review()
      ).returnStatement(settlementDeps(deps), params.statement_id, body.reason, by(principal));
      return c.json({ statement: statementView(s, deps.clock.now()) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/settlement/statements/:statement_id/resubmit',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: 'Put a returned statement back in the approval queue (audited)',
    params: StatementIdParam,
    response: z.object({ statement: StatementOut }),
    errors: ['STATEMENT_NOT_FOUND', 'STATEMENT_STATE_CONFLICT'],
    async handler(c, { params, principal }) {
      const deps = c.get('deps');
      const s = await (await review()).resubmitStatement(settlementDeps(deps), params.statement_id, by(principal));
      return c.json({ statement: statementView(s, deps.clock.now()) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/settlement/aging',
    access: { roles: SETTLEMENT_READERS },
    tags: ['settlement'],
    summary: 'Unpaid statements by age since their period closed (0–15, 16–30, 31–60, over 60 days), oldest first',
    async handler(c, { principal }) {
      const deps = c.get('deps');
      const r = await (await reports()).agingReport(deps, principal.scope, deps.clock.now());
      return c.json({ ...r, rows: r.rows.map((s) => ({ ...s })) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/settlement/owed',
    access: { roles: SETTLEMENT_READERS },
    tags: ['settlement'],
    summary: 'What the bureau owed merchants at an instant (receivable + settling), from the ledger',
    query: z.object({ at: z.optional(z.iso.datetime()) }),
    async handler(c, { query, principal }) {
      const deps = c.get('deps');
      const at = query.at ?? deps.clock.now().toISOString();
      const policy = await policyNow(deps).catch(() => null);
      const r = await (await reports()).owedAsOf(deps, new Date(at).toISOString(), principal.scope);
      return c.json({ ...r, fen_per_point: policy?.fen_per_point ?? null });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/settlement/payouts.csv',
    access: { roles: SETTLEMENT_READERS },
    tags: ['settlement'],
    summary: 'Payouts (statements paying, paid or failed) as CSV (UTF-8 with BOM, or GBK), at most 5,000 each',
    query: z.object({ encoding: Encoding }),
    async handler(c, { query, principal }) {
      const deps = c.get('deps');
      const { payoutsCsv } = await import('@tmc/core/settlement/exports');
      const rows: Statement[] = [];
      for (const status of ['paying', 'payout_failed', 'paid'] as const) {
        const before = rows.length;
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await deps.settlement.byStatus(status, streetKey(principal.scope), 100, cursor);
          for (const s of page.items)
            if (principal.scope === null || isWithin(s.community_code, principal.scope)) rows.push(s);
          cursor = page.cursor ?? undefined;
        } while (cursor && rows.length - before < 5_000 && ++pages < 100); // rows and pages both bounded
      }
      const enc = query.encoding ?? 'utf8-bom';
      return csvResponse(payoutsCsv(rows, enc), 'payouts.csv', enc);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/settlement/statements.csv',
    access: { roles: SETTLEMENT_READERS },
    tags: ['settlement'],
    summary: 'Statements in a status as CSV (UTF-8 with BOM, or GBK), at most 5,000',
    query: z.object({ status: z._default(z.enum(STATEMENT_STATUSES), 'issued'), encoding: Encoding }),
    async handler(c, { query, principal }) {
      const deps = c.get('deps');
      const { statementsCsv } = await import('@tmc/core/settlement/exports');
      const rows: Statement[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await deps.settlement.byStatus(query.status, streetKey(principal.scope), 100, cursor);
        for (const s of page.items)
          if (principal.scope === null || isWithin(s.community_code, principal.scope)) rows.push(s);
        cursor = page.cursor ?? undefined;
      } while (cursor && rows.length < 5_000 && ++pages < 100); // rows and pages both bounded
      const enc = query.encoding ?? 'utf8-bom';
      return csvResponse(statementsCsv(rows, deps.clock.now(), enc), `statements-${query.status}.csv`, enc);
    },
  }),
];

const by = (p: { sub: string; scope: string | null }) => ({ actor: p.sub, scope: p.scope });
export { by as reviewerOf };
