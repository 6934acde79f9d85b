// The merchant's pages, on the shop phone (same large H5 look as the elder's): apply to join,
// see the review status, take or decline requests, redeem with the elder's 6-digit code or card
// number + PIN, mark a no-show, and list services with a simple weekly timetable.
import * as z from 'zod/mini';
import type { ErrorCode, FieldIssue } from '@tmc/core/kernel/errors';
import { MerchantApplication, ServiceInput, WEEKDAYS, type Category, type Merchant, type Service, type WeeklyHours } from '@tmc/core/merchants/model';
import { applyAsMerchant, deactivateService, saveService } from '@tmc/core/merchants/service';
import { acceptOrder, completeOrder, noShow, rejectOrder, visitDetails, type Proof, type VisitDetails } from '@tmc/core/orders/service';
import { allowedEvents, type Order, type OrderEvent } from '@tmc/core/orders/state';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { zodFields } from '@tmc/app/public';
import { policyNow } from '@tmc/app/public';
import { orderDeps } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, TextSizeSwitch, render, viewOf, type View } from '../kit/layout';
import type { MerchantP } from '../kit/principal';
import { ErrorBox, Field, Notice, PostButton, SelectField, WECHAT_LINKED, WECHAT_UNLINKED, WechatPanel, expected, fieldErrors, msgOfError, type Msg } from '../kit/ui';
import { communitiesOf, loadAreaTree } from '../kit/areas';
import { chinaDateTime } from '../kit/booking';
import { MERCHANT_STATUS, WhenText, completionMsg } from '../kit/order-ui';

const OrderP = z.object({ order_id: z.string().check(z.regex(/^o_[A-Za-z0-9]{8,40}$/)) });
const ServiceIdP = z.object({ service_id: z.string().check(z.regex(/^s_[A-Za-z0-9_]{4,40}$/)) });
const ORDERS_SHOWN = 20; // newest first; a shop handles a few a day
const ACTION_ERRORS: readonly ErrorCode[] = ['ORDER_STATE', 'ORDER_NOT_FOUND', 'FORBIDDEN', 'CODE_INVALID', 'CODE_LOCKED'];

const DONE = {
  accepted: { zh: '已接单，老人会收到通知', en: 'Accepted; the elder is told' },
  rejected: { zh: '已拒绝', en: 'Declined' },
  completed: { zh: '核销成功，积分已记入您的账户', en: 'Redeemed; the points are yours' },
  no_show: { zh: '已记为未到店，积分退回老人', en: 'Marked as no-show' },
  applied: { zh: '申请已提交，民政工作人员审核后通知您', en: 'Application sent; staff will review it' },
  service_added: { zh: '服务已添加', en: 'Service added' },
  service_removed: { zh: '服务已下架', en: 'Service withdrawn' },
  wechat_linked: WECHAT_LINKED,
  wechat_unlinked: WECHAT_UNLINKED,
} as const satisfies Record<string, Msg>;
type Done = keyof typeof DONE;
const DoneQ = z.object({ done: z.optional(z.enum(Object.keys(DONE) as [Done, ...Done[]])) });

const STATUS_LINE: Record<Merchant['status'], Msg> = {
  pending: { zh: '入驻申请审核中', en: 'Application under review' },
  approved: { zh: '已入驻，可以接单', en: 'Approved: taking orders' },
  rejected: { zh: '申请没有通过', en: 'Application not approved' },
  suspended: { zh: '已暂停接单', en: 'Suspended' },
};

// ---------------------------------------------------------------------------------------------
// Orders

type OrderError = { order_id: string; msg: Msg };

