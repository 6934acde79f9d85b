// Booking: points held, the slot taken and the order written in one ledger transaction, then the
// shop is offered the order (帮我找: the first of the ranked candidates).
import { AppError } from '../kernel/errors';
import { randomDigits, sha256 } from '../kernel/secrets';
import { hold, readWallet, type Idem } from '../ledger/service';
import { isSlotStart, NEXT_SLOT_DAYS } from '../merchants/model';
import { answerDeadline, categoryMonthMax, holdExpiry, subsidyAllows, type Policy } from '../policy/model';
import { sameKindWithin } from '../search/find-for-me';
import { FIND_OFFERS_MAX, type Order } from './state';
import { bookable, changeId, loadService } from './commit';
import { tellMerchant } from './tell';
import type { SearchHit } from '../search/search';
import type { OrderDeps } from './ports';
import type { ElderRecord } from '../elders/model';
import { aad } from '../kernel/aad';
import { orderElderDims } from '../analytics/facts';

export type BookArgs = {
  order_id?: string;
  elder_id: string;
  booked_by: string;
  mode: 'direct' | 'find_for_me';
  merchant_id: string;
  service_id: string;
  slot_start: string | null;
  candidates?: SearchHit[]; // 帮我找: the ranked list; the first is offered now
  /** The elder as the caller just read it (to check who may book for them): not read again. */
  elder?: ElderRecord;
};

/** The order and whether it was this request's (false) or an earlier one with the same key (true). */
export type Booked = { order: Order; replayed: boolean };

/** What booking reads before the wallet: in one request when the store offers it and the caller has
 * not read the elder already (an elder booking for themself); else the elder as the caller read it and
 * the merchant with the service in one BatchGet. `merchantPhone` undefined: tellMerchant reads it. */
const bookingReads = async (deps: OrderDeps, a: BookArgs) => {
  if (deps.bookingReads && a.elder?.elder_id !== a.elder_id) {
    const r = await deps.bookingReads(a);
    if (!r.elder || r.elder.status !== 'active') throw new AppError('ELDER_NOT_FOUND'); // as when read alone
    return { ...bookable(r), elder: r.elder, merchantPhone: r.merchantPhone };
  }
  const [ms, elder] = await Promise.all([
    loadService(deps, a.merchant_id, a.service_id),
    a.elder?.elder_id === a.elder_id ? a.elder : deps.elders.get(a.elder_id),
  ]);
  return { ...ms, elder, merchantPhone: undefined };
};

/** The order an earlier request with this key wrote, replayed; IDEMPOTENCY_KEY_REUSED when that request
 * asked for something else; null when there is none. Orders booked before they carried their request's
 * fingerprint are answered by the ledger's idempotency record of that booking while it lives, and after
 * it by what the order says was asked (elder, mode, the first shop and service, the slot). */
const twinOf = async (deps: OrderDeps, order_id: string, idem: Idem, a: BookArgs): Promise<Booked | null> => {
  const twin = await deps.orders.get(order_id);
  if (!twin) return null;
  const hash = twin.request_hash ?? (await deps.ledger.idempotency(idem.scope, idem.key))?.request_hash;
  const same = hash !== undefined ? hash === idem.request_hash : askedFor(twin, a);
  if (!same) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  return { order: twin, replayed: true };
};

/** One spelling per instant: the slot counter is keyed by this string, so "…00Z" and "…00.000Z" must not
 * count as two slots (that would let a slot be overbooked). Undefined: not an instant. */
const slotSpelling = (slot_start: string | null): string | null | undefined => {
  if (slot_start === null) return null;
  const at = new Date(slot_start);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
};

const askedFor = (o: Order, a: BookArgs): boolean => {
  const first = o.offers[0] ?? o;
  const slot_start = slotSpelling(a.slot_start);
  return (
    o.elder_id === a.elder_id &&
    o.mode === a.mode &&
    first.merchant_id === a.merchant_id &&
    first.service_id === a.service_id &&
    o.slot_start === slot_start
  );
};

const CALLER_REFUSED = new Set(['SESSION_EXPIRED', 'UNAUTHENTICATED']);

/** Request: points held, slot taken (if any), order written: one transaction. A request whose key an
 * earlier request used gets that request's order (or IDEMPOTENCY_KEY_REUSED), whatever this one would
 * meet now (a slot since passed, a cap since lowered, the points the twin spent): the twin is read only
 * when this one is refused, so the common path pays nothing for it. */
export const requestOrder = async (deps: OrderDeps, policy: Policy, a: BookArgs, idem: Idem): Promise<Booked> => {
  // The order id is derived from the caller's idempotency key: a retried request is the same order.
  const order_id =
    a.order_id ??
    `o_${sha256(`${idem.scope}:${idem.key}`)
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 20)}`;
  let booked: Booked & { afterCommit?: () => Promise<void> };
  try {
    booked = await bookOnce(deps, policy, a, idem, order_id);
  } catch (e) {
    // a refusal of the caller (an ended session) is never answered with an order, not even its own
    const twin = e instanceof AppError && !CALLER_REFUSED.has(e.code) ? await twinOf(deps, order_id, idem, a) : null;
    if (twin) return twin;
    throw e;
  }
  // outside the twin lookup: a failure after our own commit is ours to report, not a replay's to hide
  await booked.afterCommit?.();
  return { order: booked.order, replayed: booked.replayed };
};

