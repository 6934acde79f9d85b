// The merchant's services: the ones on sale, and a form to add one with a simple weekly
// timetable (the same hours Monday to Friday, the weekend's own if different) and the cash
// reference price typed in yuan.
import * as z from 'zod/mini';
import { yuanTextToFen, fenToYuanText } from '@tmc/core/kernel/money';
import {
  ServiceInput,
  WEEKDAYS,
  type Category,
  type Merchant,
  type Service,
  type WeeklyHours,
} from '@tmc/core/merchants/model';
import { deactivateService, saveService } from '@tmc/core/merchants/service';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { zodFields } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import type { MerchantP } from '../kit/principal';
import { ErrorBox, Field, Notice, PostButton, SelectField, expected, msgOfError, type Msg } from '../kit/ui';
import { ServiceId } from '@tmc/core/kernel/ids';
import {
  DONE,
  DoneQ,
  FIX_FIELDS,
  FormBody,
  formValues,
  issuesToFields,
  numberOrUndefined,
  type FormState,
} from './forms';

const ServiceIdP = z.object({ service_id: ServiceId });

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** One timetable for Monday to Friday, and the weekend's own hours when given (else the same). */
const hoursOf = (open: string, close: string, wopen: string, wclose: string): WeeklyHours => {
  const week: [string, string] = [open, close];
  const weekend: [string, string] = wopen || wclose ? [wopen, wclose] : week;
  const out: WeeklyHours = {};
  for (const d of WEEKDAYS) out[d] = [d === 'sat' || d === 'sun' ? weekend : week];
  return out;
};

const serviceField = (path: string): string => {
  const parts = path.split('.').filter((x) => x !== 'body');
  if (parts[0] === 'hours') return parts[1] === 'sat' || parts[1] === 'sun' ? 'wopen' : 'open';
  if (parts[0] === 'ref_price_fen') return 'ref_price_yuan';
  return parts[0] ?? path;
};

