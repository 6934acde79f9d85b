// Debit what is left of one lot: the ledger side of refunding a paid top-up. Only the lot's
// remaining points leave the wallet (what was spent or is held for an order stays spent), in one
// balanced entry with a deterministic id, so a retry or a second refund never takes points twice,
// and the wallet's versioned balance and the lot's expected remainder are conditions of the write.
import { AppError } from '../kernel/errors';
import type { AuditEvent } from '../kernel/audit';
import { systemAccount, walletAccount, type SystemKind } from './accounts';
import { assertBalanced, type JournalEntry } from './entry';
import { CommitRejected, type CommitPlan } from './ports';
import { IDEMPOTENCY_TTL_S, LEDGER_RETRIES, type Idem, type LedgerDeps } from './service';

const RETRY_BASE_MS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type DebitLotArgs = {
  entry_id: string; // deterministic (e.g. `refund:${topup_id}`): the once-only guard
  elder_id: string;
  lot_id: string;
  to: SystemKind; // 'refunds' for a top-up refund; 'issuance' / 'awards' when a leaving elder's subsidy goes back
  kind?: 'refund' | 'scheme_exit'; // default 'refund'
  audit?: AuditEvent; // written in the entry's transaction
  reason: string;
  actor: string;
  ref?: Record<string, string>;
};

/** `replayed`: the entry was already written. `by_other`: written by another request (another
 * idempotency key) than this one, so this caller lost the race and must not report it as its own. */
export type DebitLotResult = { entry_id: string; amount_points: number; replayed: boolean; by_other: boolean };

const debitedBy = async (deps: LedgerDeps, entry_id: string, wallet: string): Promise<number> => {
  const e = await deps.ledger.entry(entry_id);
  const p = e?.postings.find((x) => x.account === wallet);
  if (!p) throw new Error(`entry ${entry_id} has no posting on ${wallet}`);
  return -p.amount_points;
};

/** Moves the lot's remaining points from the wallet to a system account. Returns null when the
 * lot is gone or empty (nothing to take); the caller decides what that means. */
export const debitLot = async (deps: LedgerDeps, a: DebitLotArgs, idem?: Idem): Promise<DebitLotResult | null> => {
  const wallet = walletAccount(a.elder_id);
  const ours = async (): Promise<DebitLotResult | null> => {
    const prior = idem ? await deps.ledger.idempotency(idem.scope, idem.key) : null;
    if (!prior || !idem) return null;
    if (prior.request_hash !== idem.request_hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    const { entry_id } = JSON.parse(prior.result) as { entry_id: string };
    return { entry_id, amount_points: await debitedBy(deps, entry_id, wallet), replayed: true, by_other: false };
  };
  /** The entry, if it is written: by a twin with our key (its record is there too), or by someone else. */
  const written = async (): Promise<DebitLotResult | null> => {
    if (!(await deps.ledger.entry(a.entry_id))) return null;
    return (
      (await ours()) ?? {
        entry_id: a.entry_id,
        amount_points: await debitedBy(deps, a.entry_id, wallet),
        replayed: true,
        by_other: idem !== undefined,
      }
    );
  };
  for (let attempt = 0; ; attempt++) {
    const mine = await ours();
    if (mine) return mine;
    const done = await written();
    if (done) return done;
    const lot = (await deps.ledger.lots(wallet)).find((l) => l.lot_id === a.lot_id);
    // An empty lot or a short balance may be this very debit, committed by a racing request after
    // our look at the entry (separate reads are no snapshot): then that request's result answers.
    if (!lot || lot.remaining_points <= 0) return written();
    const n = lot.remaining_points;
    const state = await deps.ledger.account(wallet);
    // Lots sum to the balance, so this holds unless the store is broken or a racing debit landed
    // between the two reads; the versioned write is the real guard.
    if (state.balance_points < n) {
      const raced = await written();
      if (raced) return raced;
      throw new AppError('INSUFFICIENT_POINTS', {
        details: { balance_points: state.balance_points, lot_remaining_points: n },
      });
    }
    const sink = systemAccount(a.to, a.entry_id);
    const entry: JournalEntry = {
      entry_id: a.entry_id,
      kind: a.kind ?? 'refund',
      reason: a.reason,
      actor: a.actor,
      created_at: deps.clock.now().toISOString(),
      postings: [
        { account: wallet, amount_points: -n },
        { account: sink, amount_points: n },
      ],
      policy_version: null,
      ref: { elder_id: a.elder_id, lot_id: a.lot_id, ...(a.ref ?? {}) },
      lot_moves: [{ wallet, lot_id: lot.lot_id, expires_on: lot.expires_on, delta_points: -n }],
    };
    assertBalanced(entry);
    const plan: CommitPlan = {
      entry,
      // Not conditioned on `frozen`: freezing stops the elder spending, not staff returning a payer's money.
      balances: [
        {
          account: wallet,
          delta_points: -n,
          expect_version: state.version,
          balance_after: state.balance_points - n,
          require_not_frozen: false,
          floor: true,
        },
        {
          account: sink,
          delta_points: n,
          expect_version: null,
          balance_after: null,
          require_not_frozen: false,
          floor: false,
        },
      ],
      lots: [
        { op: 'take', wallet, lot_id: lot.lot_id, expires_on: lot.expires_on, amount_points: n, expect_remaining: n },
      ],
      ...(idem
        ? { idempotency: { ...idem, result: JSON.stringify({ entry_id: a.entry_id }), ttl_s: IDEMPOTENCY_TTL_S } }
        : {}),
      ...(a.audit ? { audit: { event: a.audit } } : {}),
    };
    try {
      await deps.ledger.commit(plan);
      return { entry_id: a.entry_id, amount_points: n, replayed: false, by_other: false };
    } catch (e) {
      if (!(e instanceof CommitRejected)) throw e;
      // entry or idempotency taken: someone finished this very refund; the loop's first reads answer.
      // balance or lot moved (a spend raced us): re-plan from fresh state, bounded.
      if (attempt >= LEDGER_RETRIES) throw new AppError('CONFLICT', { cause: e });
      if (e.part !== 'entry' && e.part !== 'idempotency')
        await sleep(RETRY_BASE_MS * (1 + attempt) * (0.5 + Math.random()));
    }
  }
};
