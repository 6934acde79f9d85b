// The ports of top-ups. The payment port: what the top-up use cases need from a payment provider.
// Adapters live in packages/payments (Stripe, and a local fake); the domain never sees an SDK type.
// The top-up store: packages/store implements it over DynamoDB.
import type { AuditEvent } from '../kernel/audit';
import type { Page } from '../kernel/page';
import { PAYMENT_METHODS, type PaymentMethod, type Topup } from './model';
import type { LedgerDeps } from '../ledger/service';
import type { Binding } from '../elders/family/bindings';
import type { ElderStore } from '../elders/ports';
import type { Notifier } from '../notices/ports';
import type { NoticeMarks } from '../notices/ports';
import type { FieldCipher } from '../kernel/secrets';
import type { PayoutGateway } from '../settlement/payout-port';

export { PAYMENT_METHODS, type PaymentMethod };

/** Providers sign a webhook with a timestamp; older than this it is refused as a replay (Stripe's default too). */
export const WEBHOOK_TOLERANCE_S = 5 * 60;

export type CheckoutRequest = {
  /** The provider de-duplicates creation by it, so a retried start returns the same checkout. */
  idempotency_key: string;
  amount_fen: number;
  currency: 'cny';
  elder_id: string;
  family_id: string; // the payer; '' when staff start it
  topup_id: string;
  methods: readonly PaymentMethod[];
};
export type Checkout = { provider_ref: string; redirect_url: string };

export type RefundRequest = { idempotency_key: string; provider_ref: string; amount_fen: number; topup_id: string };

/** 'account_updated' belongs to settlement (a merchant's connected account changed); top-ups write nothing for it. */
export type PaymentEventType =
  'payment_succeeded' | 'payment_failed' | 'refund_succeeded' | 'account_updated' | 'ignored';

/** A verified provider notification, in our words. `provider_ref` on success is what a refund is
 * made against (Stripe: the PaymentIntent), which may differ from the checkout's reference.
 * `account` is set on 'account_updated' only: whether the merchant's connected account can be paid now. */
export type PaymentEvent = {
  event_id: string;
  type: PaymentEventType;
  topup_id: string | null;
  amount_fen: number;
  provider_ref: string | null;
  account?: { account_ref: string; payouts_ready: boolean };
};

/** Collections (top-ups) and payouts to merchants (settlement) go through one provider, one webhook. */
export type PaymentGateway = PayoutGateway & {
  provider: string; // 'stripe', 'fake': scopes event ids, which are unique per provider only
  /** The request header the provider puts its signature in. */
  signature_header: string;
  /** Methods this deployment offers (configuration), used when the family does not pick one. */
  methods: readonly PaymentMethod[];
  createCheckout: (r: CheckoutRequest) => Promise<Checkout>;
  refund: (r: RefundRequest) => Promise<{ refund_ref: string }>;
  /** Verifies the signature over the raw body before anything reads it; throws AppError
   * WEBHOOK_SIGNATURE_INVALID or WEBHOOK_STALE (older than WEBHOOK_TOLERANCE_S at `now`). */
  verifyWebhook: (rawBody: string, signatureHeader: string | undefined, now: Date) => Promise<PaymentEvent>;
};

export type TopupStore = {
  get: (topup_id: string) => Promise<Topup | null>;
  /** Writes the new top-up and adds its amount to the elder's day total, in one transaction;
   * the total may not pass `daily_max_fen`. */
  create: (t: Topup, daily_max_fen: number) => Promise<'created' | 'exists' | 'over_limit'>;
  startedOn: (elder_id: string, day: string) => Promise<number>;
  /** Replaces `prev` by `next` if nobody wrote it meanwhile (version), adjusting the day total;
   * `audit`, when given, is written in the same transaction (it exists exactly when the change does). */
  transition: (
    prev: Topup,
    next: Topup,
    day_delta_fen: number,
    audit?: { event: AuditEvent; at: string },
  ) => Promise<boolean>;
  listByElder: (elder_id: string, limit: number, cursor?: string) => Promise<Page<Topup>>;
  eventSeen: (provider: string, event_id: string) => Promise<boolean>;
  /** Once-only marker for a provider event; false when it was already there. */
  recordEvent: (provider: string, e: PaymentEvent, outcome: string, at: string) => Promise<boolean>;
};

/** What the top-up use cases (service.ts) are given: the ledger, the two ports above and the few readers they need. */
export type TopupDeps = LedgerDeps & {
  topups: TopupStore;
  payments: PaymentGateway;
  elders: Pick<ElderStore, 'get'>;
  bindings: { get: (family_id: string, elder_id: string) => Promise<Binding | null> };
  accounts: { byId: (account_id: string) => Promise<{ phone_cipher: string } | null> };
  cipher: FieldCipher;
  notifier: Notifier;
  noticeMarks: NoticeMarks; // refund_paid is told once per refund
  /** Settlement's handler of a connected account's readiness (the webhook is shared with top-ups). */
  accountUpdated?: (a: { account_ref: string; payouts_ready: boolean }) => Promise<'updated' | 'unchanged' | 'unknown'>;
};
