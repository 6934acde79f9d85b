// Order use cases. Points-moving transitions (request, reject/expire/cancel/no-show, complete,
// uphold) commit the order's new state inside the ledger's transaction, so an order and its
// points never disagree; the rest are conditional puts on the order's version.
import { AppError } from './errors';
import { randomDigits, randomId, sha256 } from './secrets';
import { capture, hold, release, reverse, type EntryResult, type LedgerDeps, type Idem } from './ledger/service';
import { isSlotStart, type Merchant, type Service } from './merchants';
import { pinHash, decryptPhone } from './elder-service';
import { maskName } from './idcard';
import { categoryMonthMax, subsidyAllows, type Policy } from './policy';
import { CODE_TRIES_MAX, DISPUTE_WINDOW_MS, FIND_OFFERS_MAX, transitionOf, type Actor, type Order, type OrderEvent } from './orders';
import type { AuditLog, ElderStore, Notice, Notifier } from './ports';
import type { BlindIndex, FieldCipher } from './secrets';
import type { SearchHit } from './search';

export const OFFER_MINUTES_DEFAULT = 3;

export type OrderPort = {
  get: (id: string) => Promise<Order | null>;
  put: (next: Order, expect_version: number) => Promise<void>;
};

export type SchedulerPort = {
  /** Fires `job` at `at` (at least once). The handler must be idempotent. */
  at: (at: Date, job: { job: 'offer-expiry'; order_id: string; offer_index: number }) => Promise<void>;
};

export type OrderDeps = LedgerDeps & {
  orders: OrderPort;
  elders: ElderStore;
  merchants: { getMerchant: (id: string) => Promise<Merchant | null>; services: (id: string) => Promise<Service[]> };
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  notifier: Notifier;
  audit: AuditLog;
  scheduler: SchedulerPort;
  familyPhones: (elder_id: string) => Promise<string[]>;
  merchantPhone: (merchant_id: string) => Promise<string | null>;
};

const codeAad = (order_id: string) => `order:${order_id}:code`;

/** Checks who may fire `event` and that the order is in a state the table allows. */
export const assertTransition = (o: Order, event: OrderEvent, actor: Actor) => {
  const t = transitionOf(event);
  if (!(t.by as readonly Actor[]).includes(actor)) throw new AppError('FORBIDDEN');
  if (!(t.from as readonly string[]).includes(o.status)) throw new AppError('ORDER_STATE', { details: { status: o.status, event } });
  return t;
};

const tell = async (deps: OrderDeps, o: Order, what: 'accepted' | 'completed' | 'cancelled' | 'expired' | 'unmatched' | 'rejected') => {
  const time = o.slot_start ? new Date(new Date(o.slot_start).getTime() + 8 * 3600_000).toISOString().slice(5, 16).replace('T', ' ') : null; // China time, MM-DD HH:mm
  const service_name = o.service_name || o.category;
  const base = { order_id: o.order_id, service_name };
  // One template kind per message, with the params its pre-approved SMS / WeChat template fills.
  const notice: Record<typeof what, (to_phone: string) => Notice> = {
    accepted: (to_phone) => ({
      to_phone, template: 'order_accepted', params: { ...base, merchant_name: o.merchant_name, time: time ?? '尽快' },
      text_zh: `【十分钟服务圈】${o.merchant_name}已接单：${o.service_name}${time ? `，时间 ${time}` : ''}。`,
    }),
    completed: (to_phone) => ({
      to_phone, template: 'order_completed', params: { ...base, points: String(o.price_points) },
      text_zh: `【十分钟服务圈】${o.service_name}已完成，扣除 ${o.price_points} 积分。欢迎评价。`,
    }),
    cancelled: (to_phone) => ({
      to_phone, template: 'order_cancelled', params: { ...base, fee_points: String(o.cancel_fee_points ?? 0) },
      text_zh: o.cancel_fee_points
        ? `【十分钟服务圈】订单（${o.service_name}）已取消。商户已接单，按政策收取 ${o.cancel_fee_points} 积分取消费，其余积分已退回。`
        : `【十分钟服务圈】订单（${o.service_name}）已取消，积分已退回。`,
    }),
    expired: (to_phone) => ({ to_phone, template: 'order_expired', params: base, text_zh: `【十分钟服务圈】商户未及时接单，订单（${o.service_name}）已关闭，积分已退回。` }),
    rejected: (to_phone) => ({ to_phone, template: 'order_rejected', params: base, text_zh: `【十分钟服务圈】商户暂时无法接单（${o.service_name}），积分已退回。` }),
    unmatched: (to_phone) => ({ to_phone, template: 'order_unmatched', params: base, text_zh: `【十分钟服务圈】附近暂时没有商户能接单（${o.service_name || o.category}），积分已退回。可在页面查看离您最近的服务。` }),
  };
  const elder = await deps.elders.get(o.elder_id);
  const phones = [elder ? decryptPhone(deps, elder) : null, ...(await deps.familyPhones(o.elder_id))].filter((p): p is string => Boolean(p));
  // A failed notice must not undo a committed order: it is logged by the caller's logger via the notifier.
  for (const phone of phones) await deps.notifier.send(notice[what](phone)).catch(() => undefined);
};

