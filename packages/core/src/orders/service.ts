// Order use cases. Every change passes `transition` (orders.ts) and is written as a conditional
// write from the version read, so exactly one caller wins it. Points-moving transitions (request,
// reject/expire/lapse/cancel/no-show, complete, uphold) commit the order's new state inside the
// ledger's transaction, so an order and its points never disagree; the rest are conditional puts.
// A change's audit record rides in its transaction; its notices are sent by the winner only,
// each at most once per (order, version, kind).
import { AppError } from '../kernel/errors';
import { randomDigits, randomId, sha256 } from '../kernel/secrets';
import { capture, hold, release, reverse, type EntryResult, type LedgerDeps, type Idem } from '../ledger/service';
import { isSlotStart, NEXT_SLOT_DAYS, type Merchant, type Service } from '../merchants/model';
import { pinHash, decryptPhone } from '../elders/service';
import { maskName } from '../elders/id-card';
import { answerDeadline, categoryMonthMax, holdExpiry, subsidyAllows, type Policy } from '../policy/model';
import { CODE_TRIES_MAX, FIND_OFFERS_MAX, transition, transitionOf, type Actor, type Order, type OrderEvent } from './state';
import type { CounterKey } from '../ledger/ports';
import type { AuditEvent, AuditLog } from '../kernel/audit';
import type { ElderStore } from '../elders/ports';
import type { Notice, Notifier } from '../notices/ports';
import { admitOrThrow, wrongGuess, type AttemptLimiter } from '../auth/attempts';
import type { BlindIndex, FieldCipher } from '../kernel/secrets';
import type { SearchHit } from '../search/search';
import { sameKindWithin, serviceKind } from '../search/find-for-me';

export const OFFER_MINUTES_DEFAULT = 3; // orders booked before the answer time was stored on them

/** What must be written together with an order change that moves no points. */
export type OrderPutExtras = { audit?: { event: AuditEvent; at: string; id: string }; counters?: { key: CounterKey; delta: number }[] };

export type OrderPort = {
  get: (id: string) => Promise<Order | null>;
  put: (next: Order, expect_version: number, extras?: OrderPutExtras) => Promise<void>;
};

export type SchedulerPort = {
  /** Fires `job` at `at` (at least once). The handler must be idempotent. */
  at: (at: Date, job: { job: 'offer-expiry'; order_id: string; offer_index: number }) => Promise<void>;
};

/** Open disputes, queued for staff by the elder's community (the queue is read by key range). */
export type DisputeQueuePort = {
  /** Writes the disputed order (conditional on `expect_version`) and its queue entry at once. */
  /** With the audit record of the change in the same transaction, when there is one. */
  open: (next: Order, expect_version: number, community_code: string, audit?: NonNullable<OrderPutExtras['audit']>) => Promise<void>;
  /** Takes a decided dispute off the queue. */
  close: (o: Order, community_code: string) => Promise<void>;
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
  disputes: DisputeQueuePort;
  familyPhones: (elder_id: string) => Promise<string[]>;
  merchantPhone: (merchant_id: string) => Promise<string | null>;
  limiter: AttemptLimiter; // the redemption code and card PIN tries (attempts.ts)
  /** Claims the once-only key of one notice; false when it was claimed before (never send twice). */
  noticeOnce: (key: string) => Promise<boolean>;
};

const codeAad = (order_id: string) => `order:${order_id}:code`;

const chinaTime = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(5, 16).replace('T', ' '); // MM-DD HH:mm

type ElderSideKind = 'accepted' | 'completed' | 'cancelled' | 'expired' | 'unmatched' | 'rejected' | 'lapsed' | 'no_show' | 'dispute_opened' | 'dispute_decided';

/** Sends `n` to each phone once per (order, version, kind): the winner of a change sends, and a
 * retry of the same change finds the key taken. */
const sendOnce = async (deps: OrderDeps, o: Order, key: string, phones: string[], n: (to_phone: string) => Notice) => {
  if (phones.length === 0 || !(await deps.noticeOnce(`${o.order_id}:v${o.version}:${key}`))) return;
  // A failed notice must not undo a committed order: it is logged by the caller's logger via the notifier.
  for (const phone of phones) await deps.notifier.send(n(phone)).catch(() => undefined);
};

