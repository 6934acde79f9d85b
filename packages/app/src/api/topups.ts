// Family top-up over HTTP: start a payment (Idempotency-Key), read one or an elder's list, the
// provider's webhook (public, signed, raw body), and the staff refund of unspent points. Outside
// production, with the fake gateway, a dev page stands in for the provider's checkout.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { getElderOrThrow } from '@tmc/core/elders/service';
import {
  RefundInput,
  toTopupView,
  TopupId,
  TopupInput,
  TopupView,
  TOPUP_PAGE_MAX,
  type Topup,
} from '@tmc/core/topups/model';
import type { WebhookResult } from '@tmc/core/topups/service';
import type { Principal } from '@tmc/core/auth/service';
import { isFakeGateway, type FakeEventType, type FakeGateway } from '@tmc/payments/fake';
import { defineRoute, pathElder, queryInt } from '../http/route';
import { ElderIdParam } from './elders';
import { assertAreaInScope } from '@tmc/core/elders/access';
import { idempotencyOf, markReplay } from '../http/idempotency';
import type { Idem } from '@tmc/core/ledger/service';
import { policyNow } from '../compose/policy-now';
import type { Ctx } from '../http/context';
import type { Deps } from '../compose/deps';

// The payment flow loads with the first top-up request, not at every cold start of the API.
const flow = () => import('@tmc/core/topups/service');

const TopupIdP = z.object({ topup_id: TopupId });
const ElderIdP = z.object({ elder_id: ElderIdParam });
// staff may start one for an elder at the community office
const PAYERS = ['family', 'admin', 'district', 'street'] as const;
/** Staff who read an elder's top-ups (API and the staff top-ups page). */
export const STAFF_READERS = ['admin', 'district', 'street', 'finance'] as const;
/** Who refunds a top-up (API and the staff top-ups page). */
export const REFUNDERS = ['admin', 'finance'] as const;

const Started = z.object({
  topup_id: z.string(),
  redirect_url: z.nullable(z.string()),
  status: TopupView.shape.status,
  amount_fen: z.int(),
  amount_points: z.int(),
});
const WebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string() });

/** The payer sees their own top-up; staff see those of elders in their area. Others learn nothing. */
const loadVisible = async (c: Ctx, p: Principal, topup_id: string): Promise<Topup> =>
  loadVisibleTopup(c.get('deps'), p, topup_id);

export const loadVisibleTopup = async (deps: Deps, p: Principal, topup_id: string): Promise<Topup> => {
  const t = await deps.topups.get(topup_id);
  if (!t) throw new AppError('TOPUP_NOT_FOUND');
  if (p.kind === 'staff') {
    assertAreaInScope(p, (await getElderOrThrow(deps, t.elder_id)).community_code);
    return t;
  }
  if (t.payer !== p.sub) throw new AppError('TOPUP_NOT_FOUND');
  return t;
};

/** A staff refund of a top-up the caller may see: POST /api/topups/:id/refund and the staff page. */
export const refundTopupAs = async (
  deps: Deps,
  p: Principal,
  topup_id: string,
  reason: string,
  idem: Idem,
  request_id: string,
) => {
  await loadVisibleTopup(deps, p, topup_id);
  // the audit record is written with the refund itself (refundTopup), once however many requests race
  return (await flow()).refundTopup(deps, { topup_id, reason, actor: p.sub, idem, request_id });
};

/** An elder's top-ups, newest first (the caller already passed the elder-access rule). */
export const topupsOfElder = async (deps: Deps, elder_id: string, limit: number, cursor?: string) =>
  deps.topups.listByElder(elder_id, limit, cursor);

const logWebhook = (deps: Deps, request_id: string, r: WebhookResult) => {
  const odd = r.outcome === 'unknown_topup' || r.outcome === 'amount_mismatch';
  // ids and outcome only: the body is the provider's and may carry personal data
  deps.logger.log(odd || r.notice_error ? 'warn' : 'info', 'payment webhook', {
    request_id,
    provider: deps.payments.provider,
    event_id: r.event_id,
    type: r.type,
    outcome: r.outcome,
    duplicate: r.duplicate,
    notice_error: r.notice_error,
  });
};