const tellMerchant = async (deps: OrderDeps, o: Order) => {
  const phone = await deps.merchantPhone(o.merchant_id);
  if (phone) {
    await deps.notifier.send({
      to_phone: phone, template: 'order_new',
      params: { order_id: o.order_id, service_name: o.service_name, points: String(o.price_points), offer_minutes: String(OFFER_MINUTES_DEFAULT) },
      text_zh: `【十分钟服务圈】新订单：${o.service_name}，${o.price_points} 积分，请在 ${OFFER_MINUTES_DEFAULT} 分钟内接单。`,
    }).catch(() => undefined);
  }
};

const loadService = async (deps: OrderDeps, merchant_id: string, service_id: string) => {
  const m = await deps.merchants.getMerchant(merchant_id);
  const s = m ? (await deps.merchants.services(merchant_id)).find((x) => x.service_id === service_id) : undefined;
  if (!m || !s || m.status !== 'approved' || !s.active) throw new AppError('SERVICE_UNAVAILABLE');
  return { m, s };
};

export type BookArgs = {
  order_id?: string;
  elder_id: string;
  booked_by: string;
  mode: 'direct' | 'find_for_me';
  merchant_id: string;
  service_id: string;
  slot_start: string | null;
  candidates?: SearchHit[]; // 帮我找: the ranked list; the first is offered now
};