const tell = async (deps: OrderDeps, o: Order, what: ElderSideKind) => {
  const time = o.slot_start ? chinaTime(o.slot_start) : null; // China time, MM-DD HH:mm
  const service_name = o.service_name || o.category;
  const base = { order_id: o.order_id, service_name };
  const refunded = String(o.price_points);
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
    lapsed: (to_phone) => ({ to_phone, template: 'order_lapsed', params: base, text_zh: `【十分钟服务圈】订单（${o.service_name}）未在约定时间内完成，已关闭，积分已退回。` }),
    no_show: (to_phone) => ({ to_phone, template: 'order_no_show', params: base, text_zh: `【十分钟服务圈】商户记录订单（${o.service_name}）未到店/未遇到您，订单已关闭，积分已退回。如有异议请联系社区。` }),
    dispute_opened: (to_phone) => ({ to_phone, template: 'dispute_opened', params: base, text_zh: `【十分钟服务圈】您对订单（${o.service_name}）的投诉已提交，工作人员会尽快处理。` }),
    dispute_decided: (to_phone) => o.status === 'refunded'
      ? { to_phone, template: 'dispute_decided', params: { ...base, decision: '成立', points: refunded }, text_zh: `【十分钟服务圈】订单（${o.service_name}）的投诉成立，${refunded} 积分已退回。` }
      : { to_phone, template: 'dispute_decided', params: { ...base, decision: '不成立', points: '0' }, text_zh: `【十分钟服务圈】订单（${o.service_name}）的投诉经核实不成立。` },
  };
  const elder = await deps.elders.get(o.elder_id);
  const phones = [elder ? decryptPhone(deps, elder) : null, ...(await deps.familyPhones(o.elder_id))].filter((p): p is string => Boolean(p));
  await sendOnce(deps, o, what, phones, notice[what]);
};

