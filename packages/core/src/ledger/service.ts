// Ledger operations. Each one reads the state it needs, plans one balanced entry with every
// condition that makes it safe, and commits it atomically. A commit that loses a race is
// re-planned from fresh state (bounded); a retried request with the same idempotency key gets
// the first result back; nothing is ever updated in place except balances, lots and holds under
// conditions.
// The commit loop lives in commit.ts, holds (hold, capture, release) in holds.ts and reversal in
// reverse.ts; this module keeps credit, expiry and freezing and re-exports the rest, so
// `@tmc/core/ledger/service` stays the one entry point of ledger operations.
import { AppError } from '../kernel/errors';
import type { AuditEvent } from '../kernel/audit';
import { walletAccount, systemAccount, type SystemKind } from './accounts';
import type { EntryKind } from './entry';
import { NEVER_EXPIRES, type Lot, type LotSource } from './lots';
import type { CounterKey } from './ports';
import { balancesFor, commitWith, entryOf, type EntryResult, type Idem, type LedgerDeps, type Move } from './commit';

export {
  IDEMPOTENCY_TTL_S,
  LEDGER_RETRIES,
  reversalEntryId,
  type Attach,
  type EntryResult,
  type Idem,
  type LedgerDeps,
} from './commit';
export { capture, hold, readWallet, release, type HoldArgs, type WalletRead } from './holds';
export { reverse, type ReverseArgs } from './reverse';

export type CreditArgs = {
  entry_id: string;
  kind: Extract<EntryKind, 'allowance' | 'award' | 'top_up' | 'adjustment'>;
  elder_id: string;
  amount_points: number;
  from: SystemKind; // issuance, awards, topup_clearing, adjustments
  source: LotSource;
  subsidy: boolean;
  expires_on: string; // NEVER_EXPIRES for paid points
  reason: string;
  actor: string;
  policy_version: number | null;
  ref?: Record<string, string>;
  counters?: { key: CounterKey; delta: number; max: number | null }[];
  audit?: AuditEvent; // written in the entry's transaction: one record exactly when the entry exists
};

/** Points into an elder's wallet from a system account, as a new lot. */
export const credit = (deps: LedgerDeps, a: CreditArgs, idem?: Idem): Promise<EntryResult> => {
  if (!Number.isSafeInteger(a.amount_points) || a.amount_points <= 0)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'amount_points', code: 'POSITIVE_INTEGER', message: 'amount must be a positive integer' }],
    });
  const wallet = walletAccount(a.elder_id);
  return commitWith(deps, idem, async () => {
    const moves: Move[] = [
      { account: systemAccount(a.from, a.entry_id), delta: -a.amount_points },
      { account: wallet, delta: a.amount_points },
    ];
    const lot: Lot = {
      lot_id: a.entry_id,
      wallet,
      source: a.source,
      subsidy: a.subsidy,
      original_points: a.amount_points,
      remaining_points: a.amount_points,
      expires_on: a.expires_on,
      entry_id: a.entry_id,
    };
    const entry = entryOf(deps, {
      ...a,
      ref: { elder_id: a.elder_id, ...(a.ref ?? {}) },
      moves,
      lot_moves: [
        { wallet, lot_id: lot.lot_id, expires_on: lot.expires_on, delta_points: a.amount_points, created: true },
      ],
    });
    return {
      entry,
      balances: await balancesFor(deps, moves, new Set()),
      lots: [{ op: 'create', lot }],
      ...(a.counters ? { counters: a.counters } : {}),
      ...(a.audit ? { audit: { event: a.audit } } : {}),
    };
  });
};

/** Everything left in a wallet's expired lots goes to the expiry sink, in one entry per wallet and day. */
export const expireWallet = async (
  deps: LedgerDeps,
  elder_id: string,
  today: string,
  actor = 'system:expiry',
): Promise<EntryResult | null> => {
  const wallet = walletAccount(elder_id);
  const due = (await deps.ledger.lots(wallet)).filter((l) => l.remaining_points > 0 && l.expires_on < today);
  if (due.length === 0) return null;
  return commitWith(deps, undefined, async () => {
    const lots = (await deps.ledger.lots(wallet))
      .filter((l) => l.remaining_points > 0 && l.expires_on < today)
      .slice(0, 40);
    const total = lots.reduce((s, l) => s + l.remaining_points, 0);
    const moves: Move[] = [
      { account: wallet, delta: -total },
      { account: systemAccount('expiry', wallet), delta: total },
    ];
    const entry = entryOf(deps, {
      entry_id: `expiry:${elder_id}:${today}`,
      kind: 'expiry',
      reason: `${lots.length} 笔积分过期`,
      actor,
      policy_version: null,
      ref: { elder_id, day: today },
      moves,
      lot_moves: lots.map((l) => ({
        wallet,
        lot_id: l.lot_id,
        expires_on: l.expires_on,
        delta_points: -l.remaining_points,
      })),
    });
    // Expiry does not check `frozen`: a frozen wallet's points still expire by policy.
    return {
      entry,
      balances: await balancesFor(deps, moves, new Set()),
      lots: lots.map((l) => ({
        op: 'take' as const,
        wallet,
        lot_id: l.lot_id,
        expires_on: l.expires_on,
        amount_points: l.remaining_points,
        expect_remaining: l.remaining_points,
      })),
    };
  });
};

/** Who froze or unfroze a wallet and why: the audit record of the change. */
export type FreezeBy = { actor: string; reason: string; request_id?: string };

/** Freeze or unfreeze a wallet. With `by`, the audit record is written in the same conditional write
 * (keyed by the balance's new version), so a change is never without its record, nor a record without
 * its change, and a wallet already in that state is left alone: of requests that race, one changes it
 * and the others lose (CONFLICT) or find it done. The API route and the staff page both call this. */
export const setWalletFrozen = async (
  deps: LedgerDeps,
  elder_id: string,
  frozen: boolean,
  by?: FreezeBy,
): Promise<void> => {
  const w = walletAccount(elder_id);
  const s = await deps.ledger.account(w);
  // already so: nothing to change and nothing to record (a repeated or raced request is answered as done)
  if (by && s.frozen === frozen) return;
  const audit = by && {
    event: {
      actor: by.actor,
      action: frozen ? 'wallet.freeze' : 'wallet.unfreeze',
      subject: `elder:${elder_id}`,
      detail: { reason: by.reason },
      ...(by.request_id ? { request_id: by.request_id } : {}),
    },
    at: deps.clock.now().toISOString(),
    id: `${w}.v${s.version + 1}`,
  };
  await deps.ledger.setFrozen(w, frozen, s.version, audit);
};

export { NEVER_EXPIRES };
