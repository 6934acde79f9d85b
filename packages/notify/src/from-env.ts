// Picks the notifier adapter from configuration, parsed once with zod at start: a template that
// names a kind or a param the notice table (core/notices/model.ts) does not have stops the process
// before anything is sent. Production refuses to start without an adapter (app/src/compose/deps.ts).
//   SMS_ENDPOINT, SMS_API_KEY, SMS_TEMPLATES  = {"<kind>": "<gateway template id>", ...}; otp required
//   WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_TEMPLATES
//     = {"<kind>": {"template_id": "...", "fields": {"<wechat key>": "<param>"}, "url"?: "https://...{order_id}"}}
// WeChat needs SMS beside it: codes always go by SMS, and SMS is the fallback.
import * as z from 'zod/mini';
import { NOTICE_KIND_NAMES, SMS_ONLY_KINDS, noticeParamNames, type NoticeKind } from '@tmc/core/notices/model';
import type { Notifier } from '@tmc/core/notices/ports';
import type { WechatOAuth } from '@tmc/core/auth/ports';
import { createSmsNotifier } from './sms';
import { createRoutedNotifier, type NotifierWiring } from './channels';
import { createWechatNotifier, createWechatOAuth, type WechatTemplate } from './wechat';

const Kind = z.enum(NOTICE_KIND_NAMES);

/** A JSON-valued variable: parsed, then checked with `schema`. */
const jsonOf = <T>(schema: z.ZodMiniType<T>) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((s, ctx): unknown => {
        try {
          return JSON.parse(s);
        } catch {
          ctx.issues.push({ code: 'custom', message: 'must be JSON', input: s });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );

const SmsTemplates = z.partialRecord(Kind, z.string().check(z.minLength(1), z.maxLength(64)));

const PARAM_IN_URL = /\{([a-z_]+)\}/g;

const WechatTemplateSchema = z.object({
  template_id: z.string().check(z.minLength(1), z.maxLength(128)),
  fields: z
    .record(
      z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'WeChat field keys look like thing1, time2')),
      z.string(),
    )
    .check(z.refine((f) => Object.keys(f).length > 0, 'at least one field')),
  url: z.optional(z.url({ protocol: /^https?$/ })),
});

const WechatTemplates = z.partialRecord(Kind, WechatTemplateSchema).check(
  z.superRefine((all, ctx) => {
    for (const [kind, tpl] of Object.entries(all) as [NoticeKind, WechatTemplate | undefined][]) {
      if (!tpl) continue;
      if (SMS_ONLY_KINDS.includes(kind))
        ctx.addIssue({
          code: 'custom',
          path: [kind],
          message: `${kind} is SMS only (a code must reach the phone itself)`,
        });
      const known = noticeParamNames(kind);
      for (const [key, param] of Object.entries(tpl.fields)) {
        if (!known.includes(param))
          ctx.addIssue({
            code: 'custom',
            path: [kind, 'fields', key],
            message: `${kind} has no param "${param}" (it has: ${known.join(', ')})`,
          });
      }
      for (const [, param] of (tpl.url ?? '').matchAll(PARAM_IN_URL)) {
        if (param && !known.includes(param))
          ctx.addIssue({
            code: 'custom',
            path: [kind, 'url'],
            message: `${kind} has no param "${param}" (it has: ${known.join(', ')})`,
          });
      }
    }
  }),
);