/** The shop's side of a change: a new offer, or what happened to an order it had. */
const tellMerchant = async (deps: OrderDeps, o: Order, what: 'new' | 'cancelled' | 'no_show' | 'dispute_opened' | 'dispute_decided' = 'new') => {
  const phone = await deps.merchantPhone(o.merchant_id);
  if (!phone) return;
  const base = { order_id: o.order_id, service_name: o.service_name };
  const minutes = Math.max(1, Math.round((Date.parse(o.offer_expires_at ?? o.updated_at) - deps.clock.now().getTime()) / 60_000));
  const by = o.offer_expires_at && minutes > 60 ? `${chinaTime(o.offer_expires_at)} 前` : `${minutes} 分钟内`;
  const n: Record<typeof what, (to_phone: string) => Notice> = {
    new: (to_phone) => ({
      to_phone, template: 'order_new', params: { ...base, points: String(o.price_points), offer_minutes: String(minutes) },
      text_zh: `【十分钟服务圈】新订单：${o.service_name}，${o.price_points} 积分${o.slot_start ? `，时间 ${chinaTime(o.slot_start)}` : ''}，请在 ${by}接单。`,
    }),
    cancelled: (to_phone) => ({
      to_phone, template: 'order_cancelled', params: { ...base, fee_points: String(o.cancel_fee_points ?? 0) },
      text_zh: `【十分钟服务圈】订单（${o.service_name}${o.slot_start ? `，${chinaTime(o.slot_start)}` : ''}）已被取消${o.cancel_fee_points ? `，取消费 ${o.cancel_fee_points} 积分已计入您的账户` : ''}。`,
    }),
    no_show: (to_phone) => ({ to_phone, template: 'order_no_show', params: base, text_zh: `【十分钟服务圈】订单（${o.service_name}）已记为未到店/未遇到老人，积分已退回老人。` }),
    dispute_opened: (to_phone) => ({ to_phone, template: 'dispute_opened', params: base, text_zh: `【十分钟服务圈】老人对订单（${o.service_name}）提出了投诉，工作人员会联系您核实。` }),
    dispute_decided: (to_phone) => o.status === 'refunded'
      ? { to_phone, template: 'dispute_decided', params: { ...base, decision: '成立', points: String(o.price_points) }, text_zh: `【十分钟服务圈】订单（${o.service_name}）的投诉成立，${o.price_points} 积分已退回老人。` }
      : { to_phone, template: 'dispute_decided', params: { ...base, decision: '不成立', points: '0' }, text_zh: `【十分钟服务圈】订单（${o.service_name}）的投诉经核实不成立。` },
  };
  // keyed by the shop too: after 帮我找 moves on, each shop offered is told once
  await sendOnce(deps, o, `merchant:${o.merchant_id}:${what}`, [phone], n[what]);
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

const changeId = () => randomId('chg');

/** The order after `event`: a new version stamped with the change that wrote it. */
const changed = (deps: OrderDeps, o: Order, event: OrderEvent, by: string, patch: Partial<Order>): Order => {
  const at = deps.clock.now().toISOString();
  return { ...o, ...patch, updated_at: at, version: o.version + 1, change: { event, by, at, id: changeId() } };
};

/** The audit record of a change, keyed by it (order + version) and written in its transaction. */
const auditOf = (next: Order, actor: string, action: string, detail: AuditEvent['detail'] = {}) => ({
  event: { actor, action, subject: `order:${next.order_id}`, detail: { ...detail, order_id: next.order_id } },
  at: next.change?.at ?? next.updated_at,
  id: `${next.order_id}.v${next.version}`,
});

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
  const now = deps.clock.now();
  if (slot_start !== null && Date.parse(slot_start) < now.getTime()) throw new AppError('SLOT_INVALID');
  // Bookings reach two weeks ahead (what search offers); it also bounds how long a hold can live.
  if (slot_start !== null && Date.parse(slot_start) > now.getTime() + NEXT_SLOT_DAYS * 86_400_000) throw new AppError('SLOT_INVALID');
  // The order id is derived from the caller's idempotency key: a retried request is the same order.
  const order_id = a.order_id ?? `o_${sha256(`${idem.scope}:${idem.key}`).replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}`;
  // 帮我找 asks later shops only for the same kind of service as the first, at no more points:
  // whoever ranked the candidates, the elder's request is not turned into something else.
  const later = a.mode === 'find_for_me'
    ? (a.candidates ?? []).filter((c) => c.merchant_id !== m.merchant_id && sameKindWithin(s, c)).slice(0, FIND_OFFERS_MAX - 1)
    : [];
  const offers = [
    { merchant_id: m.merchant_id, service_id: s.service_id, merchant_name: m.business_name, walking_minutes: (a.candidates ?? []).find((c) => c.service_id === s.service_id)?.walking_minutes ?? 0, offered_at: now.toISOString(), outcome: 'pending' as const },
    ...later.map((c) => ({ merchant_id: c.merchant_id, service_id: c.service_id, merchant_name: c.merchant_name, walking_minutes: c.walking_minutes, offered_at: '', outcome: 'pending' as const })),
  ];
  const offer_expires_at = answerDeadline(policy, now, slot_start).toISOString();
  // The hold lives as long as the order needs it: through the slot and the completion window.
  const hold_expires_at = holdExpiry(policy, now, slot_start).toISOString();
  const order: Order = {
    order_id, elder_id: a.elder_id, booked_by: a.booked_by, mode: a.mode, category: s.category,
    service_id: s.service_id, merchant_id: m.merchant_id, merchant_name: m.business_name, service_name: s.name, price_points: s.price_points,
    held_points: s.price_points, // 帮我找 included: later offers cost no more (sameKindWithin)
    home_visit: s.mode === 'home_visit', slot_start: slot_start, status: 'requested', offers, offer_expires_at, offer_minutes: policy.offer_minutes, hold_expires_at,
    code_cipher: deps.cipher.encrypt(randomDigits(6), codeAad(order_id)), code_tries: 0, rating: null, dispute: null, completed_at: null,
    created_at: now.toISOString(), updated_at: now.toISOString(), version: 1,
    change: { event: 'request', by: a.booked_by, at: now.toISOString(), id: changeId() },
  };
  const r = await hold(deps, {
    hold_id: order_id, elder_id: a.elder_id, amount_points: order.held_points, category: s.category,
    subsidy_allowed: subsidyAllows(policy, s.category), per_order_max: policy.per_order_max_points, per_month_max: policy.per_month_max_points, per_category_month_max: categoryMonthMax(policy, s.category),
    expires_at: hold_expires_at, actor: a.booked_by, reason: `${m.business_name}·${s.name}`,
  }, idem, async () => ({
    order: { next: order, expect_version: 0 },
    ...(slot_start ? { counters: [{ key: { kind: 'slot' as const, service_id: s.service_id, start: slot_start }, delta: 1, max: s.capacity_per_slot }] } : {}),
    // 代下单 is audited with the booking itself: it exists exactly when the order does
    ...(a.booked_by.startsWith('staff:') ? { audit: { event: { actor: a.booked_by, action: 'order.book_on_behalf', subject: `elder:${a.elder_id}`, detail: { order_id } }, at: order.created_at, id: `${order_id}.v1` } } : {}),
  }));
  const saved = (await deps.orders.get(order_id)) ?? order;
  if (!r.replayed) {
    await deps.scheduler.at(new Date(offer_expires_at), { job: 'offer-expiry', order_id, offer_index: 0 });
    await tellMerchant(deps, saved);
  }
  return saved;
};

const load = async (deps: OrderDeps, order_id: string) => {
  const o = await deps.orders.get(order_id);
  if (!o) throw new AppError('ORDER_NOT_FOUND');
  return o;
};

/** A field change that is not a transition (wrong-code counter). */

