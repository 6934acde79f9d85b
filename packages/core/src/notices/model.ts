// The kinds of notice we send and the named parameters each kind's template fills. Chinese SMS
// and WeChat templates are approved one per message kind with named slots, so adapters' template
// configuration is checked against this table at start (notify/from-env.ts), and the Notice type
// makes every send site pass exactly these params.

export const NOTICE_KINDS = {
  // one-time codes (sign-in, and the elder's consent code for a family binding): always by SMS
  otp: ['code'],
  binding_request: ['code', 'family_phone_masked', 'relation'],
  // family binding (family.ts): to the elder, and the family member's own wording
  binding_confirmed: ['family_phone_masked', 'relation'],
  binding_removed: ['family_phone_masked'],
  binding_confirmed_family: ['elder_name_masked'],
  binding_removed_family: ['elder_name_masked'],
  // staff decisions on a merchant (merchant-service.ts): to the shop's sign-in phone
  merchant_approved: ['merchant_name'],
  merchant_rejected: ['merchant_name', 'reason'],
  merchant_suspended: ['merchant_name', 'reason'],
  // orders (order-service.ts): to the merchant
  order_new: ['order_id', 'service_name', 'points', 'offer_minutes'],
  // orders: to the elder and bound family
  order_accepted: ['order_id', 'service_name', 'merchant_name', 'time'],
  order_completed: ['order_id', 'service_name', 'points'],
  order_cancelled: ['order_id', 'service_name', 'fee_points'],
  order_rejected: ['order_id', 'service_name'],
  order_expired: ['order_id', 'service_name'],
  order_unmatched: ['order_id', 'service_name'],
  // orders (order-service.ts): to the elder, bound family and the merchant
  order_lapsed: ['order_id', 'service_name'], // the hold ran out (slot + completion window) unfinished
  order_no_show: ['order_id', 'service_name'],
  dispute_opened: ['order_id', 'service_name'],
  dispute_decided: ['order_id', 'service_name', 'decision', 'points'], // decision: 成立 / 不成立
  // points (expiry-jobs.ts): within 30 days, to the elder and to bound family
  points_expiring: ['points', 'day'],
  points_expiring_family: ['elder_name_masked', 'points', 'day'],
  // family top-up paid (topup.ts): the elder, and the family member who paid
  topup_paid_elder: ['points'],
  topup_paid_family: ['elder_name_masked', 'amount_yuan', 'points'],
  // the provider confirmed a top-up refund (topup.ts): to the family member who paid
  refund_paid: ['elder_name_masked', 'amount_yuan', 'points'],
  // settlement (settlement/tell.ts): to the merchant, when its statement is issued, approved and paid
  statement_issued: ['statement_no', 'period', 'amount_yuan'],
  statement_approved: ['statement_no', 'amount_yuan'],
  statement_paid: ['statement_no', 'amount_yuan', 'ref'],
  // a shop's payout account changed (settlement/payee-service.ts): to the shop, so a change it did not make is seen
  payee_changed: ['account_masked'],
} as const satisfies Record<string, readonly string[]>;

export type NoticeKind = keyof typeof NOTICE_KINDS;
export type NoticeParamName<K extends NoticeKind> = (typeof NOTICE_KINDS)[K][number];
/** All template parameters are strings: SMS gateways and WeChat both take text values. */
export type NoticeParams<K extends NoticeKind> = { [P in NoticeParamName<K>]: string };

export const NOTICE_KIND_NAMES = Object.keys(NOTICE_KINDS) as NoticeKind[];

export const isNoticeKind = (s: string): s is NoticeKind => Object.hasOwn(NOTICE_KINDS, s);

/** Names of the params a kind has; for configuration checks. */
export const noticeParamNames = (kind: NoticeKind): readonly string[] => NOTICE_KINDS[kind];

/** Kinds that carry a code the person signing in must read on that phone: never another channel. */
export const SMS_ONLY_KINDS: readonly NoticeKind[] = ['otp', 'binding_request'];