const bookOnce = async (
  deps: OrderDeps,
  policy: Policy,
  a: BookArgs,
  idem: Idem,
  order_id: string,
): Promise<Booked & { afterCommit?: () => Promise<void> }> => {
  // the wallet is read beside the booking's other reads: neither needs the other
  const wallet = readWallet(deps, a.elder_id);
  const { m, s, elder, merchantPhone } = await bookingReads(deps, a);
  if (!elder || elder.status !== 'active') throw new AppError('ELDER_NOT_FOUND');
  const slot_start = slotSpelling(a.slot_start);
  if (slot_start === undefined) throw new AppError('SLOT_INVALID');
  if (slot_start !== null && !isSlotStart(s, slot_start)) throw new AppError('SLOT_INVALID');
  const now = deps.clock.now();
  if (slot_start !== null && Date.parse(slot_start) < now.getTime()) throw new AppError('SLOT_INVALID');
  // Bookings reach two weeks ahead (what search offers); it also bounds how long a hold can live.
  if (slot_start !== null && Date.parse(slot_start) > now.getTime() + NEXT_SLOT_DAYS * 86_400_000)
    throw new AppError('SLOT_INVALID');
  // 帮我找 asks later shops only for the same kind of service as the first, at no more points:
  // whoever ranked the candidates, the elder's request is not turned into something else.
  const later =
    a.mode === 'find_for_me'
      ? (a.candidates ?? [])
          .filter((c) => c.merchant_id !== m.merchant_id && sameKindWithin(s, c))
          .slice(0, FIND_OFFERS_MAX - 1)
      : [];
  const offers = [
    {
      merchant_id: m.merchant_id,
      service_id: s.service_id,
      merchant_name: m.business_name,
      walking_minutes: (a.candidates ?? []).find((c) => c.service_id === s.service_id)?.walking_minutes ?? 0,
      offered_at: now.toISOString(),
      outcome: 'pending' as const,
    },
    ...later.map((c) => ({
      merchant_id: c.merchant_id,
      service_id: c.service_id,
      merchant_name: c.merchant_name,
      walking_minutes: c.walking_minutes,
      offered_at: '',
      outcome: 'pending' as const,
    })),
  ];
  const offer_expires_at = answerDeadline(policy, now, slot_start).toISOString();
  // The hold lives as long as the order needs it: through the slot and the completion window.
  const hold_expires_at = holdExpiry(policy, now, slot_start).toISOString();
  const order: Order = {
    order_id,
    elder_id: a.elder_id,
    booked_by: a.booked_by,
    mode: a.mode,
    category: s.category,
    service_id: s.service_id,
    merchant_id: m.merchant_id,
    merchant_name: m.business_name,
    service_name: s.name,
    price_points: s.price_points,
    held_points: s.price_points, // 帮我找 included: later offers cost no more (sameKindWithin)
    home_visit: s.mode === 'home_visit',
    slot_start: slot_start,
    status: 'requested',
    offers,
    offer_expires_at,
    offer_minutes: policy.offer_minutes,
    hold_expires_at,
    code_cipher: deps.cipher.encrypt(randomDigits(6), aad.orderCode(order_id)),
    code_tries: 0,
    rating: null,
    dispute: null,
    completed_at: null,
    elder_dims: orderElderDims(elder, now),
    request_hash: idem.request_hash,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    version: 1,
    change: { event: 'request', by: a.booked_by, at: now.toISOString(), id: changeId() },
  };
  // No ledger idempotency record: the order is the record (its id comes from the key and its put is
  // conditioned on not existing, in the same transaction), one item fewer per booking. A twin with our
  // key that committed first makes this hold fail whichever way (hold id taken, slot or cap spent by it):
  // requestOrder then answers with the twin's order.
  const r = await hold(
    deps,
    {
      hold_id: order_id,
      elder_id: a.elder_id,
      amount_points: order.held_points,
      category: s.category,
      subsidy_allowed: subsidyAllows(policy, s.category),
      per_order_max: policy.per_order_max_points,
      per_month_max: policy.per_month_max_points,
      per_category_month_max: categoryMonthMax(policy, s.category),
      expires_at: hold_expires_at,
      actor: a.booked_by,
      reason: `${m.business_name}·${s.name}`,
    },
    undefined,
    async () => ({
      order: { next: order, expect_version: 0 },
      ...(slot_start
        ? {
            counters: [
              {
                key: { kind: 'slot' as const, service_id: s.service_id, start: slot_start },
                delta: 1,
                max: s.capacity_per_slot,
              },
            ],
          }
        : {}),
      // 代下单 is audited with the booking itself: it exists exactly when the order does
      ...(a.booked_by.startsWith('staff:')
        ? {
            audit: {
              event: {
                actor: a.booked_by,
                action: 'order.book_on_behalf',
                subject: `elder:${a.elder_id}`,
                detail: { order_id },
              },
              at: order.created_at,
              id: `${order_id}.v1`,
            },
          }
        : {}),
    }),
    wallet,
  );
  // This request's commit wrote `order` as it is; a replay answers with the winner's order as stored.
  if (r.replayed) {
    const twin = await twinOf(deps, order_id, idem, a);
    if (!twin) throw new AppError('CONFLICT'); // the hold's entry without its order: not ours to invent
    return twin;
  }
  const afterCommit = async () => {
    await deps.scheduler.at(new Date(offer_expires_at), { job: 'offer-expiry', order_id, offer_index: 0 });
    // the commit that wrote version 1 happens once, so it is the notice's once-guard: no marker needed
    await tellMerchant(deps, order, 'new', {
      committedHere: true,
      ...(merchantPhone !== undefined ? { merchantPhone } : {}),
    });
  };
  return { order, replayed: false, afterCommit };
};
