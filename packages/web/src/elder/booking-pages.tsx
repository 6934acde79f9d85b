// Finding and booking a service, for the elder and for bound family on the elder's behalf (one
// set of handlers, see booker.tsx): services in the ten-minute circle, 帮我找, and the confirm
// screen with its free times. Every action is a plain form post, so nothing needs script.
import * as z from 'zod/mini';
import { AppError, type ErrorCode } from '@tmc/core/kernel/errors';
import { CategoryCode, serviceCard, slotStarts, type Category } from '@tmc/core/merchants/model';
import { distanceM } from '@tmc/core/search/geo';
import { slotKey, toHit, type SearchHit } from '@tmc/core/search/search';
import { requestOrder, type BookArgs } from '@tmc/core/orders/book';
import type { Policy } from '@tmc/core/policy/model';
import type { Idem } from '@tmc/core/ledger/service';
import { DATE_RE } from '@tmc/core/kernel/ids';
import { defineRoute, queryInt, type RouteDef } from '@tmc/app/public';
import { policyNow } from '@tmc/app/public';
import { orderDeps } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import { ErrorBox, Notice, expected, type Msg } from '../kit/ui';
import {
  FormKey,
  chinaDateOf,
  chinaDayLabel,
  chinaDayLabelEn,
  chinaTime,
  distanceZh,
  elderOrigin,
  findCandidates,
  formIdem,
  newFormKey,
  pointsSummary,
  servicesNear,
} from '../kit/booking';
import { HitCard, WhenText, bookingMsg } from '../kit/order-ui';
import { Back, BaseP, ForWhom, MerchantId, Plain, ServiceId, flavorOf, type Booker, type Flavor } from './booker';

const BOOKING_ERRORS: readonly ErrorCode[] = [
  'SERVICE_UNAVAILABLE',
  'SLOT_FULL',
  'SLOT_INVALID',
  'INSUFFICIENT_POINTS',
  'CATEGORY_NOT_ALLOWED',
  'CAP_EXCEEDED',
  'WALLET_FROZEN',
  'IDEMPOTENCY_KEY_REUSED',
];
const WIDER_MINUTES = 20; // when nothing is within ten minutes, one tap looks twice as far

/** Books for the elder the page is about, in the name of who is signed in (帮我找 and direct
 * booking alike); a refusal the page explains comes back as a value. */
const bookFor = (deps: Deps, policy: Policy, b: Booker, order: Omit<BookArgs, 'elder_id' | 'booked_by'>, idem: Idem) =>
  expected(BOOKING_ERRORS, () =>
    requestOrder(orderDeps(deps), policy, { elder_id: b.elder.elder_id, booked_by: b.p.sub, ...order }, idem),
  );

const categoryOf = async (deps: Deps, code: string): Promise<Category> => {
  const c = (await deps.merchants.categories()).find((x) => x.code === code);
  if (!c)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'query.category', code: 'INVALID_VALUE', message: 'unknown category' }],
    });
  return c;
};

// ---------------------------------------------------------------------------------------------
// Services in the circle, and 帮我找

type ListState = { findError?: Msg; findNotice?: Msg; minutes?: number };