/** Request: points held, slot taken (if any), order written: one transaction. */
export const requestOrder = async (deps: OrderDeps, policy: Policy, a: BookArgs, idem: Idem): Promise<Order> => {
  const { m, s } = await loadService(deps, a.merchant_id, a.service_id);
  const elder = await deps.elders.get(a.elder_id);
  if (!elder || elder.status !== 'active') throw new AppError('ELDER_NOT_FOUND');
  // One spelling per instant: the slot counter is keyed by this string, so "…00Z" and "…00.000Z"
  // must not count as two slots (that would let a slot be overbooked).
  const slotAt = a.slot_start === null ? null : new Date(a.slot_start);
  if (slotAt && Number.isNaN(slotAt.getTime())) throw new AppError('SLOT_INVALID');
  const slot_start = slotAt ? slotAt.toISOString() : null;
  if (slot_start !== null && !isSlotStart(s, slot_start)) throw new AppError('SLOT_INVALID');
  if (slot_start !== null && Date.parse(slot_start) < deps.clock.now().getTime()) throw new AppError('SLOT_INVALID');
  const now = deps.clock.now();
  // The order id is derived from the caller's idempotency key: a retried request is the same order.
  const order_id = a.order_id ?? `o_${sha256(`${idem.scope}:${idem.key}`).replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}`;
  const offers = a.mode === 'find_for_me'
    ? (a.candidates ?? []).slice(0, FIND_OFFERS_MAX).map((c, i) => ({ merchant_id: c.merchant_id, service_id: c.service_id, merchant_name: c.merchant_name, walking_minutes: c.walking_minutes, offered_at: i === 0 ? now.toISOString() : '', outcome: 'pending' as const }))
    : [{ merchant_id: m.merchant_id, service_id: s.service_id, merchant_name: m.business_name, walking_minutes: 0, offered_at: now.toISOString(), outcome: 'pending' as const }];
  const offer_expires_at = new Date(now.getTime() + OFFER_MINUTES_DEFAULT * 60_000).toISOString();
  const order: Order = {
    order_id, elder_id: a.elder_id, booked_by: a.booked_by, mode: a.mode, category: s.category,
    service_id: s.service_id, merchant_id: m.merchant_id, merchant_name: m.business_name, service_name: s.name, price_points: s.price_points,
    held_points: Math.max(s.price_points, ...(a.mode === 'find_for_me' ? (a.candidates ?? []).slice(0, FIND_OFFERS_MAX).map((c) => c.price_points) : [])),
    home_visit: s.mode === 'home_visit', slot_start: slot_start, status: 'requested', offers, offer_expires_at,
    code_cipher: deps.cipher.encrypt(randomDigits(6), codeAad(order_id)), code_tries: 0, rating: null, dispute: null, completed_at: null,
    created_at: now.toISOString(), updated_at: now.toISOString(), version: 1,
  };
  const r = await hold(deps, {
    hold_id: order_id, elder_id: a.elder_id, amount_points: order.held_points, category: s.category,
    subsidy_allowed: subsidyAllows(policy, s.category), per_order_max: policy.per_order_max_points, per_month_max: policy.per_month_max_points, per_category_month_max: categoryMonthMax(policy, s.category),
    expires_at: new Date(now.getTime() + policy.hold_ttl_hours * 3600_000).toISOString(), actor: a.booked_by, reason: `${m.business_name}·${s.name}`,
  }, idem, async () => ({
    order: { next: order, expect_version: 0 },
    ...(slot_start ? { counters: [{ key: { kind: 'slot' as const, service_id: s.service_id, start: slot_start }, delta: 1, max: s.capacity_per_slot }] } : {}),
  }));
  const saved = (await deps.orders.get(order_id)) ?? order;
  if (!r.replayed) {
    await deps.scheduler.at(new Date(offer_expires_at), { job: 'offer-expiry', order_id, offer_index: 0 });
    await tellMerchant(deps, saved);
    if (a.booked_by.startsWith('staff:')) await deps.audit.write({ actor: a.booked_by, action: 'order.book_on_behalf', subject: `elder:${a.elder_id}`, detail: { order_id } });
  }
  return saved;
};

const load = async (deps: OrderDeps, order_id: string) => {
  const o = await deps.orders.get(order_id);
  if (!o) throw new AppError('ORDER_NOT_FOUND');
  return o;
};

const bump = (deps: OrderDeps, o: Order, patch: Partial<Order>): Order => ({ ...o, ...patch, updated_at: deps.clock.now().toISOString(), version: o.version + 1 });

export const acceptOrder = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<Order> => {
  const o = await load(deps, order_id);
  assertTransition(o, 'accept', 'merchant');
  if (o.merchant_id !== merchant_id) throw new AppError('FORBIDDEN'); // only the merchant currently offered
  const offers = o.offers.map((x, i) => (i === currentOffer(o) ? { ...x, outcome: 'accepted' as const } : x));
  const next = bump(deps, o, { status: 'accepted', offers, offer_expires_at: null });
  await deps.orders.put(next, o.version);
  await tell(deps, next, 'accepted');
  return next;
};

const currentOffer = (o: Order) => o.offers.findIndex((x) => x.outcome === 'pending' && x.offered_at !== '');

/** Runs the ledger step of an order transition and makes sure it was *this* transition that
 * committed. It lost the race when the hold is already settled (HOLD_ALREADY_FINAL), or when
 * another transition wrote the same deterministic entry first (the ledger answers `replayed`,
 * and our order update was never applied): either way the answer is ORDER_STATE with the order's
 * current state, as for any late event. A replay of our own commit (a retried request) matches
 * the planned order and passes. */
const settle = async (deps: OrderDeps, order_id: string, planned: () => Order | null, step: () => Promise<EntryResult>): Promise<void> => {
  const lost = async (known?: Order | null) => {
    const now = known === undefined ? await deps.orders.get(order_id) : known;
    return new AppError('ORDER_STATE', { details: { status: now?.status ?? 'unknown' } });
  };
  let r: EntryResult;
  try {
    r = await step();
  } catch (e) {
    if (e instanceof AppError && (e.code === 'HOLD_ALREADY_FINAL' || e.code === 'HOLD_NOT_FOUND' || e.code === 'ALREADY_REVERSED')) throw await lost();
    throw e;
  }
  if (!r.replayed) return;
  const want = planned();
  const now = await deps.orders.get(order_id);
  if (!want || !now || now.version !== want.version || now.status !== want.status) throw await lost(now);
};