/** A conditional put of a change: a rival that got there first makes this ORDER_STATE with the
 * state it left (a busy item, CONFLICT, is re-read the same way). */
const putChange = async (deps: OrderDeps, next: Order, expect_version: number, extras?: OrderPutExtras): Promise<Order> => {
  try {
    await deps.orders.put(next, expect_version, extras);
    return next;
  } catch (e) {
    if (!(e instanceof AppError && (e.code === 'ORDER_STATE' || e.code === 'CONFLICT'))) throw e;
    const now = await deps.orders.get(next.order_id);
    if (now?.change && now.change.id === next.change?.id) return now; // ours landed after all (a retried call)
    if (e.code === 'CONFLICT' && now && now.version === expect_version) throw e;
    throw new AppError('ORDER_STATE', { cause: e, details: { status: now?.status ?? 'unknown' } });
  }
};

const currentOffer = (o: Order) => o.offers.findIndex((x) => x.outcome === 'pending' && x.offered_at !== '');

/** The changes one call planned (a lost race re-plans, each with a new change id). */
const attempt = () => {
  const ids = new Set<string>();
  let last: Order | null = null;
  return {
    plan(o: Order): Order {
      if (o.change) ids.add(o.change.id);
      last = o;
      return o;
    },
    ours: (o: Order | null): boolean => Boolean(o?.change && ids.has(o.change.id)),
    last: () => last,
  };
};
type Attempt = ReturnType<typeof attempt>;

/** Runs the ledger step of an order transition (planned from version `from`) and decides whether
 * *this* call won it. The order's `change.id` tells: ours only if the stored order carries an id
 * this call planned (that covers a transaction that landed although its answer was lost). A call
 * that failed or was answered `replayed` (another transition wrote the same deterministic entry
 * first) while the order moved on lost the race, whatever the ledger said about it (settled hold,
 * already reversed, or a balance the winner already moved): every loser gets ORDER_STATE with the
 * state the winner left. The winner gets the order it wrote. */
const settle = async (deps: OrderDeps, order_id: string, from: number, att: Attempt, step: () => Promise<EntryResult>): Promise<Order> => {
  const decide = async (cause?: AppError): Promise<Order> => {
    const now = await deps.orders.get(order_id);
    if (now && att.ours(now)) return now;
    if (cause && now && now.version === from) throw cause; // the order did not move: the ledger's answer stands
    throw new AppError('ORDER_STATE', { cause, details: { status: now?.status ?? 'unknown' } });
  };
  let r: EntryResult;
  try {
    r = await step();
  } catch (e) {
    if (e instanceof AppError) return decide(e);
    throw e;
  }
  if (r.replayed) return decide();
  return att.last() ?? load(deps, order_id);
};

/** The order's place in its slot, returned in the same transaction that closes the order. */
const slotGivenBack = (o: Order) =>
  o.slot_start ? { counters: [{ key: { kind: 'slot' as const, service_id: o.service_id, start: o.slot_start }, delta: -1, max: null }] } : {};

/** Release points and close the order by `event` (its target state from the table), slot given
 * back, all in one ledger transaction. */
const closeWithRelease = async (deps: OrderDeps, o: Order, event: 'reject' | 'expire' | 'exhaust' | 'cancel' | 'no_show' | 'lapse', why: 'cancelled' | 'rejected' | 'unanswered' | 'expired', actor: string, patch: Partial<Order> = {}, audit?: string): Promise<Order> => {
  const to = transitionOf(event).to; // who may fire it was checked by the caller's gate
  const att = attempt();
  return settle(deps, o.order_id, o.version, att, () => release(deps, { hold_id: o.order_id, why, actor }, undefined, async () => {
    const fresh = await load(deps, o.order_id);
    if (fresh.version !== o.version) throw new AppError('ORDER_STATE', { details: { status: fresh.status } });
    const next = att.plan(changed(deps, fresh, event, actor, { status: to, offer_expires_at: null, ...patch }));
    return { order: { next, expect_version: fresh.version }, ...slotGivenBack(fresh), ...(audit ? { audit: auditOf(next, actor, audit, { from: fresh.status }) } : {}) };
  }));
};

/** When the order's hold runs out: recorded on the order, or (orders booked before that) on the hold;
 * a hold already settled while the order stayed open counts as run out. */
const holdUntil = async (deps: OrderDeps, o: Order): Promise<string> => {
  if (o.hold_expires_at) return o.hold_expires_at;
  const h = await deps.ledger.hold(o.order_id);
  return h && h.status === 'open' ? h.expires_at : '';
};

const isOpenOrder = (o: Order) => o.status === 'requested' || o.status === 'accepted';

