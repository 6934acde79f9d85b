// Linking WeChat for notices through app.request(): not configured -> a stable 404 code; the
// link redirect carries a state bound to the session; the callback links the openid (sealed) to
// the signed-in phone and audits it; forged, foreign, tampered and expired states change nothing
// and never spend the code; unlink. WeChat itself is the real adapter over a fake fetch.
import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '@tmc/store/keys';
import { createWechatOAuth } from '@tmc/notify/wechat';
import { createNotifierFromEnv } from '@tmc/notify/from-env';
import { APP_ID, APP_SECRET, fakeWechat } from '@tmc/notify/testing';
import { bearer, json, makeTestApp, phoneToken, staffToken, tableSnapshot } from '../../../../tests/support/app';
import { WECHAT_STATE_TTL_S, wechatPageRoutes } from '../compose/wechat-link';
import { createApp } from '../compose/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let elder = '';
let family = '';
let admin = '';
let elderPhone = '';
const FAMILY_PHONE = '17000009300';
const wx = fakeWechat();

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 3 });
  // the link round trip is pages (served by the pages function in AWS); mount them beside the API
  t.app = createApp(t.deps, { extraRoutes: wechatPageRoutes() }).app;
  elderPhone = t.seed?.elderPhones[0] ?? '';
  elder = await phoneToken(t.app, t.deps, elderPhone, 'elder');
  family = await phoneToken(t.app, t.deps, FAMILY_PHONE, 'family');
  admin = await staffToken(t.app, 'admin');
});

type ErrBody = { error: { code: string } };
const errCode = async (res: Response) => ((await res.json()) as ErrBody).error.code;
const configure = () => {
  t.deps.wechatOAuth = createWechatOAuth({ appId: APP_ID, appSecret: APP_SECRET, fetch: wx.fetch });
};
const exchanges = () => wx.calls.filter((c) => c.path === '/sns/oauth2/access_token').length;