/** The order's place in its slot, returned in the same transaction that closes the order. */
const slotGivenBack = (o: Order) =>
  o.slot_start ? { counters: [{ key: { kind: 'slot' as const, service_id: o.service_id, start: o.slot_start }, delta: -1, max: null }] } : {};

/** Release points and close the order with `to`, all in one ledger transaction. */
const closeWithRelease = async (deps: OrderDeps, o: Order, to: Order['status'], why: 'cancelled' | 'rejected' | 'unanswered', actor: string, patch: Partial<Order> = {}) => {
  let saved: Order | null = null;
  await settle(deps, o.order_id, () => saved, () => release(deps, { hold_id: o.order_id, why, actor }, undefined, async () => {
    const fresh = await load(deps, o.order_id);
    if (fresh.version !== o.version) throw new AppError('ORDER_STATE', { details: { status: fresh.status } });
    saved = bump(deps, fresh, { status: to, offer_expires_at: null, ...patch });
    return { order: { next: saved, expect_version: fresh.version }, ...slotGivenBack(fresh) };
  }));
  return saved ?? (await load(deps, o.order_id));
};

/** 帮我找: move the order to the next candidate (same hold, same points), or give up after five. */
const offerNext = async (deps: OrderDeps, o: Order, outcome: 'rejected' | 'expired'): Promise<Order> => {
  const cur = currentOffer(o);
  const nextIdx = o.offers.findIndex((x, i) => i > cur && x.outcome === 'pending');
  const offers = o.offers.map((x, i) => (i === cur ? { ...x, outcome } : x));
  if (nextIdx < 0) {
    const closed = await closeWithRelease(deps, o, 'unmatched', 'unanswered', 'system:find-for-me', { offers });
    await tell(deps, closed, 'unmatched');
    return closed;
  }
  const cand = offers[nextIdx];
  if (!cand) throw new Error('candidate vanished');
  const { m, s } = await loadService(deps, cand.merchant_id, cand.service_id).catch(() => ({ m: null, s: null }));
  if (!m || !s || s.price_points > o.held_points) {
    // The candidate went away or got dearer than what is held: skip it.
    return offerNext(deps, bump(deps, o, { offers: offers.map((x, i) => (i === nextIdx ? { ...x, offered_at: deps.clock.now().toISOString() } : x)) }), 'expired');
  }
  const now = deps.clock.now();
  const next = bump(deps, o, {
    offers: offers.map((x, i) => (i === nextIdx ? { ...x, offered_at: now.toISOString() } : x)),
    merchant_id: m.merchant_id, merchant_name: m.business_name, service_id: s.service_id, service_name: s.name, price_points: s.price_points,
    offer_expires_at: new Date(now.getTime() + OFFER_MINUTES_DEFAULT * 60_000).toISOString(),
  });
  await deps.orders.put(next, o.version);
  await deps.scheduler.at(new Date(next.offer_expires_at ?? now), { job: 'offer-expiry', order_id: o.order_id, offer_index: nextIdx });
  await tellMerchant(deps, next);
  return next;
};

export const rejectOrder = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<Order> => {
  const o = await load(deps, order_id);
  assertTransition(o, 'reject', 'merchant');
  if (o.merchant_id !== merchant_id) throw new AppError('FORBIDDEN');
  if (o.mode === 'find_for_me') return offerNext(deps, o, 'rejected');
  const closed = await closeWithRelease(deps, o, 'rejected', 'rejected', `merchant:${merchant_id}`);
  await tell(deps, closed, 'rejected');
  return closed;
};

/** Timer: fires (at least once) when an offer's time is up. A late or repeated firing does nothing. */
export const expireOffer = async (deps: OrderDeps, order_id: string, offer_index: number): Promise<'done' | 'noop'> => {
  const o = await deps.orders.get(order_id);
  if (!o || o.status !== 'requested' || currentOffer(o) !== offer_index) return 'noop';
  if (o.offer_expires_at && o.offer_expires_at > deps.clock.now().toISOString()) return 'noop';
  if (o.mode === 'find_for_me') await offerNext(deps, o, 'expired');
  else await tell(deps, await closeWithRelease(deps, o, 'expired', 'unanswered', 'system:offer-expiry'), 'expired');
  return 'done';
};

