// Statements for page and browser tests without a whole booking: points credited to an elder, held
// and captured for a merchant inside a period (the ledger's own calls, at the clock given), then the
// merchant settled for that period (core settlement, the job's own step).
import type { Deps } from '@tmc/app/public';
import type { Clock } from '@tmc/core/kernel/clock';
import type { Merchant } from '@tmc/core/merchants/model';
import type { Statement } from '@tmc/core/settlement/model';
import { capture, credit, hold } from '@tmc/core/ledger/service';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { settleMerchant } from '@tmc/core/settlement/run';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';

/** `points` captured from `elder_id` for the merchant, stamped at `clock`'s now. */
export const captured = async (
  deps: Deps,
  clock: Clock,
  a: { key: string; elder_id: string; merchant_id: string; points: number },
) => {
  const d = { ledger: deps.ledger, clock };
  await credit(d, {
    entry_id: `top_up:${a.key}`,
    kind: 'top_up',
    elder_id: a.elder_id,
    amount_points: a.points,
    from: 'topup_clearing',
    source: 'top_up',
    subsidy: false,
    expires_on: NEVER_EXPIRES,
    reason: 'test',
    actor: 'test',
    policy_version: null,
  });
  const hold_id = `h_${a.key}`;
  await hold(d, {
    hold_id,
    elder_id: a.elder_id,
    amount_points: a.points,
    category: 'barber',
    subsidy_allowed: true,
    per_order_max: null,
    per_month_max: null,
    expires_at: new Date(clock.now().getTime() + 86_400_000).toISOString(),
    actor: 'test',
    reason: 'test',
  });
  await capture(d, {
    hold_id,
    amount_points: a.points,
    merchant_id: a.merchant_id,
    actor: 'test',
    reason: 'test',
    policy_version: 1,
  });
};

/** Settles one merchant for a closed period (at deps' clock): its statement. */
export const settled = async (deps: Deps, period: string, m: Merchant): Promise<Statement> => {
  const r = await settleMerchant(deps, {
    period,
    merchant: m,
    policy: { ...DEFAULT_POLICY, version: 1, created_by: 'test', created_at: '2026-01-01T00:00:00Z' },
    actor: 'system:settlement',
  });
  if (r.outcome !== 'issued') throw new Error(`settle ${m.merchant_id}: ${r.outcome}`);
  return r.statement;
};

/** The approved demo merchant whose contact phone is `phone`. */
export const merchantByPhone = async (deps: Deps, phone: string): Promise<Merchant> => {
  const page = await deps.merchants.byStatus('approved', 100);
  const m = page.items.find((x) => x.contact_phone === phone);
  if (!m) throw new Error(`no merchant with phone ${phone}`);
  return m;
};
