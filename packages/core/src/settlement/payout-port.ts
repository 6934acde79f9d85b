// placeholder until the payments branch lands (same types as its brief)
export type ConnectAccountRequest = { merchant_id: string; business_name: string; idempotency_key: string };
export type OnboardingLinkRequest = { account_ref: string; return_url: string; refresh_url: string };
export type TransferRequest = {
  idempotency_key: string;
  amount_fen: number;
  currency: 'cny';
  destination: string;
  statement_id: string;
  statement_no: string;
  merchant_id: string;
};
export type TransferResult =
  | { status: 'paid'; transfer_ref: string }
  | { status: 'failed'; reason_code: string; message: string };
export type PayoutGateway = {
  connectAccount: (r: ConnectAccountRequest) => Promise<{ account_ref: string }>;
  onboardingLink: (r: OnboardingLinkRequest) => Promise<{ url: string; expires_at: string }>;
  transfer: (r: TransferRequest) => Promise<TransferResult>;
};