/** The fee a cancel would cost now: only after acceptance, never more than the price. */
export const cancelFee = (policy: Pick<Policy, 'cancel_fee_after_accept_points'>, o: Pick<Order, 'status' | 'price_points'>, by: Actor): number =>
  // staff cancel for the bureau's own reasons (a shop suspended, a mistaken 代下单): never at the elder's cost
  o.status === 'accepted' && (by === 'elder' || by === 'family') ? Math.min(policy.cancel_fee_after_accept_points, o.price_points) : 0;

export const cancelOrder = async (deps: OrderDeps, policy: Policy, order_id: string, actor: Actor, actor_sub: string): Promise<Order> => {
  const o = await load(deps, order_id);
  assertTransition(o, 'cancel', actor);
  const fee = cancelFee(policy, o, actor);
  if (fee === 0) {
    const closed = await closeWithRelease(deps, o, 'cancelled', 'cancelled', actor_sub);
    await tell(deps, closed, 'cancelled');
    return closed;
  }
  // The fee is a partial capture: fee to the merchant, the rest back to the wallet, the order
  // closed and the slot given back, all in one transaction.
  let saved: Order | null = null;
  await settle(deps, order_id, () => saved, () => capture(deps, { hold_id: o.order_id, amount_points: fee, merchant_id: o.merchant_id, actor: actor_sub, reason: `取消费·${o.merchant_name}·${o.service_name}`, policy_version: policy.version }, undefined, async () => {
    const fresh = await load(deps, order_id);
    if (fresh.version !== o.version) throw new AppError('ORDER_STATE', { details: { status: fresh.status } });
    saved = bump(deps, fresh, { status: 'cancelled', offer_expires_at: null, cancel_fee_points: fee });
    return { order: { next: saved, expect_version: fresh.version }, ...slotGivenBack(fresh) };
  }));
  const closed = saved ?? (await load(deps, order_id));
  await tell(deps, closed, 'cancelled');
  return closed;
};

export const noShow = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<Order> => {
  const o = await load(deps, order_id);
  assertTransition(o, 'no_show', 'merchant');
  if (o.merchant_id !== merchant_id) throw new AppError('FORBIDDEN');
  return closeWithRelease(deps, o, 'no_show', 'cancelled', `merchant:${merchant_id}`);
};

/** The code the elder shows the merchant (only to the elder and bound family). */
export const orderCode = (deps: Pick<OrderDeps, 'cipher'>, o: Order): string => deps.cipher.decrypt(o.code_cipher, codeAad(o.order_id));

export type Proof = { code: string } | { card_number: string; pin: string };

/** Completion: the merchant proves the elder was served; wrong proofs are limited per order. */
export const completeOrder = async (deps: OrderDeps, policy: Policy, order_id: string, merchant_id: string, proof: Proof): Promise<Order> => {
  const o = await load(deps, order_id);
  assertTransition(o, 'complete', 'merchant');
  if (o.merchant_id !== merchant_id) throw new AppError('FORBIDDEN');
  if (o.code_tries >= CODE_TRIES_MAX) throw new AppError('CODE_LOCKED');
  let ok = false;
  if ('code' in proof) ok = proof.code === orderCode(deps, o);
  else {
    const elder = await deps.elders.get(o.elder_id);
    ok = Boolean(elder && elder.card_number === proof.card_number && elder.pin_hash !== '' && elder.pin_hash === pinHash(deps.blindIndex, elder.elder_id, proof.pin));
  }
  if (!ok) {
    const tries = o.code_tries + 1;
    await deps.orders.put(bump(deps, o, { code_tries: tries }), o.version);
    throw new AppError(tries >= CODE_TRIES_MAX ? 'CODE_LOCKED' : 'CODE_INVALID', { details: { tries_left: Math.max(0, CODE_TRIES_MAX - tries) } });
  }
  let saved: Order | null = null;
  await settle(deps, order_id, () => saved, () => capture(deps, { hold_id: o.order_id, amount_points: o.price_points, merchant_id, actor: `merchant:${merchant_id}`, reason: `${o.merchant_name}·${o.service_name}`, policy_version: policy.version }, undefined, async () => {
    const fresh = await load(deps, order_id);
    if (fresh.version !== o.version) throw new AppError('ORDER_STATE', { details: { status: fresh.status } });
    saved = bump(deps, fresh, { status: 'completed', completed_at: deps.clock.now().toISOString() });
    return { order: { next: saved, expect_version: fresh.version } };
  }));
  const done = saved ?? (await load(deps, order_id));
  await tell(deps, done, 'completed');
  return done;
};

