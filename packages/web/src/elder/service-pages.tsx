// Finding and booking a service, for the elder (/elder/...) and for bound family on the elder's
// behalf (/family/elders/:elder_id/...): the same pages, one set of handlers. Services in the
// ten-minute circle, 帮我找, the confirm screen, the order page with the 6-digit code, cancel,
// rating and complaint. Every action is a plain form post, so nothing needs script.
import * as z from 'zod/mini';
import type { Child } from 'hono/jsx';
import { AppError, type ErrorCode } from '@tmc/core/kernel/errors';
import { CategoryCode, serviceCard, slotStarts, type Category } from '@tmc/core/merchants/model';
import { RATING_TAGS, allowedEvents, type Order, type OrderEvent } from '@tmc/core/orders/state';
import { distanceM } from '@tmc/core/search/geo';
import { slotKey, toHit, type SearchHit } from '@tmc/core/search/search';
import { getElderOrThrow } from '@tmc/core/elders/service';
import { cancelFee, cancelOrder, disputeOrder, orderCode, rateOrder, requestOrder } from '@tmc/core/orders/service';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Principal } from '@tmc/core/auth/service';
import { defineRoute, queryInt, type RouteDef } from '@tmc/app/public';
import { assertCanSeeElder } from '@tmc/core/elders/access';
import { policyNow } from '@tmc/app/public';
import { orderDeps } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import { asElder, asFamily } from '../kit/principal';
import { ErrorBox, Notice, PostButton, expected, msgOfError, type Msg } from '../kit/ui';
import { assetUrl } from '../kit/static';
import { FormKey, chinaDateOf, chinaDayLabel, chinaDayLabelEn, chinaTime, distanceZh, elderOrigin, findCandidates, formIdem, newFormKey, pointsSummary, servicesNear } from '../kit/booking';
import { ELDER_STATUS, HitCard, OrderLink, WhenText, bookingMsg, isOpen, shopKnown, spoken } from '../kit/order-ui';

type Flavor = 'elder' | 'family';

/** Who is booking for whom, and where their pages live. */
type Booker = { flavor: Flavor; base: string; elder: ElderRecord; p: Principal };

const ElderIdRe = z.string().check(z.regex(/^e_[A-Za-z0-9]{8,40}$/));
const BaseP = z.object({ elder_id: z.optional(ElderIdRe) });
const OrderP = z.extend(BaseP, { order_id: z.string().check(z.regex(/^o_[A-Za-z0-9]{8,40}$/)) });
const MerchantId = z.string().check(z.regex(/^m_[A-Za-z0-9]{4,40}$/));
const ServiceId = z.string().check(z.regex(/^s_[A-Za-z0-9_]{4,40}$/));

const BOOKING_ERRORS: readonly ErrorCode[] = ['SERVICE_UNAVAILABLE', 'SLOT_FULL', 'SLOT_INVALID', 'INSUFFICIENT_POINTS', 'CATEGORY_NOT_ALLOWED', 'CAP_EXCEEDED', 'WALLET_FROZEN', 'IDEMPOTENCY_KEY_REUSED'];
const WIDER_MINUTES = 20; // when nothing is within ten minutes, one tap looks twice as far
const RECENT_ORDERS = 20;

const bookerOf = async (deps: Deps, flavor: Flavor, principal: Principal | null, elder_id: string | undefined): Promise<Booker> => {
  if (flavor === 'elder') {
    const p = asElder(principal);
    const elder = await getElderOrThrow(deps, p.elder_id);
    if (elder.status !== 'active') throw new AppError('ELDER_INACTIVE');
    return { flavor, base: '/elder', elder, p };
  }
  const p = asFamily(principal);
  if (!elder_id) throw new AppError('ELDER_NOT_FOUND');
  const elder = await getElderOrThrow(deps, elder_id);
  await assertCanSeeElder(deps, p, elder); // only an active binding (the elder's consent) lets family book
  if (elder.status !== 'active') throw new AppError('ELDER_INACTIVE');
  return { flavor, base: `/family/elders/${elder.elder_id}`, elder, p };
};

const categoryOf = async (deps: Deps, code: string): Promise<Category> => {
  const c = (await deps.merchants.categories()).find((x) => x.code === code);
  if (!c) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'query.category', code: 'INVALID_VALUE', message: 'unknown category' }] });
  return c;
};

/** Family pages say whose order it is on every screen, so nobody books for the wrong parent. */
const ForWhom = (props: { b: Booker }) =>
  props.b.flavor === 'family' ? <p class="hello"><T zh={`为 ${props.b.elder.name} 预约`} en="Booking for your parent" /></p> : null;

