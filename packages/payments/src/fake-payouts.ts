// The local fake's payout side (merchant accounts and transfers), for development and tests. Like Stripe,
// a transfer key replays its first answer and never pays twice. Tests can make transfers be refused
// (a definite 'failed') or lose the answer of one that went through (it throws; the retry with the same
// key finds the recorded result), the two outcomes settlement must tell apart.
import { createHash } from 'node:crypto';
import { AppError } from '@tmc/core/kernel/errors';
import type { Clock } from '@tmc/core/kernel/clock';
import type {
  ConnectAccountRequest,
  PayoutGateway,
  TransferRequest,
  TransferResult,
} from '@tmc/core/settlement/payout-port';

/** Stripe's account links live a few minutes; the fake's say the same, on the given clock. */
export const FAKE_ONBOARDING_LINK_TTL_MS = 5 * 60_000;
export const FAKE_DEFAULT_REFUSAL = 'balance_insufficient';

export type FakeTransfer = TransferRequest & { transfer_ref: string };

// readiness is the fake provider's event state, kept in fake.ts with the events it signs
export type FakePayouts = Omit<PayoutGateway, 'accountReady'> & {
  /** Every connectAccount and transfer call, in order (attempts, replays included). */
  payoutCalls: { accounts: ConnectAccountRequest[]; transfers: TransferRequest[] };
  /** The next n new transfers (or all, until `failTransfers(0)`) are refused with `reason_code`. */
  failTransfers: (n: number | 'all', reason_code?: string) => void;
  /** The next new transfer is performed and recorded, then its answer is lost (the call throws). */
  loseNextTransferResponse: () => void;
  /** The transfers that moved money, once each, in order. */
  transfers: () => FakeTransfer[];
};

export const fakeAccountRef = (merchant_id: string) => `acct_fake_${merchant_id}`;
export const fakeTransferRef = (idempotency_key: string) =>
  `tr_fake_${createHash('sha256').update(idempotency_key).digest('hex').slice(0, 24)}`;

const outage = (reason: string) => new AppError('PAYMENT_PROVIDER_FAILED', { details: { reason } });

export const createFakePayouts = (clock: Clock): FakePayouts => {
  const byKey = new Map<string, { params: string; result: TransferResult }>();
  const performed: FakeTransfer[] = [];
  let failing: { left: number | 'all'; reason_code: string } = { left: 0, reason_code: FAKE_DEFAULT_REFUSAL };
  let loseNext = false;

  /** Consumes one refusal if any is set; null when this transfer goes through. */
  const refusal = (): TransferResult | null => {
    if (failing.left === 0) return null;
    if (failing.left !== 'all') failing.left--;
    return {
      status: 'failed',
      reason_code: failing.reason_code,
      message: `fake provider refused the transfer (${failing.reason_code})`,
    };
  };

  const p: FakePayouts = {
    payoutCalls: { accounts: [], transfers: [] },
    async connectAccount(r) {
      p.payoutCalls.accounts.push(r);
      return { account_ref: fakeAccountRef(r.merchant_id) }; // one merchant, one account, however often asked
    },
    async onboardingLink(r) {
      const q = new URLSearchParams({ account: r.account_ref, return: r.return_url, refresh: r.refresh_url });
      return {
        url: `/dev/payments/onboard?${q.toString()}`,
        expires_at: new Date(clock.now().getTime() + FAKE_ONBOARDING_LINK_TTL_MS).toISOString(),
      };
    },
    async transfer(r) {
      p.payoutCalls.transfers.push(r);
      const params = JSON.stringify(r);
      const prior = byKey.get(r.idempotency_key);
      if (prior) {
        // Stripe refuses a key reused with other parameters; the first request's outcome stays as it was.
        if (prior.params !== params) throw outage('idempotency key reused with other parameters');
        return prior.result;
      }
      const result: TransferResult = refusal() ?? {
        status: 'paid',
        transfer_ref: fakeTransferRef(r.idempotency_key),
      };
      byKey.set(r.idempotency_key, { params, result });
      if (result.status === 'paid') performed.push({ ...r, transfer_ref: result.transfer_ref });
      if (loseNext) {
        loseNext = false;
        throw outage('fake lost response');
      }
      return result;
    },
    async findTransfer(statement_id) {
      const t = performed.find((x) => x.statement_id === statement_id);
      return t ? { transfer_ref: t.transfer_ref } : null;
    },
    failTransfers(n, reason_code = FAKE_DEFAULT_REFUSAL) {
      if (n !== 'all' && (!Number.isSafeInteger(n) || n < 0)) throw new Error('failTransfers: n must be >= 0');
      failing = { left: n, reason_code };
    },
    loseNextTransferResponse() {
      loseNext = true;
    },
    transfers: () => performed.map((t) => ({ ...t })),
  };
  return p;
};