const CompleteForms = (props: { o: Order; noShow: boolean; error?: Msg | undefined }) => {
  const id = props.o.order_id;
  const action = `/merchant/orders/${id}/complete`;
  return (
    <>
      <ErrorBox msg={props.error} />
      <form method="post" action={action}>
        <Field name="code" id={`code-${id}`} inputmode="numeric" autocomplete="off" maxlength={6} minlength={6} pattern="[0-9]{6}" required cls="code"
          label={{ zh: '老人的6位核销码', en: "Elder's 6-digit code" }} />
        <button type="submit" class="btn"><T zh="核销完成" en="Redeem" /></button>
      </form>
      <details class="alt">
        <summary><T zh="老人没有手机？用积分卡号和密码" en="No phone? Use card and PIN" /></summary>
        <form method="post" action={action}>
          <Field name="card_number" id={`card-${id}`} inputmode="numeric" autocomplete="off" maxlength={16} required label={{ zh: '积分卡号（12位）', en: 'Card number' }} />
          <Field name="pin" id={`pin-${id}`} type="password" inputmode="numeric" autocomplete="off" maxlength={6} minlength={6} pattern="[0-9]{6}" required
            label={{ zh: '老人输入6位密码', en: 'Elder types the PIN' }} />
          <button type="submit" class="btn"><T zh="用卡核销" en="Redeem with card" /></button>
        </form>
      </details>
      {props.noShow && <PostButton action={`/merchant/orders/${id}/no-show`} label={{ zh: '未到店 / 未遇到老人', en: 'No-show' }} cls="btn-warn" />}
    </>
  );
};

/** `can`: the state machine's allowed events for the merchant now (orders.ts allowedEvents). */
const MerchantOrder = (props: { o: Order; can: readonly OrderEvent[]; error?: Msg | undefined }) => {
  const o = props.o;
  const answer = props.can.includes('accept') || props.can.includes('reject');
  const redeem = props.can.includes('complete');
  return (
    <li id={`o-${o.order_id}`}>
      <h3>{o.service_name} · <span class="num">{o.price_points} 积分</span></h3>
      <p>
        <b class={o.status === 'requested' || o.status === 'accepted' ? 'price' : undefined}><T zh={MERCHANT_STATUS[o.status].zh} en={MERCHANT_STATUS[o.status].en} /></b>{' '}
        {o.home_visit && <span class="tag"><T zh="上门" en="Home visit" /></span>}
      </p>
      <p><b><T zh="时间" en="When" /></b> <WhenText slot={o.slot_start} /></p>
      <p class="muted num">下单 {chinaDateTime(o.created_at)}</p>
      {answer && (
        <>
          <ErrorBox msg={props.error} />
          <div class="row">
            {props.can.includes('accept') && <PostButton action={`/merchant/orders/${o.order_id}/accept`} label={{ zh: '接单', en: 'Accept' }} />}
            {props.can.includes('reject') && <PostButton action={`/merchant/orders/${o.order_id}/reject`} label={{ zh: '拒绝', en: 'Decline' }} cls="btn-warn" />}
          </div>
        </>
      )}
      {o.status === 'accepted' && o.home_visit && (
        <a class="btn btn-2" href={`/merchant/orders/${o.order_id}/visit`}><T zh="查看上门地址" en="Visit address" /></a>
      )}
      {redeem && <CompleteForms o={o} noShow={props.can.includes('no_show')} error={props.error} />}
      {!redeem && props.can.includes('no_show') && <PostButton action={`/merchant/orders/${o.order_id}/no-show`} label={{ zh: '未到店 / 未遇到老人', en: 'No-show' }} cls="btn-warn" />}
      {!answer && !redeem && <ErrorBox msg={props.error} />}
      {o.rating && <p><T zh={`老人评价：${o.rating.stars} 星${o.rating.tags.length ? `（${o.rating.tags.join('、')}）` : ''}`} en={`${o.rating.stars} stars`} /></p>}
    </li>
  );
};

// ---------------------------------------------------------------------------------------------
// Application

type FormValues = Record<string, string>;
type FormState = { values?: FormValues; fields?: Record<string, Msg>; error?: Msg };

