// A paid top-up's credit arguments (no expiry unless given): how the ledger tests put points in a wallet.
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';

export const topUp = (elder_id: string, entry_id: string, amount_points: number, expires_on = NEVER_EXPIRES) => ({
  entry_id,
  kind: 'top_up' as const,
  elder_id,
  amount_points,
  from: 'topup_clearing' as const,
  source: 'top_up' as const,
  subsidy: false,
  expires_on,
  reason: 't',
  actor: 't',
  policy_version: null,
});
