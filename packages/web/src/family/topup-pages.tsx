// Family top-up pages (家属充值): choose an amount for a bound parent and go to pay (Stripe's
// checkout, or the local fake's page); the result page the provider sends the payer back to
// (/family/topups/:topup_id, Stripe's return URL); the parent's top-up history with refunds.
// Points are credited only by the provider's signed notification (the webhook), never by this
// page: the result page reads the top-up and says what is known so far.
import * as z from 'zod/mini';
import { AppError, type ErrorCode } from '@tmc/core/kernel/errors';
import { fenToYuanText, wholeYuanToFen } from '@tmc/core/kernel/money';
import { TopupId, type Topup } from '@tmc/core/topups/model';
import type { ElderRecord } from '@tmc/core/elders/model';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { loadElderFor } from '@tmc/core/elders/access';
import { policyNow } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import type { FamilyP } from '../kit/principal';
import { ErrorBox, Notice, expected, msgOfError, type Msg } from '../kit/ui';
import { FormKey, chinaDateTime, chinaDateTimeEn, newFormKey } from '../kit/booking';
import { Stamp } from '../kit/order-ui';
import { ElderId } from '@tmc/core/kernel/ids';

// The payment flow loads with the first top-up, as in the API: most page views never need it.
const flow = () => import('@tmc/core/topups/service');

const ElderIdP = z.object({ elder_id: ElderId });
const PRESETS_YUAN = [50, 100, 200, 500] as const; // big buttons for the usual amounts
const YUAN_MAX_DIGITS = 6;
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

/** "¥100.00" from fen. */
export const yuanText = (fen: number): string => `¥${fenToYuanText(fen)}`;

const STATUS: Record<Topup['status'], Msg> = {
  pending: { zh: '等待付款确认', en: 'Waiting for the payment' },
  paid: { zh: '已到账', en: 'Paid and credited' },
  failed: { zh: '付款没有成功，没有扣钱也没有加积分', en: 'Payment failed; nothing was charged or credited' },
  refunded: { zh: '已退款', en: 'Refunded' },
};

/** What a refund did, when there was one: points taken back, money returned, and whether the bank has confirmed it. */
const refundMsg = (t: Topup): Msg | null => {
  const r = t.refund;
  if (!r) return null;
  const when = chinaDateTime(r.at);
  const whenEn = chinaDateTimeEn(r.at);
  return r.confirmed_at
    ? {
        zh: `已退款 ${yuanText(r.fen)}（${r.points} 积分），${when}`,
        en: `Refunded ${yuanText(r.fen)} (${r.points} points), ${whenEn}`,
      }
    : {
        zh: `已退款 ${yuanText(r.fen)}（${r.points} 积分），${when}，银行处理中`,
        en: `Refund of ${yuanText(r.fen)} (${r.points} points) on its way, ${whenEn}`,
      };
};

const TopupRow = (props: { t: Topup; mine: boolean }) => {
  const t = props.t;
  const refund = refundMsg(t);
  return (
    <li id={`t-${t.topup_id}`}>
      <p>
        <b class="num">{yuanText(t.amount_fen)}</b> ·{' '}
        <span class="num">
          <T zh={`${t.amount_points} 积分`} en={`${t.amount_points} points`} />
        </span>{' '}
        <span class={t.status === 'paid' ? 'tag ok' : 'tag'}>
          <T zh={STATUS[t.status].zh} en={STATUS[t.status].en} />
        </span>
      </p>
      <p class="num">
        <Stamp iso={t.created_at} />
        {!props.mine && (
          <>
            {' '}
            · <T zh="其他家属充的" en="by another family member" />
          </>
        )}
      </p>
      {refund && (
        <p>
          <T zh={refund.zh} en={refund.en} />
        </p>
      )}
      {props.mine && (
        <a class="btn btn-2" href={`/family/topups/${t.topup_id}`}>
          <T zh="查看详情" en="Details" />
        </a>
      )}
    </li>
  );
};

type FormState = { error?: Msg; yuan?: string };

