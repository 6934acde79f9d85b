// The confirm screen of a booking: the service measured from the elder's home, its free times by
// day, and the one button that books. Split out of booking-pages.tsx so the routes file stays short;
// the GET shows it and a failed POST shows it again with the reason.
import { AppError } from '@tmc/core/kernel/errors';
import { serviceCard, slotStarts } from '@tmc/core/merchants/model';
import { distanceM } from '@tmc/core/search/geo';
import { slotKey, toHit, type SearchHit } from '@tmc/core/search/search';
import { policyForOrders } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, type View } from '../kit/layout';
import { ErrorBox, type Msg } from '../kit/ui';
import { chinaDateOf, chinaDayLabel, chinaDayLabelEn, chinaTime, distanceZh, elderOrigin } from '../kit/booking';
import { WhenText } from '../kit/order-ui';
import { Back, ForWhom, type Booker } from './booker';

/** Free times of one China calendar day ("2026-11-23"), in order. */
type DaySlots = { date: string; slots: string[] };
/** `days` lists only days with a free time; `date` is the day shown, `slot` the time preselected
 * (null: the service keeps no hours, so the shop calls to agree a time). */
export type Confirm = {
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
export const confirmOf = async (
  deps: Deps,
  b: Pick<Booker, 'elder'>, // the staff 代下单 page measures from the elder's home too

  merchant_id: string,
  service_id: string,
  want: { date?: string | undefined; slot?: string | null | undefined } = {},
): Promise<Confirm> => {
  const m = await deps.merchants.getMerchant(merchant_id);
  const s = m ? (await deps.merchants.services(merchant_id)).find((x) => x.service_id === service_id) : undefined;
  if (!m || !s || m.status !== 'approved' || !s.active) throw new AppError('SERVICE_UNAVAILABLE');
  const policy = await policyForOrders(deps);
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

export const ConfirmPage = (props: { view: View; b: Booker; c: Confirm; formKey: string; error?: Msg | undefined }) => {
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
