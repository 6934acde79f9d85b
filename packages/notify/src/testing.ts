// A fake WeChat API for tests: a fetch that answers the token, template-send and OAuth endpoints
// from scripted replies and records every call. No network.
export const APP_ID = 'wx0123456789abcdef';
export const APP_SECRET = 'S3cretS3cretS3cretS3cretS3cret00'; // 32 characters, like a real one

export type WechatCall = { path: string; query: URLSearchParams; method: string; body: unknown; hadSignal: boolean };

export const fakeWechat = () => {
  const calls: WechatCall[] = [];
  let tokens = 0;
  const script = {
    expires_in: 7200,
    /** errcodes answered by successive template sends (0 once the list is empty) */
    sendErrcodes: [] as number[],
    /** HTTP status of the next template send (200 unless set) */
    sendStatus: 200,
    tokenErrcode: 0,
    oauth: { openid: 'oOPENID_from_code' } as Record<string, unknown>,
  };
  const reply = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : null;
    calls.push({
      path: url.pathname,
      query: url.searchParams,
      method: init?.method ?? 'GET',
      body,
      hadSignal: init?.signal instanceof AbortSignal,
    });
    if (url.hostname !== 'api.weixin.qq.com') throw new TypeError('fetch failed');
    if (url.pathname === '/cgi-bin/token') {
      if (script.tokenErrcode) return reply({ errcode: script.tokenErrcode, errmsg: 'invalid appsecret' });
      tokens++;
      return reply({ access_token: `TOKEN_${tokens}`, expires_in: script.expires_in });
    }
    if (url.pathname === '/cgi-bin/message/template/send') {
      if (script.sendStatus !== 200) return reply({}, script.sendStatus);
      const errcode = script.sendErrcodes.shift() ?? 0;
      return reply({ errcode, errmsg: errcode ? 'refused' : 'ok', ...(errcode ? {} : { msgid: 1 }) });
    }
    if (url.pathname === '/sns/oauth2/access_token') return reply(script.oauth);
    return reply({ errcode: 404, errmsg: 'no such api' }, 404);
  };
  return {
    fetch: fetchFn,
    calls,
    script,
    tokenCalls: () => calls.filter((c) => c.path === '/cgi-bin/token').length,
    sends: () => calls.filter((c) => c.path === '/cgi-bin/message/template/send'),
  };
};
