// The merchant's home, on the shop phone (same large H5 look as the elder's): the review status,
// or the application to join, and the shop's orders, newest first.
import {
  activeCategories,
  MerchantApplication,
  type Category,
  type Merchant,
  type Service,
} from '@tmc/core/merchants/model';
import { applyAsMerchant } from '@tmc/core/merchants/service';
import { allowedEvents, type Order } from '@tmc/core/orders/state';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { zodFields } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, TextSizeSwitch, render, viewOf, type View } from '../kit/layout';
import type { MerchantP } from '../kit/principal';
import {
  ErrorBox,
  Field,
  Notice,
  PostButton,
  SelectField,
  WechatPanel,
  expected,
  msgOfError,
  type Msg,
} from '../kit/ui';
import { communitiesOf, loadAreaTree } from '../kit/areas';
import {
  DONE,
  DoneQ,
  FIX_FIELDS,
  FormBody,
  formValues,
  issuesToFields,
  numberOrUndefined,
  type FormState,
  type FormValues,
} from './forms';
import { MerchantOrder, type OrderError } from './order-list';

const ORDERS_SHOWN = 20; // newest first; a shop handles a few a day

const STATUS_LINE: Record<Merchant['status'], Msg> = {
  pending: { zh: '入驻申请审核中', en: 'Application under review' },
  approved: { zh: '已入驻，可以接单', en: 'Approved: taking orders' },
  rejected: { zh: '申请没有通过', en: 'Application not approved' },
  suspended: { zh: '已暂停接单', en: 'Suspended' },
};

// ---------------------------------------------------------------------------------------------
// Application