const ServicesPage = (props: {
  view: View;
  m: Merchant;
  services: Service[];
  categories: Category[];
  state: FormState;
  done?: Msg | undefined;
}) => {
  const v = props.state.values ?? {};
  const f = props.state.fields ?? {};
  const mine = props.categories.filter((c) => props.m.categories.includes(c.code));
  const name = (code: string) => props.categories.find((c) => c.code === code)?.name_zh ?? code;
  const mode = v.mode ?? 'onsite';
  return (
    <H5Layout view={props.view} title="我的服务" titleEn="My services">
      <Notice msg={props.done} />
      <section class="panel" aria-labelledby="svc-h">
        <h2 id="svc-h">
          <T zh="在售服务" en="Services" />
        </h2>
        {props.services.length === 0 ? (
          <p>
            <T zh="还没有服务，请在下面添加。" en="None yet; add one below." />
          </p>
        ) : (
          <ul class="list">
            {props.services.map((s) => (
              <li>
                <h3>{s.name}</h3>
                <p class="num">
                  {name(s.category)} · {s.price_points} 积分 · 参考价 {fenToYuanText(s.ref_price_fen)} 元 ·{' '}
                  {s.duration_min} 分钟
                </p>
                <p>
                  {s.mode === 'home_visit' ? (
                    <T zh={`上门，${s.radius_m ?? 0} 米内`} en="Home visit" />
                  ) : (
                    <T zh="到店" en="At the shop" />
                  )}{' '}
                  · <span class="num">每个时段 {s.capacity_per_slot} 位</span>
                </p>
                <PostButton
                  action={`/merchant/services/${s.service_id}/remove`}
                  label={{ zh: '下架', en: 'Withdraw' }}
                  cls="btn-warn"
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="panel" aria-labelledby="add-h">
        <h2 id="add-h">
          <T zh="添加服务" en="Add a service" />
        </h2>
        <ErrorBox msg={props.state.error} />
        <form method="post" action="/merchant/services">
          <Field
            name="name"
            required
            maxlength={40}
            value={v.name}
            error={f.name}
            label={{ zh: '服务名称', en: 'Name' }}
            hint={{ zh: '例如：老人理发', en: 'e.g. Haircut' }}
          />
          <SelectField
            name="category"
            required
            value={v.category}
            error={f.category}
            label={{ zh: '类别', en: 'Category' }}
            options={mine.map((c) => ({ value: c.code, label: c.name_zh }))}
          />
          <Field
            name="price_points"
            type="number"
            inputmode="numeric"
            required
            value={v.price_points}
            error={f.price_points}
            label={{ zh: '积分价格', en: 'Price in points' }}
          />
          <Field
            name="ref_price_yuan"
            inputmode="decimal"
            required
            value={v.ref_price_yuan}
            error={f.ref_price_yuan}
            label={{ zh: '参考现金价（元）', en: 'Cash price (yuan)' }}
            hint={{ zh: '例如 20 或 12.50', en: 'e.g. 20 or 12.50' }}
          />
          <Field
            name="duration_min"
            type="number"
            inputmode="numeric"
            required
            value={v.duration_min ?? '30'}
            error={f.duration_min}
            label={{ zh: '大约要多少分钟', en: 'Minutes it takes' }}
          />
          <fieldset>
            <legend>
              <T zh="服务方式" en="Where" />
            </legend>
            <div class="picks">
              <label class="pick">
                <input type="radio" name="mode" value="onsite" checked={mode === 'onsite'} />
                <span>到店</span>
              </label>
              <label class="pick">
                <input type="radio" name="mode" value="home_visit" checked={mode === 'home_visit'} />
                <span>上门</span>
              </label>
            </div>
          </fieldset>
          <Field
            name="radius_m"
            type="number"
            inputmode="numeric"
            value={v.radius_m}
            error={f.radius_m}
            label={{ zh: '上门范围（米，上门才填）', en: 'Home-visit radius (m)' }}
          />
          {/* one per line: a time picker squeezed to half a 360 px screen cuts off its own text */}
          <Field
            name="open"
            type="time"
            required
            value={v.open ?? '08:00'}
            error={f.open}
            label={{ zh: '每天开门', en: 'Opens' }}
          />
          <Field
            name="close"
            type="time"
            required
            value={v.close ?? '18:00'}
            error={f.close}
            label={{ zh: '每天关门', en: 'Closes' }}
          />
          <Field
            name="wopen"
            type="time"
            value={v.wopen}
            error={f.wopen}
            label={{ zh: '周末开门', en: 'Weekend opens' }}
          />
          <Field
            name="wclose"
            type="time"
            value={v.wclose}
            error={f.wclose}
            label={{ zh: '周末关门', en: 'Weekend closes' }}
          />
          <p class="hint">
            <T zh="周末和平时一样就不用填。" en="Leave the weekend empty if it is the same." block />
          </p>
          <Field
            name="capacity_per_slot"
            type="number"
            inputmode="numeric"
            required
            value={v.capacity_per_slot ?? '1'}
            error={f.capacity_per_slot}
            label={{ zh: '每小时能接几位老人', en: 'Elders per hour' }}
          />
          <button type="submit" class="btn">
            <T zh="添加服务" en="Add" />
          </button>
        </form>
      </section>
      <a class="btn btn-2" href="/merchant">
        <T zh="返回订单" en="Back to orders" />
      </a>
    </H5Layout>
  );
};

const SLOT_MINUTES = 60; // the simple timetable books by the hour, matching "elders per hour"

const servicesPage = async (
  c: Ctx,
  deps: Deps,
  p: MerchantP,
  state: FormState,
  opts: { status?: number; done?: Msg } = {},
) => {
  const m = await deps.merchants.getMerchant(p.merchant_id);
  if (!m) return c.redirect('/merchant', 303);
  const [services, categories] = await Promise.all([
    deps.merchants.services(m.merchant_id),
    deps.merchants.categories(),
  ]);
  return render(
    c,
    <ServicesPage
      view={viewOf(c)}
      m={m}
      services={services.filter((s) => s.active)}
      categories={categories}
      state={state}
      done={opts.done}
    />,
    { status: opts.status ?? 200 },
  );
};

export const merchantServiceRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/merchant/services',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: 'Merchant: my services and a form to add one',
    query: DoneQ,
    handler(c, { query, principal }) {
      return servicesPage(c, deps, principal, {}, query.done ? { done: DONE[query.done] } : {});
    },
  }),
  defineRoute({
    method: 'post',
    path: '/merchant/services',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary:
      'Merchant: add a service (points price, cash price in yuan, duration, ' +
      'on-site or home visit, weekly hours, capacity)',
    bodyKind: 'form',
    body: FormBody,
    async handler(c, { body, principal: p }) {
      const v = formValues(body);
      const fields: Record<string, Msg> = {};
      const fen = yuanTextToFen(v.ref_price_yuan ?? '');
      if (fen === null)
        fields.ref_price_yuan = { zh: '请填金额，例如 20 或 12.50', en: 'Enter an amount such as 20 or 12.50' };
      for (const k of ['open', 'close'] as const)
        if (!HHMM.test(v[k] ?? '')) fields[k] = { zh: '请填时间，例如 08:00', en: 'Enter a time such as 08:00' };
      const wopen = v.wopen ?? '';
      const wclose = v.wclose ?? '';
      if ((wopen || wclose) && !(HHMM.test(wopen) && HHMM.test(wclose)))
        fields.wopen = { zh: '周末的开门和关门时间都要填，或者都不填', en: 'Fill in both weekend times or neither' };
      const home = v.mode === 'home_visit';
      const input = {
        name: v.name ?? '',
        category: v.category ?? '',
        price_points: numberOrUndefined(v.price_points),
        ref_price_fen: fen ?? 0,
        duration_min: numberOrUndefined(v.duration_min),
        mode: home ? 'home_visit' : 'onsite',
        radius_m: home ? (numberOrUndefined(v.radius_m) ?? null) : null,
        hours: hoursOf(v.open ?? '', v.close ?? '', wopen, wclose),
        closed_dates: [],
        slot_minutes: SLOT_MINUTES,
        capacity_per_slot: numberOrUndefined(v.capacity_per_slot),
      };
      const parsed = ServiceInput.safeParse(input);
      if (!parsed.success)
        Object.assign(fields, { ...issuesToFields(zodFields(parsed.error), serviceField), ...fields });
      if (home && input.radius_m === null)
        fields.radius_m = { zh: '上门服务要填上门范围（米）', en: 'Home visits need a radius' };
      const error = FIX_FIELDS;
      if (!parsed.success || Object.keys(fields).length > 0)
        return servicesPage(c, deps, p, { values: v, fields, error }, { status: 400 });
      const r = await expected(['VALIDATION_FAILED', 'MERCHANT_NOT_FOUND'], () =>
        saveService(deps, p.merchant_id, parsed.data, null, null),
      );
      if (!r.ok)
        return servicesPage(
          c,
          deps,
          p,
          { values: v, fields: issuesToFields(r.error.fields ?? [], serviceField), error: msgOfError(r.error) },
          { status: r.error.status },
        );
      return c.redirect('/merchant/services?done=service_added', 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/merchant/services/:service_id/remove',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: 'Merchant: withdraw a service (it stops being matched at once)',
    params: ServiceIdP,
    bodyKind: 'form',
    body: z.object({}),
    async handler(c, { params, principal }) {
      await deactivateService(deps, principal.merchant_id, params.service_id);
      return c.redirect('/merchant/services?done=service_removed', 303);
    },
  }),
];