/** Hold ran out: the order goes to its final state, points and slot given back, elder told. */
const lapse = async (deps: OrderDeps, o: Order): Promise<Order> => {
  transition(o, 'lapse', 'system');
  const h = await deps.ledger.hold(o.order_id);
  let closed: Order;
  if (h && h.status === 'open') closed = await closeWithRelease(deps, o, 'lapse', 'expired', 'system:hold-expiry');
  else {
    // Orders from before holds lived with their orders: the ledger job released the points and
    // left the order open. Close it and give the slot back; no points move (they already did).
    closed = await putChange(deps, changed(deps, o, 'lapse', 'system:hold-expiry', { status: 'expired', offer_expires_at: null }), o.version, { counters: slotGivenBack(o).counters ?? [] });
  }
  await tell(deps, closed, 'lapsed');
  if (o.status === 'accepted') await tellMerchant(deps, closed, 'cancelled');
  return closed;
};

/** The gate of every change: the table (who, from which state), then the hold: an open order whose
 * hold has run out is lapsed first, so nothing stays stuck on a dead hold, and the caller is told
 * where it went; an offer whose answer time is up is expired the same way. Then the time rules. */
const gate = async (deps: OrderDeps, o: Order, event: OrderEvent, actor: Actor): Promise<void> => {
  transition(o, event, actor);
  const now = deps.clock.now();
  if (isOpenOrder(o) && (await holdUntil(deps, o)) <= now.toISOString()) {
    const closed = await lapse(deps, o).catch(async (e: unknown) => {
      if (e instanceof AppError && e.code === 'ORDER_STATE') return load(deps, o.order_id);
      throw e;
    });
    throw new AppError('ORDER_STATE', { details: { status: closed.status, event, reason: 'HOLD_EXPIRED' } });
  }
  if (event === 'accept' && o.offer_expires_at && o.offer_expires_at <= now.toISOString()) {
    await expireOffer(deps, o.order_id, currentOffer(o));
    const after = await load(deps, o.order_id);
    throw new AppError('ORDER_STATE', { details: { status: after.status, event, reason: 'OFFER_EXPIRED' } });
  }
  transition(o, event, actor, now);
};

export const acceptOrder = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<Order> => {
  const o = await load(deps, order_id);
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND'); // only the merchant currently offered; others are not told it exists
  await gate(deps, o, 'accept', 'merchant');
  const offers = o.offers.map((x, i) => (i === currentOffer(o) ? { ...x, outcome: 'accepted' as const } : x));
  const next = await putChange(deps, changed(deps, o, 'accept', `merchant:${merchant_id}`, { status: 'accepted', offers, offer_expires_at: null }), o.version);
  await tell(deps, next, 'accepted');
  return next;
};

/** 帮我找: move the order to the next candidate (same hold, same points), or give up after five. */
const offerNext = async (deps: OrderDeps, o: Order, outcome: 'rejected' | 'expired', actor: string): Promise<Order> => {
  const cur = currentOffer(o);
  const nextIdx = o.offers.findIndex((x, i) => i > cur && x.outcome === 'pending');
  const offers = o.offers.map((x, i) => (i === cur ? { ...x, outcome } : x));
  if (nextIdx < 0) {
    transition(o, 'exhaust', 'system');
    const closed = await closeWithRelease(deps, o, 'exhaust', 'unanswered', 'system:find-for-me', { offers });
    await tell(deps, closed, 'unmatched');
    return closed;
  }
  const cand = offers[nextIdx];
  if (!cand) throw new Error('candidate vanished');
  const { m, s } = await loadService(deps, cand.merchant_id, cand.service_id).catch(() => ({ m: null, s: null }));
  if (!m || !s || s.price_points > o.held_points || serviceKind(s) !== serviceKind({ category: o.category, name: o.service_name })) {
    // The candidate went away, got dearer than what is held, or is no longer the kind of service
    // the elder asked for (renamed or moved since the search): skip it.
    // Not saved on its own: the next offer (or the close) writes it against the stored version, so
    // the version must stay the stored one here.
    return offerNext(deps, { ...o, offers: offers.map((x, i) => (i === nextIdx ? { ...x, offered_at: deps.clock.now().toISOString() } : x)) }, 'expired', actor);
  }
  const now = deps.clock.now();
  const next = changed(deps, o, outcome === 'rejected' ? 'reject' : 'expire', actor, {
    offers: offers.map((x, i) => (i === nextIdx ? { ...x, offered_at: now.toISOString() } : x)),
    merchant_id: m.merchant_id, merchant_name: m.business_name, service_id: s.service_id, service_name: s.name, price_points: s.price_points,
    offer_expires_at: new Date(now.getTime() + (o.offer_minutes ?? OFFER_MINUTES_DEFAULT) * 60_000).toISOString(),
  });
  await putChange(deps, next, o.version);
  await deps.scheduler.at(new Date(next.offer_expires_at ?? now), { job: 'offer-expiry', order_id: o.order_id, offer_index: nextIdx });
  await tellMerchant(deps, next);
  return next;
};

