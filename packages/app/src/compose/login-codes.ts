// Phone sign-in by one-time code (elders, family, merchants): send the code, check it, and start
// the session. Shared by the sign-in API (api/auth.ts) and the sign-in pages (packages/web).
import { AppError } from '@tmc/core/kernel/errors';
import { PHONE_ROLES, sendOtp, verifyOtp, type ClientKey, type PrincipalInit } from '@tmc/core/auth/service';
import { maskPhone } from '@tmc/core/elders/id-card';
import { startSession } from '../http/session';
import type { Deps } from './deps-type';
import { sealAccountPhone } from './account-phone';

/** Finds or creates whoever owns this phone in this role; null for an elder phone nobody registered. */
export const resolvePhonePrincipal = async (
  deps: Deps,
  role: (typeof PHONE_ROLES)[number],
  phone: string,
): Promise<PrincipalInit | null> => {
  const phone_hash = deps.blindIndex('phone', phone);
  if (role === 'elder') {
    const ids = await deps.elders.findIdsByPhoneHash(phone_hash);
    const elders = await deps.elders.getMany(ids);
    const e = elders.find((x) => x.status === 'active');
    return e ? { kind: 'elder', role: 'elder', sub: `elder:${e.elder_id}`, elder_id: e.elder_id } : null;
  }
  const acct = await deps.accounts.getOrCreate(role, phone_hash, (account_id) => ({
    account_id,
    role,
    phone_cipher: sealAccountPhone(deps.cipher, account_id, phone),
    phone_masked: maskPhone(phone),
  }));
  return role === 'family'
    ? { kind: 'family', role: 'family', sub: `family:${acct.account_id}`, family_id: acct.account_id }
    : { kind: 'merchant', role: 'merchant', sub: `merchant:${acct.account_id}`, merchant_id: acct.account_id };
};

export const requestLoginCode = async (
  deps: Deps,
  phone: string,
  role: (typeof PHONE_ROLES)[number],
  client: ClientKey = null,
) => {
  const phone_hash = deps.blindIndex('phone', phone);
  const deliver = role !== 'elder' || (await deps.elders.findIdsByPhoneHash(phone_hash)).length > 0;
  await sendOtp(deps, {
    purpose: `login:${role}`,
    phone,
    phone_hash,
    deliver,
    client,
    notice: (code) => ({
      to_phone: phone,
      template: 'otp',
      params: { code },
      text_zh: `【十分钟服务圈】您的登录验证码是 ${code}，5分钟内有效。请勿告诉他人。`,
    }),
  });
};

export const verifyLoginCode = async (deps: Deps, phone: string, role: (typeof PHONE_ROLES)[number], code: string) => {
  await verifyOtp(deps, { purpose: `login:${role}`, phone_hash: deps.blindIndex('phone', phone), code });
  const p = await resolvePhonePrincipal(deps, role, phone);
  if (!p) throw new AppError('PHONE_NOT_REGISTERED');
  return startSession(deps, p);
};