const TopupPage = (props: {
  view: View;
  elder: ElderRecord;
  fenPerPoint: number;
  dailyMaxFen: number;
  history: Topup[];
  payer: string;
  formKey: string;
  state: FormState;
}) => {
  const base = `/family/elders/${props.elder.elder_id}`;
  const presets = PRESETS_YUAN.filter(
    (y) => wholeYuanToFen(y) <= props.dailyMaxFen && wholeYuanToFen(y) % props.fenPerPoint === 0,
  );
  const chosen = props.state.yuan ?? String(presets[0] ?? '');
  const custom = props.state.yuan !== undefined && !presets.some((y) => String(y) === props.state.yuan);
  return (
    <H5Layout view={props.view} title="给老人充值" titleEn="Top up">
      <p class="hello">
        <T zh={`为 ${props.elder.name} 充值积分`} en="Top up your parent's points" />
      </p>
      <section class="panel" aria-labelledby="amt-h">
        <h2 id="amt-h">
          <T zh="充多少" en="How much" />
        </h2>
        <p>
          <T
            zh={`每 1 积分 ${yuanText(props.fenPerPoint)}；每位老人每天最多充 ${yuanText(props.dailyMaxFen)}。`}
            en={`1 point costs ${yuanText(props.fenPerPoint)}; at most ${yuanText(props.dailyMaxFen)} a day per elder.`}
            block
          />
        </p>
        <ErrorBox msg={props.state.error} />
        <form method="post" action={`${base}/topup`}>
          <input type="hidden" name="key" value={props.formKey} />
          <fieldset>
            <legend>
              <T zh="选择金额" en="Choose an amount" />
            </legend>
            <div class="picks">
              {presets.map((y) => (
                <label class="pick">
                  <input type="radio" name="yuan" value={String(y)} checked={!custom && String(y) === chosen} />
                  <span class="num">{`¥${y}`}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div class="field">
            <label for="f-other">
              <T zh="或者填别的金额（元，整数）" en="Or another amount (whole yuan)" />
            </label>
            <input
              id="f-other"
              name="other"
              type="text"
              inputmode="numeric"
              pattern="[0-9]*"
              maxlength={YUAN_MAX_DIGITS}
              autocomplete="off"
              value={custom ? props.state.yuan : ''}
            />
          </div>
          <button type="submit" class="btn">
            <T zh="去付款" en="Go to payment" />
          </button>
        </form>
        <p>
          <T
            zh="付款成功后积分马上到老人账户，可以用来预约服务。"
            en="Points reach your parent as soon as the payment is confirmed."
            block
          />
        </p>
      </section>
      <section class="panel" aria-labelledby="hist-h">
        <h2 id="hist-h">
          <T zh="充值记录" en="Top-up history" />
        </h2>
        {props.history.length === 0 ? (
          <p>
            <T zh="还没有充值记录。" en="No top-ups yet." />
          </p>
        ) : (
          <ul class="list">
            {props.history.map((t) => (
              <TopupRow t={t} mine={t.payer === props.payer} />
            ))}
          </ul>
        )}
      </section>
      <a class="btn btn-2" href={base}>
        <T zh="返回" en="Back" />
      </a>
    </H5Layout>
  );
};

const ResultPage = (props: { view: View; t: Topup; elderName: string; back: 'paid' | 'cancelled' | null }) => {
  const t = props.t;
  const refund = refundMsg(t);
  const waiting = t.status === 'pending';
  return (
    <H5Layout view={props.view} title="充值结果" titleEn="Top-up result">
      <section class="panel" aria-labelledby="res-h">
        <h2 id="res-h" class="status">
          <T zh={STATUS[t.status].zh} en={STATUS[t.status].en} />
        </h2>
        {waiting && props.back === 'paid' && (
          <Notice
            msg={{
              zh: '付款已提交，正在等支付机构确认，通常几秒钟。请稍后点“刷新”。',
              en: 'Payment sent; waiting for confirmation (usually seconds). Tap Refresh.',
            }}
          />
        )}
        {waiting && props.back === 'cancelled' && (
          <Notice
            msg={{
              zh: '您取消了付款，没有扣钱。可以重新去付款。',
              en: 'You cancelled; nothing was charged. You can pay again.',
            }}
          />
        )}
        <dl class="kv">
          <dt>
            <T zh="老人" en="For" />
          </dt>
          <dd>{props.elderName}</dd>
          <dt>
            <T zh="金额" en="Amount" />
          </dt>
          <dd class="num">{yuanText(t.amount_fen)}</dd>
          <dt>
            <T zh="积分" en="Points" />
          </dt>
          <dd class="num">{t.amount_points}</dd>
          <dt>
            <T zh="时间" en="When" />
          </dt>
          <dd class="num">
            <Stamp iso={t.created_at} />
          </dd>
          {t.paid_at && (
            <>
              <dt>
                <T zh="到账" en="Credited" />
              </dt>
              <dd class="num">
                <Stamp iso={t.paid_at} />
              </dd>
            </>
          )}
        </dl>
        {refund && (
          <p id="refund">
            <T zh={refund.zh} en={refund.en} />
          </p>
        )}
      </section>
      {waiting && t.redirect_url && (
        <a class="btn" href={t.redirect_url}>
          <T zh="去付款" en="Pay" />
        </a>
      )}
      {waiting && (
        <a class="btn btn-2" href={`/family/topups/${t.topup_id}`}>
          <T zh="刷新" en="Refresh" />
        </a>
      )}
      <a class="btn btn-2" href={`/family/elders/${t.elder_id}/topup`}>
        <T zh="充值记录" en="Top-up history" />
      </a>
    </H5Layout>
  );
};

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
    async handler(c, { params, principal }) {
      const p = principal;
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
    async handler(c, { params, body, principal }) {
      const p = principal;
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
    async handler(c, { params, query, principal }) {
      const p = principal;
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
