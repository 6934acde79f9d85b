// Top-up records and the schemas routes, OpenAPI and pages share (the ports are in ports.ts): what a
// request needs to be declared and validated, without the payment flow itself (topup.ts), which
// the API loads only when a top-up request arrives.
import * as z from 'zod/mini';
import { FreeText } from '../kernel/text';
import { ElderId, TOPUP_ID_RE } from '../kernel/ids';

/** Methods a family may pay with. Which of them a provider really offers depends on its account. */
export const PAYMENT_METHODS = ['card', 'alipay', 'wechat_pay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const TOPUP_FEN_MAX = 10_000_000; // schema bound (100,000 yuan); the policy's daily max is the real limit
export const TOPUP_PAGE_MAX = 50; // a list page of top-ups
// providers retry a notification for days (Stripe: 3); keep the marker well past that
export const PAYMENT_EVENT_TTL_S = 30 * 24 * 3600;
// a top-up item is written by the start, the webhook and a refund; more races than this is a bug
export const TOPUP_UPDATE_RETRIES = 5;

export const TOPUP_STATUSES = ['pending', 'paid', 'failed', 'refunded'] as const;
export type TopupStatus = (typeof TOPUP_STATUSES)[number];

export type TopupRefund = {
  points: number;
  fen: number;
  refund_ref: string;
  reason: string;
  by: string;
  at: string;
  confirmed_at: string | null;
};

export type Topup = {
  topup_id: string;
  elder_id: string;
  payer: string; // principal sub of who started it: 'family:f_x' or 'staff:alice'
  family_id: string | null;
  amount_fen: number;
  amount_points: number;
  fen_per_point: number; // the rate paid, kept: a refund pays back at this rate whatever the policy says later
  policy_version: number;
  method: PaymentMethod | null;
  day: string; // China calendar day it was started (daily limit)
  request_hash: string; // what the Idempotency-Key was first used for
  status: TopupStatus;
  provider: string;
  checkout_ref: string | null;
  redirect_url: string | null;
  payment_ref: string | null; // what a refund is made against (Stripe: the PaymentIntent)
  created_at: string;
  paid_at: string | null;
  failed_at: string | null;
  refund: TopupRefund | null;
  version: number;
};

// ---- schemas (routes, OpenAPI and pages share them)

export const TopupId = z.string().check(z.regex(TOPUP_ID_RE));
export const TopupInput = z.object({
  elder_id: ElderId,
  amount_fen: z.int().check(z.gte(1), z.lte(TOPUP_FEN_MAX)),
  method: z.optional(z.enum(PAYMENT_METHODS)),
});
export type TopupInput = z.infer<typeof TopupInput>;
export const RefundInput = z.object({ reason: FreeText(2, 200) });

export const TopupView = z.object({
  topup_id: z.string(),
  elder_id: z.string(),
  amount_fen: z.int(),
  amount_points: z.int(),
  status: z.enum(TOPUP_STATUSES),
  method: z.nullable(z.enum(PAYMENT_METHODS)),
  created_at: z.string(),
  paid_at: z.nullable(z.string()),
  failed_at: z.nullable(z.string()),
  redirect_url: z.nullable(z.string()).check(z.describe('only for whoever started it, while it is pending')),
  refunded_points: z.int(),
  refunded_fen: z.int(),
  refunded_at: z.nullable(z.string()),
  refund_confirmed: z.boolean(),
});
export type TopupView = z.infer<typeof TopupView>;

export const toTopupView = (t: Topup, viewer: string | null): TopupView => ({
  topup_id: t.topup_id,
  elder_id: t.elder_id,
  amount_fen: t.amount_fen,
  amount_points: t.amount_points,
  status: t.status,
  method: t.method,
  created_at: t.created_at,
  paid_at: t.paid_at,
  failed_at: t.failed_at,
  redirect_url: t.status === 'pending' && viewer === t.payer ? t.redirect_url : null,
  refunded_points: t.refund?.points ?? 0,
  refunded_fen: t.refund?.fen ?? 0,
  refunded_at: t.refund?.at ?? null,
  refund_confirmed: Boolean(t.refund?.confirmed_at),
});