export const NotifyEnvSchema = z
  .object({
    SMS_ENDPOINT: z.optional(z.url({ protocol: /^https?$/ })),
    SMS_API_KEY: z.optional(z.string().check(z.minLength(1))), // secret: from Secrets Manager in AWS
    SMS_TEMPLATES: z.optional(jsonOf(SmsTemplates)),
    WECHAT_APP_ID: z.optional(
      z.string().check(z.regex(/^wx[0-9A-Za-z]{16}$/, 'an Official Account app id: wx + 16 characters')),
    ),
    WECHAT_APP_SECRET: z.optional(z.string().check(z.regex(/^[0-9A-Za-z]{32}$/, '32 characters'))), // secret
    WECHAT_TEMPLATES: z.optional(jsonOf(WechatTemplates)),
  })
  .check(
    z.superRefine((e, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      if (Boolean(e.SMS_ENDPOINT) !== Boolean(e.SMS_API_KEY))
        issue(e.SMS_ENDPOINT ? 'SMS_API_KEY' : 'SMS_ENDPOINT', 'SMS needs both SMS_ENDPOINT and SMS_API_KEY');
      if (e.SMS_ENDPOINT && !e.SMS_TEMPLATES?.otp)
        issue('SMS_TEMPLATES', 'needs an otp template: sign-in codes go by SMS');
      const wechat = [e.WECHAT_APP_ID, e.WECHAT_APP_SECRET, e.WECHAT_TEMPLATES].filter(Boolean).length;
      if (wechat === 3 && !e.SMS_ENDPOINT)
        issue('SMS_ENDPOINT', 'WeChat notices need SMS beside them (codes and fallback)');
      // the OAuth link routes need only the app id and secret; templates without them are a mistake
      if (e.WECHAT_TEMPLATES && !(e.WECHAT_APP_ID && e.WECHAT_APP_SECRET))
        issue('WECHAT_APP_ID', 'WECHAT_TEMPLATES needs WECHAT_APP_ID and WECHAT_APP_SECRET');
      if (Boolean(e.WECHAT_APP_ID) !== Boolean(e.WECHAT_APP_SECRET))
        issue(
          e.WECHAT_APP_ID ? 'WECHAT_APP_SECRET' : 'WECHAT_APP_ID',
          'WeChat needs both WECHAT_APP_ID and WECHAT_APP_SECRET',
        );
    }),
  );
export type NotifyEnv = z.infer<typeof NotifyEnvSchema>;

const NAMES = Object.keys(NotifyEnvSchema.shape);

/** Fails fast on a bad value; the message names variables and params, never values (they may be secrets). */
export const parseNotifyEnv = (env: Record<string, string | undefined>): NotifyEnv => {
  // unset and empty are the same (a stack may pass "" for an unused variable)
  const src = Object.fromEntries(NAMES.map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const r = NotifyEnvSchema.safeParse(src);
  if (!r.success)
    throw new Error(
      `invalid notifier configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
};

export type NotifyOptions = {
  /** The app's directory of linked openids. Without it (a process that has no table) notices go by SMS only. */
  wiring?: NotifierWiring;
  fetch?: typeof fetch; // tests
};

export const createNotifierFromEnv = (
  env: Record<string, string | undefined>,
  opts: NotifyOptions = {},
): Notifier | undefined => {
  const cfg = parseNotifyEnv(env);
  if (!cfg.SMS_ENDPOINT || !cfg.SMS_API_KEY) return undefined;
  const sms = createSmsNotifier({
    endpoint: cfg.SMS_ENDPOINT,
    apiKey: cfg.SMS_API_KEY,
    templates: cfg.SMS_TEMPLATES ?? {},
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  if (!cfg.WECHAT_APP_ID || !cfg.WECHAT_APP_SECRET || !cfg.WECHAT_TEMPLATES || !opts.wiring) return sms;
  const wechat = createWechatNotifier({
    appId: cfg.WECHAT_APP_ID,
    appSecret: cfg.WECHAT_APP_SECRET,
    templates: cfg.WECHAT_TEMPLATES,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  return createRoutedNotifier({ sms, wechat, wiring: opts.wiring });
};

/**
 * The code exchange for linking an openid; null when WeChat is not configured (the link routes then answer
 * WECHAT_NOT_CONFIGURED).
 */
export const wechatOAuthFromEnv = (
  env: Record<string, string | undefined>,
  opts: { fetch?: typeof fetch } = {},
): WechatOAuth | null => {
  const cfg = parseNotifyEnv(env);
  if (!cfg.WECHAT_APP_ID || !cfg.WECHAT_APP_SECRET) return null;
  return createWechatOAuth({
    appId: cfg.WECHAT_APP_ID,
    appSecret: cfg.WECHAT_APP_SECRET,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
};