const Back = (props: { href: string; label?: Msg }) => (
  <a class="btn btn-2" href={props.href}><T zh={props.label?.zh ?? '返回'} en={props.label?.en ?? 'Back'} /></a>
);

// ---------------------------------------------------------------------------------------------
// Services in the circle, and 帮我找

type ListState = { findError?: Msg; findNotice?: Msg; minutes?: number };

const ServicesPage = (props: { view: View; b: Booker; cat: Category; hits: SearchHit[]; total: number; minutes: number; formKey: string; state: ListState }) => {
  const walks = props.hits.filter((h) => !h.home_visit);
  const visits = props.hits.filter((h) => h.home_visit);
  return (
  <H5Layout view={props.view} title={props.cat.name_zh} titleEn={props.cat.name_en}>
    <ForWhom b={props.b} />
    <section class="panel" aria-labelledby="find-h">
      <h2 id="find-h"><T zh="帮我找" en="Find one for me" /></h2>
      <p><T zh="系统替您找最近、营业中、评价好的一家，商户接单后告诉您是哪家。" en="We ask the nearest open, well-rated shop and tell you who took it." block /></p>
      <ErrorBox msg={props.state.findError} />
      <Notice msg={props.state.findNotice} />
      <form method="post" action={`${props.b.base}/find`}>
        <input type="hidden" name="category" value={props.cat.code} />
        <input type="hidden" name="key" value={props.formKey} />
        <button type="submit" class="btn"><T zh={`帮我找${props.cat.name_zh}`} en="Find one for me" /></button>
      </form>
    </section>
    <section class="panel" aria-labelledby="list-h">
      <h2 id="list-h"><T zh={`步行 ${props.minutes} 分钟内（${walks.length} 项）`} en={`Within ${props.minutes} min walk (${walks.length})`} /></h2>
      {walks.length === 0 ? (
        <>
          <p><T zh={visits.length ? '步行范围内暂时没有这类服务。' : '附近暂时没有这类服务。'} en={visits.length ? 'Nothing of this kind within walking distance yet.' : 'Nothing of this kind nearby yet.'} block /></p>
          {props.minutes < WIDER_MINUTES && (
            <a class="btn btn-2" href={`${props.b.base}/services?category=${props.cat.code}&minutes=${WIDER_MINUTES}`}><T zh={`看看 ${WIDER_MINUTES} 分钟内的`} en={`Look within ${WIDER_MINUTES} min`} /></a>
          )}
        </>
      ) : (
        <ul class="list">{walks.map((h) => <HitCard hit={h} base={props.b.base} />)}</ul>
      )}
    </section>
    {visits.length > 0 && (
      // a shop that comes to the home is not a walk away: its own heading, with how far it travels
      <section class="panel" aria-labelledby="visit-h">
        <h2 id="visit-h"><T zh={`上门服务（${visits.length} 项）`} en={`Home visits (${visits.length})`} /></h2>
        <p><T zh="商户到您家服务，您家在它的上门范围内。" en="The shop comes to your home; you live within the distance it travels." block /></p>
        <ul class="list">{visits.map((h) => <HitCard hit={h} base={props.b.base} />)}</ul>
      </section>
    )}
    {props.total > props.hits.length && <p><T zh={`只列出最近的 ${props.hits.length} 项。`} en={`Only the nearest ${props.hits.length} are listed.`} block /></p>}
    <Back href={props.b.base} label={{ zh: '返回首页', en: 'Home' }} />
  </H5Layout>
  );
};

const servicesPage = async (c: Ctx, deps: Deps, b: Booker, code: string, state: ListState, status = 200) => {
  const cat = await categoryOf(deps, code);
  const policy = await policyNow(deps);
  const minutes = state.minutes ?? policy.circle.minutes;
  const r = await servicesNear(deps, policy, await elderOrigin(deps, b.elder), cat.code, { minutes });
  return render(c, <ServicesPage view={viewOf(c)} b={b} cat={cat} hits={r.items} total={r.total} minutes={minutes} formKey={newFormKey()} state={state} />, { status });
};

// ---------------------------------------------------------------------------------------------
// The confirm screen

/** Free times of one China calendar day ("2026-11-23"), in order. */
type DaySlots = { date: string; slots: string[] };
/** `days` lists only days with a free time; `date` is the day shown, `slot` the time preselected
 * (null: the service keeps no hours, so the shop calls to agree a time). */
type Confirm = { hit: SearchHit; address: string; slot: string | null; days: DaySlots[]; date: string | null; hasHours: boolean };

const SLOTS_CHECKED_MAX = 60; // about a week of a barber's hours, one BatchGet
const DAYS_SHOWN_MAX = 7;

