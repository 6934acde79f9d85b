// Merchant use cases: apply, staff decisions (approve, reject, suspend, reinstate, all audited),
// and service edits. The store re-derives the geo index from what is saved, so a suspension or
// a move can never leave a stale match behind.
import { AppError } from '../kernel/errors';
import { randomId } from '../kernel/secrets';
import type { AuditLog } from '../kernel/audit';
import type { AreaStore } from '../areas/ports';
import type { Clock } from '../kernel/clock';
import type { Notice, Notifier } from '../notices/ports';
import { sendOnce } from '../notices/send-once';
import type { NoticeMarks } from '../notices/ports';
import type { FieldCipher } from '../kernel/secrets';
import type { Merchant, MerchantApplication, Service, ServiceInput } from './model';
import type { MerchantPort } from './ports';
import { aad } from '../kernel/aad';

export type MerchantDeps = {
  merchants: MerchantPort;
  areas: AreaStore;
  audit: AuditLog;
  clock: Clock;
  notifier: Notifier;
  noticeMarks: NoticeMarks;
  cipher: FieldCipher;
  accounts: { byId: (account_id: string) => Promise<{ phone_cipher: string } | null> };
};

const checkCategories = async (deps: MerchantDeps, codes: string[]) => {
  const known = new Map((await deps.merchants.categories()).map((c) => [c.code, c]));
  // a retired category is offered to no new application (re-applying shops choose again)
  const bad = codes.flatMap((c) => {
    const k = known.get(c);
    return !k ? [{ c, code: 'CATEGORY_UNKNOWN' }] : k.retired ? [{ c, code: 'CATEGORY_RETIRED' }] : [];
  });
  if (bad.length)
    throw new AppError('VALIDATION_FAILED', {
      fields: bad.map((b) => ({ path: 'categories', code: b.code, message: b.c })),
    });
};

export const applyAsMerchant = async (
  deps: MerchantDeps,
  merchant_id: string,
  app: MerchantApplication,
): Promise<Merchant> => {
  await checkCategories(deps, app.categories);
  const community = await deps.areas.get(app.community_code);
  if (!community || community.level !== 'community')
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'community_code', code: 'COMMUNITY_UNKNOWN', message: 'unknown community' }],
    });
  const prev = await deps.merchants.getMerchant(merchant_id);
  if (prev && prev.status !== 'rejected') throw new AppError('MERCHANT_EXISTS', { details: { status: prev.status } });
  const now = deps.clock.now().toISOString();
  const next: Merchant = {
    ...app,
    merchant_id,
    status: 'pending',
    decision_reason: null,
    rating_sum: prev?.rating_sum ?? 0,
    rating_count: prev?.rating_count ?? 0,
    version: (prev?.version ?? 0) + 1,
    created_at: prev?.created_at ?? now,
    updated_at: now,
  };
  await deps.merchants.save(next, [], prev, prev ? await deps.merchants.services(merchant_id) : []);
  await deps.audit.write({
    actor: `merchant:${merchant_id}`,
    action: 'merchant.apply',
    subject: `merchant:${merchant_id}`,
  });
  return next;
};

const TRANSITIONS: Record<
  'approve' | 'reject' | 'suspend' | 'reinstate',
  { from: Merchant['status'][]; to: Merchant['status'] }
> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  suspend: { from: ['approved'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'approved' },
};

export const decideMerchant = async (
  deps: MerchantDeps,
  merchant_id: string,
  decision: keyof typeof TRANSITIONS,
  reason: string,
  actor: string,
): Promise<Merchant> => {
  const prev = await deps.merchants.getMerchant(merchant_id);
  if (!prev) throw new AppError('MERCHANT_NOT_FOUND');
  const t = TRANSITIONS[decision];
  if (!t.from.includes(prev.status))
    throw new AppError('MERCHANT_STATE', { details: { status: prev.status, decision } });
  const next: Merchant = {
    ...prev,
    status: t.to,
    decision_reason: reason,
    version: prev.version + 1,
    updated_at: deps.clock.now().toISOString(),
  };
  const list = await deps.merchants.services(merchant_id);
  await deps.merchants.save(next, list, prev, list);
  await deps.audit.write({
    actor,
    action: `merchant.${decision}`,
    subject: `merchant:${merchant_id}`,
    detail: { reason },
  });
  await tellDecision(deps, next, decision);
  return next;
};

/** The shop hears of a decision at the phone it signs in with (verified; where its WeChat link
 * is), or the application's contact phone before it ever signed in. Only the writer of this
 * version gets here (save is conditional), and the notice id names the version: told once. */
