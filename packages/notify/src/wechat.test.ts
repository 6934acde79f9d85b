// The WeChat adapters and the channel router without the network: a fake fetch answers WeChat's
// endpoints from a script and records every call; SMS is a recording fake.
import { describe, expect, it } from 'vitest';
import { AppError } from '@tmc/core/kernel/errors';
import type { Notice, Notifier } from '@tmc/core/notices/ports';
import {
  createWechatNotifier,
  createWechatOAuth,
  TOKEN_EARLY_REFRESH_S,
  WechatSendError,
  type NotifyLog,
  type WechatTemplate,
} from './wechat';
import { createRoutedNotifier } from './channels';
import { APP_ID, APP_SECRET, fakeWechat } from './testing';

const PHONE = '13912345678';
const OPENID = 'oXyZ_linked_openid_123';

const TEMPLATES: Partial<Record<Notice['template'], WechatTemplate>> = {
  order_accepted: {
    template_id: 'TPL_ACCEPTED',
    fields: { thing1: 'service_name', thing2: 'merchant_name', time3: 'time' },
    url: 'https://tmc.example.cn/elder/orders/{order_id}',
  },
  order_completed: { template_id: 'TPL_DONE', fields: { thing1: 'service_name', number2: 'points' } },
};

const accepted = (to_phone = PHONE): Notice => ({
  to_phone,
  template: 'order_accepted',
  params: { order_id: 'o_1', service_name: '理发', merchant_name: '张师傅理发店', time: '11-23 16:00' },
  text_zh: '【十分钟服务圈】张师傅理发店已接单：理发，时间 11-23 16:00。',
});
const otp = (to_phone = PHONE): Notice => ({
  to_phone,
  template: 'otp',
  params: { code: '123456' },
  text_zh: '【十分钟服务圈】您的登录验证码是 123456',
});

const setup = (start_ms = Date.parse('2026-11-23T08:00:00Z')) => {
  const wx = fakeWechat();
  let now = start_ms;
  const notifier = createWechatNotifier({
    appId: APP_ID,
    appSecret: APP_SECRET,
    templates: TEMPLATES,
    fetch: wx.fetch,
    now: () => now,
  });
  return {
    wx,
    notifier,
    advance_s: (s: number) => {
      now += s * 1000;
    },
  };
};

const failure = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
};

describe('WeChat template messages', () => {
  it('sends the template with the mapped fields, the filled url, and a timeout on every call', async () => {
    const { wx, notifier } = setup();
    await notifier.sendTo(OPENID, accepted());
    expect(wx.tokenCalls()).toBe(1);
    const token = wx.calls[0];
    expect(token?.query.get('grant_type')).toBe('client_credential');
    expect(token?.query.get('appid')).toBe(APP_ID);
    const [send] = wx.sends();
    expect(send?.method).toBe('POST');
    expect(send?.query.get('access_token')).toBe('TOKEN_1');
    expect(send?.body).toEqual({
      touser: OPENID,
      template_id: 'TPL_ACCEPTED',
      url: 'https://tmc.example.cn/elder/orders/o_1',
      data: { thing1: { value: '理发' }, thing2: { value: '张师傅理发店' }, time3: { value: '11-23 16:00' } },
    });
    expect(wx.calls.every((c) => c.hadSignal)).toBe(true);
  });

  it('caches the token and reuses it until 5 minutes before it expires, then refreshes', async () => {
    const { wx, notifier, advance_s } = setup();
    await notifier.sendTo(OPENID, accepted());
    advance_s(7200 - TOKEN_EARLY_REFRESH_S - 1);
    await notifier.sendTo(OPENID, accepted());
    expect(wx.tokenCalls()).toBe(1);
    expect(wx.sends().map((s) => s.query.get('access_token'))).toEqual(['TOKEN_1', 'TOKEN_1']);
    advance_s(2);
    await notifier.sendTo(OPENID, accepted());
    expect(wx.tokenCalls()).toBe(2);
    expect(wx.sends().at(-1)?.query.get('access_token')).toBe('TOKEN_2');
  });

  it('runs one token refresh at a time: concurrent sends share it', async () => {
    const { wx, notifier } = setup();
    await Promise.all([1, 2, 3, 4, 5].map(() => notifier.sendTo(OPENID, accepted())));
    expect(wx.tokenCalls()).toBe(1);
    expect(wx.sends()).toHaveLength(5);
  });

  it.each([40001, 42001])(
    'on %i (token rejected) drops the cache, fetches a new token and retries once',
    async (code) => {
      const { wx, notifier } = setup();
      wx.script.sendErrcodes.push(code);
      await notifier.sendTo(OPENID, accepted());
      expect(wx.tokenCalls()).toBe(2);
      expect(wx.sends().map((s) => s.query.get('access_token'))).toEqual(['TOKEN_1', 'TOKEN_2']);
      // the new token is the cached one now
      await notifier.sendTo(OPENID, accepted());
      expect(wx.tokenCalls()).toBe(2);
    },
  );

  it('retries a rejected token only once, then fails', async () => {
    const { wx, notifier } = setup();
    wx.script.sendErrcodes.push(40001, 40001, 40001);
    const e = await failure(notifier.sendTo(OPENID, accepted()));
    expect(e).toBeInstanceOf(WechatSendError);
    expect((e as WechatSendError).errcode).toBe(40001);
    expect(wx.sends()).toHaveLength(2);
  });

  it.each([
    [43004, true], // not following the account
    [43101, true], // refused subscription messages
    [40003, true], // openid not of this account
    [45009, false], // API quota: a failure, not a reason to text
    [47003, false], // bad template data
    [-1, false], // WeChat busy
  ])('maps errcode %i to a failure (recipient unreachable: %s)', async (code, unreachable) => {
    const { wx, notifier } = setup();
    wx.script.sendErrcodes.push(code);
    const e = await failure(notifier.sendTo(OPENID, accepted()));
    expect(e).toBeInstanceOf(WechatSendError);
    expect((e as WechatSendError).errcode).toBe(code);
    expect((e as WechatSendError).unreachable).toBe(unreachable);
  });

  it('fails on a non-200 answer and on a token error, naming neither the token nor the secret', async () => {
    const a = setup();
    a.wx.script.sendStatus = 503;
    const e1 = await failure(a.notifier.sendTo(OPENID, accepted()));
    expect(String(e1)).toContain('HTTP 503');
    const b = setup();
    b.wx.script.tokenErrcode = 40125;
    const e2 = await failure(b.notifier.sendTo(OPENID, accepted()));
    expect((e2 as WechatSendError).errcode).toBe(40125);
    for (const e of [e1, e2]) {
      const text = `${String(e)} ${JSON.stringify(e)}`;
      for (const secret of [APP_SECRET, 'TOKEN_1', OPENID, PHONE]) expect(text).not.toContain(secret);
    }
  });

  it('refuses a kind with no template (the router sends those by SMS)', async () => {
    const { notifier } = setup();
    expect(notifier.handles('order_accepted')).toBe(true);
    expect(notifier.handles('order_rejected')).toBe(false);
    await expect(
      notifier.sendTo(OPENID, {
        to_phone: PHONE,
        template: 'order_rejected',
        params: { order_id: 'o', service_name: 's' },
        text_zh: 'x',
      }),
    ).rejects.toThrow(/no WeChat template/);
  });
});