const ApplicationForm = (props: { categories: Category[]; communities: { code: string; label: string }[]; state: FormState }) => {
  const v = props.state.values ?? {};
  const f = props.state.fields ?? {};
  const text = (name: string, zh: string, en: string, extra: { type?: 'text' | 'tel' | 'date' | 'number'; inputmode?: 'numeric' | 'decimal' | 'tel'; hint?: Msg; required?: boolean; step?: string } = {}) => (
    <Field name={name} label={{ zh, en }} value={v[name]} error={f[name]} required={extra.required ?? true} type={extra.type} inputmode={extra.inputmode} hint={extra.hint} step={extra.step} />
  );
  return (
    <section class="panel" aria-labelledby="apply-h">
      <h2 id="apply-h"><T zh="入驻申请" en="Apply to join" /></h2>
      <p><T zh="按营业执照填写。民政工作人员审核通过后，您的服务会出现在附近老人的手机上。" en="Fill in as on your licence; staff review it." block /></p>
      <ErrorBox msg={props.state.error} />
      <form method="post" action="/merchant/application">
        {text('business_name', '店名', 'Business name')}
        {text('uscc', '统一社会信用代码', 'Credit code (USCC)', { hint: { zh: '营业执照上的18位代码', en: '18 characters' } })}
        {text('licence_number', '许可证或执照编号', 'Licence number')}
        {text('licence_expires_on', '执照有效期至（可不填）', 'Licence valid until (optional)', { type: 'date', required: false })}
        {text('contact_name', '联系人', 'Contact name')}
        {text('contact_phone', '联系电话（老人会打这个号码）', 'Phone elders call', { type: 'tel', inputmode: 'numeric' })}
        {text('address', '店铺地址', 'Address')}
        <div class="row">
          {text('lat', '纬度', 'Latitude', { type: 'number', step: 'any', inputmode: 'decimal' })}
          {text('lng', '经度', 'Longitude', { type: 'number', step: 'any', inputmode: 'decimal' })}
        </div>
        <p class="hint"><T zh="在手机地图里长按店铺位置，可以看到经纬度。" en="Long-press your shop in a map app to see them." block /></p>
        <SelectField name="community_code" label={{ zh: '所在社区', en: 'Community' }} required value={v.community_code} error={f.community_code}
          options={props.communities.map((c) => ({ value: c.code, label: c.label }))} blank="请选择 Choose" />
        <fieldset>
          <legend><T zh="服务类别（可多选）" en="Categories" /></legend>
          {f.categories && <div class="err"><T zh={f.categories.zh} en={f.categories.en} /></div>}
          <div class="picks">
            {props.categories.map((c) => (
              <label class="pick"><input type="checkbox" name={`cat_${c.code}`} value="1" checked={v[`cat_${c.code}`] === '1'} /><span>{c.name_zh}</span></label>
            ))}
          </div>
        </fieldset>
        <button type="submit" class="btn"><T zh="提交申请" en="Apply" /></button>
      </form>
    </section>
  );
};

/** Field issues from a schema path to the form field that caused them. */
const appField = (path: string): string => {
  const parts = path.split('.').filter((x) => x !== 'body');
  if (parts[0] === 'location') return parts[1] ?? 'lat';
  return parts[0] ?? path;
};

const numberOrUndefined = (s: string | undefined): number | undefined => (s === undefined || s.trim() === '' ? undefined : Number(s));

const applicationOf = (form: FormValues, categories: Category[]) => ({
  business_name: form.business_name ?? '', uscc: form.uscc ?? '', licence_number: form.licence_number ?? '',
  licence_expires_on: form.licence_expires_on ? form.licence_expires_on : null, contact_name: form.contact_name ?? '',
  contact_phone: (form.contact_phone ?? '').replace(/[\s-]/g, ''), address: form.address ?? '',
  location: { lat: numberOrUndefined(form.lat), lng: numberOrUndefined(form.lng) }, community_code: form.community_code ?? '',
  categories: categories.filter((c) => form[`cat_${c.code}`] === '1').map((c) => c.code),
});

