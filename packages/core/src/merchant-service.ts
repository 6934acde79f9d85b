// Merchant use cases: apply, staff decisions (approve, reject, suspend, reinstate, all audited),
// and service edits. The store re-derives the geo index from what is saved, so a suspension or
// a move can never leave a stale match behind.
import { AppError } from './errors';
import { randomId } from './secrets';
import type { AuditLog, AreaStore, Clock } from './ports';
import type { Category, Merchant, MerchantApplication, Service, ServiceInput } from './merchants';

export type MerchantPort = {
  getMerchant: (id: string) => Promise<Merchant | null>;
  services: (id: string) => Promise<Service[]>;
  save: (next: Merchant, nextServices: Service[], prev: Merchant | null, prevServices: Service[]) => Promise<void>;
  categories: () => Promise<Category[]>;
};

export type MerchantDeps = { merchants: MerchantPort; areas: AreaStore; audit: AuditLog; clock: Clock };

const checkCategories = async (deps: MerchantDeps, codes: string[]) => {
  const known = new Set((await deps.merchants.categories()).map((c) => c.code));
  const bad = codes.filter((c) => !known.has(c));
  if (bad.length) throw new AppError('VALIDATION_FAILED', { fields: bad.map((c) => ({ path: 'categories', code: 'CATEGORY_UNKNOWN', message: c })) });
};

export const applyAsMerchant = async (deps: MerchantDeps, merchant_id: string, app: MerchantApplication): Promise<Merchant> => {
  await checkCategories(deps, app.categories);
  const community = await deps.areas.get(app.community_code);
  if (!community || community.level !== 'community') throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'community_code', code: 'COMMUNITY_UNKNOWN', message: 'unknown community' }] });
  const prev = await deps.merchants.getMerchant(merchant_id);
  if (prev && prev.status !== 'rejected') throw new AppError('MERCHANT_EXISTS', { details: { status: prev.status } });
  const now = deps.clock.now().toISOString();
  const next: Merchant = { ...app, merchant_id, status: 'pending', decision_reason: null, rating_sum: prev?.rating_sum ?? 0, rating_count: prev?.rating_count ?? 0, version: (prev?.version ?? 0) + 1, created_at: prev?.created_at ?? now, updated_at: now };
  await deps.merchants.save(next, [], prev, prev ? await deps.merchants.services(merchant_id) : []);
  await deps.audit.write({ actor: `merchant:${merchant_id}`, action: 'merchant.apply', subject: `merchant:${merchant_id}` });
  return next;
};

const TRANSITIONS: Record<'approve' | 'reject' | 'suspend' | 'reinstate', { from: Merchant['status'][]; to: Merchant['status'] }> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  suspend: { from: ['approved'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'approved' },
};

export const decideMerchant = async (deps: MerchantDeps, merchant_id: string, decision: keyof typeof TRANSITIONS, reason: string, actor: string): Promise<Merchant> => {
  const prev = await deps.merchants.getMerchant(merchant_id);
  if (!prev) throw new AppError('MERCHANT_NOT_FOUND');
  const t = TRANSITIONS[decision];
  if (!t.from.includes(prev.status)) throw new AppError('MERCHANT_STATE', { details: { status: prev.status, decision } });
  const next: Merchant = { ...prev, status: t.to, decision_reason: reason, version: prev.version + 1, updated_at: deps.clock.now().toISOString() };
  const list = await deps.merchants.services(merchant_id);
  await deps.merchants.save(next, list, prev, list);
  await deps.audit.write({ actor, action: `merchant.${decision}`, subject: `merchant:${merchant_id}`, detail: { reason } });
  return next;
};

export const SERVICES_MAX = 30;

/** Creates or edits a service. Orders keep their own copy of name and price, so edits never change them. */
export const saveService = async (deps: MerchantDeps, merchant_id: string, input: ServiceInput, service_id: string | null, expect_version: number | null): Promise<Service> => {
  const m = await deps.merchants.getMerchant(merchant_id);
  if (!m) throw new AppError('MERCHANT_NOT_FOUND');
  if (!m.categories.includes(input.category)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'category', code: 'CATEGORY_NOT_DECLARED', message: 'the merchant did not apply for this category' }] });
  const list = await deps.merchants.services(merchant_id);
  const prev = service_id ? list.find((s) => s.service_id === service_id) : undefined;
  if (service_id && !prev) throw new AppError('SERVICE_NOT_FOUND');
  if (prev && expect_version !== null && prev.version !== expect_version) throw new AppError('CONFLICT', { details: { current_version: prev.version } });
  if (!prev && list.length >= SERVICES_MAX) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'services', code: 'TOO_MANY', message: `at most ${SERVICES_MAX} services` }] });
  const next: Service = { ...input, service_id: prev?.service_id ?? randomId('s'), merchant_id, active: true, version: (prev?.version ?? 0) + 1, updated_at: deps.clock.now().toISOString() };
  const nextList = [...list.filter((s) => s.service_id !== next.service_id), next];
  // The merchant version is bumped too: it serialises concurrent edits of one merchant's index.
  await deps.merchants.save({ ...m, version: m.version + 1, updated_at: next.updated_at }, nextList, m, list);
  return next;
};

export const deactivateService = async (deps: MerchantDeps, merchant_id: string, service_id: string): Promise<Service> => {
  const m = await deps.merchants.getMerchant(merchant_id);
  if (!m) throw new AppError('MERCHANT_NOT_FOUND');
  const list = await deps.merchants.services(merchant_id);
  const prev = list.find((s) => s.service_id === service_id);
  if (!prev) throw new AppError('SERVICE_NOT_FOUND');
  const next: Service = { ...prev, active: false, version: prev.version + 1, updated_at: deps.clock.now().toISOString() };
  await deps.merchants.save({ ...m, version: m.version + 1, updated_at: next.updated_at }, list.map((s) => (s.service_id === service_id ? next : s)), m, list);
  return next;
};

export const newMerchantId = () => randomId('m');