export const rejectOrder = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<Order> => {
  const o = await load(deps, order_id);
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND');
  await gate(deps, o, 'reject', 'merchant');
  if (o.mode === 'find_for_me') return offerNext(deps, o, 'rejected', `merchant:${merchant_id}`);
  const closed = await closeWithRelease(deps, o, 'reject', 'rejected', `merchant:${merchant_id}`);
  await tell(deps, closed, 'rejected');
  return closed;
};

/** Timer: fires (at least once) when an offer's time is up. A late or repeated firing does nothing. */
export const expireOffer = async (deps: OrderDeps, order_id: string, offer_index: number): Promise<'done' | 'noop'> => {
  const o = await deps.orders.get(order_id);
  if (!o || o.status !== 'requested' || currentOffer(o) !== offer_index) return 'noop';
  try {
    transition(o, 'expire', 'system', deps.clock.now()); // not due yet: NOT_DUE
    if (o.mode === 'find_for_me') await offerNext(deps, o, 'expired', 'system:offer-expiry');
    else await tell(deps, await closeWithRelease(deps, o, 'expire', 'unanswered', 'system:offer-expiry'), 'expired');
  } catch (e) {
    if (e instanceof AppError && e.code === 'ORDER_STATE') return 'noop'; // not due, or another change won
    throw e;
  }
  return 'done';
};

/** Timer: fires (at least once) when an order's hold runs out (its slot, or its booking, plus the
 * policy's completion window). An order still open then is closed for good (`lapse`), points and
 * slot given back in the same transaction. A late or repeated firing does nothing. */
export const expireHold = async (deps: OrderDeps, hold_id: string): Promise<'done' | 'noop'> => {
  const now = deps.clock.now().toISOString();
  const o = await deps.orders.get(hold_id);
  try {
    if (!o) {
      // A hold with no order (none is made today): released as the ledger job always did.
      const h = await deps.ledger.hold(hold_id);
      if (!h || h.status !== 'open' || h.expires_at > now) return 'noop';
      await release(deps, { hold_id, why: 'expired', actor: 'system:hold-expiry' });
      return 'done';
    }
    if (!isOpenOrder(o) || (await holdUntil(deps, o)) > now) return 'noop';
    await lapse(deps, o);
    return 'done';
  } catch (e) {
    if (e instanceof AppError && (e.code === 'ORDER_STATE' || e.code === 'HOLD_ALREADY_FINAL')) return 'noop'; // another change won
    throw e;
  }
};

/** The fee a cancel would cost now: only after acceptance, never more than the price. */
export const cancelFee = (policy: Pick<Policy, 'cancel_fee_after_accept_points'>, o: Pick<Order, 'status' | 'price_points'>, by: Actor): number =>
  // staff cancel for the bureau's own reasons (a shop suspended, a mistaken 代下单): never at the elder's cost
  o.status === 'accepted' && (by === 'elder' || by === 'family') ? Math.min(policy.cancel_fee_after_accept_points, o.price_points) : 0;

export const cancelOrder = async (deps: OrderDeps, policy: Policy, order_id: string, actor: Actor, actor_sub: string): Promise<Order> => {
  const o = await load(deps, order_id);
  await gate(deps, o, 'cancel', actor);
  const fee = cancelFee(policy, o, actor);
  let closed: Order;
  if (fee === 0) closed = await closeWithRelease(deps, o, 'cancel', 'cancelled', actor_sub, {}, 'order.cancel');
  else {
    // The fee is a partial capture: fee to the merchant, the rest back to the wallet, the order
    // closed and the slot given back, all in one transaction.
    const att = attempt();
    closed = await settle(deps, order_id, o.version, att, () => capture(deps, { hold_id: o.order_id, amount_points: fee, merchant_id: o.merchant_id, actor: actor_sub, reason: `取消费·${o.merchant_name}·${o.service_name}`, policy_version: policy.version }, undefined, async () => {
      const fresh = await load(deps, order_id);
      if (fresh.version !== o.version) throw new AppError('ORDER_STATE', { details: { status: fresh.status } });
      const next = att.plan(changed(deps, fresh, 'cancel', actor_sub, { status: 'cancelled', offer_expires_at: null, cancel_fee_points: fee }));
      return { order: { next, expect_version: fresh.version }, ...slotGivenBack(fresh), audit: auditOf(next, actor_sub, 'order.cancel', { from: fresh.status, fee_points: fee }) };
    }));
  }
  await tell(deps, closed, 'cancelled');
  await tellMerchant(deps, closed, 'cancelled');
  return closed;
};

