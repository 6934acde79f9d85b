// WeChat Official Account adapters: template messages to a linked openid (one shared access
// token, cached and refreshed one at a time), and the web sign-in code exchange that learns an
// openid. WeChat answers HTTP 200 with { errcode, errmsg }; only errcode 0 is success.
// Never logged: the openid, the phone, the app secret, the access token (it rides in URLs, so
// no URL is ever logged or put in an error either).
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import type { NoticeKind } from '@tmc/core/notices/model';
import type { Notice } from '@tmc/core/notices/ports';
import type { WechatOAuth } from '@tmc/core/auth/ports';

export const WECHAT_API = 'https://api.weixin.qq.com';
export const WECHAT_OPEN = 'https://open.weixin.qq.com';
export const WECHAT_TIMEOUT_MS = 5_000; // every call; a notice must not hold a request or job for long
/** Refresh this long before the token's expires_in runs out (WeChat keeps the old one valid ~5 min after a refresh). */
export const TOKEN_EARLY_REFRESH_S = 5 * 60;
/**
 * Token rejected: drop the cache, fetch a new one and retry the send once (never more: a loop would burn the daily
 * token quota).
 */
export const TOKEN_REJECTED_CODES: ReadonlySet<number> = new Set([40001, 42001]);
/** The person cannot receive from us on WeChat (43004 not following, 43101 refused, 40003 bad openid): use SMS. */
export const RECIPIENT_UNREACHABLE_CODES: ReadonlySet<number> = new Set([43004, 43101, 40003]);
/** Sign-in code bad or already used (40029 invalid, 40163 used): the person has to start again. */
const OAUTH_CODE_CODES: ReadonlySet<number> = new Set([40029, 40163]);

export type NotifyLogLevel = 'info' | 'warn';
/** Adapters log ids and codes only; app wiring passes its redacting logger. */
export type NotifyLog = (level: NotifyLogLevel, msg: string, fields: Record<string, string | number | boolean>) => void;

export type WechatTemplate = {
  template_id: string;
  /** WeChat template field key -> name of the notice param that fills it (`{ thing1: 'service_name' }`). */
  fields: Record<string, string>;
  /** Optional page opened from the message; `{param}` is replaced by that param, URL-encoded. */
  url?: string;
};

/** A send WeChat refused with an errcode (never carries the openid or the token). */
export class WechatSendError extends Error {
  readonly errcode: number;
  constructor(errcode: number, what: string) {
    super(`WeChat ${what} failed: errcode ${errcode}`);
    this.name = 'WechatSendError';
    this.errcode = errcode;
  }
  /** True when the recipient cannot get WeChat messages from us; the caller falls back to SMS. */
  get unreachable(): boolean {
    return RECIPIENT_UNREACHABLE_CODES.has(this.errcode);
  }
}

export type WechatClientConfig = {
  appId: string;
  appSecret: string; // never logged
  fetch?: typeof fetch; // injected in tests; the global one otherwise
  now?: () => number; // ms; injected in tests
};

const Reply = z.looseObject({ errcode: z.optional(z.int()), errmsg: z.optional(z.string()) });
const TokenReply = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.int().check(z.positive()),
});
const OAuthReply = z.object({ openid: z.string().check(z.minLength(1)) });

const call = async (
  f: typeof fetch,
  url: string,
  what: string,
  init: RequestInit = {},
): Promise<z.infer<typeof Reply>> => {
  let res: Response;
  try {
    res = await f(url, { ...init, signal: AbortSignal.timeout(WECHAT_TIMEOUT_MS) });
  } catch (e) {
    // the URL carries the secret or the token: name the call, never the URL
    throw new Error(`WeChat ${what} unreachable: ${e instanceof Error ? e.name : 'error'}`);
  }
  if (!res.ok) throw new Error(`WeChat ${what} answered HTTP ${res.status}`);
  const body = Reply.safeParse(await res.json().catch(() => null));
  if (!body.success) throw new Error(`WeChat ${what} answered something unreadable`);
  return body.data;
};

/** The Official Account's access token: cached until TOKEN_EARLY_REFRESH_S before it expires,
 * and one refresh in flight at a time (concurrent sends wait for the same fetch). */
export const createWechatTokenSource = (cfg: WechatClientConfig) => {
  const f = cfg.fetch ?? fetch;
  const now = cfg.now ?? Date.now;
  let cached: { token: string; refresh_at_ms: number } | null = null;
  let inflight: Promise<string> | null = null;
  const refresh = async (): Promise<string> => {
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: cfg.appId, secret: cfg.appSecret });
    const body = await call(f, `${WECHAT_API}/cgi-bin/token?${q.toString()}`, 'token');
    if (body.errcode) throw new WechatSendError(body.errcode, 'token');
    const t = TokenReply.safeParse(body);
    if (!t.success) throw new Error('WeChat token answer without a token');
    // a short-lived token (never seen in practice) is refreshed at half its life instead
    const early_s = Math.min(TOKEN_EARLY_REFRESH_S, Math.floor(t.data.expires_in / 2));
    cached = { token: t.data.access_token, refresh_at_ms: now() + (t.data.expires_in - early_s) * 1000 };
    return t.data.access_token;
  };
  return {
    async get(): Promise<string> {
      if (cached && now() < cached.refresh_at_ms) return cached.token;
      inflight ??= refresh().finally(() => {
        inflight = null;
      });
      return inflight;
    },
    /** Drops the cached token if it is the one WeChat just rejected (a newer one stays). */
    invalidate(token: string): void {
      if (cached?.token === token) cached = null;
    },
  };
};

