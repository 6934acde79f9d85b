// The notices of an order change, to the elder (and bound family) and to the shop. Only the winner
// of a change sends, each notice at most once per (order, version, kind): a caller whose own write
// made the version says so (committedHere) and sends without a marker; the rest take the marker first.
import { decryptPhone } from '../elders/service';
import { chinaMonthDayTime } from '../kernel/time';
import type { Notice } from '../notices/ports';
import type { Order } from './state';
import type { ElderRecord } from '../elders/model';
import type { OrderDeps } from './ports';

type ElderSideKind =
  | 'accepted'
  | 'completed'
  | 'cancelled'
  | 'expired'
  | 'unmatched'
  | 'rejected'
  | 'lapsed'
  | 'no_show'
  | 'dispute_opened'
  | 'dispute_decided';

/** Sends `n` to each phone once per (order, version, kind): the winner of a change sends; where the
 * caller cannot tell it won (jobs, disputes), the marker does, and a retry finds the key taken. */
const sendOnce = async (
  deps: OrderDeps,
  o: Order,
  key: string,
  phones: string[],
  n: (to_phone: string) => Notice,
  committedHere = false,
) => {
  if (phones.length === 0) return;
  if (!committedHere && !(await deps.noticeOnce(`${o.order_id}:v${o.version}:${key}`))) return;
  // A failed notice must not undo a committed order: it is logged by the caller's logger via the notifier.
  for (const phone of phones) await deps.notifier.send(n(phone)).catch(() => undefined);
};

/** Options of a notice: `committedHere`, the caller's own write made this version (a conditional
 * write on the order's version has one winner, so it needs no marker to send once); `elder`, the
 * elder's record as the caller already read it in this request (its phone is read from it). */
export type TellOpts = { committedHere?: boolean; elder?: ElderRecord };

export const tell = async (deps: OrderDeps, o: Order, what: ElderSideKind, opts: TellOpts = {}) => {
  const time = o.slot_start ? chinaMonthDayTime(o.slot_start) : null; // China time, MM-DD HH:mm
  const service_name = o.service_name || o.category;
  const base = { order_id: o.order_id, service_name };
  const refunded = String(o.price_points);
  // One template kind per message, with the params its pre-approved SMS / WeChat template fills.
  const notice: Record<typeof what, (to_phone: string) => Notice> = {
    accepted: (to_phone) => ({
      to_phone,
      template: 'order_accepted',
      params: { ...base, merchant_name: o.merchant_name, time: time ?? '尽快' },
      text_zh: `【十分钟服务圈】${o.merchant_name}已接单：${o.service_name}${time ? `，时间 ${time}` : ''}。`,
    }),
    completed: (to_phone) => ({
      to_phone,
      template: 'order_completed',
      params: { ...base, points: String(o.price_points) },
      text_zh: `【十分钟服务圈】${o.service_name}已完成，扣除 ${o.price_points} 积分。欢迎评价。`,
    }),
    cancelled: (to_phone) => ({
      to_phone,
      template: 'order_cancelled',
      params: { ...base, fee_points: String(o.cancel_fee_points ?? 0) },
      text_zh: o.cancel_fee_points
        ? `【十分钟服务圈】订单（${o.service_name}）已取消。商户已接单，按政策收取 ${o.cancel_fee_points} 积分取消费，其余积分已退回。`
        : `【十分钟服务圈】订单（${o.service_name}）已取消，积分已退回。`,
    }),
    expired: (to_phone) => ({
      to_phone,
      template: 'order_expired',
      params: base,
      text_zh: `【十分钟服务圈】商户未及时接单，订单（${o.service_name}）已关闭，积分已退回。`,
    }),
    rejected: (to_phone) => ({
      to_phone,
      template: 'order_rejected',
      params: base,
      text_zh: `【十分钟服务圈】商户暂时无法接单（${o.service_name}），积分已退回。`,
    }),
    unmatched: (to_phone) => ({
      to_phone,
      template: 'order_unmatched',
      params: base,
      text_zh: `【十分钟服务圈】附近暂时没有商户能接单（${o.service_name || o.category}），积分已退回。可在页面查看离您最近的服务。`,
    }),
    lapsed: (to_phone) => ({
      to_phone,
      template: 'order_lapsed',
      params: base,
      text_zh: `【十分钟服务圈】订单（${o.service_name}）未在约定时间内完成，已关闭，积分已退回。`,
    }),
    no_show: (to_phone) => ({
      to_phone,
      template: 'order_no_show',
      params: base,
      text_zh: `【十分钟服务圈】商户记录订单（${o.service_name}）未到店/未遇到您，订单已关闭，积分已退回。如有异议请联系社区。`,
    }),
    dispute_opened: (to_phone) => ({
      to_phone,
      template: 'dispute_opened',
      params: base,
      text_zh: `【十分钟服务圈】您对订单（${o.service_name}）的投诉已提交，工作人员会尽快处理。`,
    }),
    dispute_decided: (to_phone) =>
      o.status === 'refunded'
        ? {
            to_phone,
            template: 'dispute_decided',
            params: { ...base, decision: '成立', points: refunded },
            text_zh: `【十分钟服务圈】订单（${o.service_name}）的投诉成立，${refunded} 积分已退回。`,
          }
        : {
            to_phone,
            template: 'dispute_decided',
            params: { ...base, decision: '不成立', points: '0' },
            text_zh: `【十分钟服务圈】订单（${o.service_name}）的投诉经核实不成立。`,
          },
  };
  const elder = opts.elder?.elder_id === o.elder_id ? opts.elder : await deps.elders.get(o.elder_id);
  const phones = [elder ? decryptPhone(deps, elder) : null, ...(await deps.familyPhones(o.elder_id))].filter(
    (p): p is string => Boolean(p),
  );
  await sendOnce(deps, o, what, phones, notice[what], opts.committedHere);
};