export const noShow = async (deps: OrderDeps, order_id: string, merchant_id: string): Promise<Order> => {
  const o = await load(deps, order_id);
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND');
  await gate(deps, o, 'no_show', 'merchant');
  const closed = await closeWithRelease(deps, o, 'no_show', 'cancelled', `merchant:${merchant_id}`, {}, 'order.no_show');
  await tell(deps, closed, 'no_show');
  await tellMerchant(deps, closed, 'no_show');
  return closed;
};

/** The code the elder shows the merchant (only to the elder and bound family). */
export const orderCode = (deps: Pick<OrderDeps, 'cipher'>, o: Order): string => deps.cipher.decrypt(o.code_cipher, codeAad(o.order_id));

export type Proof = { code: string } | { card_number: string; pin: string };

/** A refused proof on an order that another request has meanwhile completed (a double tap that
 * arrived together) lost a race, not a guess: it answers ORDER_STATE with the state the winner left,
 * as every loser of a change does. On an order still open the refusal stands: CODE_LOCKED. */
const admitOrMoved = async (deps: OrderDeps, o: Order, rule: 'order_code' | 'card_pin', subject: string) => {
  try {
    return await admitOrThrow(deps.limiter, rule, subject, 'CODE_LOCKED');
  } catch (e) {
    const now = e instanceof AppError && e.code === 'CODE_LOCKED' ? await deps.orders.get(o.order_id) : null;
    if (now && now.version !== o.version) throw new AppError('ORDER_STATE', { cause: e, details: { status: now.status } });
    throw e;
  }
};

/** Each proof is counted by the attempt limiter before it is compared, so parallel guesses get no
 * more than the limit: the 6-digit code per order, the PIN per elder (the PIN belongs to the card;
 * per order a shop could try 5 more on each order). A right PIN gives its try back, so shops that
 * use it every day do not lock it; a right code ends the order, so it needs none. */
const proveServed = async (deps: OrderDeps, o: Order, proof: Proof): Promise<void> => {
  if ('code' in proof) {
    const a = await admitOrMoved(deps, o, 'order_code', o.order_id);
    if (proof.code !== orderCode(deps, o)) throw wrongGuess(a, 'CODE_INVALID', 'CODE_LOCKED');
    // a right code gives its try back: if the capture then fails, a retry is not locked out
    await deps.limiter.refund('order_code', o.order_id, a);
    return;
  }
  const a = await admitOrMoved(deps, o, 'card_pin', o.elder_id);
  const elder = await deps.elders.get(o.elder_id);
  const ok = Boolean(elder && elder.card_number === proof.card_number && elder.pin_hash !== '' && elder.pin_hash === pinHash(deps.blindIndex, elder.elder_id, proof.pin));
  if (!ok) throw wrongGuess(a, 'CODE_INVALID', 'CODE_LOCKED');
  await deps.limiter.refund('card_pin', o.elder_id, a);
};

/** Completion: the merchant proves the elder was served; wrong proofs are limited (proveServed). */
export const completeOrder = async (deps: OrderDeps, policy: Policy, order_id: string, merchant_id: string, proof: Proof): Promise<Order> => {
  const o = await load(deps, order_id);
  if (o.merchant_id !== merchant_id) throw new AppError('ORDER_NOT_FOUND');
  await gate(deps, o, 'complete', 'merchant');
  if (o.code_tries >= CODE_TRIES_MAX) throw new AppError('CODE_LOCKED'); // an order locked before the attempt limiter
  await proveServed(deps, o, proof);
  const att = attempt();
  const done = await settle(deps, order_id, o.version, att, () => capture(deps, { hold_id: o.order_id, amount_points: o.price_points, merchant_id, actor: `merchant:${merchant_id}`, reason: `${o.merchant_name}·${o.service_name}`, policy_version: policy.version }, undefined, async () => {
    const fresh = await load(deps, order_id);
    if (fresh.version !== o.version) throw new AppError('ORDER_STATE', { details: { status: fresh.status } });
    const next = att.plan(changed(deps, fresh, 'complete', `merchant:${merchant_id}`, { status: 'completed', completed_at: deps.clock.now().toISOString() }));
    // points reach the shop: audited with the capture itself, so there is one record per completion
    return { order: { next, expect_version: fresh.version }, audit: auditOf(next, `merchant:${merchant_id}`, 'order.complete', { points: o.price_points, proof: 'code' in proof ? 'code' : 'card_pin' }) };
  }));
  await tell(deps, done, 'completed');
  return done;
};

