// The payout port: what settlement needs from a payment provider to pay merchants for settled
// statements (issue 10). A merchant gets a connected account at the provider, finishes the
// provider's own onboarding (identity, bank account) through a link, and is then paid by transfer.
// Adapters live in packages/payments (Stripe Connect, and a local fake); no SDK type appears here.

export type ConnectAccountRequest = { merchant_id: string; business_name: string; idempotency_key: string };
export type OnboardingLinkRequest = { account_ref: string; return_url: string; refresh_url: string };
export type TransferRequest = {
  idempotency_key: string; // derived from the statement and attempt: the same key never pays twice
  amount_fen: number;
  currency: 'cny';
  destination: string; // connected account ref
  statement_id: string;
  statement_no: string;
  merchant_id: string;
};
/** 'failed' is a definite refusal by the provider (nothing moved); a thrown error means the outcome is unknown
 *  (timeout, 5xx, lost response): the caller retries with the SAME key. `reason_code` is the provider's own
 *  code (Stripe: e.g. 'balance_insufficient', 'account_invalid', 'insufficient_capabilities_for_transfer'). */
export type TransferResult =
  { status: 'paid'; transfer_ref: string } | { status: 'failed'; reason_code: string; message: string };
export type PayoutGateway = {
  connectAccount: (r: ConnectAccountRequest) => Promise<{ account_ref: string }>;
  /** `expires_at` is an ISO instant: the link is single-use and short-lived, so make one per visit. */
  onboardingLink: (r: OnboardingLinkRequest) => Promise<{ url: string; expires_at: string }>;
  transfer: (r: TransferRequest) => Promise<TransferResult>;
  /** The transfer already made for a statement, if any (Stripe: listed by its transfer_group). Asked
   * before a retry of an unanswered payout: a provider keeps idempotency keys for a day only, so a retry
   * after that must look, not trust the key. */
  findTransfer: (statement_id: string) => Promise<{ transfer_ref: string } | null>;
  /** Whether the connected account can receive transfers now, asked of the provider: account events
   * may arrive out of order, so an event is a cue to look, not the answer. */
  accountReady: (account_ref: string) => Promise<boolean>;
};
