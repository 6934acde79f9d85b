// Holds: an order's points move from the wallet to a per-order hold account (hold), then to the
// merchant (capture) or back to the wallet (release), with the lots and monthly spend counters they
// touched given back exactly. Split out of service.ts; reverse.ts reuses giveBack and spentBack.
import { AppError } from '../kernel/errors';
import { chinaDate } from '../kernel/time';
import { holdAccount, merchantAccount, walletAccount } from './accounts';
import type { LotMove } from './entry';
import { pickLots } from './lots';
import type { AccountState, CommitPlan, Hold } from './ports';
import type { Lot } from './lots';
import {
  balancesFor,
  commitWith,
  entryOf,
  withAttach,
  type Attach,
  type EntryResult,
  type Idem,
  type LedgerDeps,
  type Move,
} from './commit';

export type HoldArgs = {
  hold_id: string;
  elder_id: string;
  amount_points: number;
  category: string;
  subsidy_allowed: boolean; // the policy lets subsidy points buy this category
  per_order_max: number | null;
  per_month_max: number | null;
  /** The policy's cap for this category and month (category_month_max_points); absent or null: none. */
  per_category_month_max?: number | null;
  expires_at: string;
  actor: string;
  reason: string;
};

export type WalletRead = { state: AccountState; lots: Lot[] };

/** The wallet's read for the first plan, started by the caller beside its own reads (a booking sends it
 * with its BatchGet: one round trip fewer on the way to the commit). A later plan reads it afresh. */
export const readWallet = (deps: LedgerDeps, elder_id: string): Promise<WalletRead> => {
  const read = deps.ledger.walletWithLots(walletAccount(elder_id));
  read.catch(() => undefined); // a caller that fails first never awaits it: not an unhandled rejection
  return read;
};

/** Moves points from the wallet to a per-order hold, taking soonest-expiring eligible lots. `wallet`: the
 * wallet as read by `readWallet` for this elder, used by the first plan only. */
export const hold = (
  deps: LedgerDeps,
  a: HoldArgs,
  idem?: Idem,
  attach?: Attach,
  walletRead?: Promise<WalletRead>,
): Promise<EntryResult> => {
  if (!Number.isSafeInteger(a.amount_points) || a.amount_points <= 0)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'amount_points', code: 'POSITIVE_INTEGER', message: 'amount must be a positive integer' }],
    });
  if (a.per_order_max !== null && a.amount_points > a.per_order_max)
    throw new AppError('CAP_EXCEEDED', { details: { per_order_max: a.per_order_max } });
  const wallet = walletAccount(a.elder_id);
  const hacct = holdAccount(a.hold_id);
  const now = deps.clock.now();
  const today = chinaDate(now); // lots expire at the end of a Chinese calendar day
  const month = today.slice(0, 7);
  return commitWith(
    deps,
    idem,
    async (attempt) => {
      // First plan, the common case: one Query for the wallet's balance and lots, and the hold and its
      // account assumed new (ids come from idempotency keys). If either exists, or the key was used,
      // the commit's conditions refuse it (the idempotency record, the hold's attribute_not_exists,
      // the hold account at version 0) and the next plan reads each of them.
      const careful = attempt > 0;
      if (careful && (await deps.ledger.hold(a.hold_id)))
        throw new AppError('HOLD_ALREADY_FINAL', { details: { reason: 'hold id already used' } });
      const { state, lots } = attempt === 0 && walletRead ? await walletRead : await deps.ledger.walletWithLots(wallet);
      if (state.frozen) throw new AppError('WALLET_FROZEN');
      const known = new Map([[wallet, state]]);
      if (!careful) known.set(hacct, { account: hacct, balance_points: 0, version: 0, frozen: false });
      return planHold(deps, a, { wallet, hacct, today, month, now, lots, known }, attach);
    },
    { lookFirst: false },
  );
};

type HoldReads = {
  wallet: string;
  hacct: string;
  today: string;
  month: string;
  now: Date;
  lots: Lot[];
  known: Map<string, AccountState>;
};