export const topupRoutes = (deps: Deps) => [
  defineRoute({
    method: 'post',
    path: '/api/topups',
    access: { roles: PAYERS },
    tags: ['topups'],
    summary:
      'Start a top-up for an elder (bound family, or staff in scope); answers ' +
      'where to pay. Idempotency-Key required: a retry returns the same ' +
      'checkout.',
    body: TopupInput,
    response: Started,
    successStatus: 201,
    errors: [
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
      'ELDER_NOT_FOUND',
      'ELDER_INACTIVE',
      'OUT_OF_SCOPE',
      'TOPUP_AMOUNT_INVALID',
      'TOPUP_DAILY_LIMIT',
      'PAYMENT_METHOD_UNAVAILABLE',
      'POLICY_MISSING',
      'PAYMENT_PROVIDER_FAILED',
      'PAYMENTS_UNAVAILABLE',
      'CONFLICT',
    ],
    async handler(c, { body, principal: p }) {
      const deps = c.get('deps');
      const idem = idempotencyOf(c, body);
      const r = await (
        await flow()
      ).startTopup(deps, { principal: p, policy: await policyNow(deps), input: body, idempotency_key: idem.key });
      markReplay(c, r.replayed);
      const v = toTopupView(r.topup, p.sub);
      return c.json(
        {
          topup_id: v.topup_id,
          redirect_url: v.redirect_url,
          status: v.status,
          amount_fen: v.amount_fen,
          amount_points: v.amount_points,
        },
        201,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/topups/:topup_id',
    access: { roles: ['family', ...STAFF_READERS] },
    tags: ['topups'],
    summary: 'One top-up: the family member who made it, or staff in scope',
    params: TopupIdP,
    response: TopupView,
    errors: ['TOPUP_NOT_FOUND', 'OUT_OF_SCOPE', 'ELDER_NOT_FOUND'],
    async handler(c, { params, principal: p }) {
      return c.json(toTopupView(await loadVisible(c, p, params.topup_id), p.sub));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/elders/:elder_id/topups',
    access: { roles: ['elder', 'family', ...STAFF_READERS] },
    tags: ['topups'],
    summary: "An elder's top-ups, newest first, paged (the elder, bound family, staff in scope)",
    params: ElderIdP,
    query: z.object({
      limit: z.optional(queryInt(1, TOPUP_PAGE_MAX)),
      cursor: z.optional(z.string().check(z.maxLength(500))),
    }),
    response: z.object({ items: z.array(TopupView), cursor: z.nullable(z.string()) }),
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE'],
    async handler(c, { query, principal: p, elder }) {
      const deps = c.get('deps');
      const page = await topupsOfElder(deps, pathElder(elder).elder_id, query.limit ?? 20, query.cursor);
      return c.json({ items: page.items.map((t) => toTopupView(t, p.sub)), cursor: page.cursor });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/payments/webhook',
    access: { public: true },
    tags: ['topups'],
    summary:
      'Payment provider notifications. The signature is checked on the raw ' +
      'body before anything is parsed; unsigned, tampered or stale (over 5 ' +
      'minutes) -> 400 and nothing changes; an event already processed -> 200 ' +
      'with duplicate true.',
    response: WebhookAck,
    errors: ['WEBHOOK_SIGNATURE_INVALID', 'WEBHOOK_STALE', 'MALFORMED_JSON', 'CONFLICT'],
    // No `body` schema on purpose: the route layer would parse JSON, and a signature is over bytes.
    async handler(c) {
      const deps = c.get('deps');
      const raw = await c.req.text();
      const r = await (
        await flow()
      ).handleWebhook(
        {
          ...deps,
          // the event is a cue: the account's state now is asked of the provider (events may come out of order)
          accountUpdated: async (a) =>
            (await import('@tmc/core/settlement/payee-service')).recordStripeReadiness(
              deps,
              a.account_ref,
              await deps.payments.accountReady(a.account_ref),
            ),
        },
        raw,
        c.req.header(deps.payments.signature_header),
      );
      logWebhook(deps, c.get('requestId'), r);
      return c.json({ received: true as const, duplicate: r.duplicate, outcome: r.outcome });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/topups/:topup_id/refund',
    access: { roles: REFUNDERS },
    tags: ['topups'],
    summary:
      'Refund the unspent points of a paid top-up to the payer (spent points ' +
      'stay spent; never twice). Idempotency-Key required.',
    params: TopupIdP,
    body: RefundInput,
    response: TopupView,
    errors: [
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
      'TOPUP_NOT_FOUND',
      'TOPUP_NOT_PAID',
      'TOPUP_NOTHING_TO_REFUND',
      'OUT_OF_SCOPE',
      'INSUFFICIENT_POINTS',
      'PAYMENT_PROVIDER_FAILED',
      'PAYMENTS_UNAVAILABLE',
      'CONFLICT',
    ],
    async handler(c, { params, body, principal: p }) {
      const idem = idempotencyOf(c, body);
      const r = await refundTopupAs(c.get('deps'), p, params.topup_id, body.reason, idem, c.get('requestId'));
      markReplay(c, r.replayed);
      return c.json(toTopupView(r.topup, p.sub));
    },
  }),
  // Lambda bundles run STAGE=production only, where this page is never mounted: leave its code out (esbuild define)
  ...(process.env.TMC_LAMBDA_BUNDLE === '1' ? [] : devPayRoutes(deps)),
];

// ---- local only: the fake provider's checkout page

const DEV_ACTIONS = { succeed: '支付成功', fail: '支付失败', twice: '重复通知' } as const;
type DevAction = keyof typeof DEV_ACTIONS;
const esc = (s: string) =>
  s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);
const page = (title: string, inner: string) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font:18px/1.5 system-ui,sans-serif;margin:16px;color:#111}
button{font-size:20px;min-height:48px;min-width:160px;margin:8px 8px 8px 0}</style></head>
<body>${inner}</body></html>`;

/** Signs the event as the provider would and runs it through the same verify-then-apply path as
 * POST /api/payments/webhook (the handler the route calls), so the page proves that path. */
const deliver = async (deps: Deps, g: FakeGateway, t: Topup, action: DevAction): Promise<WebhookResult[]> => {
  const type: FakeEventType = action === 'fail' ? 'payment.failed' : 'payment.succeeded';
  const signed = g.signEvent({ type, topup_id: t.topup_id, amount_fen: t.amount_fen }, deps.clock.now());
  const times = action === 'twice' ? 2 : 1;
  const out: WebhookResult[] = [];
  const { handleWebhook } = await flow();
  for (let i = 0; i < times; i++) out.push(await handleWebhook(deps, signed.body, signed.header));
  return out;
};

const devPayRoutes = (deps: Deps) => {
  if (deps.stage === 'production' || !isFakeGateway(deps.payments)) return [];
  const g = deps.payments;
  return [
    defineRoute({
      method: 'get',
      path: '/dev/pay/:topup_id',
      access: { public: true },
      tags: ['dev'],
      page: true,
      summary: "Local only: the fake payment provider's checkout page",
      params: TopupIdP,
      async handler(c, { params }) {
        const t = await deps.topups.get(params.topup_id);
        if (!t) throw new AppError('TOPUP_NOT_FOUND');
        const buttons = (Object.keys(DEV_ACTIONS) as DevAction[])
          .map(
            (a) =>
              `<form method="post" action="/dev/pay/${esc(t.topup_id)}/${a}"><button type="submit">` +
              `${DEV_ACTIONS[a]}</button></form>`,
          )
          .join('');
        return c.html(
          page(
            '模拟支付 Fake checkout',
            `<h1>模拟支付 Fake checkout</h1><p>本地开发专用（生产环境不存在此页）。Local only.</p>
<p>充值 ¥${(t.amount_fen / 100).toFixed(2)}，${t.amount_points} 积分。状态：${esc(t.status)}</p>${buttons}`,
          ),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/dev/pay/:topup_id/:action',
      access: { public: true },
      tags: ['dev'],
      page: true,
      summary: 'Local only: deliver a signed fake payment notification (success, failure, or the same one twice)',
      params: z.extend(TopupIdP, { action: z.enum(['succeed', 'fail', 'twice']) }),
      async handler(c, { params }) {
        const t = await deps.topups.get(params.topup_id);
        if (!t) throw new AppError('TOPUP_NOT_FOUND');
        const results = await deliver(deps, g, t, params.action);
        const lines = results
          .map((r, i) => `<li>第 ${i + 1} 次通知：${esc(r.outcome)}${r.duplicate ? '（重复，已忽略）' : ''}</li>`)
          .join('');
        // as the real provider does, send the payer back to the top-up's result page (Stripe's return URL)
        const back = params.action === 'fail' ? 'cancelled=1' : 'paid=1';
        return c.html(
          page(
            '模拟支付结果',
            `<h1>${DEV_ACTIONS[params.action]}</h1><ul>${lines}</ul><p><a href="/family/topups/` +
              `${esc(t.topup_id)}?${back}">返回充值结果 Back to the top-up</a></p><p><a href="/dev/pay/` +
              `${esc(t.topup_id)}">返回 Back</a></p>`,
          ),
        );
      },
    }),
  ];
};