/** Starts a link as `token` and answers the state WeChat would hand back. */
const startLink = async (token: string): Promise<string> => {
  const res = await t.app.request('/wechat/link', bearer(token));
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '').searchParams.get('state') ?? '';
};
const callback = (token: string, code: string, state: string) =>
  t.app.request(`/wechat/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, bearer(token));

describe('WeChat not configured', () => {
  it.each([
    ['GET', '/wechat/link'],
    ['GET', '/wechat/callback?code=C&state=1790000000x00'],
  ])('%s %s -> 404 WECHAT_NOT_CONFIGURED, nothing written', async (method, path) => {
    t.deps.wechatOAuth = null;
    const before = await tableSnapshot(t.deps);
    const res = await t.app.request(path, bearer(elder, { method }));
    expect(res.status).toBe(404);
    expect(await errCode(res)).toBe('WECHAT_NOT_CONFIGURED');
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });
});

describe('WeChat switched off', () => {
  it('unlinking still works: withdrawing consent never depends on configuration', async () => {
    t.deps.wechatOAuth = null;
    const res = await t.app.request('/api/wechat/unlink', bearer(elder, { method: 'POST' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ unlinked: false });
  });
});

describe('linking WeChat', () => {
  it('only signed-in elders, family and merchants may link', async () => {
    configure();
    expect((await t.app.request('/wechat/link')).status).toBe(401);
    expect((await t.app.request('/wechat/link', bearer(admin))).status).toBe(403);
    expect((await t.app.request('/api/wechat/unlink', { method: 'POST' })).status).toBe(401);
    expect((await t.app.request('/api/wechat/unlink', bearer(admin, { method: 'POST' }))).status).toBe(403);
  });

  it("redirects to WeChat's silent sign-in with our callback and a state bound to the session", async () => {
    configure();
    const res = await t.app.request('/wechat/link', bearer(elder));
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location') ?? '');
    expect(url.origin + url.pathname).toBe('https://open.weixin.qq.com/connect/oauth2/authorize');
    expect(url.searchParams.get('appid')).toBe(APP_ID);
    expect(url.searchParams.get('redirect_uri')).toBe('http://localhost/wechat/callback');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('scope')).toBe('snsapi_base');
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9]{1,128}$/); // WeChat's rule for state
    expect(url.hash).toBe('#wechat_redirect');
    expect(res.headers.get('location')).not.toContain(APP_SECRET);
  });

  it('the callback links the openid to the signed-in phone, sealed, audited, and sends the person home', async () => {
    configure();
    wx.script.oauth = { openid: 'oElderOpenid_0001', access_token: 'web-token', expires_in: 7200 };
    const res = await callback(elder, 'CODE_OK', await startLink(elder));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/elder?done=wechat_linked');
    const phone_hash = t.deps.blindIndex('phone', elderPhone);
    expect(await t.deps.wechatLinks.openidFor(phone_hash)).toBe('oElderOpenid_0001');
    // stored encrypted, under the phone's blind index only
    const raw = await t.deps.db.doc.send(
      new GetCommand({ TableName: t.deps.db.table, Key: keys.wechatLink(phone_hash) }),
    );
    expect(JSON.stringify(raw.Item)).not.toContain('oElderOpenid_0001');
    expect(JSON.stringify(raw.Item)).not.toContain(elderPhone);
    const sub = `elder:${(await t.deps.elders.findIdsByPhoneHash(phone_hash))[0] ?? ''}`;
    const audit = await t.deps.audit.listBySubject(sub, 20);
    expect(audit.items.map((a) => a.action)).toContain('wechat.link');
    expect(JSON.stringify(audit.items)).not.toContain('oElderOpenid_0001');
    // nothing personal in the logs either
    expect(t.logger.lines.join('\n')).not.toContain('oElderOpenid_0001');
  });

  it('a family member links their own phone; notices to that phone then go by WeChat, others by SMS', async () => {
    configure();
    wx.script.oauth = { openid: 'oFamilyOpenid_0002' };
    const res = await callback(family, 'CODE_FAM', await startLink(family));
    expect(res.headers.get('location')).toBe('/family?done=wechat_linked');
    // the production notifier over this table's links
    const smsTo: string[] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      if (String(input) === 'https://sms.example.cn/send') {
        smsTo.push((JSON.parse(String(init?.body)) as { to: string }).to);
        return new Response('{}');
      }
      return wx.fetch(input, init);
    };
    const notifier = createNotifierFromEnv(
      {
        SMS_ENDPOINT: 'https://sms.example.cn/send',
        SMS_API_KEY: 'k',
        SMS_TEMPLATES: JSON.stringify({ otp: 'S1', order_rejected: 'S2' }),
        WECHAT_APP_ID: APP_ID,
        WECHAT_APP_SECRET: APP_SECRET,
        WECHAT_TEMPLATES: JSON.stringify({
          order_rejected: { template_id: 'TPL_R', fields: { thing1: 'service_name' } },
        }),
      },
      { fetch: fetchFn, wiring: { directory: t.deps.wechatLinks, phoneHash: (p) => t.deps.blindIndex('phone', p) } },
    );
    const rejected = (to_phone: string) => ({
      to_phone,
      template: 'order_rejected' as const,
      params: { order_id: 'o_1', service_name: '理发' },
      text_zh: 'x',
    });
    await notifier?.send(rejected(FAMILY_PHONE));
    await notifier?.send(rejected('17000009301'));
    await notifier?.send({ to_phone: FAMILY_PHONE, template: 'otp', params: { code: '123456' }, text_zh: 'x' });
    expect(wx.sends().map((s) => (s.body as { touser: string }).touser)).toEqual(['oFamilyOpenid_0002']);
    expect(smsTo).toEqual(['17000009301', FAMILY_PHONE]);
  });

  it.each([
    ['a forged state', async () => `${Math.floor(t.clock.now().getTime() / 1000) + 60}x${'ab'.repeat(32)}`],
    ["another session's state", async () => startLink(family)],
    [
      'a state with its expiry pushed out',
      async () => (await startLink(elder)).replace(/^(\d+)x/, (_m, exp: string) => `${Number(exp) + 3600}x`),
    ],
    ['a malformed state', async () => 'not-a-state'],
    ['an empty-mac state', async () => `${Math.floor(t.clock.now().getTime() / 1000) + 60}x`],
  ])('refuses %s with WECHAT_STATE_INVALID: no link, no code spent, nothing written', async (_name, make) => {
    configure();
    wx.script.oauth = { openid: 'oAttacker_9999' };
    const state = await make();
    const before = await tableSnapshot(t.deps);
    const spent = exchanges();
    const res = await callback(elder, 'CODE_ATTACK', state);
    expect(res.status).toBe(400);
    expect(await errCode(res)).toBe('WECHAT_STATE_INVALID');
    expect(exchanges()).toBe(spent);
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('refuses an expired state (the round trip took over 10 minutes)', async () => {
    configure();
    wx.script.oauth = { openid: 'oLate_0003' };
    const started = t.clock.now().toISOString();
    const state = await startLink(elder);
    t.clock.advance((WECHAT_STATE_TTL_S + 1) * 1000); // the access token (15 min) is still good
    try {
      const before = await tableSnapshot(t.deps);
      const res = await callback(elder, 'CODE_LATE', state);
      expect(res.status).toBe(400);
      expect(await errCode(res)).toBe('WECHAT_STATE_INVALID');
      expect(await tableSnapshot(t.deps)).toEqual(before);
    } finally {
      t.clock.set(started);
    }
  });

  it.each([
    [{ errcode: 40029, errmsg: 'invalid code' }, 400, 'WECHAT_CODE_INVALID'],
    [{ errcode: -1, errmsg: 'system error' }, 502, 'WECHAT_UNAVAILABLE'],
  ])('a code WeChat refuses (%j) -> %i %s, nothing linked', async (answer, status, code) => {
    configure();
    wx.script.oauth = answer;
    const state = await startLink(elder);
    const before = await tableSnapshot(t.deps);
    const res = await callback(elder, 'CODE_BAD', state);
    expect(res.status).toBe(status);
    expect(await errCode(res)).toBe(code);
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('a callback without a code is a validation error', async () => {
    configure();
    const res = await t.app.request(`/wechat/callback?state=${await startLink(elder)}`, bearer(elder));
    expect(res.status).toBe(400);
    expect(await errCode(res)).toBe('VALIDATION_FAILED');
  });

  it('unlink removes the link (notices go by SMS again), is audited, and says so only once', async () => {
    configure();
    const phone_hash = t.deps.blindIndex('phone', elderPhone);
    expect(await t.deps.wechatLinks.openidFor(phone_hash)).not.toBeNull();
    const first = await t.app.request('/api/wechat/unlink', bearer(elder, { method: 'POST' }));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ unlinked: true });
    expect(await t.deps.wechatLinks.openidFor(phone_hash)).toBeNull();
    const again = await t.app.request('/api/wechat/unlink', bearer(elder, { method: 'POST' }));
    expect(await again.json()).toEqual({ unlinked: false });
    const sub = `elder:${(await t.deps.elders.findIdsByPhoneHash(phone_hash))[0] ?? ''}`;
    const actions = (await t.deps.audit.listBySubject(sub, 20)).items.map((a) => a.action);
    expect(actions.filter((a) => a === 'wechat.unlink')).toHaveLength(1);
  });
});

describe('leaving the scheme', () => {
  it("drops the elder's WeChat link with the rest of their personal data", async () => {
    configure();
    const phone = t.seed?.elderPhones[1] ?? '';
    const token = await phoneToken(t.app, t.deps, phone, 'elder');
    wx.script.oauth = { openid: 'oLeavingElder_0004' };
    await callback(token, 'CODE_LEAVE', await startLink(token));
    const phone_hash = t.deps.blindIndex('phone', phone);
    expect(await t.deps.wechatLinks.openidFor(phone_hash)).toBe('oLeavingElder_0004');
    const elder_id = (await t.deps.elders.findIdsByPhoneHash(phone_hash))[0] ?? '';
    const res = await t.app.request(`/api/elders/${elder_id}/leave`, bearer(admin, json({ reason: '本人申请退出' })));
    expect(res.status).toBe(200);
    expect(await t.deps.wechatLinks.openidFor(phone_hash)).toBeNull();
  });
});
