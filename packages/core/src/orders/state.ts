// Service orders (服务订单): one declared state machine that the code, the pages and the docs all
// use. `transition` is the only gate a change passes; `allowedEvents` is what pages offer. Every
// transition is a conditional write from the expected state and version; a repeated or late event
// finds the order elsewhere and is answered ORDER_STATE with the current state.
import { ATTEMPT_RULES } from '../auth/attempts';
import { AppError } from '../kernel/errors';

export const ORDER_STATES = [
  'requested',
  'accepted',
  'rejected',
  'expired',
  'unmatched',
  'cancelled',
  'completed',
  'no_show',
  'rated',
  'disputed',
  'refunded',
  'dispute_dismissed',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export type Actor = 'elder' | 'family' | 'merchant' | 'staff' | 'system';
export type PointsEffect = 'hold' | 'none' | 'release' | 'release_or_fee' | 'capture' | 'reverse_capture';

export type Transition = {
  event: string;
  from: readonly OrderState[];
  to: OrderState;
  by: readonly Actor[];
  points: PointsEffect;
  timer: string;
  note: string;
};

/** The state machine. docs/ORDERS.md is generated from this table by `orderTableMarkdown`. */
export const ORDER_TRANSITIONS = [
  {
    event: 'request',
    from: [],
    to: 'requested',
    by: ['elder', 'family', 'staff'],
    points: 'hold',
    timer:
      'answer time (policy offer_minutes; for a slot days ahead, until ' +
      'answer_before_slot_minutes before the slot); hold until the slot (or ' +
      'booking) + completion window (policy hold_ttl_hours)',
    note: 'points held, slot taken, merchant told',
  },
  {
    event: 'accept',
    from: ['requested'],
    to: 'accepted',
    by: ['merchant'],
    points: 'none',
    timer: 'offer timer void',
    note: 'only the merchant currently offered, within its answer time, while the hold is live',
  },
  {
    event: 'reject',
    from: ['requested'],
    to: 'rejected',
    by: ['merchant'],
    points: 'release',
    timer: '-',
    note: '帮我找: offered to the next merchant instead',
  },
  {
    event: 'expire',
    from: ['requested'],
    to: 'expired',
    by: ['system'],
    points: 'release',
    timer: 'fires once per offer',
    note: '帮我找: offered to the next merchant instead',
  },
  {
    event: 'exhaust',
    from: ['requested'],
    to: 'unmatched',
    by: ['system'],
    points: 'release',
    timer: '-',
    note: '帮我找 after 5 offers: elder told none was free',
  },
  {
    event: 'lapse',
    from: ['requested', 'accepted'],
    to: 'expired',
    by: ['system'],
    points: 'release',
    timer: "hold expiry: fires once when the hold's time is up",
    note: 'nobody completed it in time: points and the slot given back, elder told',
  },
  {
    event: 'cancel',
    from: ['requested', 'accepted'],
    to: 'cancelled',
    by: ['elder', 'family', 'staff'],
    points: 'release_or_fee',
    timer: '-',
    note:
      "free before acceptance; after it the policy's cancel fee (default 0) " +
      'is captured to the merchant and the rest released',
  },
  {
    event: 'complete',
    from: ['accepted'],
    to: 'completed',
    by: ['merchant'],
    points: 'capture',
    timer: '-',
    note: 'needs the 6-digit code or card + PIN, while the hold is live',
  },
  {
    event: 'no_show',
    from: ['accepted'],
    to: 'no_show',
    by: ['merchant'],
    points: 'release',
    timer: '-',
    note: 'elder did not come or was not home',
  },
  {
    event: 'rate',
    from: ['completed'],
    to: 'rated',
    by: ['elder', 'family', 'staff'],
    points: 'none',
    timer: '-',
    note: 'once; 1-5 stars, tags, comment; staff on behalf (audited)',
  },
  {
    event: 'dispute',
    from: ['completed', 'rated'],
    to: 'disputed',
    by: ['elder', 'family', 'staff'],
    points: 'none',
    timer: '-',
    note: 'within 7 days of completion; staff on behalf (audited); queued for staff by community',
  },
  {
    event: 'uphold',
    from: ['disputed'],
    to: 'refunded',
    by: ['staff'],
    points: 'reverse_capture',
    timer: '-',
    note: 'points go back to the elder',
  },
  {
    event: 'dismiss',
    from: ['disputed'],
    to: 'dispute_dismissed',
    by: ['staff'],
    points: 'none',
    timer: '-',
    note: 'merchant keeps the points',
  },
] as const satisfies readonly Transition[];

export type OrderEvent = (typeof ORDER_TRANSITIONS)[number]['event'];
export const ORDER_EVENTS = ORDER_TRANSITIONS.map((t) => t.event);

export const transitionOf = (event: OrderEvent): Transition => {
  const t = ORDER_TRANSITIONS.find((x) => x.event === event);
  if (!t) throw new Error(`unknown order event ${event}`);
  return t;
};

export const FIND_OFFERS_MAX = 5; // 帮我找 asks at most five merchants
export const DISPUTE_WINDOW_MS = 7 * 86_400_000;
export const CODE_TRIES_MAX = ATTEMPT_RULES.order_code.max; // counted by the attempt limiter

export type Offer = {
  merchant_id: string;
  service_id: string;
  merchant_name: string;
  walking_minutes: number;
  offered_at: string;
  outcome: 'pending' | 'accepted' | 'rejected' | 'expired';
};

/** What an order keeps of its elder for analytics since review H3: derived values only, never the birth date. */
export type OrderElderDims = {
  community_code: string;
  age_band: string; // analytics/model AGE_BANDS, on the booking day (China date)
  care: string | null;
  special: string[];
  erased?: true; // set when the elder left: care and special were removed then (the counters keep their sums)
};
/** The snapshot written before review H3 (raw profile fields); replaced by OrderElderDims when the elder leaves. */
export type LegacyElderDims = {
  community_code: string;
  birth_date: string;
  care_level: string | null;
  special_categories: string[];
};

export type Order = {
  order_id: string;
  elder_id: string;
  booked_by: string; // sub of whoever booked (elder, family member, staff 代下单)
  mode: 'direct' | 'find_for_me';
  category: string;
  // The terms at booking time: later service edits never change them.
  service_id: string;
  merchant_id: string;
  merchant_name: string;
  service_name: string;
  price_points: number;
  // the requested service's price (帮我找 offers later shops nothing dearer); completion captures the actual price
  held_points: number;
  home_visit: boolean;
  slot_start: string | null;
  status: OrderState;
  offers: Offer[];
  offer_expires_at: string | null;
  offer_minutes?: number; // the policy's answer time at booking, for each 帮我找 offer; absent = 3
  code_cipher: string;
  code_tries: number;
  rating: { stars: number; tags: string[]; comment: string; at: string } | null;
  dispute: { reason: string; at: string; by: string; decided_by: string | null } | null;
  completed_at: string | null;
  /** When the merchant accepted (anomaly rule: completion seconds after acceptance). Absent on orders
   * accepted before it was recorded (the stream's old image then tells: its change was the accept). */
  accepted_at?: string;
  /** How completion was proved: the order's code, or the elder's card and PIN (anomaly rule: many
   * cards at one shop in an hour). Absent on orders completed before it was recorded. */
  completed_with?: 'code' | 'card_pin';
  cancel_fee_points?: number; // kept by the merchant on a cancel after acceptance (policy); absent = 0
  /** When the hold (points and slot) runs out: the slot, or the booking when as soon as possible,
   * plus the policy's completion window. Absent on orders booked before it was recorded. */
  hold_expires_at?: string;
  /** The transition that wrote this version: `id` is unique per attempt, so after a commit whose
   * outcome is unclear (a retried transaction) the caller can tell its own write from a rival's. */
  change?: { event: OrderEvent; by: string; at: string; id: string };
  /** The elder's analytics dimensions at booking, derived (the age band on the booking day, care level and
   * special categories as the counters name them), so counters split by them as they were then. Leaving
   * the scheme (PIPL art. 47) clears care and special here too (`erased`). Orders booked before this shape
   * carry the raw fields (LegacyElderDims) until their elder leaves; older ones none (analytics reads the elder). */
  elder_dims?: OrderElderDims | LegacyElderDims;
  /** The booking request's fingerprint (its Idempotency-Key's request hash): the order is its own
   * idempotency record, as its id is derived from the key. Absent on orders booked before (their
   * ledger idempotency record answers a replay while it lives). */
  request_hash?: string;
  created_at: string;
  updated_at: string;
  version: number;
};

/** Why an event that the table allows from this state cannot fire now, or null when it can.
 * Time rules live here, once, for the services and the pages alike. */
export const blockedBy = (
  o: Order,
  event: OrderEvent,
  now: Date,
): 'OFFER_EXPIRED' | 'HOLD_EXPIRED' | 'DISPUTE_WINDOW_CLOSED' | 'NOT_DUE' | null => {
  const at = now.toISOString();
  const holdLive = !o.hold_expires_at || o.hold_expires_at > at;
  // an open order whose hold ran out can only lapse: nothing else may act on dead points
  if (!holdLive && event !== 'lapse' && (o.status === 'requested' || o.status === 'accepted')) return 'HOLD_EXPIRED';
  switch (event) {
    case 'accept':
      return o.offer_expires_at && o.offer_expires_at <= at ? 'OFFER_EXPIRED' : null;
    case 'expire':
      return o.offer_expires_at && o.offer_expires_at > at ? 'NOT_DUE' : null;
    case 'lapse':
      return holdLive ? 'NOT_DUE' : null;
    case 'dispute':
      return !o.completed_at || now.getTime() - Date.parse(o.completed_at) > DISPUTE_WINDOW_MS
        ? 'DISPUTE_WINDOW_CLOSED'
        : null;
    default:
      return null;
  }
};

/** The one gate every order change passes: who may fire `event`, from which state, and (given
 * `now`) whether its time rules allow it now. Returns the declared transition; throws FORBIDDEN
 * for the wrong actor, ORDER_STATE (with the current state) otherwise, or DISPUTE_WINDOW_CLOSED. */
export const transition = (o: Order, event: OrderEvent, actor: Actor, now?: Date): Transition => {
  const t = transitionOf(event);
  if (!(t.by as readonly Actor[]).includes(actor)) throw new AppError('FORBIDDEN');
  if (!(t.from as readonly string[]).includes(o.status))
    throw new AppError('ORDER_STATE', { details: { status: o.status, event } });
  const why = now ? blockedBy(o, event, now) : null;
  if (why === 'DISPUTE_WINDOW_CLOSED') throw new AppError('DISPUTE_WINDOW_CLOSED');
  if (why) throw new AppError('ORDER_STATE', { details: { status: o.status, event, reason: why } });
  return t;
};

/** The events `actor` may fire on `o` at `now`: what pages show as buttons. Whether this merchant
 * is the one offered, or this person may see the elder, is access, checked by the caller. */
export const allowedEvents = (o: Order, actor: Actor, now: Date): OrderEvent[] =>
  ORDER_TRANSITIONS.filter(
    (t) =>
      (t.by as readonly Actor[]).includes(actor) &&
      (t.from as readonly string[]).includes(o.status) &&
      blockedBy(o, t.event, now) === null,
  ).map((t) => t.event);

export const RATING_TAGS = ['准时', '态度好', '手艺好', '干净', '实惠', '迟到', '态度差', '不满意'] as const;

export const orderTableMarkdown = (): string =>
  [
    '| event | from | to | who | points | timer | note |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...ORDER_TRANSITIONS.map(
      (t) =>
        `| ${t.event} | ${t.from.join(', ') || '(new)'} | ${t.to} | ${t.by.join(', ')} | ` +
        `${t.points} | ${t.timer} | ${t.note} |`,
    ),
  ].join('\n');