const ServicesPage = (props: {
  view: View;
  b: Booker;
  cat: Category;
  hits: SearchHit[];
  total: number;
  minutes: number;
  formKey: string;
  state: ListState;
}) => {
  const walks = props.hits.filter((h) => !h.home_visit);
  const visits = props.hits.filter((h) => h.home_visit);
  return (
    <H5Layout view={props.view} title={props.cat.name_zh} titleEn={props.cat.name_en}>
      <ForWhom b={props.b} />
      <section class="panel" aria-labelledby="find-h">
        <h2 id="find-h">
          <T zh="帮我找" en="Find one for me" />
        </h2>
        <p>
          <T
            zh="系统替您找最近、营业中、评价好的一家，商户接单后告诉您是哪家。"
            en="We ask the nearest open, well-rated shop and tell you who took it."
            block
          />
        </p>
        <ErrorBox msg={props.state.findError} />
        <Notice msg={props.state.findNotice} />
        <form method="post" action={`${props.b.base}/find`}>
          <input type="hidden" name="category" value={props.cat.code} />
          <input type="hidden" name="key" value={props.formKey} />
          <button type="submit" class="btn">
            <T zh={`帮我找${props.cat.name_zh}`} en="Find one for me" />
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="list-h">
        <h2 id="list-h">
          <T
            zh={`步行 ${props.minutes} 分钟内（${walks.length} 项）`}
            en={`Within ${props.minutes} min walk (${walks.length})`}
          />
        </h2>
        {walks.length === 0 ? (
          <>
            <p>
              <T
                zh={visits.length ? '步行范围内暂时没有这类服务。' : '附近暂时没有这类服务。'}
                en={
                  visits.length
                    ? 'Nothing of this kind within walking distance yet.'
                    : 'Nothing of this kind nearby yet.'
                }
                block
              />
            </p>
            {props.minutes < WIDER_MINUTES && (
              <a
                class="btn btn-2"
                href={`${props.b.base}/services?category=${props.cat.code}&minutes=${WIDER_MINUTES}`}
              >
                <T zh={`看看 ${WIDER_MINUTES} 分钟内的`} en={`Look within ${WIDER_MINUTES} min`} />
              </a>
            )}
          </>
        ) : (
          <ul class="list">
            {walks.map((h) => (
              <HitCard hit={h} base={props.b.base} />
            ))}
          </ul>
        )}
      </section>
      {visits.length > 0 && (
        // a shop that comes to the home is not a walk away: its own heading, with how far it travels
        <section class="panel" aria-labelledby="visit-h">
          <h2 id="visit-h">
            <T zh={`上门服务（${visits.length} 项）`} en={`Home visits (${visits.length})`} />
          </h2>
          <p>
            <T
              zh="商户到您家服务，您家在它的上门范围内。"
              en="The shop comes to your home; you live within the distance it travels."
              block
            />
          </p>
          <ul class="list">
            {visits.map((h) => (
              <HitCard hit={h} base={props.b.base} />
            ))}
          </ul>
        </section>
      )}
      {props.total > props.hits.length && (
        <p>
          <T
            zh={`只列出最近的 ${props.hits.length} 项。`}
            en={`Only the nearest ${props.hits.length} are listed.`}
            block
          />
        </p>
      )}
      <Back href={props.b.base} label={{ zh: '返回首页', en: 'Home' }} />
    </H5Layout>
  );
};

const servicesPage = async (c: Ctx, deps: Deps, b: Booker, code: string, state: ListState, status = 200) => {
  const cat = await categoryOf(deps, code);
  const policy = await policyNow(deps);
  const minutes = state.minutes ?? policy.circle.minutes;
  const r = await servicesNear(deps, policy, await elderOrigin(deps, b.elder), cat.code, { minutes });
  return render(
    c,
    <ServicesPage
      view={viewOf(c)}
      b={b}
      cat={cat}
      hits={r.items}
      total={r.total}
      minutes={minutes}
      formKey={newFormKey()}
      state={state}
    />,
    { status },
  );
};

// ---------------------------------------------------------------------------------------------
// The confirm screen

/** Free times of one China calendar day ("2026-11-23"), in order. */
type DaySlots = { date: string; slots: string[] };
/** `days` lists only days with a free time; `date` is the day shown, `slot` the time preselected
 * (null: the service keeps no hours, so the shop calls to agree a time). */
type Confirm = {
  hit: SearchHit;
  address: string;
  slot: string | null;
  days: DaySlots[];
  date: string | null;
  hasHours: boolean;
};

const SLOTS_CHECKED_MAX = 60; // about a week of a barber's hours, one BatchGet
const DAYS_SHOWN_MAX = 7;

/** The service as the confirm screen shows it, measured from the elder's home right now, with its
 * free times by day. The elder picks a day (a link) and a time (a big radio button); without a
 * pick the next free time is preselected, so one tap still books the soonest. */