/** The service as the confirm screen shows it, measured from the elder's home right now, with its
 * free times by day. The elder picks a day (a link) and a time (a big radio button); without a
 * pick the next free time is preselected, so one tap still books the soonest. */
const confirmOf = async (deps: Deps, b: Booker, merchant_id: string, service_id: string, want: { date?: string | undefined; slot?: string | null | undefined } = {}): Promise<Confirm> => {
  const m = await deps.merchants.getMerchant(merchant_id);
  const s = m ? (await deps.merchants.services(merchant_id)).find((x) => x.service_id === service_id) : undefined;
  if (!m || !s || m.status !== 'approved' || !s.active) throw new AppError('SERVICE_UNAVAILABLE');
  const policy = await policyNow(deps);
  const card = serviceCard(m, s);
  const now = deps.clock.now();
  const hit = toHit(card, distanceM(await elderOrigin(deps, b.elder), card.location), policy.circle, now);
  const starts = slotStarts(card, now, SLOTS_CHECKED_MAX);
  const taken = starts.length ? await deps.merchants.slotsTaken(starts.map((start) => ({ service_id, start }))) : new Map<string, number>();
  const free = starts.filter((start) => (taken.get(slotKey({ service_id, start })) ?? 0) < card.capacity_per_slot);
  const days: DaySlots[] = [];
  for (const start of free) {
    const date = chinaDateOf(start);
    const last = days[days.length - 1];
    if (last?.date === date) last.slots.push(start);
    else if (days.length < DAYS_SHOWN_MAX) days.push({ date, slots: [start] });
    else break;
  }
  const day = days.find((d) => d.date === want.date) ?? days.find((d) => want.slot && d.slots.includes(want.slot)) ?? days[0];
  const slot = day ? (want.slot && day.slots.includes(want.slot) ? want.slot : day.slots[0] ?? null) : null;
  // full: it has hours but no free time in the window; booking waits or goes elsewhere
  return { hit: { ...hit, next_slot: free[0] ?? null, slots_full: starts.length > 0 && free.length === 0 }, address: m.address, slot, days, date: day?.date ?? null, hasHours: starts.length > 0 };
};

/** Day buttons (links: choosing a day is a new page, no script) and that day's free times (big
 * radio buttons, one preselected). No date-picker widget: only times that can be booked. */
const SlotPicker = (props: { c: Confirm; href: string }) => {
  const { c } = props;
  const day = c.days.find((d) => d.date === c.date);
  return (
    <>
      {c.days.length > 1 && (
        <nav aria-labelledby="day-h">
          <p class="label" id="day-h"><T zh="哪一天" en="Which day" /></p>
          <div class="days">
            {c.days.map((d) => (
              <a href={`${props.href}&date=${d.date}`} aria-current={d.date === c.date ? 'date' : undefined}><T zh={chinaDayLabel(d.date)} en={chinaDayLabelEn(d.date)} /></a>
            ))}
          </div>
        </nav>
      )}
      <fieldset>
        <legend><T zh={`几点（${day ? chinaDayLabel(day.date) : ''}）`} en={`What time (${day ? chinaDayLabelEn(day.date) : ''})`} /></legend>
        <div class="picks">
          {(day?.slots ?? []).map((s) => (
            <label class="pick"><input type="radio" name="slot_start" value={s} checked={s === c.slot} required /><span class="num">{chinaTime(s)}</span></label>
          ))}
        </div>
      </fieldset>
    </>
  );
};