const planHold = async (deps: LedgerDeps, a: HoldArgs, r: HoldReads, attach?: Attach): Promise<CommitPlan> => {
  const { wallet, hacct, today, month, now, lots } = r;
  const picked = pickLots(lots, a.amount_points, { today, subsidyAllowed: a.subsidy_allowed });
  if ('short_points' in picked) {
    const anyPoints = pickLots(lots, a.amount_points, { today, subsidyAllowed: true });
    throw new AppError(!a.subsidy_allowed && 'takes' in anyPoints ? 'CATEGORY_NOT_ALLOWED' : 'INSUFFICIENT_POINTS', {
      details: { short_points: picked.short_points },
    });
  }
  const byId = new Map(lots.map((l) => [l.lot_id, l]));
  const moves: Move[] = [
    { account: wallet, delta: -a.amount_points },
    { account: hacct, delta: a.amount_points },
  ];
  const lot_moves: LotMove[] = picked.takes.map((t) => ({
    wallet,
    lot_id: t.lot_id,
    expires_on: t.expires_on,
    delta_points: -t.amount_points,
  }));
  const h: Hold = {
    hold_id: a.hold_id,
    wallet,
    elder_id: a.elder_id,
    amount_points: a.amount_points,
    category: a.category,
    takes: picked.takes,
    status: 'open',
    expires_at: a.expires_at,
    month,
    category_counted: true,
    created_at: now.toISOString(),
    version: 1,
  };
  const entry = entryOf(deps, {
    entry_id: `hold:${a.hold_id}`,
    kind: 'hold',
    reason: a.reason,
    actor: a.actor,
    policy_version: null,
    ref: { hold_id: a.hold_id, elder_id: a.elder_id, category: a.category },
    moves,
    lot_moves,
  });
  return withAttach(
    {
      entry,
      balances: await balancesFor(deps, moves, new Set([wallet]), r.known),
      lots: picked.takes.map((t) => ({
        op: 'take' as const,
        wallet,
        lot_id: t.lot_id,
        expires_on: t.expires_on,
        amount_points: t.amount_points,
        expect_remaining: byId.get(t.lot_id)?.remaining_points ?? 0,
      })),
      hold: { next: h, expect_version: 0 },
      // Both counted even without a cap, so a cap added mid-month starts from the true spend.
      counters: [
        { key: { kind: 'spent_month', elder_id: a.elder_id, month }, delta: a.amount_points, max: a.per_month_max },
        {
          key: { kind: 'spent_month_category', elder_id: a.elder_id, month, category: a.category },
          delta: a.amount_points,
          max: a.per_category_month_max ?? null,
        },
      ],
    },
    attach,
  );
};

/** The monthly spend counters a hold raised, lowered by what it gives back. */
export const spentBack = (h: Hold, points: number): NonNullable<CommitPlan['counters']> => [
  { key: { kind: 'spent_month', elder_id: h.elder_id, month: h.month }, delta: -points, max: null },
  ...(h.category_counted
    ? [
        {
          key: { kind: 'spent_month_category' as const, elder_id: h.elder_id, month: h.month, category: h.category },
          delta: -points,
          max: null,
        },
      ]
    : []),
];

/** Gives lots back, latest-expiring first, for `amount` out of what a hold took. */
export const giveBack = (takes: Hold['takes'], amount: number) => {
  const out: { lot_id: string; expires_on: string; amount_points: number }[] = [];
  let left = amount;
  for (const t of [...takes].reverse()) {
    if (left === 0) break;
    const n = Math.min(t.amount_points, left);
    out.push({ lot_id: t.lot_id, expires_on: t.expires_on, amount_points: n });
    left -= n;
  }
  return out;
};

const restorePlan = async (
  deps: LedgerDeps,
  wallet: string,
  back: { lot_id: string; expires_on: string; amount_points: number }[],
  read?: Lot[], // the wallet's lots, when the caller read them with its balance
) => {
  if (back.length === 0) return []; // a full capture gives nothing back: no lots to read
  const lots = new Map((read ?? (await deps.ledger.lots(wallet))).map((l) => [l.lot_id, l]));
  return back.map((b) => {
    const l = lots.get(b.lot_id);
    if (!l) throw new Error(`lot ${b.lot_id} of ${wallet} is missing`);
    return {
      op: 'restore' as const,
      wallet,
      lot_id: b.lot_id,
      expires_on: b.expires_on,
      amount_points: b.amount_points,
      expect_remaining: l.remaining_points,
    };
  });
};

/** The open hold and the balances of `accounts` (its own account first), read in one BatchGet. */
const openHold = async (
  deps: LedgerDeps,
  hold_id: string,
  accounts: string[],
): Promise<{ h: Hold; known: Map<string, AccountState> }> => {
  const { hold: h, states } = await deps.ledger.holdWithAccounts(hold_id, accounts);
  if (!h) throw new AppError('HOLD_NOT_FOUND');
  if (h.status !== 'open') throw new AppError('HOLD_ALREADY_FINAL', { details: { status: h.status } });
  return { h, known: new Map(states.map((st) => [st.account, st])) };
};