describe('channel router: WeChat first, SMS for codes and as fallback', () => {
  const route = (linked: Record<string, string>, opts: { directoryFails?: boolean } = {}) => {
    const { wx, notifier: wechat } = setup();
    const sms: Notice[] = [];
    const logs: string[] = [];
    const smsNotifier: Notifier = {
      send: async (n) => {
        sms.push(n);
      },
    };
    const log: NotifyLog = (level, msg, fields) => {
      logs.push(JSON.stringify({ level, msg, ...fields }));
    };
    const lookups: string[] = [];
    const notifier = createRoutedNotifier({
      sms: smsNotifier,
      wechat,
      wiring: {
        phoneHash: (phone) => `hash(${phone.slice(-4)})`,
        directory: {
          openidFor: async (phone_hash) => {
            lookups.push(phone_hash);
            if (opts.directoryFails) throw new Error('ProvisionedThroughputExceeded');
            return linked[phone_hash] ?? null;
          },
        },
        log,
      },
    });
    return { wx, notifier, sms, logs, lookups };
  };
  const LINKED = { 'hash(5678)': OPENID };

  it('a linked recipient gets WeChat and no SMS, found by the phone hash', async () => {
    const r = route(LINKED);
    await r.notifier.send(accepted());
    expect(r.lookups).toEqual(['hash(5678)']);
    expect(r.wx.sends()).toHaveLength(1);
    expect(r.sms).toEqual([]);
  });

  it('a recipient with no linked openid gets SMS, and WeChat is never called', async () => {
    const r = route(LINKED);
    await r.notifier.send(accepted('13900000000'));
    expect(r.sms.map((n) => n.template)).toEqual(['order_accepted']);
    expect(r.wx.calls).toEqual([]);
  });

  it('falls back to SMS when WeChat says the person cannot receive (43004), logging no openid or phone', async () => {
    const r = route(LINKED);
    r.wx.script.sendErrcodes.push(43004);
    await r.notifier.send(accepted());
    expect(r.wx.sends()).toHaveLength(1);
    expect(r.sms).toHaveLength(1);
    expect(r.sms[0]?.to_phone).toBe(PHONE);
    expect(r.logs.join('\n')).toContain('43004');
  });

  it('does not text on other WeChat failures: the failure surfaces like an SMS failure would', async () => {
    const r = route(LINKED);
    r.wx.script.sendErrcodes.push(45009);
    await expect(r.notifier.send(accepted())).rejects.toBeInstanceOf(WechatSendError);
    expect(r.sms).toEqual([]);
  });

  it('sends by SMS when the directory cannot be read (nothing went out on WeChat, so no double)', async () => {
    const r = route(LINKED, { directoryFails: true });
    await r.notifier.send(accepted());
    expect(r.sms).toHaveLength(1);
    expect(r.wx.calls).toEqual([]);
  });

  it('never sends a code by WeChat, even to a linked phone', async () => {
    const r = route(LINKED);
    await r.notifier.send(otp());
    await r.notifier.send({
      to_phone: PHONE,
      template: 'binding_request',
      params: { code: '654321', family_phone_masked: '170****9100', relation: '儿子' },
      text_zh: 'x',
    });
    expect(r.sms.map((n) => n.template)).toEqual(['otp', 'binding_request']);
    expect(r.lookups).toEqual([]);
    expect(r.wx.calls).toEqual([]);
  });

  it('sends kinds without a WeChat template, and SMS-hinted notices, by SMS', async () => {
    const r = route(LINKED);
    await r.notifier.send({
      to_phone: PHONE,
      template: 'order_rejected',
      params: { order_id: 'o_1', service_name: '理发' },
      text_zh: 'x',
    });
    await r.notifier.send({ ...accepted(), channel_hint: 'sms' });
    expect(r.sms).toHaveLength(2);
    expect(r.wx.calls).toEqual([]);
  });

  it('logs nothing that carries the openid, the phone, the secret or the token', async () => {
    const r = route(LINKED, {});
    r.wx.script.sendErrcodes.push(43101, 40003);
    await r.notifier.send(accepted());
    await r.notifier.send(accepted());
    const failing = route(LINKED, { directoryFails: true });
    await failing.notifier.send(accepted());
    const logged = [...r.logs, ...failing.logs].join('\n');
    expect(r.logs).toHaveLength(2);
    expect(failing.logs).toHaveLength(1);
    for (const secret of [OPENID, PHONE, PHONE.slice(-8), APP_SECRET, 'TOKEN_1']) expect(logged).not.toContain(secret);
  });
});