export type RatingPort = { addRating: (merchant_id: string, stars: number) => Promise<void> };

/** Staff act for an elder who cannot (no phone, no family): like booking on behalf, audited in the
 * change's own transaction (keyed by order + version), so the record exists exactly when it does. */
const onBehalfAudit = (actor: Actor, by: string, action: string, next: Order): OrderPutExtras => {
  if (actor !== 'staff') return {};
  const a = auditOf(next, by, action);
  return { audit: { ...a, event: { ...a.event, subject: `elder:${next.elder_id}` } } };
};

export const rateOrder = async (deps: OrderDeps & RatingPort, order_id: string, actor: Actor, r: { stars: number; tags: string[]; comment: string }, by: string = actor): Promise<Order> => {
  const o = await load(deps, order_id);
  await gate(deps, o, 'rate', actor);
  // once: a second rating finds status 'rated'; only the winner counts towards the shop's stars
  const planned = changed(deps, o, 'rate', by, { status: 'rated', rating: { ...r, at: deps.clock.now().toISOString() } });
  const next = await putChange(deps, planned, o.version, onBehalfAudit(actor, by, 'order.rate_on_behalf', planned));
  await deps.addRating(o.merchant_id, r.stars);
  return next;
};

export const disputeOrder = async (deps: OrderDeps, order_id: string, actor: Actor, by: string, reason: string): Promise<Order> => {
  const o = await load(deps, order_id);
  await gate(deps, o, 'dispute', actor); // within the dispute window, or DISPUTE_WINDOW_CLOSED
  const elder = await deps.elders.get(o.elder_id);
  if (!elder) throw new AppError('ELDER_NOT_FOUND');
  // an elder who left has a settled, closed wallet: an upheld dispute would put points back into it
  if (elder.status !== 'active') throw new AppError('ELDER_INACTIVE');
  const next = changed(deps, o, 'dispute', by, { status: 'disputed', dispute: { reason, at: deps.clock.now().toISOString(), by, decided_by: null } });
  // the order and its place in the staff queue, one transaction; a loser answers with the winner's state
  await deps.disputes.open(next, o.version, elder.community_code, onBehalfAudit(actor, by, 'order.dispute_on_behalf', next).audit).catch(async (e: unknown) => {
    if (!(e instanceof AppError && e.code === 'ORDER_STATE')) throw e;
    const now = await deps.orders.get(order_id);
    if (now && now.version === o.version) throw new AppError('CONFLICT', { cause: e }); // nobody won: a retry may
    throw new AppError('ORDER_STATE', { cause: e, details: { status: now?.status ?? 'unknown' } });
  });
  await tell(deps, next, 'dispute_opened');
  await tellMerchant(deps, next, 'dispute_opened');
  return next;
};

/** Off the staff queue once decided; the queue also hides entries whose order moved on. */
const unqueue = async (deps: OrderDeps, o: Order) => {
  const elder = await deps.elders.get(o.elder_id);
  if (elder) await deps.disputes.close(o, elder.community_code);
};

export const decideDispute = async (deps: OrderDeps, order_id: string, decision: 'uphold' | 'dismiss', staff: string, reason: string): Promise<Order> => {
  const o = await load(deps, order_id);
  await gate(deps, o, decision, 'staff');
  const dispute = o.dispute ? { ...o.dispute, decided_by: staff } : null;
  let decided: Order;
  if (decision === 'dismiss') {
    const next = changed(deps, o, 'dismiss', staff, { status: 'dispute_dismissed', dispute });
    decided = await putChange(deps, next, o.version, { audit: auditOf(next, staff, 'order.dispute_dismiss', { reason }) });
  } else {
    const att = attempt();
    decided = await settle(deps, order_id, o.version, att, () => reverse(deps, { entry_id: `capture:${order_id}`, reason, actor: staff }, undefined, async () => {
      const fresh = await load(deps, order_id);
      if (fresh.version !== o.version) throw new AppError('ORDER_STATE', { details: { status: fresh.status } });
      const next = att.plan(changed(deps, fresh, 'uphold', staff, { status: 'refunded', dispute }));
      return { order: { next, expect_version: fresh.version }, audit: auditOf(next, staff, 'order.dispute_uphold', { reason }) };
    }));
  }
  await unqueue(deps, decided);
  await tell(deps, decided, 'dispute_decided');
  await tellMerchant(deps, decided, 'dispute_decided');
  return decided;
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