export type WechatNotifier = {
  /** True when a template is configured for this kind. */
  handles: (kind: NoticeKind) => boolean;
  /** Sends `n` as a template message to `openid`; throws WechatSendError on a WeChat refusal. */
  sendTo: (openid: string, n: Notice) => Promise<void>;
};

const paramsOf = (n: Notice): Record<string, string> => n.params;

const fillUrl = (url: string, params: Record<string, string>): string =>
  url.replace(/\{([a-z_]+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''));

// WeChat refuses a whole message (errcode 47003) when one value is longer than its field type
// allows, so long values (a shop's or a service's full name) are shortened to fit, visibly.
const FIELD_MAX_CHARS: readonly (readonly [string, number])[] = [
  ['thing', 20],
  ['character_string', 32],
  ['phrase', 5],
  ['name', 10],
  ['number', 32],
  ['letter', 32],
  ['symbol', 5],
  ['car_number', 8],
];
export const fitField = (key: string, value: string): string => {
  const max = FIELD_MAX_CHARS.find(([prefix]) => key.replace(/\d+$/, '') === prefix)?.[1];
  const chars = [...value];
  return max === undefined || chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
};

export const createWechatNotifier = (
  cfg: WechatClientConfig & { templates: Partial<Record<NoticeKind, WechatTemplate>> },
): WechatNotifier => {
  const f = cfg.fetch ?? fetch;
  const tokens = createWechatTokenSource(cfg);
  const post = async (token: string, payload: string) => {
    const body = await call(
      f,
      `${WECHAT_API}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`,
      'template send',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
      },
    );
    return body.errcode ?? 0;
  };
  return {
    handles: (kind) => Boolean(cfg.templates[kind]),
    async sendTo(openid, n) {
      const tpl = cfg.templates[n.template];
      if (!tpl) throw new Error(`no WeChat template configured for ${n.template}`);
      const params = paramsOf(n);
      const data = Object.fromEntries(
        Object.entries(tpl.fields).map(([key, param]) => [key, { value: fitField(key, params[param] ?? '') }]),
      );
      const payload = JSON.stringify({
        touser: openid,
        template_id: tpl.template_id,
        ...(tpl.url ? { url: fillUrl(tpl.url, params) } : {}),
        data,
      });
      let token = await tokens.get();
      let errcode = await post(token, payload);
      if (TOKEN_REJECTED_CODES.has(errcode)) {
        // expired early or revoked (someone fetched a new token with the same secret): once more
        tokens.invalidate(token);
        token = await tokens.get();
        errcode = await post(token, payload);
      }
      if (errcode !== 0) throw new WechatSendError(errcode, 'template send');
    },
  };
};

/** Web sign-in (snsapi_base: silent, openid only) for linking an openid to a signed-in phone. */
export const createWechatOAuth = (cfg: WechatClientConfig): WechatOAuth => {
  const f = cfg.fetch ?? fetch;
  return {
    authorizeUrl(redirect_uri, state) {
      const q = new URLSearchParams({
        appid: cfg.appId,
        redirect_uri,
        response_type: 'code',
        scope: 'snsapi_base',
        state,
      });
      return `${WECHAT_OPEN}/connect/oauth2/authorize?${q.toString()}#wechat_redirect`;
    },
    async openidForCode(code) {
      const q = new URLSearchParams({
        appid: cfg.appId,
        secret: cfg.appSecret,
        code,
        grant_type: 'authorization_code',
      });
      let body: z.infer<typeof Reply>;
      try {
        body = await call(f, `${WECHAT_API}/sns/oauth2/access_token?${q.toString()}`, 'oauth');
      } catch (e) {
        throw new AppError('WECHAT_UNAVAILABLE', { cause: e });
      }
      if (body.errcode) {
        throw new AppError(OAUTH_CODE_CODES.has(body.errcode) ? 'WECHAT_CODE_INVALID' : 'WECHAT_UNAVAILABLE', {
          details: { errcode: body.errcode },
        });
      }
      const r = OAuthReply.safeParse(body);
      if (!r.success) throw new AppError('WECHAT_UNAVAILABLE', { details: { reason: 'no openid in answer' } });
      return r.data.openid;
    },
  };
};
