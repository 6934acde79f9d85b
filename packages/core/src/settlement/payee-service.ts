// A merchant's payout details: bank account (sealed; only the last four kept in the clear) or a
// Stripe connected account. Set by the merchant or by finance; every change and every reveal of the
// account number is audited, as for elders' sensitive fields.
import { AppError } from '../kernel/errors';
import type { AuditLog } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import type { FieldCipher } from '../kernel/secrets';
import { aad } from '../kernel/aad';
import type { PayeeInput } from './payee';
import type { Payee, PayeeStore } from './ports';
import type { PayoutGateway } from './payout-port';

export type PayeeDeps = {
  payees: PayeeStore;
  cipher: FieldCipher;
  clock: Clock;
  audit: AuditLog;
  /** Tells the shop its payout account changed (once per change): a change it did not make is seen at once. */
  tellPayeeChanged?: (p: Payee) => Promise<void>;
};

/** What pages and the API show: never the number itself. */
export type PayeeView = Omit<Payee, 'account_sealed'> & { account_masked: string | null };
export const payeeView = (p: Payee): PayeeView => {
  const { account_sealed: _sealed, ...rest } = p;
  return { ...rest, account_masked: p.account_last4 ? `**** **** ${p.account_last4}` : null };
};

const blank = (merchant_id: string): Payee => ({
  merchant_id,
  method: 'bank',
  payee_name: '',
  bank_name: '',
  account_sealed: null,
  account_last4: null,
  stripe_account: null,
  stripe_ready: false,
  updated_at: '',
  updated_by: '',
  version: 0,
});

const save = async (deps: PayeeDeps, prev: Payee | null, next: Payee, action: string): Promise<Payee> => {
  const ok = await deps.payees.put(next, prev?.version ?? 0, {
    event: { actor: next.updated_by, action, subject: `merchant:${next.merchant_id}`, detail: { method: next.method } },
    at: next.updated_at,
  });
  if (!ok) throw new AppError('CONFLICT');
  return next;
};

/** Sets the bank account a merchant is paid to by bank transfer. */
export const setBankPayee = async (deps: PayeeDeps, merchant_id: string, input: PayeeInput, actor: string) => {
  const prev = await deps.payees.get(merchant_id);
  const at = deps.clock.now().toISOString();
  const next: Payee = {
    ...(prev ?? blank(merchant_id)),
    method: 'bank',
    payee_name: input.payee_name,
    bank_name: input.bank_name,
    account_sealed: deps.cipher.encrypt(input.account_no, aad.payeeAccount(merchant_id)),
    account_last4: input.account_no.slice(-4),
    updated_at: at,
    updated_by: actor,
    version: (prev?.version ?? 0) + 1,
  };
  const saved = await save(deps, prev, next, 'payee.set_bank');
  await deps.tellPayeeChanged?.(saved);
  return payeeView(saved);
};

/** The account number in the clear, for finance: audited. */
export const revealPayeeAccount = async (deps: PayeeDeps, merchant_id: string, actor: string): Promise<string> => {
  const p = await deps.payees.get(merchant_id);
  if (!p?.account_sealed) throw new AppError('PAYEE_MISSING');
  await deps.audit.write({ actor, action: 'payee.read_sensitive', subject: `merchant:${merchant_id}` });
  return deps.cipher.decrypt(p.account_sealed, aad.payeeAccount(merchant_id));
};

/** Creates (once) the merchant's Stripe connected account and returns an onboarding link. */
export const stripeOnboarding = async (
  deps: PayeeDeps & { gateway: PayoutGateway },
  m: { merchant_id: string; business_name: string },
  urls: { return_url: string; refresh_url: string },
  actor: string,
): Promise<{ url: string; expires_at: string }> => {
  let p = await deps.payees.get(m.merchant_id);
  if (!p?.stripe_account) {
    // the key is the merchant: a retried click gets the same account from Stripe, never a second one
    const { account_ref } = await deps.gateway.connectAccount({
      merchant_id: m.merchant_id,
      business_name: m.business_name,
      idempotency_key: `connect:${m.merchant_id}`,
    });
    const next: Payee = {
      ...(p ?? blank(m.merchant_id)),
      // a shop paid by bank stays so until Stripe says its account can receive transfers
      method: p?.account_sealed ? p.method : 'stripe',
      payee_name: p?.payee_name || m.business_name,
      stripe_account: account_ref,
      stripe_ready: false,
      updated_at: deps.clock.now().toISOString(),
      updated_by: actor,
      version: (p?.version ?? 0) + 1,
    };
    p = await save(deps, p, next, 'payee.stripe_connect');
  }
  return deps.gateway.onboardingLink({ account_ref: p.stripe_account as string, ...urls });
};

/** Stripe's account.updated: records whether the connected account can receive transfers. */
export const recordStripeReadiness = async (
  deps: PayeeDeps,
  account_ref: string,
  ready: boolean,
): Promise<'updated' | 'unchanged' | 'unknown'> => {
  const merchant_id = await deps.payees.byStripeAccount(account_ref);
  if (!merchant_id) return 'unknown';
  const p = await deps.payees.get(merchant_id);
  if (!p || p.stripe_account !== account_ref) return 'unknown';
  if (p.stripe_ready === ready && (!ready || p.method === 'stripe')) return 'unchanged';
  const next: Payee = {
    ...p,
    stripe_ready: ready,
    ...(ready ? { method: 'stripe' as const } : {}), // onboarding finished: paid by transfer from now on
    updated_at: deps.clock.now().toISOString(),
    updated_by: 'system:stripe',
    version: p.version + 1,
  };
  await save(deps, p, next, ready ? 'payee.stripe_ready' : 'payee.stripe_not_ready');
  return 'updated';
};