const tellDecision = async (deps: MerchantDeps, m: Merchant, decision: keyof typeof TRANSITIONS) => {
  if (decision === 'reinstate') return; // no notice declared: the shop sees it is back when it signs in
  const acct = await deps.accounts.byId(m.merchant_id);
  const to_phone = acct ? deps.cipher.decrypt(acct.phone_cipher, aad.accountPhone(m.merchant_id)) : m.contact_phone;
  if (!to_phone) return;
  const merchant_name = m.business_name;
  const reason = m.decision_reason ?? '';
  const notice: Notice =
    decision === 'approve'
      ? {
          to_phone,
          template: 'merchant_approved',
          params: { merchant_name },
          text_zh: `【十分钟服务圈】${merchant_name}的加盟申请已通过，老人现在可以在附近找到您的服务。`,
        }
      : decision === 'reject'
        ? {
            to_phone,
            template: 'merchant_rejected',
            params: { merchant_name, reason },
            text_zh: `【十分钟服务圈】${merchant_name}的加盟申请未通过：${reason}。修改后可重新申请。`,
          }
        : {
            to_phone,
            template: 'merchant_suspended',
            params: { merchant_name, reason },
            text_zh: `【十分钟服务圈】${merchant_name}已被暂停服务：${reason}。如有疑问请联系民政局。`,
          };
  await sendOnce(deps, { subject: `merchant:${m.merchant_id}`, change: `v${m.version}`, to: 'merchant' }, notice);
};

export const SERVICES_MAX = 30;

/** Creates or edits a service. Orders keep their own copy of name and price, so edits never change them. */
export const saveService = async (
  deps: MerchantDeps,
  merchant_id: string,
  input: ServiceInput,
  service_id: string | null,
  expect_version: number | null,
): Promise<Service> => {
  const m = await deps.merchants.getMerchant(merchant_id);
  if (!m) throw new AppError('MERCHANT_NOT_FOUND');
  if (!m.categories.includes(input.category))
    throw new AppError('VALIDATION_FAILED', {
      fields: [
        { path: 'category', code: 'CATEGORY_NOT_DECLARED', message: 'the merchant did not apply for this category' },
      ],
    });
  const list = await deps.merchants.services(merchant_id);
  const prev = service_id ? list.find((s) => s.service_id === service_id) : undefined;
  if (service_id && !prev) throw new AppError('SERVICE_NOT_FOUND');
  // a retired category takes no new service; a service already in it keeps it through edits
  if (
    prev?.category !== input.category &&
    (await deps.merchants.categories()).some((c) => c.code === input.category && c.retired)
  )
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'category', code: 'CATEGORY_RETIRED', message: 'the category is retired' }],
    });
  if (prev && expect_version !== null && prev.version !== expect_version)
    throw new AppError('CONFLICT', { details: { current_version: prev.version } });
  if (!prev && list.length >= SERVICES_MAX)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'services', code: 'TOO_MANY', message: `at most ${SERVICES_MAX} services` }],
    });
  const next: Service = {
    ...input,
    service_id: prev?.service_id ?? randomId('s'),
    merchant_id,
    active: true,
    version: (prev?.version ?? 0) + 1,
    updated_at: deps.clock.now().toISOString(),
  };
  const nextList = [...list.filter((s) => s.service_id !== next.service_id), next];
  // The merchant version is bumped too: it serialises concurrent edits of one merchant's index.
  await deps.merchants.save({ ...m, version: m.version + 1, updated_at: next.updated_at }, nextList, m, list);
  return next;
};

export const deactivateService = async (
  deps: MerchantDeps,
  merchant_id: string,
  service_id: string,
): Promise<Service> => {
  const m = await deps.merchants.getMerchant(merchant_id);
  if (!m) throw new AppError('MERCHANT_NOT_FOUND');
  const list = await deps.merchants.services(merchant_id);
  const prev = list.find((s) => s.service_id === service_id);
  if (!prev) throw new AppError('SERVICE_NOT_FOUND');
  const next: Service = {
    ...prev,
    active: false,
    version: prev.version + 1,
    updated_at: deps.clock.now().toISOString(),
  };
  await deps.merchants.save(
    { ...m, version: m.version + 1, updated_at: next.updated_at },
    list.map((s) => (s.service_id === service_id ? next : s)),
    m,
    list,
  );
  return next;
};

export const newMerchantId = () => randomId('m');
