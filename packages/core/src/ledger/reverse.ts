// Reversal: a new entry with opposite postings and lot moves, at most once per entry; a reversed
// capture (an upheld dispute) gives the points back into the lots they came from. Split out of service.ts.
import { AppError } from '../kernel/errors';
import type { AuditEvent } from '../kernel/audit';
import { isReversible, REVERSIBILITY, type LotMove } from './entry';
import type { Lot } from './lots';
import type { CommitPlan } from './ports';
import {
  alreadyReversed,
  balancesFor,
  commitWith,
  entryOf,
  reversalEntryId,
  withAttach,
  type Attach,
  type EntryResult,
  type Idem,
  type LedgerDeps,
  type Move,
} from './commit';
import { giveBack, spentBack } from './holds';

export type ReverseArgs = { entry_id: string; reason: string; actor: string; audit?: AuditEvent };

/** A new entry with opposite postings and lot moves; an entry is reversed at most once, and a
 * reversal that would take a wallet below zero fails with INSUFFICIENT_POINTS for staff to decide.
 * Only the kinds REVERSIBILITY allows; `audit`, when given, is written in the reversal's transaction. */
export const reverse = (deps: LedgerDeps, a: ReverseArgs, idem?: Idem, attach?: Attach): Promise<EntryResult> =>
  commitWith(deps, idem, async () => {
    try {
      return await planReversal(deps, a, attach);
    } catch (e) {
      // A concurrent reversal that committed after our first look took the very points we meant to
      // take back: that caller won, and the answer is that the entry is reversed, not a shortfall.
      if (e instanceof AppError && e.code === 'INSUFFICIENT_POINTS' && (await deps.ledger.isReversed(a.entry_id)))
        throw alreadyReversed(a.entry_id);
      throw e;
    }
  });

const planReversal = async (deps: LedgerDeps, a: ReverseArgs, attach?: Attach): Promise<CommitPlan> => {
  const orig = await deps.ledger.entry(a.entry_id);
  if (!orig) throw new AppError('ENTRY_NOT_FOUND');
  if (!isReversible(orig.kind))
    throw new AppError('ENTRY_NOT_REVERSIBLE', { details: { kind: orig.kind, why: REVERSIBILITY[orig.kind].why } });
  // the marker's condition is the real guard
  if (await deps.ledger.isReversed(orig.entry_id)) throw alreadyReversed(orig.entry_id);
  let moves: Move[] = orig.postings.map((p) => ({ account: p.account, delta: -p.amount_points }));
  let lotMoves: LotMove[] = orig.lot_moves.map((m) => ({ ...m, delta_points: -m.delta_points }));
  let counters: NonNullable<CommitPlan['counters']> = [];
  if (orig.kind === 'capture') {
    // Upholding a dispute: the captured points go from the merchant back to the elder (not to
    // the closed hold), into the very lots they came from.
    const h = await deps.ledger.hold(orig.ref.hold_id ?? '');
    const merchant = orig.postings.find((p) => p.account.startsWith('merchant:'));
    if (!h || !merchant) throw new AppError('ENTRY_NOT_REVERSIBLE');
    const back = new Map(
      giveBack(h.takes, h.amount_points - merchant.amount_points).map((b) => [b.lot_id, b.amount_points]),
    );
    moves = [
      { account: merchant.account, delta: -merchant.amount_points },
      { account: h.wallet, delta: merchant.amount_points },
    ];
    lotMoves = h.takes
      .map((t) => ({
        wallet: h.wallet,
        lot_id: t.lot_id,
        expires_on: t.expires_on,
        delta_points: t.amount_points - (back.get(t.lot_id) ?? 0),
      }))
      .filter((m) => m.delta_points > 0);
    // the points were not spent after all: the month's spend (and the category's) goes down with them
    counters = spentBack(h, merchant.amount_points);
  }
  const wallets = [...new Set(lotMoves.map((m) => m.wallet))];
  const current = new Map<string, Lot>();
  for (const w of wallets) for (const l of await deps.ledger.lots(w)) current.set(l.lot_id, l);
  const lots: CommitPlan['lots'] = lotMoves.map((m) => {
    const l = current.get(m.lot_id);
    if (!l) throw new Error(`lot ${m.lot_id} missing`);
    if (m.delta_points < 0 && l.remaining_points < -m.delta_points)
      throw new AppError('INSUFFICIENT_POINTS', {
        details: { reason: 'points of this credit were already spent', lot_remaining_points: l.remaining_points },
      });
    return {
      op: m.delta_points < 0 ? ('take' as const) : ('restore' as const),
      wallet: m.wallet,
      lot_id: m.lot_id,
      expires_on: m.expires_on,
      amount_points: Math.abs(m.delta_points),
      expect_remaining: l.remaining_points,
    };
  });
  const entry = entryOf(deps, {
    entry_id: reversalEntryId(orig.entry_id),
    kind: 'reversal',
    reason: `冲正：${a.reason}`,
    actor: a.actor,
    policy_version: orig.policy_version,
    ref: { reverses: orig.entry_id, ...(orig.ref.elder_id ? { elder_id: orig.ref.elder_id } : {}) },
    moves,
    lot_moves: lotMoves.map(({ created: _c, ...m }) => m),
  });
  return withAttach(
    {
      entry,
      balances: await balancesFor(deps, moves, new Set()),
      lots,
      reverses: orig.entry_id,
      ...(counters.length > 0 ? { counters } : {}),
      ...(a.audit ? { audit: { event: a.audit } } : {}),
    },
    attach,
  );
};