const ApplicationForm = (props: {
  categories: Category[];
  communities: { code: string; label: string }[];
  state: FormState;
}) => {
  const v = props.state.values ?? {};
  const f = props.state.fields ?? {};
  const text = (
    name: string,
    zh: string,
    en: string,
    extra: {
      type?: 'text' | 'tel' | 'date' | 'number';
      inputmode?: 'numeric' | 'decimal' | 'tel';
      hint?: Msg;
      required?: boolean;
      step?: string;
    } = {},
  ) => (
    <Field
      name={name}
      label={{ zh, en }}
      value={v[name]}
      error={f[name]}
      required={extra.required ?? true}
      type={extra.type}
      inputmode={extra.inputmode}
      hint={extra.hint}
      step={extra.step}
    />
  );
  return (
    <section class="panel" aria-labelledby="apply-h">
      <h2 id="apply-h">
        <T zh="入驻申请" en="Apply to join" />
      </h2>
      <p>
        <T
          zh="按营业执照填写。民政工作人员审核通过后，您的服务会出现在附近老人的手机上。"
          en="Fill in as on your licence; staff review it."
          block
        />
      </p>
      <ErrorBox msg={props.state.error} />
      <form method="post" action="/merchant/application">
        {text('business_name', '店名', 'Business name')}
        {text('uscc', '统一社会信用代码', 'Credit code (USCC)', {
          hint: { zh: '营业执照上的18位代码', en: '18 characters' },
        })}
        {text('licence_number', '许可证或执照编号', 'Licence number')}
        {text('licence_expires_on', '执照有效期至（可不填）', 'Licence valid until (optional)', {
          type: 'date',
          required: false,
        })}
        {text('contact_name', '联系人', 'Contact name')}
        {text('contact_phone', '联系电话（老人会打这个号码）', 'Phone elders call', {
          type: 'tel',
          inputmode: 'numeric',
        })}
        {text('address', '店铺地址', 'Address')}
        <div class="row">
          {text('lat', '纬度', 'Latitude', { type: 'number', step: 'any', inputmode: 'decimal' })}
          {text('lng', '经度', 'Longitude', { type: 'number', step: 'any', inputmode: 'decimal' })}
        </div>
        <p class="hint">
          <T
            zh="在手机地图里长按店铺位置，可以看到经纬度。"
            en="Long-press your shop in a map app to see them."
            block
          />
        </p>
        <SelectField
          name="community_code"
          label={{ zh: '所在社区', en: 'Community' }}
          required
          value={v.community_code}
          error={f.community_code}
          options={props.communities.map((c) => ({ value: c.code, label: c.label }))}
          blank="请选择 Choose"
        />
        <fieldset>
          <legend>
            <T zh="服务类别（可多选）" en="Categories" />
          </legend>
          {f.categories && (
            <div class="err">
              <T zh={f.categories.zh} en={f.categories.en} />
            </div>
          )}
          <div class="picks">
            {props.categories.map((c) => (
              <label class="pick">
                <input type="checkbox" name={`cat_${c.code}`} value="1" checked={v[`cat_${c.code}`] === '1'} />
                <span>{c.name_zh}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" class="btn">
          <T zh="提交申请" en="Apply" />
        </button>
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

const applicationOf = (form: FormValues, categories: Category[]) => ({
  business_name: form.business_name ?? '',
  uscc: form.uscc ?? '',
  licence_number: form.licence_number ?? '',
  licence_expires_on: form.licence_expires_on ? form.licence_expires_on : null,
  contact_name: form.contact_name ?? '',
  contact_phone: (form.contact_phone ?? '').replace(/[\s-]/g, ''),
  address: form.address ?? '',
  location: { lat: numberOrUndefined(form.lat), lng: numberOrUndefined(form.lng) },
  community_code: form.community_code ?? '',
  categories: categories.filter((c) => form[`cat_${c.code}`] === '1').map((c) => c.code),
});

// ---------------------------------------------------------------------------------------------
// The merchant home

type HomeState = { done?: Msg | undefined; orderError?: OrderError; apply?: FormState };

const MerchantHome = (props: {
  view: View;
  now: Date;
  m: Merchant | null;
  orders: Order[];
  services: number;
  categories: Category[];
  communities: { code: string; label: string }[];
  wechat: boolean;
  state: HomeState;
}) => {
  const m = props.m;
  const canApply = !m || m.status === 'rejected';
  return (
    <H5Layout view={props.view} title="商户" titleEn="Merchant">
      <p class="hello">{m ? m.business_name : <T zh="欢迎加入十分钟服务圈" en="Welcome" />}</p>
      <Notice msg={props.state.done} />
      {m && (
        <section class="panel" aria-labelledby="st-h">
          <h2 id="st-h" class="status">
            <T zh={STATUS_LINE[m.status].zh} en={STATUS_LINE[m.status].en} block />
          </h2>
          {m.decision_reason && m.status !== 'approved' && (
            <p>
              <T zh={`原因：${m.decision_reason}`} en="Reason given by staff" />
            </p>
          )}
          {m.status === 'suspended' && (
            <p>
              <T
                zh="请联系民政部门了解情况。已接的订单仍可核销。"
                en="Contact the bureau; accepted orders can still be redeemed."
                block
              />
            </p>
          )}
          {m.status === 'pending' && (
            <p>
              <T
                zh="审核期间可以先添加服务，通过后自动上线。"
                en="Add your services now; they go live on approval."
                block
              />
            </p>
          )}
        </section>
      )}
      {canApply && (
        <ApplicationForm
          categories={props.categories}
          communities={props.communities}
          state={props.state.apply ?? {}}
        />
      )}
      {m && (
        <section class="panel" aria-labelledby="orders-h">
          <h2 id="orders-h">
            <T zh="订单" en="Orders" />
          </h2>
          {props.orders.length === 0 ? (
            <p>
              <T zh="还没有订单。" en="No orders yet." />
            </p>
          ) : (
            <ul class="list">
              {props.orders.map((o) => (
                <MerchantOrder
                  o={o}
                  can={allowedEvents(o, 'merchant', props.now)}
                  error={props.state.orderError?.order_id === o.order_id ? props.state.orderError.msg : undefined}
                />
              ))}
            </ul>
          )}
          <a class="btn btn-2" href="/merchant">
            <T zh="刷新订单" en="Refresh" />
          </a>
        </section>
      )}
      {m && (
        <a class="btn btn-2" href="/merchant/settlement">
          <T zh="结算（收款）" en="Settlement (payouts)" />
        </a>
      )}
      {m && (
        <a class="btn btn-2" href="/merchant/services">
          <T zh={`我的服务（${props.services} 项）`} en="My services" />
        </a>
      )}
      <WechatPanel on={props.wechat} />
      <TextSizeSwitch view={props.view} />
      <PostButton action="/merchant/logout" label={{ zh: '退出登录', en: 'Sign out' }} cls="btn-2" />
    </H5Layout>
  );
};

export const merchantHome = async (c: Ctx, deps: Deps, p: MerchantP, state: HomeState, status = 200) => {
  const m = await deps.merchants.getMerchant(p.merchant_id);
  const [orders, services, categories] = await Promise.all([
    m ? deps.orders.ofMerchant(m.merchant_id, ORDERS_SHOWN) : Promise.resolve({ items: [] as Order[] }),
    m ? deps.merchants.services(m.merchant_id) : Promise.resolve([] as Service[]),
    deps.merchants.categories().then(activeCategories), // a retired category is offered to no new application
  ]);
  // the community list is read only when the application form is on the page
  const communities = !m || m.status === 'rejected' ? communitiesOf(await loadAreaTree(deps, null)) : [];
  return render(
    c,
    <MerchantHome
      view={viewOf(c)}
      now={deps.clock.now()}
      m={m}
      orders={orders.items}
      services={services.filter((s) => s.active).length}
      categories={categories}
      communities={communities}
      wechat={deps.wechatOAuth !== null}
      state={state}
    />,
    { status },
  );
};

export const merchantHomeRoutes = (deps: Deps): RouteDef[] => [
  defineRoute({
    method: 'get',
    path: '/merchant',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: 'Merchant home: review status (or the application form) and orders, newest first',
    query: DoneQ,
    handler(c, { query, principal }) {
      return merchantHome(c, deps, principal, { done: query.done ? DONE[query.done] : undefined });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/merchant/application',
    access: { roles: ['merchant'] },
    tags: ['pages'],
    page: true,
    summary: 'Apply to join the alliance (or again after a rejection)',
    bodyKind: 'form',
    body: FormBody,
    async handler(c, { body, principal: p }) {
      const values = formValues(body);
      const categories = await deps.merchants.categories();
      const parsed = MerchantApplication.safeParse(applicationOf(values, categories));
      const invalid = (fields: Record<string, Msg>, error: Msg = FIX_FIELDS) =>
        merchantHome(c, deps, p, { apply: { values, fields, error } }, 400);
      if (!parsed.success) return invalid(issuesToFields(zodFields(parsed.error), appField));
      const r = await expected(['VALIDATION_FAILED', 'MERCHANT_EXISTS'], () =>
        applyAsMerchant(deps, p.merchant_id, parsed.data),
      );
      if (!r.ok) {
        if (r.error.code === 'MERCHANT_EXISTS')
          return merchantHome(c, deps, p, { apply: { values, error: msgOfError(r.error) } }, r.error.status);
        return invalid(issuesToFields(r.error.fields ?? [], appField));
      }
      return c.redirect('/merchant?done=applied', 303);
    },
  }),
];
