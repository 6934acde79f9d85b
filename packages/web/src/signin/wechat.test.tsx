// The WeChat notice switch on the elder, family and merchant homes: offered only when WeChat is
// configured, it starts the link round trip, and the home page welcomes the person back.
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, makeSite, signInPhone, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
const who: Record<'elder' | 'family' | 'merchant', Client> = {} as Record<'elder' | 'family' | 'merchant', Client>;

beforeAll(async () => {
  site = await makeSite({ elders: 6 });
  who.elder = await signInPhone(site, 'elder', site.seed.elderPhones[0] ?? '');
  who.family = await signInPhone(site, 'family', '17000017001');
  who.merchant = await signInPhone(site, 'merchant', '17000020000');
});

describe('WeChat notices on the home pages', () => {
  it.each(['elder', 'family', 'merchant'] as const)('%s: no switch while WeChat is not configured', async (role) => {
    site.deps.wechatOAuth = null;
    const home = await who[role].get(`/${role}`);
    expect(home.status).toBe(200);
    expect(home.text).not.toContain('href="/wechat/link"');
  });

  it.each(['elder', 'family', 'merchant'] as const)(
    '%s: the switch links to /wechat/link, and the way back says it is on',
    async (role) => {
      site.deps.wechatOAuth = {
        authorizeUrl: (r, s) =>
          `https://open.weixin.qq.com/connect/oauth2/authorize?redirect_uri=${encodeURIComponent(r)}&state=${s}`,
        openidForCode: async () => 'oOPENID',
      };
      const home = await who[role].get(`/${role}`);
      expect(home.text).toContain('href="/wechat/link"');
      expect(textOf(home.text)).toContain('开通微信通知');
      const start = await who[role].get('/wechat/link');
      expect(start.status).toBe(302);
      expect(start.location).toMatch(/^https:\/\/open\.weixin\.qq\.com\//);
      const back = await who[role].get(`/${role}?done=wechat_linked`);
      expect(back.status).toBe(200);
      expect(textOf(back.text)).toContain('已开通微信通知');
      // the switch-off button is a plain form on the same panel
      expect(home.text).toContain('action="/wechat/unlink"');
      const off = await who[role].post('/wechat/unlink', {});
      expect(off.status).toBe(303);
      expect(off.location).toBe(`/${role}?done=wechat_unlinked`);
      expect(textOf((await who[role].get(off.location ?? '')).text)).toContain('已关闭微信通知');
    },
  );

  it('a bad state comes back as a page, not JSON', async () => {
    const res = await who.elder.get('/wechat/callback?code=C&state=1790000000x00');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/^<!doctype html>/i);
  });
});