const ConfirmPage = (props: { view: View; b: Booker; c: Confirm; formKey: string; error?: Msg | undefined }) => {
  const h = props.c.hit;
  return (
    <H5Layout view={props.view} title="确认预约" titleEn="Confirm booking">
      <ForWhom b={props.b} />
      <section class="panel" aria-labelledby="cf-h">
        <h2 id="cf-h">{h.name}</h2>
        <dl class="kv">
          <dt><T zh="商户" en="Shop" /></dt><dd>{h.merchant_name}</dd>
          <dt><T zh="积分" en="Points" /></dt><dd class="num"><b><T zh={`${h.price_points} 积分`} en={`${h.price_points} points`} /></b></dd>
          {!props.c.hasHours && <><dt><T zh="时间" en="When" /></dt><dd id="when"><WhenText slot={null} /></dd></>}
          <dt><T zh="地点" en="Where" /></dt>
          <dd>{h.home_visit ? <T zh="上门服务（到您家）" en="Home visit" /> : <>{props.c.address}<br /><span class="num">步行约 {h.walking_minutes} 分钟 · {distanceZh(h.distance_m)}</span></>}</dd>
        </dl>
        <ErrorBox msg={props.error} />
        {h.slots_full ? (
          // nothing to confirm: say so on the page and offer the phone instead
          <>
            <p><T zh="这项服务最近的时段都约满了。可以打电话问商户，或换一家。" en="Every slot soon is taken. Call the shop or choose another." block /></p>
            <a class="btn btn-2" href={`tel:${h.merchant_phone}`}><T zh="打电话给商户" en="Call the shop" /></a>
          </>
        ) : (
        <form method="post" action={`${props.b.base}/book`}>
          <input type="hidden" name="merchant_id" value={h.merchant_id} />
          <input type="hidden" name="service_id" value={h.service_id} />
          {props.c.hasHours
            ? <SlotPicker c={props.c} href={`${props.b.base}/book?merchant_id=${h.merchant_id}&service_id=${h.service_id}`} />
            : <input type="hidden" name="slot_start" value="" />}
          <input type="hidden" name="key" value={props.formKey} />
          <button type="submit" class="btn"><T zh="确认预约" en="Confirm" /></button>
        </form>
        )}
        <p><T zh={`预约后先冻结 ${h.price_points} 积分，服务完成才扣；取消或商户不接单会退回。`} en="Points are held now and only taken when you are served." block /></p>
      </section>
      <Back href={`${props.b.base}/services?category=${h.category}`} />
    </H5Layout>
  );
};

// ---------------------------------------------------------------------------------------------
// The order page

type OrderState = { error?: Msg; done?: Msg };

const DONE: Record<'cancelled' | 'rated' | 'disputed', Msg> = {
  cancelled: { zh: '已取消，积分已退回', en: 'Cancelled; points returned' }, // a fee, if any, is shown in the details
  rated: { zh: '谢谢您的评价', en: 'Thank you for rating' },
  disputed: { zh: '投诉已提交，民政工作人员会处理并联系您', en: 'Complaint sent; staff will follow up' },
};

const STAR_WORDS: readonly (readonly [number, string])[] = [[5, '很满意'], [4, '满意'], [3, '一般'], [2, '不满意'], [1, '很不满意']];