/** Hold -> merchant receivable for `amount` (at most what is held); the rest goes back to the wallet. */
export const capture = (
  deps: LedgerDeps,
  a: {
    hold_id: string;
    amount_points: number;
    merchant_id: string;
    actor: string;
    reason: string;
    policy_version: number | null;
  },
  idem?: Idem,
  attach?: Attach,
): Promise<EntryResult> =>
  commitWith(deps, idem, async () => {
    const { h, known } = await openHold(deps, a.hold_id, [holdAccount(a.hold_id), merchantAccount(a.merchant_id)]);
    if (!Number.isSafeInteger(a.amount_points) || a.amount_points <= 0)
      throw new AppError('VALIDATION_FAILED', {
        fields: [{ path: 'amount_points', code: 'POSITIVE_INTEGER', message: 'amount must be a positive integer' }],
      });
    if (a.amount_points > h.amount_points)
      throw new AppError('CAPTURE_EXCEEDS_HOLD', { details: { held_points: h.amount_points } });
    const rest = h.amount_points - a.amount_points;
    // a partial capture (a cancel fee) gives the rest back: the wallet's balance and lots in one Query
    const wallet = rest > 0 ? await deps.ledger.walletWithLots(h.wallet) : null;
    if (wallet) known.set(h.wallet, wallet.state);
    const back = giveBack(h.takes, rest);
    const moves: Move[] = [
      { account: holdAccount(h.hold_id), delta: -h.amount_points },
      { account: merchantAccount(a.merchant_id), delta: a.amount_points },
    ];
    if (rest > 0) moves.push({ account: h.wallet, delta: rest });
    const lot_moves: LotMove[] = back.map((b) => ({
      wallet: h.wallet,
      lot_id: b.lot_id,
      expires_on: b.expires_on,
      delta_points: b.amount_points,
    }));
    const entry = entryOf(deps, {
      entry_id: `capture:${h.hold_id}`,
      kind: 'capture',
      reason: a.reason,
      actor: a.actor,
      policy_version: a.policy_version,
      ref: {
        hold_id: h.hold_id,
        elder_id: h.elder_id,
        merchant_id: a.merchant_id,
        captured_points: String(a.amount_points),
      },
      moves,
      lot_moves,
    });
    return withAttach(
      {
        entry,
        balances: await balancesFor(deps, moves, new Set(), known),
        lots: await restorePlan(deps, h.wallet, back, wallet?.lots),
        hold: { next: { ...h, status: 'captured', version: h.version + 1 }, expect_version: h.version },
        ...(rest > 0 ? { counters: spentBack(h, rest) } : {}),
      },
      attach,
    );
  });

/** Hold -> wallet in full (cancel, reject, or the hold's own expiry); lots restored exactly. */
/** `expired` is the hold's own time running out; `unanswered` is an order no merchant took in time. */
export const release = (
  deps: LedgerDeps,
  a: { hold_id: string; why: 'cancelled' | 'rejected' | 'unanswered' | 'expired'; actor: string },
  idem?: Idem,
  attach?: Attach,
): Promise<EntryResult> =>
  commitWith(deps, idem, async () => {
    const { h, known } = await openHold(deps, a.hold_id, [holdAccount(a.hold_id)]);
    if (a.why === 'expired' && h.expires_at > deps.clock.now().toISOString())
      throw new AppError('VALIDATION_FAILED', { details: { reason: 'hold has not expired yet' } });
    // the wallet's balance and the lots the points go back to: one Query
    const wallet = await deps.ledger.walletWithLots(h.wallet);
    known.set(h.wallet, wallet.state);
    const moves: Move[] = [
      { account: holdAccount(h.hold_id), delta: -h.amount_points },
      { account: h.wallet, delta: h.amount_points },
    ];
    const back = giveBack(h.takes, h.amount_points);
    const lot_moves: LotMove[] = back.map((b) => ({
      wallet: h.wallet,
      lot_id: b.lot_id,
      expires_on: b.expires_on,
      delta_points: b.amount_points,
    }));
    const entry = entryOf(deps, {
      entry_id: `release:${h.hold_id}`,
      kind: 'release',
      reason:
        a.why === 'expired'
          ? '冻结超时退回'
          : a.why === 'rejected'
            ? '商户拒单退回'
            : a.why === 'unanswered'
              ? '无商户接单退回'
              : '订单取消退回',
      actor: a.actor,
      policy_version: null,
      ref: { hold_id: h.hold_id, elder_id: h.elder_id, why: a.why },
      moves,
      lot_moves,
    });
    return withAttach(
      {
        entry,
        balances: await balancesFor(deps, moves, new Set(), known),
        lots: await restorePlan(deps, h.wallet, back, wallet.lots),
        hold: {
          next: { ...h, status: a.why === 'expired' ? 'expired' : 'released', version: h.version + 1 },
          expect_version: h.version,
        },
        counters: spentBack(h, h.amount_points),
      },
      attach,
    );
  });