// ---------------------------------------------------------------------------------------------
// The merchant home

type HomeState = { done?: Msg | undefined; orderError?: OrderError; apply?: FormState };

const MerchantHome = (props: { view: View; now: Date; m: Merchant | null; orders: Order[]; services: number; categories: Category[]; communities: { code: string; label: string }[]; wechat: boolean; state: HomeState }) => {
  const m = props.m;
  const canApply = !m || m.status === 'rejected';
  return (
    <H5Layout view={props.view} title="商户" titleEn="Merchant">
      <p class="hello">{m ? m.business_name : <T zh="欢迎加入十分钟服务圈" en="Welcome" />}</p>
      <Notice msg={props.state.done} />
      {m && (
        <section class="panel" aria-labelledby="st-h">
          <h2 id="st-h" class="status"><T zh={STATUS_LINE[m.status].zh} en={STATUS_LINE[m.status].en} block /></h2>
          {m.decision_reason && m.status !== 'approved' && <p><T zh={`原因：${m.decision_reason}`} en="Reason given by staff" /></p>}
          {m.status === 'suspended' && <p><T zh="请联系民政部门了解情况。已接的订单仍可核销。" en="Contact the bureau; accepted orders can still be redeemed." block /></p>}
          {m.status === 'pending' && <p><T zh="审核期间可以先添加服务，通过后自动上线。" en="Add your services now; they go live on approval." block /></p>}
        </section>
      )}
      {canApply && <ApplicationForm categories={props.categories} communities={props.communities} state={props.state.apply ?? {}} />}
      {m && (
        <section class="panel" aria-labelledby="orders-h">
          <h2 id="orders-h"><T zh="订单" en="Orders" /></h2>
          {props.orders.length === 0
            ? <p><T zh="还没有订单。" en="No orders yet." /></p>
            : <ul class="list">{props.orders.map((o) => <MerchantOrder o={o} can={allowedEvents(o, 'merchant', props.now)} error={props.state.orderError?.order_id === o.order_id ? props.state.orderError.msg : undefined} />)}</ul>}
          <a class="btn btn-2" href="/merchant"><T zh="刷新订单" en="Refresh" /></a>
        </section>
      )}
      {m && <a class="btn btn-2" href="/merchant/services"><T zh={`我的服务（${props.services} 项）`} en="My services" /></a>}
      <WechatPanel on={props.wechat} />
      <TextSizeSwitch view={props.view} />
      <PostButton action="/merchant/logout" label={{ zh: '退出登录', en: 'Sign out' }} cls="btn-2" />
    </H5Layout>
  );
};

const merchantHome = async (c: Ctx, deps: Deps, p: MerchantP, state: HomeState, status = 200) => {
  const m = await deps.merchants.getMerchant(p.merchant_id);
  const [orders, services, categories] = await Promise.all([
    m ? deps.orders.ofMerchant(m.merchant_id, ORDERS_SHOWN) : Promise.resolve({ items: [] as Order[] }),
    m ? deps.merchants.services(m.merchant_id) : Promise.resolve([] as Service[]),
    deps.merchants.categories(),
  ]);
  // the community list is read only when the application form is on the page
  const communities = !m || m.status === 'rejected' ? communitiesOf(await loadAreaTree(deps, null)) : [];
  return render(c, <MerchantHome view={viewOf(c)} now={deps.clock.now()} m={m} orders={orders.items} services={services.filter((s) => s.active).length} categories={categories} communities={communities} wechat={deps.wechatOAuth !== null} state={state} />, { status });
};

// ---------------------------------------------------------------------------------------------
// Services

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const YUAN = /^\d{1,6}(\.\d{1,2})?$/;

/** "12.5" yuan -> 1250 fen, by string arithmetic: no floats near money. */
export const yuanToFen = (s: string): number | null => {
  const t = s.trim();
  if (!YUAN.test(t)) return null;
  const [yuan = '0', frac = ''] = t.split('.');
  return Number(yuan) * 100 + Number(frac.padEnd(2, '0'));
};

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

