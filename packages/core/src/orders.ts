// Service orders (服务订单): one declared state machine that the code and the docs both use.
// Every transition is a conditional write from the expected state and version; a repeated or
// late event finds the order elsewhere and is answered ORDER_STATE with the current state.
import { ATTEMPT_RULES } from './attempts';

export const ORDER_STATES = ['requested', 'accepted', 'rejected', 'expired', 'unmatched', 'cancelled', 'completed', 'no_show', 'rated', 'disputed', 'refunded', 'dispute_dismissed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export type Actor = 'elder' | 'family' | 'merchant' | 'staff' | 'system';
export type PointsEffect = 'hold' | 'none' | 'release' | 'release_or_fee' | 'capture' | 'reverse_capture';

export type Transition = { event: string; from: readonly OrderState[]; to: OrderState; by: readonly Actor[]; points: PointsEffect; timer: string; note: string };

/** The state machine. docs/ORDERS.md is generated from this table by `orderTableMarkdown`. */
export const ORDER_TRANSITIONS = [
  { event: 'request', from: [], to: 'requested', by: ['elder', 'family', 'staff'], points: 'hold', timer: 'offer expiry (policy, default 3 min)', note: 'points held, slot taken, merchant told' },
  { event: 'accept', from: ['requested'], to: 'accepted', by: ['merchant'], points: 'none', timer: 'offer timer void', note: 'only the merchant currently offered' },
  { event: 'reject', from: ['requested'], to: 'rejected', by: ['merchant'], points: 'release', timer: '-', note: '帮我找: offered to the next merchant instead' },
  { event: 'expire', from: ['requested'], to: 'expired', by: ['system'], points: 'release', timer: 'fires once per offer', note: '帮我找: offered to the next merchant instead' },
  { event: 'exhaust', from: ['requested'], to: 'unmatched', by: ['system'], points: 'release', timer: '-', note: '帮我找 after 5 offers: elder told none was free' },
  { event: 'cancel', from: ['requested', 'accepted'], to: 'cancelled', by: ['elder', 'family', 'staff'], points: 'release_or_fee', timer: '-', note: 'free before acceptance; after it the policy\'s cancel fee (default 0) is captured to the merchant and the rest released' },
  { event: 'complete', from: ['accepted'], to: 'completed', by: ['merchant'], points: 'capture', timer: '-', note: 'needs the 6-digit code or card + PIN' },
  { event: 'no_show', from: ['accepted'], to: 'no_show', by: ['merchant'], points: 'release', timer: '-', note: 'elder did not come or was not home' },
  { event: 'rate', from: ['completed'], to: 'rated', by: ['elder', 'family', 'staff'], points: 'none', timer: '-', note: 'once; 1-5 stars, tags, comment; staff on behalf (audited)' },
  { event: 'dispute', from: ['completed', 'rated'], to: 'disputed', by: ['elder', 'family', 'staff'], points: 'none', timer: '-', note: 'within 7 days of completion; staff on behalf (audited); queued for staff by community' },
  { event: 'uphold', from: ['disputed'], to: 'refunded', by: ['staff'], points: 'reverse_capture', timer: '-', note: 'points go back to the elder' },
  { event: 'dismiss', from: ['disputed'], to: 'dispute_dismissed', by: ['staff'], points: 'none', timer: '-', note: 'merchant keeps the points' },
] as const satisfies readonly Transition[];

export type OrderEvent = (typeof ORDER_TRANSITIONS)[number]['event'];

export const transitionOf = (event: OrderEvent): Transition => {
  const t = ORDER_TRANSITIONS.find((x) => x.event === event);
  if (!t) throw new Error(`unknown order event ${event}`);
  return t;
};

export const FIND_OFFERS_MAX = 5; // 帮我找 asks at most five merchants
export const DISPUTE_WINDOW_MS = 7 * 86_400_000;
export const CODE_TRIES_MAX = ATTEMPT_RULES.order_code.max; // counted by the attempt limiter

export type Offer = { merchant_id: string; service_id: string; merchant_name: string; walking_minutes: number; offered_at: string; outcome: 'pending' | 'accepted' | 'rejected' | 'expired' };

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
  held_points: number; // the requested service's price (帮我找 offers later shops nothing dearer); completion captures the actual price
  home_visit: boolean;
  slot_start: string | null;
  status: OrderState;
  offers: Offer[];
  offer_expires_at: string | null;
  code_cipher: string;
  code_tries: number;
  rating: { stars: number; tags: string[]; comment: string; at: string } | null;
  dispute: { reason: string; at: string; by: string; decided_by: string | null } | null;
  completed_at: string | null;
  cancel_fee_points?: number; // kept by the merchant on a cancel after acceptance (policy); absent = 0
  created_at: string;
  updated_at: string;
  version: number;
};

export const RATING_TAGS = ['准时', '态度好', '手艺好', '干净', '实惠', '迟到', '态度差', '不满意'] as const;

export const orderTableMarkdown = (): string => [
  '| event | from | to | who | points | timer | note |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...ORDER_TRANSITIONS.map((t) => `| ${t.event} | ${t.from.join(', ') || '(new)'} | ${t.to} | ${t.by.join(', ')} | ${t.points} | ${t.timer} | ${t.note} |`),
].join('\n');