export type RatingPort = { addRating: (merchant_id: string, stars: number) => Promise<void> };

export const rateOrder = async (deps: OrderDeps & RatingPort, order_id: string, actor: Actor, r: { stars: number; tags: string[]; comment: string }): Promise<Order> => {
  const o = await load(deps, order_id);
  assertTransition(o, 'rate', actor);
  const next = bump(deps, o, { status: 'rated', rating: { ...r, at: deps.clock.now().toISOString() } });
  await deps.orders.put(next, o.version); // once: a second rating finds status 'rated'
  await deps.addRating(o.merchant_id, r.stars);
  return next;
};

export const disputeOrder = async (deps: OrderDeps, order_id: string, actor: Actor, by: string, reason: string): Promise<Order> => {
  const o = await load(deps, order_id);
  assertTransition(o, 'dispute', actor);
  if (!o.completed_at || deps.clock.now().getTime() - Date.parse(o.completed_at) > DISPUTE_WINDOW_MS) throw new AppError('DISPUTE_WINDOW_CLOSED');
  const next = bump(deps, o, { status: 'disputed', dispute: { reason, at: deps.clock.now().toISOString(), by, decided_by: null } });
  await deps.orders.put(next, o.version);
  return next;
};

export const decideDispute = async (deps: OrderDeps, order_id: string, decision: 'uphold' | 'dismiss', staff: string, reason: string): Promise<Order> => {
  const o = await load(deps, order_id);
  assertTransition(o, decision, 'staff');
  const dispute = o.dispute ? { ...o.dispute, decided_by: staff } : null;
  if (decision === 'dismiss') {
    const next = bump(deps, o, { status: 'dispute_dismissed', dispute });
    await deps.orders.put(next, o.version);
    await deps.audit.write({ actor: staff, action: 'order.dispute_dismiss', subject: `order:${order_id}`, detail: { reason } });
    return next;
  }
  let saved: Order | null = null;
  await settle(deps, order_id, () => saved, () => reverse(deps, { entry_id: `capture:${order_id}`, reason, actor: staff }, undefined, async () => {
    const fresh = await load(deps, order_id);
    if (fresh.version !== o.version) throw new AppError('ORDER_STATE', { details: { status: fresh.status } });
    saved = bump(deps, fresh, { status: 'refunded', dispute });
    return { order: { next: saved, expect_version: fresh.version } };
  }));
  await deps.audit.write({ actor: staff, action: 'order.dispute_uphold', subject: `order:${order_id}`, detail: { reason } });
  return saved ?? (await load(deps, order_id));
};

export type VisitDetails = { order_id: string; service_name: string; slot_start: string | null; elder_name_masked: string; address: string; location: { lat: number; lng: number } | null };

/** 上门: where to go and whom to ask for, given only to the merchant of an accepted home-visit
 * order and only while it is open (PIPL art. 6, minimum necessary: no ID number, no phone, the
 * name masked). Every read is audited. */
export const visitDetails = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<VisitDetails> => {
  const o = await load(deps, order_id);
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND'); // another shop's order does not exist for it
  if (!o.home_visit) throw new AppError('NOT_HOME_VISIT');
  if (o.status !== 'accepted') throw new AppError('ORDER_STATE', { details: { status: o.status } });
  const e = await deps.elders.get(o.elder_id);
  if (!e) throw new AppError('ELDER_NOT_FOUND');
  await deps.audit.write({ actor: `merchant:${merchant_id}`, action: 'order.read_visit_address', subject: `elder:${o.elder_id}`, detail: { order_id } });
  return { order_id, service_name: o.service_name, slot_start: o.slot_start, elder_name_masked: maskName(e.name), address: e.address, location: e.location ?? null };
};

export { randomId };