const RateForm = (props: { action: string }) => (
  <section class="panel" aria-labelledby="rate-h">
    <h2 id="rate-h"><T zh="给这次服务打分" en="Rate this service" /></h2>
    <form method="post" action={props.action}>
      <fieldset>
        <legend><T zh="几颗星？" en="Stars" /></legend>
        <div class="picks one">
          {STAR_WORDS.map(([n, word]) => (
            <label class="pick"><input type="radio" name="stars" value={String(n)} required /><span>{'★'.repeat(n)} {n}星 {word}</span></label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend><T zh="印象（可不选）" en="Tags (optional)" /></legend>
        <div class="picks">
          {RATING_TAGS.map((t, i) => <label class="pick"><input type="checkbox" name={`tag_${i}`} value="1" /><span>{t}</span></label>)}
        </div>
      </fieldset>
      <div class="field">
        <label for="f-comment"><T zh="想说的话（可不填）" en="Comment (optional)" /></label>
        <textarea id="f-comment" name="comment" maxlength={200} rows={3}></textarea>
      </div>
      <button type="submit" class="btn"><T zh="提交评价" en="Submit" /></button>
    </form>
  </section>
);

const OrderPage = (props: { view: View; b: Booker; o: Order; can: readonly OrderEvent[]; code: string | null; merchantPhone: string | null; cancelFee: number; state: OrderState }) => {
  const { o, b } = props;
  const url = `${b.base}/orders/${o.order_id}`;
  const offer = o.offers.findIndex((x) => x.outcome === 'pending' && x.offered_at !== '');
  const known = shopKnown(o);
  return (
    <H5Layout view={props.view} title="我的订单" titleEn="My order" scripts={props.code ? [assetUrl('readAloud')] : undefined}>
      <ForWhom b={b} />
      <Notice msg={props.state.done} />
      <ErrorBox msg={props.state.error} />
      <section class="panel" aria-labelledby="st-h">
        <h2 id="st-h" class="status"><T zh={ELDER_STATUS[o.status].zh} en={ELDER_STATUS[o.status].en} block /></h2>
        {o.mode === 'find_for_me' && o.status === 'requested' && offer >= 0 && (
          // which shop is being asked stays unsaid: it may decline, and the elder would wait for the wrong one
          <p><T zh={`帮我找：正在问第 ${offer + 1} 家，商户接单后告诉您是哪家`} en={`Asking shop no. ${offer + 1}; you will see which once one accepts`} /></p>
        )}
      </section>
      {props.code && (
        // right under the status, so it is on the first screen when the shop asks for it
        <section class="panel" aria-labelledby="code-h">
          <h2 id="code-h"><T zh="核销码" en="Code" /></h2>
          <p><T zh="服务做完后，把这6位数字给商户看。" en="When served, show these 6 digits to the shop." block /></p>
          <p class="ocode num" id="code">{props.code}</p>
          <button type="button" class="btn btn-2" hidden data-speak={`核销码是：${spoken(props.code)}。再说一遍：${spoken(props.code)}`}>
            <T zh="读给我听" en="Read aloud" />
          </button>
        </section>
      )}
      <section class="panel" aria-labelledby="what-h">
        <h2 id="what-h"><T zh="订单内容" en="Details" /></h2>
        <dl class="kv">
          {known
            ? <><dt><T zh="商户" en="Shop" /></dt><dd id="merchant">{o.merchant_name}</dd><dt><T zh="服务" en="Service" /></dt><dd>{o.service_name}</dd></>
            : <><dt><T zh="商户" en="Shop" /></dt><dd id="merchant"><T zh="帮我找：还没有商户接单" en="Find one for me: no shop has accepted yet" /></dd></>}
          <dt><T zh="积分" en="Points" /></dt><dd class="num"><T zh={`${o.price_points} 积分`} en={`${o.price_points} points`} /></dd>
          {o.cancel_fee_points ? <><dt><T zh="取消费" en="Cancel fee" /></dt><dd class="num"><T zh={`${o.cancel_fee_points} 积分`} en={`${o.cancel_fee_points} points`} /></dd></> : null}
          <dt><T zh="时间" en="When" /></dt><dd><WhenText slot={o.slot_start} /></dd>
          {o.home_visit && <><dt><T zh="方式" en="Where" /></dt><dd><T zh="上门" en="Home visit" /></dd></>}
        </dl>
      </section>
      {isOpen(o) && (
        <>
          {props.merchantPhone && known && <a class="btn btn-2" href={`tel:${props.merchantPhone}`}><T zh="打电话给商户" en="Call the shop" /></a>}
          <a class="btn btn-2" href={url}><T zh="刷新状态" en="Refresh" /></a>
        </>
      )}
      {props.can.includes('rate') && <RateForm action={`${url}/rate`} />}
      {o.status === 'rated' && o.rating && <p class="panel"><T zh={`您的评价：${o.rating.stars} 星`} en={`You rated ${o.rating.stars} stars`} /></p>}
      <div class="row">
        <Back href={`${b.base}/orders`} label={{ zh: '全部订单', en: 'All orders' }} />
        <Back href={b.base} label={{ zh: '返回首页', en: 'Home' }} />
      </div>
      {props.can.includes('cancel') && (
        // kept apart from the everyday buttons, at the end, so a slip of the thumb does not cancel
        <section class="panel" aria-labelledby="cancel-h">
          <h2 id="cancel-h"><T zh="不需要了？" en="No longer needed?" /></h2>
          {props.cancelFee > 0
            // said before the tap, in the page itself: no confirm pop-up for elders
            ? <p><T zh={`商户已接单，现在取消要收 ${props.cancelFee} 积分取消费，其余 ${o.held_points - props.cancelFee} 积分马上退回。`} en={`The shop has accepted: cancelling now costs ${props.cancelFee} points; the rest comes back at once.`} block /></p>
            : <p><T zh="取消后积分马上退回。" en="Points come back at once." /></p>}
          <PostButton action={`${url}/cancel`} label={{ zh: '取消预约', en: 'Cancel booking' }} cls="btn-warn" />
        </section>
      )}
      {props.can.includes('dispute') && (
        <section class="panel" aria-labelledby="cmp-h">
          <h2 id="cmp-h"><T zh="不满意？" en="Not happy?" /></h2>
          <a class="btn btn-warn" href={`${url}/dispute`}><T zh="投诉" en="Complain" /></a>
        </section>
      )}
    </H5Layout>
  );
};

const loadOrder = async (deps: Deps, b: Booker, order_id: string): Promise<Order> => {
  const o = await deps.orders.get(order_id);
  // Someone else's order answers exactly like a missing one: ids are not a way to probe.
  if (!o || o.elder_id !== b.elder.elder_id) throw new AppError('ORDER_NOT_FOUND');
  return o;
};

const orderPage = async (c: Ctx, deps: Deps, b: Booker, o: Order, state: OrderState, status = 200) => {
  const m = isOpen(o) ? await deps.merchants.getMerchant(o.merchant_id) : null;
  const code = isOpen(o) ? orderCode(deps, o) : null;
  // the policy is read only when a fee can apply (after acceptance), not on every order page
  const fee = o.status === 'accepted' ? cancelFee(await policyNow(deps), o, actorOf(b)) : 0;
  // the buttons are the state machine's answer for this person now, not worked out here
  const can = allowedEvents(o, actorOf(b), deps.clock.now());
  return render(c, <OrderPage view={viewOf(c)} b={b} o={o} can={can} code={code} merchantPhone={m?.contact_phone ?? null} cancelFee={fee} state={state} />, { status });
};

const DisputePage = (props: { view: View; b: Booker; o: Order; error?: Msg | undefined; reason?: string }) => (
  <H5Layout view={props.view} title="投诉" titleEn="Complaint">
    <ForWhom b={props.b} />
    <section class="panel">
      <h2>{props.o.service_name} · {props.o.merchant_name}</h2>
      <p><T zh="请说一说哪里不满意。民政工作人员会核实，情况属实会退回积分。" en="Tell us what went wrong; staff will check and may return the points." block /></p>
      <ErrorBox msg={props.error} />
      <form method="post" action={`${props.b.base}/orders/${props.o.order_id}/dispute`}>
        <div class="field">
          <label for="f-reason"><T zh="投诉原因" en="Reason" /></label>
          <textarea id="f-reason" name="reason" required minlength={2} maxlength={300} rows={4}>{props.reason ?? ''}</textarea>
        </div>
        <button type="submit" class="btn btn-warn"><T zh="提交投诉" en="Send complaint" /></button>
      </form>
    </section>
    <Back href={`${props.b.base}/orders/${props.o.order_id}`} />
  </H5Layout>
);

const OrdersPage = (props: { view: View; b: Booker; orders: Order[] }) => (
  <H5Layout view={props.view} title="我的订单" titleEn="My orders">
    <ForWhom b={props.b} />
    {props.orders.length === 0
      ? <p class="panel"><T zh="还没有订单。" en="No orders yet." /></p>
      : <ul class="list">{props.orders.map((o) => <OrderLink o={o} base={props.b.base} />)}</ul>}
    <Back href={props.b.base} label={{ zh: '返回首页', en: 'Home' }} />
  </H5Layout>
);

/** A small page of one message and one button, for the rare case with nothing else to show. */
const Plain = (props: { view: View; title: Msg; children?: Child }) => (
  <H5Layout view={props.view} title={props.title.zh} titleEn={props.title.en}>{props.children}</H5Layout>
);

// ---------------------------------------------------------------------------------------------
// Routes, once per flavor

const actorOf = (b: Booker) => b.flavor;

const routesFor = (deps: Deps, flavor: Flavor): RouteDef[] => {
  const prefix = flavor === 'elder' ? '/elder' : '/family/elders/:elder_id';
  const roles = flavor === 'elder' ? (['elder'] as const) : (['family'] as const);
  const who = flavor === 'elder' ? 'the elder' : 'bound family, for the elder';
  const booker = (principal: Principal | null, elder_id: string | undefined) => bookerOf(deps, flavor, principal, elder_id);
  return [
    defineRoute({
      method: 'get', path: `${prefix}/services`, access: { roles }, tags: ['pages'], page: true,
      summary: `Services of a category in the ten-minute circle from home, nearest first (${who})`,
      params: BaseP, query: z.object({ category: CategoryCode, minutes: z.optional(queryInt(1, 30)) }),
      async handler(c, { params, query, principal }) {
        const b = await booker(principal, params.elder_id);
        return servicesPage(c, deps, b, query.category, query.minutes ? { minutes: query.minutes } : {});
      },
    }),
    defineRoute({
      method: 'post', path: `${prefix}/find`, access: { roles }, tags: ['pages'], page: true,
      summary: `帮我找: offer to the best nearby merchant, then the next (${who})`, params: BaseP, bodyKind: 'form',
      body: z.object({ category: CategoryCode, key: FormKey }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const policy = await policyNow(deps);
        const { ranked } = await findCandidates(deps, policy, await elderOrigin(deps, b.elder), body.category);
        const first = ranked[0];
        if (!first) {
          return servicesPage(c, deps, b, body.category, { findNotice: { zh: '附近现在没有营业中的商户可以派单。可以打电话问问下面的商户，或晚些再试。', en: 'No open shop nearby right now; call one below or try later.' } });
        }
        const idem = formIdem(b.p.sub, body.key, { what: 'find', elder_id: b.elder.elder_id, category: body.category });
        const r = await expected(BOOKING_ERRORS, () => requestOrder(orderDeps(deps), policy, {
          elder_id: b.elder.elder_id, booked_by: b.p.sub, mode: 'find_for_me', merchant_id: first.merchant_id, service_id: first.service_id, slot_start: null, candidates: ranked,
        }, idem));
        if (!r.ok) return servicesPage(c, deps, b, body.category, { findError: bookingMsg(r.error) }, r.error.status);
        return c.redirect(`${b.base}/orders/${r.value.order_id}`, 303);
      },
    }),
    defineRoute({
      method: 'get', path: `${prefix}/book`, access: { roles }, tags: ['pages'], page: true,
      summary: `Confirm screen: service, shop, points, time (${who})`,
      params: BaseP, query: z.object({ merchant_id: MerchantId, service_id: ServiceId, date: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))) }),
      async handler(c, { params, query, principal }) {
        const b = await booker(principal, params.elder_id);
        const conf = await confirmOf(deps, b, query.merchant_id, query.service_id, { date: query.date });
        return render(c, <ConfirmPage view={viewOf(c)} b={b} c={conf} formKey={newFormKey()} />);
      },
    }),
    defineRoute({
      method: 'post', path: `${prefix}/book`, access: { roles }, tags: ['pages'], page: true,
      summary: `Book: points held, slot taken; a repeat of the same confirm screen is the same order (${who})`,
      params: BaseP, bodyKind: 'form',
      body: z.object({ merchant_id: MerchantId, service_id: ServiceId, slot_start: z.union([z.literal(''), z.iso.datetime()]), key: FormKey }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const slot = body.slot_start === '' ? null : body.slot_start;
        const idem = formIdem(b.p.sub, body.key, { what: 'book', elder_id: b.elder.elder_id, merchant_id: body.merchant_id, service_id: body.service_id, slot });
        const policy = await policyNow(deps);
        const r = await expected(BOOKING_ERRORS, () => requestOrder(orderDeps(deps), policy, {
          elder_id: b.elder.elder_id, booked_by: b.p.sub, mode: 'direct', merchant_id: body.merchant_id, service_id: body.service_id, slot_start: slot,
        }, idem));
        if (r.ok) return c.redirect(`${b.base}/orders/${r.value.order_id}`, 303);
        if (r.error.code === 'SERVICE_UNAVAILABLE') {
          return render(c, (
            <Plain view={viewOf(c)} title={{ zh: '确认预约', en: 'Confirm booking' }}>
              <ErrorBox msg={bookingMsg(r.error)} />
              <Back href={b.base} label={{ zh: '返回首页', en: 'Home' }} />
            </Plain>
          ), { status: r.error.status });
        }
        // Shown again with a fresh key (the failed attempt wrote nothing): the time asked for
        // stays chosen while it is free; a time that filled up or passed gives way to the next free one.
        const next = await confirmOf(deps, b, body.merchant_id, body.service_id, { slot });
        // the ledger's error says what was short; the elder wants to know what they have
        const have = r.error.code === 'INSUFFICIENT_POINTS' ? (await pointsSummary(deps, b.elder.elder_id)).balance_points : undefined;
        return render(c, <ConfirmPage view={viewOf(c)} b={b} c={next} formKey={newFormKey()} error={bookingMsg(r.error, next.hit.price_points, have)} />, { status: r.error.status });
      },
    }),
    defineRoute({
      method: 'get', path: `${prefix}/orders`, access: { roles }, tags: ['pages'], page: true,
      summary: `Recent orders, newest first (${who})`, params: BaseP,
      async handler(c, { params, principal }) {
        const b = await booker(principal, params.elder_id);
        const page = await deps.orders.ofElder(b.elder.elder_id, RECENT_ORDERS);
        return render(c, <OrdersPage view={viewOf(c)} b={b} orders={page.items} />);
      },
    }),
    defineRoute({
      method: 'get', path: `${prefix}/orders/:order_id`, access: { roles }, tags: ['pages'], page: true,
      summary: `One order: status, shop, the 6-digit code while open, cancel, rate, complain (${who})`,
      params: OrderP, query: z.object({ done: z.optional(z.enum(['cancelled', 'rated', 'disputed'])) }),
      async handler(c, { params, query, principal }) {
        const b = await booker(principal, params.elder_id);
        const o = await loadOrder(deps, b, params.order_id);
        const done = query.done === 'cancelled' && o.cancel_fee_points
          ? { zh: `已取消，按政策收取 ${o.cancel_fee_points} 积分取消费，其余积分已退回`, en: `Cancelled; a ${o.cancel_fee_points}-point fee was kept, the rest returned` }
          : query.done ? DONE[query.done] : undefined;
        return orderPage(c, deps, b, o, done ? { done } : {});
      },
    }),
    defineRoute({
      method: 'post', path: `${prefix}/orders/:order_id/cancel`, access: { roles }, tags: ['pages'], page: true,
      summary: `Cancel before completion; points released (${who})`, params: OrderP, bodyKind: 'form', body: z.object({}),
      async handler(c, { params, principal }) {
        const b = await booker(principal, params.elder_id);
        const o = await loadOrder(deps, b, params.order_id);
        const policy = await policyNow(deps);
        const r = await expected(['ORDER_STATE'], () => cancelOrder(orderDeps(deps), policy, o.order_id, actorOf(b), b.p.sub));
        if (!r.ok) {
          const now = await loadOrder(deps, b, o.order_id);
          // a double tap: the first tap already cancelled it, so show that rather than an error
          if (now.status === 'cancelled') return c.redirect(`${b.base}/orders/${o.order_id}?done=cancelled`, 303);
          return orderPage(c, deps, b, now, { error: { zh: '订单状态已经变了，不能取消。', en: 'The order has moved on and cannot be cancelled.' } }, r.error.status);
        }
        return c.redirect(`${b.base}/orders/${o.order_id}?done=cancelled`, 303);
      },
    }),
    defineRoute({
      method: 'post', path: `${prefix}/orders/:order_id/rate`, access: { roles }, tags: ['pages'], page: true,
      summary: `Rate a completed order once: 1-5 stars, tags, comment (${who})`, params: OrderP, bodyKind: 'form',
      // tags arrive as tag_0 .. tag_7 checkboxes: the form parser keeps one value per name
      body: z.looseObject({ stars: z.optional(z.string().check(z.maxLength(2))), comment: z.optional(z.string().check(z.maxLength(1000))) }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const o = await loadOrder(deps, b, params.order_id);
        const stars = Number(body.stars);
        const comment = (body.comment ?? '').trim();
        if (!Number.isInteger(stars) || stars < 1 || stars > 5) return orderPage(c, deps, b, o, { error: { zh: '请先选几颗星（1到5）', en: 'Choose 1 to 5 stars' } }, 400);
        if (comment.length > 200 || /[<>]/.test(comment)) return orderPage(c, deps, b, o, { error: { zh: '想说的话最多200字，不能有 < > 符号', en: 'Comment: at most 200 characters, no < >' } }, 400);
        const tags = RATING_TAGS.filter((_, i) => body[`tag_${i}`] === '1');
        const r = await expected(['ORDER_STATE'], () => rateOrder(orderDeps(deps), o.order_id, actorOf(b), { stars, tags: [...tags], comment }));
        if (!r.ok) return orderPage(c, deps, b, await loadOrder(deps, b, o.order_id), { error: { zh: '这个订单已经评价过，或还不能评价。', en: 'Already rated, or not ready to rate.' } }, r.error.status);
        return c.redirect(`${b.base}/orders/${o.order_id}?done=rated`, 303);
      },
    }),
    defineRoute({
      method: 'get', path: `${prefix}/orders/:order_id/dispute`, access: { roles }, tags: ['pages'], page: true,
      summary: `Complaint form for a completed order (${who})`, params: OrderP,
      async handler(c, { params, principal }) {
        const b = await booker(principal, params.elder_id);
        return render(c, <DisputePage view={viewOf(c)} b={b} o={await loadOrder(deps, b, params.order_id)} />);
      },
    }),
    defineRoute({
      method: 'post', path: `${prefix}/orders/:order_id/dispute`, access: { roles }, tags: ['pages'], page: true,
      summary: `Send a complaint within 7 days of completion (${who})`, params: OrderP, bodyKind: 'form', body: z.object({ reason: z.string().check(z.maxLength(2000)) }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const o = await loadOrder(deps, b, params.order_id);
        const reason = body.reason.trim();
        if (reason.length < 2 || reason.length > 300) {
          return render(c, <DisputePage view={viewOf(c)} b={b} o={o} reason={body.reason} error={{ zh: '请写2到300个字', en: 'Write 2 to 300 characters' }} />, { status: 400 });
        }
        const r = await expected(['ORDER_STATE', 'DISPUTE_WINDOW_CLOSED'], () => disputeOrder(orderDeps(deps), o.order_id, actorOf(b), b.p.sub, reason));
        if (!r.ok) return render(c, <DisputePage view={viewOf(c)} b={b} o={o} reason={body.reason} error={msgOfError(r.error)} />, { status: r.error.status });
        return c.redirect(`${b.base}/orders/${o.order_id}?done=disputed`, 303);
      },
    }),
  ];
};

export const servicePageRoutes = (deps: Deps): RouteDef[] => [...routesFor(deps, 'elder'), ...routesFor(deps, 'family')];