const confirmOf = async (
  deps: Deps,
  b: Booker,
  merchant_id: string,
  service_id: string,
  want: { date?: string | undefined; slot?: string | null | undefined } = {},
): Promise<Confirm> => {
  const m = await deps.merchants.getMerchant(merchant_id);
  const s = m ? (await deps.merchants.services(merchant_id)).find((x) => x.service_id === service_id) : undefined;
  if (!m || !s || m.status !== 'approved' || !s.active) throw new AppError('SERVICE_UNAVAILABLE');
  const policy = await policyNow(deps);
  const card = serviceCard(m, s);
  const now = deps.clock.now();
  const hit = toHit(card, distanceM(await elderOrigin(deps, b.elder), card.location), policy.circle, now);
  const starts = slotStarts(card, now, SLOTS_CHECKED_MAX);
  const taken = starts.length
    ? await deps.merchants.slotsTaken(starts.map((start) => ({ service_id, start })))
    : new Map<string, number>();
  const free = starts.filter((start) => (taken.get(slotKey({ service_id, start })) ?? 0) < card.capacity_per_slot);
  const days: DaySlots[] = [];
  for (const start of free) {
    const date = chinaDateOf(start);
    const last = days[days.length - 1];
    if (last?.date === date) last.slots.push(start);
    else if (days.length < DAYS_SHOWN_MAX) days.push({ date, slots: [start] });
    else break;
  }
  const day =
    days.find((d) => d.date === want.date) ?? days.find((d) => want.slot && d.slots.includes(want.slot)) ?? days[0];
  const slot = day ? (want.slot && day.slots.includes(want.slot) ? want.slot : (day.slots[0] ?? null)) : null;
  // full: it has hours but no free time in the window; booking waits or goes elsewhere
  return {
    hit: { ...hit, next_slot: free[0] ?? null, slots_full: starts.length > 0 && free.length === 0 },
    address: m.address,
    slot,
    days,
    date: day?.date ?? null,
    hasHours: starts.length > 0,
  };
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
          <p class="label" id="day-h">
            <T zh="哪一天" en="Which day" />
          </p>
          <div class="days">
            {c.days.map((d) => (
              <a href={`${props.href}&date=${d.date}`} aria-current={d.date === c.date ? 'date' : undefined}>
                <T zh={chinaDayLabel(d.date)} en={chinaDayLabelEn(d.date)} />
              </a>
            ))}
          </div>
        </nav>
      )}
      <fieldset>
        <legend>
          <T
            zh={`几点（${day ? chinaDayLabel(day.date) : ''}）`}
            en={`What time (${day ? chinaDayLabelEn(day.date) : ''})`}
          />
        </legend>
        <div class="picks">
          {(day?.slots ?? []).map((s) => (
            <label class="pick">
              <input type="radio" name="slot_start" value={s} checked={s === c.slot} required />
              <span class="num">{chinaTime(s)}</span>
            </label>
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
          <dt>
            <T zh="商户" en="Shop" />
          </dt>
          <dd>{h.merchant_name}</dd>
          <dt>
            <T zh="积分" en="Points" />
          </dt>
          <dd class="num">
            <b>
              <T zh={`${h.price_points} 积分`} en={`${h.price_points} points`} />
            </b>
          </dd>
          {!props.c.hasHours && (
            <>
              <dt>
                <T zh="时间" en="When" />
              </dt>
              <dd id="when">
                <WhenText slot={null} />
              </dd>
            </>
          )}
          <dt>
            <T zh="地点" en="Where" />
          </dt>
          <dd>
            {h.home_visit ? (
              <T zh="上门服务（到您家）" en="Home visit" />
            ) : (
              <>
                {props.c.address}
                <br />
                <span class="num">
                  步行约 {h.walking_minutes} 分钟 · {distanceZh(h.distance_m)}
                </span>
              </>
            )}
          </dd>
        </dl>
        <ErrorBox msg={props.error} />
        {h.slots_full ? (
          // nothing to confirm: say so on the page and offer the phone instead
          <>
            <p>
              <T
                zh="这项服务最近的时段都约满了。可以打电话问商户，或换一家。"
                en="Every slot soon is taken. Call the shop or choose another."
                block
              />
            </p>
            <a class="btn btn-2" href={`tel:${h.merchant_phone}`}>
              <T zh="打电话给商户" en="Call the shop" />
            </a>
          </>
        ) : (
          <form method="post" action={`${props.b.base}/book`}>
            <input type="hidden" name="merchant_id" value={h.merchant_id} />
            <input type="hidden" name="service_id" value={h.service_id} />
            {props.c.hasHours ? (
              <SlotPicker
                c={props.c}
                href={`${props.b.base}/book?merchant_id=${h.merchant_id}&service_id=${h.service_id}`}
              />
            ) : (
              <input type="hidden" name="slot_start" value="" />
            )}
            <input type="hidden" name="key" value={props.formKey} />
            <button type="submit" class="btn">
              <T zh="确认预约" en="Confirm" />
            </button>
          </form>
        )}
        <p>
          <T
            zh={`预约后先冻结 ${h.price_points} 积分，服务完成才扣；取消或商户不接单会退回。`}
            en="Points are held now and only taken when you are served."
            block
          />
        </p>
      </section>
      <Back href={`${props.b.base}/services?category=${h.category}`} />
    </H5Layout>
  );
};

// ---------------------------------------------------------------------------------------------
// Routes, once per flavor

export const bookingPageRoutes = (deps: Deps, flavor: Flavor): RouteDef[] => {
  const { prefix, roles, who, booker } = flavorOf(deps, flavor);
  return [
    defineRoute({
      method: 'get',
      path: `${prefix}/services`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Services of a category in the ten-minute circle from home, nearest first (${who})`,
      params: BaseP,
      query: z.object({ category: CategoryCode, minutes: z.optional(queryInt(1, 30)) }),
      async handler(c, { params, query, principal }) {
        const b = await booker(principal, params.elder_id);
        return servicesPage(c, deps, b, query.category, query.minutes ? { minutes: query.minutes } : {});
      },
    }),
    defineRoute({
      method: 'post',
      path: `${prefix}/find`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `帮我找: offer to the best nearby merchant, then the next (${who})`,
      params: BaseP,
      bodyKind: 'form',
      body: z.object({ category: CategoryCode, key: FormKey }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const policy = await policyNow(deps);
        const { ranked } = await findCandidates(deps, policy, await elderOrigin(deps, b.elder), body.category);
        const first = ranked[0];
        if (!first) {
          return servicesPage(c, deps, b, body.category, {
            findNotice: {
              zh: '附近现在没有营业中的商户可以派单。可以打电话问问下面的商户，或晚些再试。',
              en: 'No open shop nearby right now; call one below or try later.',
            },
          });
        }
        const idem = formIdem(b.p.sub, body.key, { what: 'find', elder_id: b.elder.elder_id, category: body.category });
        const r = await bookFor(
          deps,
          policy,
          b,
          {
            mode: 'find_for_me',
            merchant_id: first.merchant_id,
            service_id: first.service_id,
            slot_start: null,
            candidates: ranked,
          },
          idem,
        );
        if (!r.ok) return servicesPage(c, deps, b, body.category, { findError: bookingMsg(r.error) }, r.error.status);
        return c.redirect(`${b.base}/orders/${r.value.order_id}`, 303);
      },
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/book`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Confirm screen: service, shop, points, time (${who})`,
      params: BaseP,
      query: z.object({
        merchant_id: MerchantId,
        service_id: ServiceId,
        date: z.optional(z.string().check(z.regex(DATE_RE))),
      }),
      async handler(c, { params, query, principal }) {
        const b = await booker(principal, params.elder_id);
        const conf = await confirmOf(deps, b, query.merchant_id, query.service_id, { date: query.date });
        return render(c, <ConfirmPage view={viewOf(c)} b={b} c={conf} formKey={newFormKey()} />);
      },
    }),
    defineRoute({
      method: 'post',
      path: `${prefix}/book`,
      access: { roles },
      tags: ['pages'],
      page: true,
      summary: `Book: points held, slot taken; a repeat of the same confirm screen is the same order (${who})`,
      params: BaseP,
      bodyKind: 'form',
      body: z.object({
        merchant_id: MerchantId,
        service_id: ServiceId,
        slot_start: z.union([z.literal(''), z.iso.datetime()]),
        key: FormKey,
      }),
      async handler(c, { params, body, principal }) {
        const b = await booker(principal, params.elder_id);
        const slot = body.slot_start === '' ? null : body.slot_start;
        const idem = formIdem(b.p.sub, body.key, {
          what: 'book',
          elder_id: b.elder.elder_id,
          merchant_id: body.merchant_id,
          service_id: body.service_id,
          slot,
        });
        const policy = await policyNow(deps);
        const r = await bookFor(
          deps,
          policy,
          b,
          { mode: 'direct', merchant_id: body.merchant_id, service_id: body.service_id, slot_start: slot },
          idem,
        );
        if (r.ok) return c.redirect(`${b.base}/orders/${r.value.order_id}`, 303);
        if (r.error.code === 'SERVICE_UNAVAILABLE') {
          return render(
            c,
            <Plain view={viewOf(c)} title={{ zh: '确认预约', en: 'Confirm booking' }}>
              <ErrorBox msg={bookingMsg(r.error)} />
              <Back href={b.base} label={{ zh: '返回首页', en: 'Home' }} />
            </Plain>,
            { status: r.error.status },
          );
        }
        // Shown again with a fresh key (the failed attempt wrote nothing): the time asked for
        // stays chosen while it is free; a time that filled up or passed gives way to the next free one.
        const next = await confirmOf(deps, b, body.merchant_id, body.service_id, { slot });
        // the ledger's error says what was short; the elder wants to know what they have
        const have =
          r.error.code === 'INSUFFICIENT_POINTS'
            ? (await pointsSummary(deps, b.elder.elder_id)).balance_points
            : undefined;
        return render(
          c,
          <ConfirmPage
            view={viewOf(c)}
            b={b}
            c={next}
            formKey={newFormKey()}
            error={bookingMsg(r.error, next.hit.price_points, have)}
          />,
          { status: r.error.status },
        );
      },
    }),
  ];
};
