// Linking WeChat for notices: a signed-in elder, family member or merchant is sent through
// WeChat's silent web sign-in (snsapi_base), comes back with a one-time code, and the openid it
// yields is stored against the blind index of the phone they signed in with. Notices to that
// phone then go as WeChat template messages (notify/channels.ts). Unlinking deletes the item.
// This module holds the round trip and the switch-off: the API route (api/wechat.ts) and the
// pages function (its page routes below, mounted by packages/web) share it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { decryptPhone } from '@tmc/core/elders/service';
import type { Principal } from '@tmc/core/auth/service';
import type { WechatOAuth } from '@tmc/core/auth/ports';
import { defineRoute } from '../http/route';
import type { Deps } from './deps-type';
import { accountPhone } from './account-phone';

/** How long the round trip through WeChat may take: it is seconds in practice; a stale state is refused. */
export const WECHAT_STATE_TTL_S = 10 * 60;
export const LINKERS = ['elder', 'family', 'merchant'] as const;
/** WeChat allows only [a-zA-Z0-9] in state, up to 128 bytes: `{expiry s}x{hex hmac}`. */
const STATE_FORMAT = /^(\d{10,12})x([0-9a-f]{64})$/;

const oauthOf = (deps: Deps): WechatOAuth => {
  if (!deps.wechatOAuth) throw new AppError('WECHAT_NOT_CONFIGURED');
  return deps.wechatOAuth;
};

// The state binds the round trip to this session (sid and sub) and an expiry, so a state from
// another session, a forged one, or an old one cannot attach an openid to this phone.
const stateMac = (deps: Deps, p: Principal, exp_s: number): string =>
  createHmac('sha256', deps.sessionKey).update(`wechat-link|${p.sid}|${p.sub}|${exp_s}`).digest('hex');

const makeState = (deps: Deps, p: Principal): string => {
  const exp_s = Math.floor(deps.clock.now().getTime() / 1000) + WECHAT_STATE_TTL_S;
  return `${exp_s}x${stateMac(deps, p, exp_s)}`;
};

const assertState = (deps: Deps, p: Principal, state: string): void => {
  const m = STATE_FORMAT.exec(state);
  const exp_s = Number(m?.[1] ?? 0);
  const given = Buffer.from(m?.[2] ?? '', 'hex');
  const want = Buffer.from(stateMac(deps, p, exp_s), 'hex');
  const fresh = exp_s * 1000 > deps.clock.now().getTime();
  if (!m || !fresh || given.length !== want.length || !timingSafeEqual(given, want))
    throw new AppError('WECHAT_STATE_INVALID');
};

/** The blind index of the phone this person signed in with: notices are addressed by it. */
const phoneHashOf = async (deps: Deps, p: Principal): Promise<string> => {
  let phone: string | null = null;
  if (p.kind === 'elder') {
    const e = await deps.elders.get(p.elder_id);
    phone = e ? decryptPhone(deps, e) : null;
  } else if (p.kind === 'family' || p.kind === 'merchant') {
    const id = p.kind === 'family' ? p.family_id : p.merchant_id;
    phone = await accountPhone(deps, id);
  }
  if (!phone) throw new AppError('PHONE_NOT_REGISTERED');
  return deps.blindIndex('phone', phone);
};

/** Withdrawing consent works whether or not WeChat is still configured (PIPL art. 15). */
export const unlink = async (deps: Deps, p: Principal, request_id: string): Promise<boolean> => {
  const unlinked = await deps.wechatLinks.unlink(await phoneHashOf(deps, p));
  if (unlinked) await deps.audit.write({ actor: p.sub, action: 'wechat.unlink', subject: p.sub, request_id });
  return unlinked;
};

/** The WeChat round trip and the switch-off form: pages (a person's browser comes back here from
 * WeChat, so errors render as pages), served by the pages function in AWS. */
export const wechatPageRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/wechat/link',
    access: { roles: LINKERS },
    tags: ['wechat'],
    page: true,
    summary:
      "Start linking WeChat for notices: redirects to WeChat's silent sign-in " +
      '(snsapi_base) with a state bound to this session',
    errors: ['WECHAT_NOT_CONFIGURED'],
    handler(c, { principal }) {
      const deps = c.get('deps');
      const oauth = oauthOf(deps);
      return c.redirect(oauth.authorizeUrl(`${deps.publicUrl}/wechat/callback`, makeState(deps, principal)), 302);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/wechat/callback',
    access: { roles: LINKERS },
    tags: ['wechat'],
    page: true,
    summary:
      'WeChat comes back here: checks the state, exchanges the code for the ' +
      'openid, links it to the signed-in phone, audits, and redirects home',
    query: z.object({
      code: z.string().check(z.minLength(1), z.maxLength(512)),
      state: z.string().check(z.minLength(1), z.maxLength(128)),
    }),
    errors: [
      'WECHAT_NOT_CONFIGURED',
      'WECHAT_STATE_INVALID',
      'WECHAT_CODE_INVALID',
      'WECHAT_UNAVAILABLE',
      'PHONE_NOT_REGISTERED',
    ],
    async handler(c, { query, principal: p }) {
      const deps = c.get('deps');
      const oauth = oauthOf(deps);
      assertState(deps, p, query.state); // before the code is spent
      const openid = await oauth.openidForCode(query.code);
      await deps.wechatLinks.link(await phoneHashOf(deps, p), openid, p.sub);
      // PIPL: the openid is personal data; the audit says that a link was made, not to what
      await deps.audit.write({ actor: p.sub, action: 'wechat.link', subject: p.sub, request_id: c.get('requestId') });
      return c.redirect(`/${p.role}?done=wechat_linked`, 303);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/wechat/unlink',
    access: { roles: LINKERS },
    tags: ['wechat'],
    page: true,
    bodyKind: 'form',
    body: z.object({}),
    summary: 'The switch-off button on the home pages: notices go by SMS again',
    errors: ['PHONE_NOT_REGISTERED'],
    async handler(c, { principal: p }) {
      await unlink(c.get('deps'), p, c.get('requestId'));
      return c.redirect(`/${p.role}?done=wechat_unlinked`, 303);
    },
  }),
];
