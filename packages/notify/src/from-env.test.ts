// Notifier configuration: parsed once at start, a template that names an unknown kind or param
// stops the process with a message that names the variable and the param (never a value), and
// the configured adapters route as promised. No network: an injected fetch plays SMS and WeChat.
import { describe, expect, it } from 'vitest';
import type { Notice } from '@tmc/core/notices/ports';
import { createNotifierFromEnv, parseNotifyEnv, wechatOAuthFromEnv } from './from-env';
import { APP_ID, APP_SECRET, fakeWechat } from './testing';

const SMS = {
  SMS_ENDPOINT: 'https://sms.example.cn/send',
  SMS_API_KEY: 'sms-api-key-very-secret',
  SMS_TEMPLATES: JSON.stringify({ otp: 'SMS_1001', order_accepted: 'SMS_2001', order_rejected: 'SMS_2002' }),
};
const WECHAT = {
  WECHAT_APP_ID: APP_ID,
  WECHAT_APP_SECRET: APP_SECRET,
  WECHAT_TEMPLATES: JSON.stringify({
    order_accepted: {
      template_id: 'TPL_A',
      fields: { thing1: 'service_name', thing2: 'merchant_name', time3: 'time' },
      url: 'https://tmc.example.cn/elder/orders/{order_id}',
    },
  }),
};
const wechatTemplates = (t: unknown) => ({ ...SMS, ...WECHAT, WECHAT_TEMPLATES: JSON.stringify(t) });

const failsWith = (env: Record<string, string | undefined>, ...parts: string[]) => {
  let message = '';
  try {
    parseNotifyEnv(env);
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
  }
  expect(message, 'should fail fast').toMatch(/^invalid notifier configuration/);
  for (const p of parts) expect(message).toContain(p);
  // names only: never the values, some of which are secrets
  for (const secret of [SMS.SMS_API_KEY, APP_SECRET]) expect(message).not.toContain(secret);
};

const accepted = (to_phone: string): Notice => ({
  to_phone,
  template: 'order_accepted',
  params: { order_id: 'o_1', service_name: '理发', merchant_name: '张师傅理发店', time: '尽快' },
  text_zh: 'x',
});

describe('notifier configuration is checked at start', () => {
  it.each([
    [
      'a WeChat field mapped to a param the kind does not have',
      wechatTemplates({
        order_accepted: { template_id: 'T', fields: { thing1: 'service_name', amount2: 'price_fen' } },
      }),
      ['WECHAT_TEMPLATES.order_accepted.fields.amount2', 'order_accepted has no param "price_fen"', 'merchant_name'],
    ],
    [
      'a url placeholder the kind does not have',
      wechatTemplates({
        order_completed: { template_id: 'T', fields: { thing1: 'service_name' }, url: 'https://x.cn/o/{elder_id}' },
      }),
      ['WECHAT_TEMPLATES.order_completed.url', '"elder_id"'],
    ],
    [
      'a WeChat template for an unknown kind (the old generic)',
      wechatTemplates({ generic: { template_id: 'T', fields: { thing1: 'text' } } }),
      ['WECHAT_TEMPLATES', 'generic'],
    ],
    [
      'a WeChat template for codes',
      wechatTemplates({ otp: { template_id: 'T', fields: { character_string1: 'code' } } }),
      ['WECHAT_TEMPLATES.otp', 'SMS only'],
    ],
    [
      'a WeChat template with no fields',
      wechatTemplates({ order_expired: { template_id: 'T', fields: {} } }),
      ['WECHAT_TEMPLATES.order_expired.fields'],
    ],
    [
      'WeChat templates that are not JSON',
      { ...SMS, ...WECHAT, WECHAT_TEMPLATES: '{order_accepted:' },
      ['WECHAT_TEMPLATES', 'must be JSON'],
    ],
    [
      'an SMS template for an unknown kind',
      { ...SMS, SMS_TEMPLATES: JSON.stringify({ otp: 'S1', generic: 'S2' }) },
      ['SMS_TEMPLATES', 'generic'],
    ],
    [
      'SMS without an otp template',
      { ...SMS, SMS_TEMPLATES: JSON.stringify({ order_accepted: 'S2' }) },
      ['SMS_TEMPLATES', 'otp'],
    ],
    [
      'an SMS endpoint without its key',
      { SMS_ENDPOINT: SMS.SMS_ENDPOINT, SMS_TEMPLATES: SMS.SMS_TEMPLATES },
      ['SMS_API_KEY'],
    ],
    ['WeChat without SMS beside it', { ...WECHAT }, ['SMS_ENDPOINT', 'codes and fallback']],
    ['a WeChat app id without its secret', { ...SMS, WECHAT_APP_ID: APP_ID }, ['WECHAT_APP_SECRET']],
    ['WeChat templates without the app', { ...SMS, WECHAT_TEMPLATES: WECHAT.WECHAT_TEMPLATES }, ['WECHAT_APP_ID']],
    ['a malformed app id', { ...SMS, ...WECHAT, WECHAT_APP_ID: 'not-an-app-id' }, ['WECHAT_APP_ID']],
  ])('refuses %s', (_name, env, parts) => {
    failsWith(env, ...parts);
    expect(() => createNotifierFromEnv(env)).toThrow(/invalid notifier configuration/);
  });

  it('accepts a full configuration, and treats empty variables as unset', () => {
    const cfg = parseNotifyEnv({ ...SMS, ...WECHAT, UNRELATED: 'x' });
    expect(cfg.WECHAT_TEMPLATES?.order_accepted?.fields).toEqual({
      thing1: 'service_name',
      thing2: 'merchant_name',
      time3: 'time',
    });
    expect(parseNotifyEnv({ SMS_ENDPOINT: '', WECHAT_APP_ID: '' })).toEqual({});
  });

  it('without SMS there is no notifier (production then refuses to start) and no WeChat sign-in', () => {
    expect(createNotifierFromEnv({})).toBeUndefined();
    expect(wechatOAuthFromEnv({ ...SMS })).toBeNull();
    expect(wechatOAuthFromEnv({ ...SMS, ...WECHAT })).not.toBeNull();
  });
});

