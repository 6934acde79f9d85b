// Small pieces every page form uses: a labelled field with its inline error, message boxes, and
// the wording of errors shown inline (Chinese first, English second).
import type { Child } from 'hono/jsx';
import { AppError, ERRORS, type ErrorCode, type FieldIssue } from '@tmc/core/kernel/errors';
import { T } from './layout';

export type Msg = { zh: string; en: string };

/** What a form re-render shows: one message for the form, one per field. */
export type FormErrors = { form?: Msg; fields?: Record<string, Msg> };

export const msgOf = (code: ErrorCode, details?: Record<string, unknown>): Msg => {
  if (code === 'OTP_INVALID' && typeof details?.tries_left === 'number') {
    const n = details.tries_left;
    return { zh: `验证码错误，还可以再试 ${n} 次`, en: `Wrong code; ${n} ${n === 1 ? 'try' : 'tries'} left` };
  }
  return { zh: ERRORS[code].zh, en: ERRORS[code].en };
};

export const msgOfError = (e: AppError): Msg => msgOf(e.code, e.details);

/** Wording for field issue codes the schemas and services produce. */
const FIELD_CODES: Record<string, Msg> = {
  ID_NUMBER_INVALID: { zh: '身份证号码无效', en: 'Invalid ID number' },
  BIRTH_DATE_MISMATCH: { zh: '出生日期与身份证号不一致', en: 'Birth date does not match the ID number' },
  GENDER_MISMATCH: { zh: '性别与身份证号不一致', en: 'Gender does not match the ID number' },
  COMMUNITY_UNKNOWN: { zh: '社区不存在', en: 'Unknown community' },
  CARD_INVALID: { zh: '积分卡号无效，请核对12位卡号', en: 'Invalid card number; check the 12 digits' },
  REQUIRED: { zh: '必填', en: 'Required' },
  USCC_INVALID: { zh: '统一社会信用代码不正确，请核对营业执照上的18位代码', en: 'Check the 18-character credit code on the licence' },
  CATEGORY_UNKNOWN: { zh: '没有这个服务类别', en: 'Unknown category' },
  CATEGORY_NOT_DECLARED: { zh: '入驻申请里没有这个类别', en: 'Not a category you applied for' },
  TOO_MANY: { zh: '服务太多了，请先下架不用的', en: 'Too many services; withdraw some first' },
  BOTH_OR_NEITHER: { zh: '两项要么都填，要么都不填', en: 'Fill in both or neither' },
  NOT_A_NUMBER: { zh: '请填数字', en: 'Enter a number' },
  TOO_SMALL: { zh: '必填或太短', en: 'Required or too short' },
  TOO_BIG: { zh: '太长或太大', en: 'Too long or too large' },
  INVALID_FORMAT: { zh: '格式不正确', en: 'Wrong format' },
  INVALID_VALUE: { zh: '请从列表中选择', en: 'Choose from the list' },
  INVALID_TYPE: { zh: '必填', en: 'Required' },
};

export const fieldMsg = (i: FieldIssue): Msg => FIELD_CODES[i.code] ?? { zh: '格式不正确', en: i.message || 'Invalid value' };

/** Field issues keyed by the form field name (the last path segment, or a mapping). */
export const fieldErrors = (issues: readonly FieldIssue[], map: (path: string) => string = (p) => p.split('.').pop() ?? p): Record<string, Msg> => {
  const out: Record<string, Msg> = {};
  for (const i of issues) {
    const k = map(i.path);
    if (!out[k]) out[k] = fieldMsg(i);
  }
  return out;
};

/** Runs `fn`; an AppError with one of `codes` comes back as a value for the form to show, any
 * other error goes on to the one error mapper. */
export const expected = async <R,>(codes: readonly ErrorCode[], fn: () => Promise<R>): Promise<{ ok: true; value: R } | { ok: false; error: AppError }> => {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (e instanceof AppError && codes.includes(e.code)) return { ok: false, error: e };
    throw e;
  }
};

export const ErrorBox = (props: { msg?: Msg | undefined; children?: Child }) =>
  props.msg ? (
    <div class="err" role="alert">
      <T zh={props.msg.zh} en={props.msg.en} />
      {props.children}
    </div>
  ) : null;

export const Notice = (props: { msg?: Msg | undefined }) =>
  props.msg ? (
    <div class="notice" role="status"><T zh={props.msg.zh} en={props.msg.en} /></div>
  ) : null;

