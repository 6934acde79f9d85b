// Paying statements (issue 10): Stripe Connect transfers, bank batch files with mark-paid and the
// bank's result file, and each merchant's payout details (bank account sealed, reveal audited).
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { FreeText } from '@tmc/core/kernel/text';
import { MerchantId } from '@tmc/core/kernel/ids';
import { PayeeInput } from '@tmc/core/settlement/payee';
const payees = () => import('@tmc/core/settlement/payee-service');
import { defineRoute } from '../http/route';
import { settlementDeps } from '../compose/settlement-deps';
import { csvResponse, FINANCE, reviewerOf, statementView, StatementIdParam } from './settlement';

const bank = () => import('@tmc/core/settlement/bank');
const BatchIdParam = z.object({ batch_id: z.string().check(z.regex(/^b_\d{14}_[0-9a-f]{6}$/)) });
const StatementOut = z.looseObject({ statement_id: z.string(), status: z.string() });

export const payoutRoutes = () => [
  defineRoute({
    method: 'post',
    path: '/api/settlement/statements/:statement_id/pay',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary:
      'Pay an approved statement by Stripe Connect transfer, or retry a failed or unanswered one. The ' +
      'idempotency key is the statement and its attempt: a retry after a lost response cannot pay twice.',
    params: StatementIdParam,
    response: z.object({ statement: StatementOut }),
    errors: [
      'STATEMENT_NOT_FOUND',
      'STATEMENT_STATE_CONFLICT',
      'PAYEE_MISSING',
      'PAYOUT_METHOD_MISMATCH',
      'PAYOUT_ACCOUNT_NOT_READY',
      'PAYMENT_PROVIDER_FAILED',
      'PAYMENTS_UNAVAILABLE',
      'INSUFFICIENT_POINTS',
      'CONFLICT',
    ],
    async handler(c, { params, principal }) {
      const deps = c.get('deps');
      const s = await (
        await import('@tmc/core/settlement/payout')
      ).payByStripe(settlementDeps(deps), params.statement_id, reviewerOf(principal));
      return c.json({ statement: statementView(s, deps.clock.now()) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/settlement/statements/:statement_id/bank-outcome',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: 'Mark a bank-paid statement paid (with the bank reference) or failed (with the reason)',
    params: StatementIdParam,
    body: z.union([
      z.object({ paid: z.literal(true), bank_ref: z.string().check(z.regex(/^[A-Za-z0-9_-]{4,64}$/)) }),
      z.object({ paid: z.literal(false), reason: FreeText(2, 200) }),
    ]),
    response: z.object({ statement: StatementOut }),
    errors: [
      'STATEMENT_NOT_FOUND',
      'STATEMENT_STATE_CONFLICT',
      'PAYOUT_METHOD_MISMATCH',
      'INSUFFICIENT_POINTS',
      'CONFLICT',
    ],
    async handler(c, { params, body, principal }) {
      const deps = c.get('deps');
      const { markBankOutcome } = await bank();
      const s = await markBankOutcome(settlementDeps(deps), params.statement_id, body, reviewerOf(principal));
      return c.json({ statement: statementView(s, deps.clock.now()) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/settlement/batches',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: 'Make a bank batch of approved statements of bank-paid merchants (the given ones, or all, up to 500)',
    body: z.object({
      statement_ids: z.optional(z.array(z.string().check(z.maxLength(80))).check(z.minLength(1), z.maxLength(500))),
    }),
    successStatus: 201,
    errors: ['STATEMENT_NOT_FOUND', 'STATEMENT_STATE_CONFLICT'],
    async handler(c, { body, principal }) {
      const deps = c.get('deps');
      const { createBankBatch } = await bank();
      const r = await createBankBatch(settlementDeps(deps), reviewerOf(principal), body.statement_ids);
      return c.json({ batch: r.batch, statements: r.statements.map((s) => statementView(s, deps.clock.now())) }, 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/settlement/batches',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: 'The latest bank batches',
    async handler(c) {
      return c.json({ items: await c.get('deps').batches.recent(50) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/settlement/batches/:batch_id/file',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: 'The bank batch file (GBK or UTF-8 with BOM) for the bank portal; reading the accounts is audited',
    params: BatchIdParam,
    query: z.object({ encoding: z._default(z.enum(['gbk', 'utf8-bom']), 'gbk') }),
    errors: ['BATCH_NOT_FOUND', 'STATEMENT_STATE_CONFLICT'],
    async handler(c, { params, query, principal }) {
      const { bankBatchFile } = await bank();
      const f = await bankBatchFile(
        settlementDeps(c.get('deps')),
        params.batch_id,
        query.encoding,
        reviewerOf(principal),
      );
      const res = csvResponse(f.bytes, f.filename, query.encoding);
      res.headers.set('cache-control', 'no-store'); // full account numbers: never kept by a cache
      if (f.payee_changed.length > 0) res.headers.set('x-payee-changed', f.payee_changed.join(','));
      return res;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/settlement/batches/:batch_id/results',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary:
      "Upload the bank's result file of a batch (CSV, GBK or UTF-8): each row marks its statement paid or " +
      'failed, if the statement is still in that batch',
    params: BatchIdParam,
    bodyKind: 'csv',
    errors: [
      'BATCH_NOT_FOUND',
      'CSV_ENCODING_UNSUPPORTED',
      'CSV_HEADER_INVALID',
      'CSV_TOO_MANY_ROWS',
      'PAYLOAD_TOO_LARGE',
    ],
    async handler(c, { raw, params, principal }) {
      if (!raw || raw.length === 0)
        throw new AppError('VALIDATION_FAILED', {
          fields: [{ path: 'body', code: 'EMPTY_FILE', message: 'empty file' }],
        });
      const { applyBankResult } = await bank();
      return c.json(await applyBankResult(settlementDeps(c.get('deps')), params.batch_id, raw, reviewerOf(principal)));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/merchants/:merchant_id/payee',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: "A merchant's payout details, the account number masked",
    params: z.object({ merchant_id: MerchantId }),
    async handler(c, { params }) {
      const p = await c.get('deps').payees.get(params.merchant_id);
      return c.json({ payee: p ? (await payees()).payeeView(p) : null });
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/merchants/:merchant_id/payee',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: "Set a merchant's bank account for bank-transfer payouts (sealed at rest; audited)",
    params: z.object({ merchant_id: MerchantId }),
    body: PayeeInput,
    errors: ['MERCHANT_NOT_FOUND', 'CONFLICT'],
    async handler(c, { params, body, principal }) {
      const deps = c.get('deps');
      if (!(await deps.merchants.getMerchant(params.merchant_id))) throw new AppError('MERCHANT_NOT_FOUND');
      return c.json({
        payee: await (await payees()).setBankPayee(settlementDeps(deps), params.merchant_id, body, principal.sub),
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/merchants/:merchant_id/payee/reveal',
    access: { roles: FINANCE },
    tags: ['settlement'],
    summary: "Show a merchant's full bank account number (audited)",
    params: z.object({ merchant_id: MerchantId }),
    errors: ['PAYEE_MISSING'],
    async handler(c, { params, principal }) {
      c.header('cache-control', 'no-store');
      return c.json({
        account_no: await (await payees()).revealPayeeAccount(c.get('deps'), params.merchant_id, principal.sub),
      });
    },
  }),
];