describe('configured notifier', () => {
  const PHONE = '13912345678';
  const OPENID = 'oLinkedOpenid';
  const make = (env: Record<string, string>, withWiring: boolean) => {
    const wx = fakeWechat();
    const smsSent: unknown[] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      if (String(input) === SMS.SMS_ENDPOINT) {
        smsSent.push(JSON.parse(String(init?.body)));
        return new Response('{}', { status: 200 });
      }
      return wx.fetch(input, init);
    };
    const wiring = {
      phoneHash: (p: string) => `h:${p}`,
      directory: { openidFor: async (h: string) => (h === `h:${PHONE}` ? OPENID : null) },
    };
    const notifier = createNotifierFromEnv(env, { fetch: fetchFn, ...(withWiring ? { wiring } : {}) });
    if (!notifier) throw new Error('expected a notifier');
    return { notifier, wx, smsSent };
  };

  it("SMS only: posts the kind's template id and the named params", async () => {
    const { notifier, smsSent } = make(SMS, false);
    await notifier.send(accepted(PHONE));
    expect(smsSent).toEqual([
      {
        to: PHONE,
        template_id: 'SMS_2001',
        params: { order_id: 'o_1', service_name: '理发', merchant_name: '张师傅理发店', time: '尽快' },
      },
    ]);
  });

  it('with WeChat: linked phones get the template message, others and codes go by SMS', async () => {
    const { notifier, wx, smsSent } = make({ ...SMS, ...WECHAT }, true);
    await notifier.send(accepted(PHONE));
    await notifier.send(accepted('13800000000'));
    await notifier.send({ to_phone: PHONE, template: 'otp', params: { code: '123456' }, text_zh: 'x' });
    expect(wx.sends().map((s) => (s.body as { touser: string }).touser)).toEqual([OPENID]);
    expect(smsSent.map((s) => (s as { template_id: string }).template_id)).toEqual(['SMS_2001', 'SMS_1001']);
  });

  it('with WeChat configured but no directory wired (a process without the table): SMS only', async () => {
    const { notifier, wx, smsSent } = make({ ...SMS, ...WECHAT }, false);
    await notifier.send(accepted(PHONE));
    expect(wx.calls).toEqual([]);
    expect(smsSent).toHaveLength(1);
  });
});
