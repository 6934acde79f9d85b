// The screens of a family top-up: choose an amount (with the parent's top-up history and refunds
// below it) and the result page the payment provider sends the payer back to. Split out of
// topup-pages.tsx, which holds the routes; they only read a top-up, never credit one.
import { fenToYuanText, wholeYuanToFen } from '@tmc/core/kernel/money';
import type { Topup } from '@tmc/core/topups/model';
import type { ElderRecord } from '@tmc/core/elders/model';
import { H5Layout, T, type View } from '../kit/layout';
import { ErrorBox, Notice, type Msg } from '../kit/ui';
import { chinaDateTime, chinaDateTimeEn } from '../kit/booking';
import { Stamp } from '../kit/order-ui';

const PRESETS_YUAN = [50, 100, 200, 500] as const; // big buttons for the usual amounts
const YUAN_MAX_DIGITS = 6;

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

export type FormState = { error?: Msg; yuan?: string };

export const TopupPage = (props: {
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

export const ResultPage = (props: { view: View; t: Topup; elderName: string; back: 'paid' | 'cancelled' | null }) => {
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