/** The shop's side of a change: a new offer, or what happened to an order it had. */
export const tellMerchant = async (
  deps: OrderDeps,
  o: Order,
  what: 'new' | 'cancelled' | 'no_show' | 'dispute_opened' | 'dispute_decided' = 'new',
  // the caller's own commit wrote this version (only one request can): it needs no marker to send once
  // merchantPhone: the phone as the caller already read it (booking reads it with the order's other items)
  opts: { committedHere?: boolean; merchantPhone?: string | null } = {},
) => {
  const phone = opts.merchantPhone !== undefined ? opts.merchantPhone : await deps.merchantPhone(o.merchant_id);
  if (!phone) return;
  const base = { order_id: o.order_id, service_name: o.service_name };
  const minutes = Math.max(
    1,
    Math.round((Date.parse(o.offer_expires_at ?? o.updated_at) - deps.clock.now().getTime()) / 60_000),
  );
  const by = o.offer_expires_at && minutes > 60 ? `${chinaMonthDayTime(o.offer_expires_at)} 前` : `${minutes} 分钟内`;
  const n: Record<typeof what, (to_phone: string) => Notice> = {
    new: (to_phone) => ({
      to_phone,
      template: 'order_new',
      params: { ...base, points: String(o.price_points), offer_minutes: String(minutes) },
      text_zh:
        `【十分钟服务圈】新订单：${o.service_name}，${o.price_points} 积分` +
        `${o.slot_start ? `，时间 ${chinaMonthDayTime(o.slot_start)}` : ''}，请在 ${by}接单。`,
    }),
    cancelled: (to_phone) => ({
      to_phone,
      template: 'order_cancelled',
      params: { ...base, fee_points: String(o.cancel_fee_points ?? 0) },
      text_zh:
        `【十分钟服务圈】订单（${o.service_name}${o.slot_start ? `，${chinaMonthDayTime(o.slot_start)}` : ''}` +
        `）已被取消${o.cancel_fee_points ? `，取消费 ${o.cancel_fee_points} 积分已计入您的账户` : ''}。`,
    }),
    no_show: (to_phone) => ({
      to_phone,
      template: 'order_no_show',
      params: base,
      text_zh: `【十分钟服务圈】订单（${o.service_name}）已记为未到店/未遇到老人，积分已退回老人。`,
    }),
    dispute_opened: (to_phone) => ({
      to_phone,
      template: 'dispute_opened',
      params: base,
      text_zh: `【十分钟服务圈】老人对订单（${o.service_name}）提出了投诉，工作人员会联系您核实。`,
    }),
    dispute_decided: (to_phone) =>
      o.status === 'refunded'
        ? {
            to_phone,
            template: 'dispute_decided',
            params: { ...base, decision: '成立', points: String(o.price_points) },
            text_zh: `【十分钟服务圈】订单（${o.service_name}）的投诉成立，${o.price_points} 积分已退回老人。`,
          }
        : {
            to_phone,
            template: 'dispute_decided',
            params: { ...base, decision: '不成立', points: '0' },
            text_zh: `【十分钟服务圈】订单（${o.service_name}）的投诉经核实不成立。`,
          },
  };
  // keyed by the shop too: after 帮我找 moves on, each shop offered is told once
  await sendOnce(deps, o, `merchant:${o.merchant_id}:${what}`, [phone], n[what], opts.committedHere);
};