describe('WeChat web sign-in (snsapi_base)', () => {
  const oauth = () => {
    const wx = fakeWechat();
    return { wx, oauth: createWechatOAuth({ appId: APP_ID, appSecret: APP_SECRET, fetch: wx.fetch }) };
  };
  const codeOf = async (p: Promise<unknown>) => {
    const e = await failure(p);
    return e instanceof AppError ? e.code : `crash:${String(e)}`;
  };

  it('builds the authorize URL WeChat expects', () => {
    const url = new URL(oauth().oauth.authorizeUrl('https://tmc.example.cn/wechat/callback', '1790000000x00ff'));
    expect(url.origin + url.pathname).toBe('https://open.weixin.qq.com/connect/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: APP_ID,
      redirect_uri: 'https://tmc.example.cn/wechat/callback',
      response_type: 'code',
      scope: 'snsapi_base',
      state: '1790000000x00ff',
    });
    expect(url.hash).toBe('#wechat_redirect');
  });

  it('exchanges a code for the openid', async () => {
    const { wx, oauth: o } = oauth();
    expect(await o.openidForCode('CODE_1')).toBe('oOPENID_from_code');
    expect(Object.fromEntries(wx.calls[0]?.query ?? [])).toEqual({
      appid: APP_ID,
      secret: APP_SECRET,
      code: 'CODE_1',
      grant_type: 'authorization_code',
    });
    expect(wx.calls[0]?.hadSignal).toBe(true);
  });

  it.each([
    [{ errcode: 40029, errmsg: 'invalid code' }, 'WECHAT_CODE_INVALID'],
    [{ errcode: 40163, errmsg: 'code been used' }, 'WECHAT_CODE_INVALID'],
    [{ errcode: -1, errmsg: 'system error' }, 'WECHAT_UNAVAILABLE'],
    [{ access_token: 'x' }, 'WECHAT_UNAVAILABLE'],
  ])('maps %j to %s', async (answer, code) => {
    const { wx, oauth: o } = oauth();
    wx.script.oauth = answer;
    expect(await codeOf(o.openidForCode('CODE_1'))).toBe(code);
  });

  it('a network failure is WECHAT_UNAVAILABLE and its message carries no secret', async () => {
    const o = createWechatOAuth({
      appId: APP_ID,
      appSecret: APP_SECRET,
      fetch: async () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      },
    });
    const e = await failure(o.openidForCode('CODE_1'));
    expect(e instanceof AppError && e.code).toBe('WECHAT_UNAVAILABLE');
    expect(String((e as AppError).cause)).toContain('TimeoutError');
    expect(String((e as AppError).cause)).not.toContain(APP_SECRET);
  });
});

describe('field lengths', () => {
  it('shortens values to what the field type takes, visibly, and leaves other types alone', async () => {
    const { fitField } = await import('./wechat');
    expect(fitField('thing1', '十分钟服务圈社区助餐点·老年营养午餐套餐（含汤）')).toHaveLength(20);
    expect(fitField('thing1', '十分钟服务圈社区助餐点·老年营养午餐套餐（含汤）').endsWith('…')).toBe(true);
    expect(fitField('thing12', '理发')).toBe('理发');
    expect(fitField('character_string3', 'o_'.padEnd(40, 'x'))).toHaveLength(32);
    expect(fitField('time4', '2026-11-23 10:00')).toBe('2026-11-23 10:00');
    expect(fitField('amount5', '12.00元')).toBe('12.00元');
  });
});