/** Offered only when WeChat is configured: notices then arrive as WeChat messages instead of SMS
 * (the sign-in code still comes by SMS). The round trip is /wechat/link -> WeChat -> /wechat/callback. */
export const WechatPanel = (props: { on: boolean }) =>
  props.on ? (
    <section class="panel" aria-labelledby="wx-h">
      <h2 id="wx-h"><T zh="用微信收通知" en="Notices by WeChat" /></h2>
      <p><T zh="开通后，订单消息发到您的微信，不再发短信。" en="Order messages come by WeChat instead of text message." block /></p>
      <a class="btn btn-2" href="/wechat/link"><T zh="开通微信通知" en="Turn on WeChat notices" /></a>
      <PostButton action="/wechat/unlink" label={{ zh: '关闭微信通知，改回短信', en: 'Turn off (text messages again)' }} cls="btn-2" />
    </section>
  ) : null;

export const WECHAT_LINKED: Msg = { zh: '已开通微信通知，以后消息会发到您的微信', en: 'WeChat notices are on' };
export const WECHAT_UNLINKED: Msg = { zh: '已关闭微信通知，以后消息会发短信', en: 'WeChat notices are off; text messages again' };

type InputAttrs = {
  type?: 'text' | 'tel' | 'password' | 'search' | 'date' | 'number' | 'time';
  value?: string | undefined;
  inputmode?: 'numeric' | 'tel' | 'text' | 'decimal';
  autocomplete?: string;
  required?: boolean;
  maxlength?: number;
  minlength?: number;
  pattern?: string;
  step?: string;
  cls?: string;
  autofocus?: boolean;
};

/** A visible label above its input, the error under the label, a hint under the input. */
export const Field = (props: { name: string; id?: string; label: Msg; hint?: Msg; error?: Msg | undefined } & InputAttrs) => {
  const id = props.id ?? `f-${props.name}`;
  const described = [props.error ? `${id}-err` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}><T zh={props.label.zh} en={props.label.en} /></label>
      {props.error && <div class="err" id={`${id}-err`}><T zh={props.error.zh} en={props.error.en} /></div>}
      <input
        id={id} name={props.name} type={props.type ?? 'text'} value={props.value ?? ''}
        inputmode={props.inputmode} autocomplete={props.autocomplete} required={props.required}
        maxlength={props.maxlength} minlength={props.minlength} pattern={props.pattern} step={props.step}
        class={props.cls} autofocus={props.autofocus}
        aria-invalid={props.error ? 'true' : undefined} aria-describedby={described || undefined}
      />
      {props.hint && <span class="hint" id={`${id}-hint`}><T zh={props.hint.zh} en={props.hint.en} /></span>}
    </div>
  );
};

export const SelectField = (props: { name: string; id?: string; label: Msg; options: readonly { value: string; label: string }[]; value?: string | undefined; error?: Msg | undefined; required?: boolean; blank?: string }) => {
  const id = props.id ?? `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}><T zh={props.label.zh} en={props.label.en} /></label>
      {props.error && <div class="err" id={`${id}-err`}><T zh={props.error.zh} en={props.error.en} /></div>}
      <select id={id} name={props.name} required={props.required} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${id}-err` : undefined}>
        {props.blank !== undefined && <option value="">{props.blank}</option>}
        {props.options.map((o) => <option value={o.value} selected={o.value === props.value}>{o.label}</option>)}
      </select>
    </div>
  );
};

/** A one-button form (POST), for actions such as confirm, remove and sign out. */
export const PostButton = (props: { action: string; label: Msg; cls?: string; fields?: Record<string, string> }) => (
  <form method="post" action={props.action}>
    {Object.entries(props.fields ?? {}).map(([k, v]) => <input type="hidden" name={k} value={v} />)}
    <button type="submit" class={`btn ${props.cls ?? ''}`.trim()}><T zh={props.label.zh} en={props.label.en} /></button>
  </form>
);

/** 8123 4567 8901: a 12-digit card number in groups of four, easier to read out and copy. */
export const CardNumber = (props: { value: string; cls?: string }) => (
  <div class={`cn ${props.cls ?? 'cardno'}`}>
    {(props.value.match(/.{1,4}/g) ?? []).map((g) => <span>{g}</span>)}
  </div>
);