const ServicesPage = (props: { view: View; m: Merchant; services: Service[]; categories: Category[]; state: FormState; done?: Msg | undefined }) => {
  const v = props.state.values ?? {};
  const f = props.state.fields ?? {};
  const mine = props.categories.filter((c) => props.m.categories.includes(c.code));
  const name = (code: string) => props.categories.find((c) => c.code === code)?.name_zh ?? code;
  const mode = v.mode ?? 'onsite';
  return (
    <H5Layout view={props.view} title="我的服务" titleEn="My services">
      <Notice msg={props.done} />
      <section class="panel" aria-labelledby="svc-h">
        <h2 id="svc-h"><T zh="在售服务" en="Services" /></h2>
        {props.services.length === 0 ? <p><T zh="还没有服务，请在下面添加。" en="None yet; add one below." /></p> : (
          <ul class="list">
            {props.services.map((s) => (
              <li>
                <h3>{s.name}</h3>
                <p class="num">{name(s.category)} · {s.price_points} 积分 · 参考价 {(s.ref_price_fen / 100).toFixed(2)} 元 · {s.duration_min} 分钟</p>
                <p>{s.mode === 'home_visit' ? <T zh={`上门，${s.radius_m ?? 0} 米内`} en="Home visit" /> : <T zh="到店" en="At the shop" />} · <span class="num">每个时段 {s.capacity_per_slot} 位</span></p>
                <PostButton action={`/merchant/services/${s.service_id}/remove`} label={{ zh: '下架', en: 'Withdraw' }} cls="btn-warn" />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="panel" aria-labelledby="add-h">
        <h2 id="add-h"><T zh="添加服务" en="Add a service" /></h2>
        <ErrorBox msg={props.state.error} />
        <form method="post" action="/merchant/services">
          <Field name="name" required maxlength={40} value={v.name} error={f.name} label={{ zh: '服务名称', en: 'Name' }} hint={{ zh: '例如：老人理发', en: 'e.g. Haircut' }} />
          <SelectField name="category" required value={v.category} error={f.category} label={{ zh: '类别', en: 'Category' }} options={mine.map((c) => ({ value: c.code, label: c.name_zh }))} />
          <Field name="price_points" type="number" inputmode="numeric" required value={v.price_points} error={f.price_points} label={{ zh: '积分价格', en: 'Price in points' }} />
          <Field name="ref_price_yuan" inputmode="decimal" required value={v.ref_price_yuan} error={f.ref_price_yuan} label={{ zh: '参考现金价（元）', en: 'Cash price (yuan)' }} hint={{ zh: '例如 20 或 12.50', en: 'e.g. 20 or 12.50' }} />
          <Field name="duration_min" type="number" inputmode="numeric" required value={v.duration_min ?? '30'} error={f.duration_min} label={{ zh: '大约要多少分钟', en: 'Minutes it takes' }} />
          <fieldset>
            <legend><T zh="服务方式" en="Where" /></legend>
            <div class="picks">
              <label class="pick"><input type="radio" name="mode" value="onsite" checked={mode === 'onsite'} /><span>到店</span></label>
              <label class="pick"><input type="radio" name="mode" value="home_visit" checked={mode === 'home_visit'} /><span>上门</span></label>
            </div>
          </fieldset>
          <Field name="radius_m" type="number" inputmode="numeric" value={v.radius_m} error={f.radius_m} label={{ zh: '上门范围（米，上门才填）', en: 'Home-visit radius (m)' }} />
          {/* one per line: a time picker squeezed to half a 360 px screen cuts off its own text */}
          <Field name="open" type="time" required value={v.open ?? '08:00'} error={f.open} label={{ zh: '每天开门', en: 'Opens' }} />
          <Field name="close" type="time" required value={v.close ?? '18:00'} error={f.close} label={{ zh: '每天关门', en: 'Closes' }} />
          <Field name="wopen" type="time" value={v.wopen} error={f.wopen} label={{ zh: '周末开门', en: 'Weekend opens' }} />
          <Field name="wclose" type="time" value={v.wclose} error={f.wclose} label={{ zh: '周末关门', en: 'Weekend closes' }} />
          <p class="hint"><T zh="周末和平时一样就不用填。" en="Leave the weekend empty if it is the same." block /></p>
          <Field name="capacity_per_slot" type="number" inputmode="numeric" required value={v.capacity_per_slot ?? '1'} error={f.capacity_per_slot} label={{ zh: '每小时能接几位老人', en: 'Elders per hour' }} />
          <button type="submit" class="btn"><T zh="添加服务" en="Add" /></button>
        </form>
      </section>
      <a class="btn btn-2" href="/merchant"><T zh="返回订单" en="Back to orders" /></a>
    </H5Layout>
  );
};

const SLOT_MINUTES = 60; // the simple timetable books by the hour, matching "elders per hour"

const servicesPage = async (c: Ctx, deps: Deps, p: MerchantP, state: FormState, opts: { status?: number; done?: Msg } = {}) => {
  const m = await deps.merchants.getMerchant(p.merchant_id);
  if (!m) return c.redirect('/merchant', 303);
  const [services, categories] = await Promise.all([deps.merchants.services(m.merchant_id), deps.merchants.categories()]);
  return render(c, <ServicesPage view={viewOf(c)} m={m} services={services.filter((s) => s.active)} categories={categories} state={state} done={opts.done} />, { status: opts.status ?? 200 });
};

const formValues = (body: Record<string, unknown>): FormValues => {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v.slice(0, 200);
  return out;
};

const issuesToFields = (issues: readonly FieldIssue[], map: (p: string) => string) => fieldErrors(issues, map);

const FormBody = z.record(z.string().check(z.maxLength(60)), z.union([z.string().check(z.maxLength(300)), z.instanceof(File)]));

const VisitPage = (props: { view: View; v: VisitDetails }) => (
  <H5Layout view={props.view} title="上门地址" titleEn="Visit address">
    <section class="panel" aria-labelledby="visit-h">
      <h2 id="visit-h">{props.v.service_name}</h2>
      <dl class="kv">
        <dt><T zh="老人" en="Elder" /></dt><dd>{props.v.elder_name_masked}</dd>
        <dt><T zh="地址" en="Address" /></dt><dd id="visit-address">{props.v.address}</dd>
        <dt><T zh="时间" en="When" /></dt><dd><WhenText slot={props.v.slot_start} /></dd>
      </dl>
      <p class="hint"><T zh="地址只在接单后、服务完成前可以查看，每次查看都会记录。请勿外传。" en="Shown only while the order is open; every view is recorded. Do not share it." block /></p>
    </section>
    <a class="btn btn-2" href={`/merchant#o-${props.v.order_id}`}><T zh="返回订单" en="Back to orders" /></a>
  </H5Layout>
);

export const merchantPageRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get', path: '/merchant', access: { roles: ['merchant'] }, tags: ['pages'], page: true,
    summary: 'Merchant home: review status (or the application form) and orders, newest first', query: DoneQ,
    handler(c, { query, principal }) {
      return merchantHome(c, deps, principal, { done: query.done ? DONE[query.done] : undefined });
    },
  }),
  defineRoute({
    method: 'post', path: '/merchant/application', access: { roles: ['merchant'] }, tags: ['pages'], page: true,
    summary: 'Apply to join the alliance (or again after a rejection)', bodyKind: 'form', body: FormBody,
    async handler(c, { body, principal }) {
      const p = principal;
      const values = formValues(body);
      const categories = await deps.merchants.categories();
      const parsed = MerchantApplication.safeParse(applicationOf(values, categories));
      const invalid = (fields: Record<string, Msg>, error: Msg = { zh: '请按提示改正下面标红的项', en: 'Please fix the fields marked below' }) =>
        merchantHome(c, deps, p, { apply: { values, fields, error } }, 400);
      if (!parsed.success) return invalid(issuesToFields(zodFields(parsed.error), appField));
      const r = await expected(['VALIDATION_FAILED', 'MERCHANT_EXISTS'], () => applyAsMerchant(deps, p.merchant_id, parsed.data));
      if (!r.ok) {
        if (r.error.code === 'MERCHANT_EXISTS') return merchantHome(c, deps, p, { apply: { values, error: msgOfError(r.error) } }, r.error.status);
        return invalid(issuesToFields(r.error.fields ?? [], appField));
      }
      return c.redirect('/merchant?done=applied', 303);
    },
  }),
  defineRoute({
    method: 'get', path: '/merchant/orders/:order_id/visit', access: { roles: ['merchant'] }, tags: ['pages'], page: true,
    summary: 'Merchant: where to go for an accepted home-visit order (audited; gone once the order closes)', params: OrderP,
    async handler(c, { params, principal }) {
      const p = principal;
      const v = await visitDetails(orderDeps(deps), params.order_id, p.merchant_id);
      return render(c, <VisitPage view={viewOf(c)} v={v} />);
    },
  }),
  ...(['accept', 'reject', 'no-show'] as const).map((what) => defineRoute({
    method: 'post', path: `/merchant/orders/:order_id/${what}`, access: { roles: ['merchant'] }, tags: ['pages'], page: true,
    summary: `Merchant: ${what} an order offered to it`, params: OrderP, bodyKind: 'form', body: z.object({}),
    async handler(c, { params, principal }) {
      const p = principal;
      const d = orderDeps(deps);
      const r = await expected(ACTION_ERRORS, () =>
        what === 'accept' ? acceptOrder(d, params.order_id, p.merchant_id) : what === 'reject' ? rejectOrder(d, params.order_id, p.merchant_id) : noShow(d, params.order_id, p.merchant_id));
      if (!r.ok) return merchantHome(c, deps, p, { orderError: { order_id: params.order_id, msg: completionMsg(r.error) } }, r.error.status);
      const done: Done = what === 'accept' ? 'accepted' : what === 'reject' ? 'rejected' : 'no_show';
      return c.redirect(`/merchant?done=${done}#o-${params.order_id}`, 303);
    },
  })),
  defineRoute({
    method: 'post', path: '/merchant/orders/:order_id/complete', access: { roles: ['merchant'] }, tags: ['pages'], page: true,
    summary: "Merchant: redeem with the elder's 6-digit code or card number + PIN (5 wrong tries lock the order)",
    params: OrderP, bodyKind: 'form', body: z.object({ code: z.optional(z.string().check(z.maxLength(20))), card_number: z.optional(z.string().check(z.maxLength(30))), pin: z.optional(z.string().check(z.maxLength(20))) }),
    async handler(c, { params, body, principal }) {
      const p = principal;
      const code = (body.code ?? '').replace(/\s/g, '');
      const card = (body.card_number ?? '').replace(/[\s-]/g, '');
      const pin = (body.pin ?? '').trim();
      let proof: Proof | null = null;
      if (code) proof = /^\d{6}$/.test(code) ? { code } : null;
      else if (card || pin) proof = /^\d{12}$/.test(card) && /^\d{6}$/.test(pin) ? { card_number: card, pin } : null;
      // A malformed entry is a typo, not a guess: it is refused here and costs no try.
      if (!proof) return merchantHome(c, deps, p, { orderError: { order_id: params.order_id, msg: { zh: '请输入6位核销码，或12位卡号加6位密码', en: 'Enter the 6-digit code, or the 12-digit card number and 6-digit PIN' } } }, 400);
      const policy = await policyNow(deps);
      const proven = proof;
      const r = await expected(ACTION_ERRORS, () => completeOrder(orderDeps(deps), policy, params.order_id, p.merchant_id, proven));
      if (!r.ok) return merchantHome(c, deps, p, { orderError: { order_id: params.order_id, msg: completionMsg(r.error) } }, r.error.status);
      return c.redirect(`/merchant?done=completed#o-${params.order_id}`, 303);
    },
  }),
  defineRoute({
    method: 'get', path: '/merchant/services', access: { roles: ['merchant'] }, tags: ['pages'], page: true,
    summary: 'Merchant: my services and a form to add one', query: DoneQ,
    handler(c, { query, principal }) {
      return servicesPage(c, deps, principal, {}, query.done ? { done: DONE[query.done] } : {});
    },
  }),
  defineRoute({
    method: 'post', path: '/merchant/services', access: { roles: ['merchant'] }, tags: ['pages'], page: true,
    summary: 'Merchant: add a service (points price, cash price in yuan, duration, on-site or home visit, weekly hours, capacity)',
    bodyKind: 'form', body: FormBody,
    async handler(c, { body, principal }) {
      const p = principal;
      const v = formValues(body);
      const fields: Record<string, Msg> = {};
      const fen = yuanToFen(v.ref_price_yuan ?? '');
      if (fen === null) fields.ref_price_yuan = { zh: '请填金额，例如 20 或 12.50', en: 'Enter an amount such as 20 or 12.50' };
      for (const k of ['open', 'close'] as const) if (!HHMM.test(v[k] ?? '')) fields[k] = { zh: '请填时间，例如 08:00', en: 'Enter a time such as 08:00' };
      const wopen = v.wopen ?? '';
      const wclose = v.wclose ?? '';
      if ((wopen || wclose) && !(HHMM.test(wopen) && HHMM.test(wclose))) fields.wopen = { zh: '周末的开门和关门时间都要填，或者都不填', en: 'Fill in both weekend times or neither' };
      const home = v.mode === 'home_visit';
      const input = {
        name: v.name ?? '', category: v.category ?? '', price_points: numberOrUndefined(v.price_points), ref_price_fen: fen ?? 0,
        duration_min: numberOrUndefined(v.duration_min), mode: home ? 'home_visit' : 'onsite',
        radius_m: home ? (numberOrUndefined(v.radius_m) ?? null) : null,
        hours: hoursOf(v.open ?? '', v.close ?? '', wopen, wclose), closed_dates: [], slot_minutes: SLOT_MINUTES,
        capacity_per_slot: numberOrUndefined(v.capacity_per_slot),
      };
      const parsed = ServiceInput.safeParse(input);
      if (!parsed.success) Object.assign(fields, { ...issuesToFields(zodFields(parsed.error), serviceField), ...fields });
      if (home && input.radius_m === null) fields.radius_m = { zh: '上门服务要填上门范围（米）', en: 'Home visits need a radius' };
      const error = { zh: '请按提示改正下面标红的项', en: 'Please fix the fields marked below' };
      if (!parsed.success || Object.keys(fields).length > 0) return servicesPage(c, deps, p, { values: v, fields, error }, { status: 400 });
      const r = await expected(['VALIDATION_FAILED', 'MERCHANT_NOT_FOUND'], () => saveService(deps, p.merchant_id, parsed.data, null, null));
      if (!r.ok) return servicesPage(c, deps, p, { values: v, fields: issuesToFields(r.error.fields ?? [], serviceField), error: msgOfError(r.error) }, { status: r.error.status });
      return c.redirect('/merchant/services?done=service_added', 303);
    },
  }),
  defineRoute({
    method: 'post', path: '/merchant/services/:service_id/remove', access: { roles: ['merchant'] }, tags: ['pages'], page: true,
    summary: 'Merchant: withdraw a service (it stops being matched at once)', params: ServiceIdP, bodyKind: 'form', body: z.object({}),
    async handler(c, { params, principal }) {
      await deactivateService(deps, principal.merchant_id, params.service_id);
      return c.redirect('/merchant/services?done=service_removed', 303);
    },
  }),
];
