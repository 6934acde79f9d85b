// Anomaly flags (issue 11): what the stream raises when completed orders look like points leaking
// (the rules are in flag-rules.ts, their thresholds in the points policy), and the one move staff
// make on a flag: open -> dismissed | escalated, with a reason, versioned and audited.
import { AppError } from '../kernel/errors';

export const FLAG_RULES = ['pair_often', 'fast_complete', 'many_cards', 'after_issuance', 'closed_hours'] as const;
export type FlagRule = (typeof FLAG_RULES)[number];
export const FLAG_STATUSES = ['open', 'dismissed', 'escalated'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];
export type FlagDecision = Exclude<FlagStatus, 'open'>;

/** A flag names its first orders; the rest are found from the merchant's orders in the window. Bounded
 * so a flag stays one small item however many orders trip it. */
export const FLAG_ORDER_IDS_MAX = 20;
export const FLAG_REASON_MIN = 2;
export const FLAG_REASON_MAX = 200; // a sentence or two; the case file lives elsewhere

/** The window a rule counts in: a China month, day or hour ('yyyy-mm', 'yyyy-mm-dd', 'yyyy-mm-ddThh'). */
export const FLAG_WINDOW_OF: Record<FlagRule, 'month' | 'day' | 'hour'> = {
  pair_often: 'month',
  fast_complete: 'day',
  many_cards: 'hour',
  after_issuance: 'month',
  closed_hours: 'day',
};

export type Flag = {
  flag_id: string;
  rule: FlagRule;
  window: string;
  merchant_id: string;
  elder_id: string | null; // pair_often only
  merchant_name: string;
  community_code: string | null; // the merchant's; its street is the flag's street
  street: string | null;
  /** The numbers that tripped it: `observed` against `threshold` (count of orders or of elders). */
  observed: number;
  threshold: number;
  /** What the rule measured beside the count (e.g. the fast-completion limit in seconds). */
  limit: number | null;
  order_ids: string[];
  status: FlagStatus;
  reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  /** The completion time of the order that tripped it (not the clock: the stream may run late). */
  raised_at: string;
  version: number;
};

const WINDOW = String.raw`\d{4}-\d{2}(-\d{2}(T\d{2})?)?`;
export const FLAG_ID_RE = new RegExp(
  `^(${FLAG_RULES.join('|')})\\.${WINDOW}\\.m_[A-Za-z0-9]{4,40}(\\.e_[A-Za-z0-9]{8,40})?$`,
);

/** rule + window + subject: the same trip found twice (a redelivered change) names the same flag. */
export const flagIdOf = (rule: FlagRule, window: string, merchant_id: string, elder_id: string | null): string =>
  [rule, window, merchant_id, ...(elder_id === null ? [] : [elder_id])].join('.');

/** The street of a community code ('district.street.community'), or null. */
export const streetOfCode = (code: string | null): string | null =>
  code !== null && code.split('.').length >= 2 ? code.split('.').slice(0, 2).join('.') : null;

/** The flag after a decision, or 409 FLAG_STATE_CONFLICT with its current state (only open flags move). */
export const decideFlag = (f: Flag, to: FlagDecision, reason: string, by: string, at: string): Flag => {
  if (f.status !== 'open') throw new AppError('FLAG_STATE_CONFLICT', { details: { status: f.status } });
  return { ...f, status: to, reason, decided_by: by, decided_at: at, version: f.version + 1 };
};

/** The rule in words, for the pages (zh first, as the console is). */
export const flagRuleWords = (f: Pick<Flag, 'rule' | 'threshold' | 'limit'>): { zh: string; en: string } => {
  switch (f.rule) {
    case 'pair_often':
      return {
        zh: `同一老人在同一商户一个月内完成超过 ${f.threshold} 单`,
        en: `The same elder completed more than ${f.threshold} orders at one merchant in a month`,
      };
    case 'fast_complete':
      return {
        zh: `商户接单后不到 ${f.limit ?? '?'} 秒即完成核销`,
        en: `Completed less than ${f.limit ?? '?'} seconds after the merchant accepted`,
      };
    case 'many_cards':
      return {
        zh: `一小时内在同一商户刷了 ${f.threshold} 张以上不同的卡`,
        en: `${f.threshold} or more different cards redeemed at one merchant within an hour`,
      };
    case 'after_issuance':
      return {
        zh: `积分发放后 ${f.limit ?? '?'} 小时内有 ${f.threshold} 位以上老人在同一商户消费`,
        en: `${f.threshold} or more elders spent at one merchant within ${f.limit ?? '?'} hours of issuance`,
      };
    case 'closed_hours':
      return {
        zh: `在商户非营业时间完成的订单（宽限 ${f.limit ?? 0} 分钟）`,
        en: `Orders completed while the merchant was closed (${f.limit ?? 0} minutes' grace)`,
      };
  }
};
