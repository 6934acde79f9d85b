// Family top-up pages (家属充值): choose an amount for a bound parent and go to pay (Stripe's
// checkout, or the local fake's page); the result page the provider sends the payer back to
// (/family/topups/:topup_id, Stripe's return URL); the parent's top-up history with refunds.
// Points are credited only by the provider's signed notification (the webhook), never by this
// page: the result page reads the top-up and says what is known so far.
// The screens are in topup-screens.tsx; this file holds the routes.
import * as z from 'zod/mini';
import { AppError, type ErrorCode } from '@tmc/core/kernel/errors';
import { wholeYuanToFen } from '@tmc/core/kernel/money';
import { TopupId } from '@tmc/core/topups/model';
import type { ElderRecord } from '@tmc/core/elders/model';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { loadElderFor } from '@tmc/core/elders/access';
import { policyNow } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { render, viewOf } from '../kit/layout';
import type { FamilyP } from '../kit/principal';
import { expected, msgOfError } from '../kit/ui';
import { FormKey, newFormKey } from '../kit/booking';
import { ElderId } from '@tmc/core/kernel/ids';
import { ResultPage, TopupPage, yuanText, type FormState } from './topup-screens';

export { yuanText } from './topup-screens';

// The payment flow loads with the first top-up, as in the API: most page views never need it.
const flow = () => import('@tmc/core/topups/service');

const ElderIdP = z.object({ elder_id: ElderId });
const HISTORY_SHOWN = 20;
const TOPUP_ERRORS: readonly ErrorCode[] = [
  'TOPUP_AMOUNT_INVALID',
  'TOPUP_DAILY_LIMIT',
  'PAYMENT_METHOD_UNAVAILABLE',
  'PAYMENT_PROVIDER_FAILED',
  'PAYMENTS_UNAVAILABLE',
  'IDEMPOTENCY_KEY_REUSED',
  'ELDER_INACTIVE',
  'CONFLICT',
];

/** The family member's bound parent, or FORBIDDEN: only the elder's consent lets family pay in. */
const boundElder = async (deps: Deps, p: FamilyP, elder_id: string): Promise<ElderRecord> => {
  const e = await loadElderFor(deps, p, elder_id); // the binding before the elder: no probing for ids
  if (e.status !== 'active') throw new AppError('ELDER_INACTIVE');
  return e;
};

const topupPage = async (
  c: Ctx,
  deps: Deps,
  p: FamilyP,
  e: ElderRecord,
  state: FormState,
  opts: { status?: number; key?: string } = {},
) => {
  const [policy, history] = await Promise.all([policyNow(deps), deps.topups.listByElder(e.elder_id, HISTORY_SHOWN)]);
  return render(
    c,
    <TopupPage
      view={viewOf(c)}
      elder={e}
      fenPerPoint={policy.topup_fen_per_point}
      dailyMaxFen={policy.topup_daily_max_fen}
      history={history.items}
      payer={p.sub}
      formKey={opts.key ?? newFormKey()}
      state={state}
    />,
    { status: opts.status ?? 200 },
  );
};

/** Whole yuan typed by a person: digits only (spaces and a trailing 元 forgiven). */
const yuanOf = (s: string): number | null => {
  const t = s.replace(/[\s元¥￥]/g, '');
  return /^\d{1,6}$/.test(t) && Number(t) > 0 ? Number(t) : null;
};

export const topupPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/family/elders/:elder_id/topup',
    access: { roles: ['family'] },
    tags: ['pages'],
    page: true,
    summary: "Top up a bound parent's points: choose an amount; the parent's top-up history with refunds",
    params: ElderIdP,
    async handler(c, { params, principal: p }) {
      return topupPage(c, deps, p, await boundElder(deps, p, params.elder_id), {});
    },
  }),
  defineRoute({
    method: 'post',
    path: '/family/elders/:elder_id/topup',
    access: { roles: ['family'] },
    tags: ['pages'],
    page: true,
    summary: 'Start a top-up and go to the payment page; the form key makes a double tap the same top-up',
    params: ElderIdP,
    bodyKind: 'form',
    body: z.object({
      key: FormKey,
      yuan: z.optional(z.string().check(z.maxLength(12))),
      other: z.optional(z.string().check(z.maxLength(20))),
    }),
    async handler(c, { params, body, principal: p }) {
      const e = await boundElder(deps, p, params.elder_id);
      const typed = (body.other ?? '').trim();
      const raw = typed !== '' ? typed : (body.yuan ?? '');
      const yuan = yuanOf(raw);
      if (yuan === null) {
        return topupPage(
          c,
          deps,
          p,
          e,
          { yuan: raw, error: { zh: '请选择金额，或填写整数元', en: 'Choose an amount or type whole yuan' } },
          { status: 400 },
        );
      }
      const policy = await policyNow(deps);
      const r = await expected(TOPUP_ERRORS, async () =>
        (await flow()).startTopup(deps, {
          principal: p,
          policy,
          input: { elder_id: e.elder_id, amount_fen: wholeYuanToFen(yuan) },
          idempotency_key: body.key,
        }),
      );
      if (!r.ok) {
        // a provider outage keeps the same key, so trying again finishes the same top-up
        const key = r.error.code === 'PAYMENT_PROVIDER_FAILED' ? body.key : undefined;
        const msg =
          r.error.code === 'PAYMENT_PROVIDER_FAILED'
            ? {
                zh: '支付服务暂时出错，没有扣钱。请稍后再点一次“去付款”。',
                en: 'The payment service failed; nothing was charged. Tap "Go to payment" again later.',
              }
            : r.error.code === 'TOPUP_AMOUNT_INVALID'
              ? {
                  zh: `金额须是每积分 ${yuanText(policy.topup_fen_per_point)} 的整数倍`,
                  en: `The amount must be a multiple of ${yuanText(policy.topup_fen_per_point)}`,
                }
              : msgOfError(r.error);
        return topupPage(
          c,
          deps,
          p,
          e,
          { yuan: String(yuan), error: msg },
          { status: r.error.status, ...(key ? { key } : {}) },
        );
      }
      const t = r.value.topup;
      // the provider's checkout (or, locally, the fake's page); once paid it sends the payer to the result page
      return c.redirect(
        t.status === 'pending' && t.redirect_url ? t.redirect_url : `/family/topups/${t.topup_id}`,
        303,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/family/topups/:topup_id',
    access: { roles: ['family'] },
    tags: ['pages'],
    page: true,
    summary: "A top-up's result (the payment provider's return URL): waiting, credited, failed or refunded",
    params: z.object({ topup_id: TopupId }),
    query: z.object({ paid: z.optional(z.literal('1')), cancelled: z.optional(z.literal('1')) }),
    async handler(c, { params, query, principal: p }) {
      const t = await deps.topups.get(params.topup_id);
      // someone else's top-up answers exactly like a missing one
      if (!t || t.payer !== p.sub) throw new AppError('TOPUP_NOT_FOUND');
      const e = await deps.elders.get(t.elder_id);
      return render(
        c,
        <ResultPage
          view={viewOf(c)}
          t={t}
          elderName={e?.name ?? ''}
          back={query.paid ? 'paid' : query.cancelled ? 'cancelled' : null}
        />,
      );
    },
  }),
];
