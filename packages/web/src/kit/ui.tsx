// Small pieces every page form uses: a labelled field with its inline error, message boxes, and
// field errors keyed by form field (their wording is the message table's, messages.ts).
import type { Child } from 'hono/jsx';
import { AppError, type ErrorCode, type FieldIssue } from '@tmc/core/kernel/errors';
import { fieldMsg, type Msg } from './messages';
import { T } from './layout';

// The wording lives in the one message table (messages.ts); re-exported here because every form
// imports it together with the pieces below.
export { fieldMsg, msgOf, msgOfError, type Msg } from './messages';

/** What a form re-render shows: one message for the form, one per field. */
export type FormErrors = { form?: Msg; fields?: Record<string, Msg> };

/** Field issues keyed by the form field name (the last path segment, or a mapping). */
export const fieldErrors = (
  issues: readonly FieldIssue[],
  map: (path: string) => string = (p) => p.split('.').pop() ?? p,
): Record<string, Msg> => {
  const out: Record<string, Msg> = {};
  for (const i of issues) {
    const k = map(i.path);
    if (!out[k]) out[k] = fieldMsg(i);
  }
  return out;
};

/** Runs `fn`; an AppError with one of `codes` comes back as a value for the form to show, any
 * other error goes on to the one error mapper. */
export const expected = async <R,>(
  codes: readonly ErrorCode[],
  fn: () => Promise<R>,
): Promise<{ ok: true; value: R } | { ok: false; error: AppError }> => {
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
    <div class="notice" role="status">
      <T zh={props.msg.zh} en={props.msg.en} />
    </div>
  ) : null;

/** Offered only when WeChat is configured: notices then arrive as WeChat messages instead of SMS
 * (the sign-in code still comes by SMS). The round trip is /wechat/link -> WeChat -> /wechat/callback. */
export const WechatPanel = (props: { on: boolean }) =>
  props.on ? (
    <section class="panel" aria-labelledby="wx-h">
      <h2 id="wx-h">
        <T zh="用微信收通知" en="Notices by WeChat" />
      </h2>
      <p>
        <T
          zh="开通后，订单消息发到您的微信，不再发短信。"
          en="Order messages come by WeChat instead of text message."
          block
        />
      </p>
      <a class="btn btn-2" href="/wechat/link">
        <T zh="开通微信通知" en="Turn on WeChat notices" />
      </a>
      <PostButton
        action="/wechat/unlink"
        label={{ zh: '关闭微信通知，改回短信', en: 'Turn off (text messages again)' }}
        cls="btn-2"
      />
    </section>
  ) : null;

export const WECHAT_LINKED: Msg = { zh: '已开通微信通知，以后消息会发到您的微信', en: 'WeChat notices are on' };
export const WECHAT_UNLINKED: Msg = {
  zh: '已关闭微信通知，以后消息会发短信',
  en: 'WeChat notices are off; text messages again',
};

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

/** A six-digit code or PIN as the browser checks it before sending (the server checks SIX_DIGITS_RE). */
export const SIX_DIGITS_INPUT = {
  inputmode: 'numeric',
  maxlength: 6,
  minlength: 6,
  pattern: '[0-9]{6}',
  required: true,
} as const satisfies InputAttrs;

/** A field's id: the one given, else derived from its name (its error and hint ids derive from it). */
const fieldId = (props: { name: string; id?: string }) => props.id ?? `f-${props.name}`;

/** The label, then the error under it: the top of every field, whatever control follows. */
const FieldHead = (props: { id: string; label: Msg; error?: Msg | undefined }) => (
  <>
    <label for={props.id}>
      <T zh={props.label.zh} en={props.label.en} />
    </label>
    {props.error && (
      <div class="err" id={`${props.id}-err`}>
        <T zh={props.error.zh} en={props.error.en} />
      </div>
    )}
  </>
);

/** A visible label above its input, the error under the label, a hint under the input. */
export const Field = (
  props: { name: string; id?: string; label: Msg; hint?: Msg; error?: Msg | undefined } & InputAttrs,
) => {
  const id = fieldId(props);
  const described = [props.error ? `${id}-err` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <FieldHead id={id} label={props.label} error={props.error} />
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        inputmode={props.inputmode}
        autocomplete={props.autocomplete}
        required={props.required}
        maxlength={props.maxlength}
        minlength={props.minlength}
        pattern={props.pattern}
        step={props.step}
        class={props.cls}
        autofocus={props.autofocus}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described || undefined}
      />
      {props.hint && (
        <span class="hint" id={`${id}-hint`}>
          <T zh={props.hint.zh} en={props.hint.en} />
        </span>
      )}
    </div>
  );
};

export const SelectField = (props: {
  name: string;
  id?: string;
  label: Msg;
  options: readonly { value: string; label: string }[];
  value?: string | undefined;
  error?: Msg | undefined;
  required?: boolean;
  blank?: string;
}) => {
  const id = fieldId(props);
  return (
    <div class="field">
      <FieldHead id={id} label={props.label} error={props.error} />
      <select
        id={id}
        name={props.name}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-err` : undefined}
      >
        {props.blank !== undefined && <option value="">{props.blank}</option>}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
};

/** A one-button form (POST), for actions such as confirm, remove and sign out. */
export const PostButton = (props: { action: string; label: Msg; cls?: string; fields?: Record<string, string> }) => (
  <form method="post" action={props.action}>
    {Object.entries(props.fields ?? {}).map(([k, v]) => (
      <input type="hidden" name={k} value={v} />
    ))}
    <button type="submit" class={`btn ${props.cls ?? ''}`.trim()}>
      <T zh={props.label.zh} en={props.label.en} />
    </button>
  </form>
);

/** Reads `text` out with speechSynthesis; hidden until the read-aloud island finds a voice (the
 * page then loads assetUrl('readAloud')). */
export const ReadAloud = (props: { text: string }) => (
  <button type="button" class="btn btn-2" hidden data-speak={props.text}>
    <T zh="读给我听" en="Read aloud" />
  </button>
);

/** 8123 4567 8901: a 12-digit card number in groups of four, easier to read out and copy. */
export const CardNumber = (props: { value: string; cls?: string }) => (
  <div class={`cn ${props.cls ?? 'cardno'}`}>
    {(props.value.match(/.{1,4}/g) ?? []).map((g) => (
      <span>{g}</span>
    ))}
  </div>
);
