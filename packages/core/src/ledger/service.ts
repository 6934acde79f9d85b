// Ledger operations. Each one reads the state it needs, plans one balanced entry with every
// condition that makes it safe, and commits it atomically. A commit that loses a race is
// re-planned from fresh state (bounded); a retried request with the same idempotency key gets
// the first result back; nothing is ever updated in place except balances, lots and holds under
// conditions.
import { AppError } from '../kernel/errors';
import type { AuditEvent } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import { chinaDate } from '../kernel/time';
import { holdAccount, isFloored, merchantAccount, walletAccount, systemAccount, type SystemKind } from './accounts';
import {
  assertBalanced,
  isReversible,
  REVERSIBILITY,
  type EntryKind,
  type JournalEntry,
  type LotMove,
  type Posting,
} from './entry';
import { NEVER_EXPIRES, pickLots, type Lot, type LotSource } from './lots';
import { CommitRejected, type CommitPlan, type CounterKey, type Hold, type LedgerStore } from './ports';

// re-plans after a lost race; 50 concurrent spends on one wallet settle well within it
export const LEDGER_RETRIES = 12;
export const IDEMPOTENCY_TTL_S = 7 * 24 * 3600; // keys live a week (the issue asks at least 24 h)
const RETRY_BASE_MS = 5;

export type LedgerDeps = { ledger: LedgerStore; clock: Clock };

export type Idem = { scope: string; key: string; request_hash: string };

export type EntryResult = { entry_id: string; replayed: boolean };

/** Writes that must move together with the points (an order's state, a slot's count). Rebuilt on
 * every re-plan, from fresh reads, like the rest of the plan. */
export type Attach = () => Promise<
  Pick<CommitPlan, 'order' | 'audit'> & { counters?: NonNullable<CommitPlan['counters']> }
>;

const withAttach = async (p: CommitPlan, attach?: Attach): Promise<CommitPlan> => {
  if (!attach) return p;
  const a = await attach();
  return {
    ...p,
    ...(a.order ? { order: a.order } : {}),
    ...(a.audit ? { audit: a.audit } : {}),
    counters: [...(p.counters ?? []), ...(a.counters ?? [])],
  };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class StaleRead extends Error {
  constructor(account: string) {
    super(`stale read of ${account}`);
    this.name = 'StaleRead';
  }
}

/** The first result of this idempotency key, if it already committed: a request that raced its own
 * retry (the same key) gets that answer, whatever its own plan or commit ran into meanwhile. */
const priorResult = async (deps: LedgerDeps, idem: Idem | undefined): Promise<EntryResult | null> => {
  if (!idem) return null;
  const prior = await deps.ledger.idempotency(idem.scope, idem.key);
  return prior ? replay(prior, idem) : null;
};

/** Runs `plan` until it commits, re-planning on lost races; maps the rest to stable codes. */
const commitWith = async (
  deps: LedgerDeps,
  idem: Idem | undefined,
  plan: () => Promise<CommitPlan>,
): Promise<EntryResult> => {
  const first = await priorResult(deps, idem);
  if (first) return first;
  for (let attempt = 0; ; attempt++) {
    let p: CommitPlan;
    try {
      p = await plan();
    } catch (e) {
      // A twin with our key may have committed between our first look and this plan (which then
      // sees its hold or its reversal and refuses): the twin's result is our answer.
      if (e instanceof AppError) {
        const twin = await priorResult(deps, idem);
        if (twin) return twin;
        throw e;
      }
      // The plan read a mix of before and after a concurrent commit (separate GetItems are each
      // read-committed, not a snapshot): read again, and the fresh state gives the real answer.
      if (!(e instanceof StaleRead) || attempt >= LEDGER_RETRIES)
        throw e instanceof StaleRead ? new AppError('CONFLICT') : e;
      await sleep(RETRY_BASE_MS * (1 + attempt) * (0.5 + Math.random()));
      continue;
    }
    assertBalanced(p.entry);
    if (idem)
      p.idempotency = { ...idem, result: JSON.stringify({ entry_id: p.entry.entry_id }), ttl_s: IDEMPOTENCY_TTL_S };
    try {
      await deps.ledger.commit(p);
      return { entry_id: p.entry.entry_id, replayed: false };
    } catch (e) {
      if (!(e instanceof CommitRejected)) throw e;
      // Whichever item the store names first (the entry, a balance, the marker), a twin with our
      // key that committed is the one answer: its result, replayed.
      const twin = await priorResult(deps, idem);
      if (twin) return twin;
      if (e.part === 'counter') throw new AppError('CAP_EXCEEDED');
      if (e.part === 'slot') throw new AppError('SLOT_FULL');
      // A reversal's entry id is deterministic too: its entry or its marker taken = reversed by another caller.
      if (e.part === 'reversal' || (e.part === 'entry' && p.reverses)) throw alreadyReversed(p.reverses ?? '');
      if (e.part === 'entry') return { entry_id: p.entry.entry_id, replayed: true }; // deterministic id already written
      if (attempt >= LEDGER_RETRIES) throw new AppError('CONFLICT', { cause: e });
      await sleep(RETRY_BASE_MS * (1 + attempt) * (0.5 + Math.random()));
    }
  }
};

const replay = (prior: { request_hash: string; result: string }, idem: Idem): EntryResult => {
  if (prior.request_hash !== idem.request_hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  const r = JSON.parse(prior.result) as { entry_id: string };
  return { entry_id: r.entry_id, replayed: true };
};

type Move = { account: string; delta: number };

/** Balance lines for the plan: floored accounts are versioned from the state just read. */
const balancesFor = async (
  deps: LedgerDeps,
  moves: Move[],
  spendFrom: Set<string>,
): Promise<CommitPlan['balances']> => {
  const out: CommitPlan['balances'] = [];
  for (const m of moves) {
    if (!isFloored(m.account)) {
      out.push({
        account: m.account,
        delta_points: m.delta,
        expect_version: null,
        balance_after: null,
        require_not_frozen: false,
      });
      continue;
    }
    const s = await deps.ledger.account(m.account);
    if (m.delta < 0 && spendFrom.has(m.account) && s.frozen) throw new AppError('WALLET_FROZEN');
    // A hold account always holds exactly its hold's amount, so a shortfall there means the hold was
    // settled between our reads (the hold item was read before that commit, the balance after).
    if (s.balance_points + m.delta < 0 && m.account.startsWith(holdAccount(''))) throw new StaleRead(m.account);
    if (s.balance_points + m.delta < 0)
      throw new AppError('INSUFFICIENT_POINTS', { details: { balance_points: s.balance_points } });
    out.push({
      account: m.account,
      delta_points: m.delta,
      expect_version: s.version,
      balance_after: s.balance_points + m.delta,
      require_not_frozen: spendFrom.has(m.account),
    });
  }
  return out;
};

const entryOf = (
  deps: LedgerDeps,
  e: Omit<JournalEntry, 'created_at' | 'postings'> & { moves: Move[] },
): JournalEntry => ({
  entry_id: e.entry_id,
  kind: e.kind,
  reason: e.reason,
  actor: e.actor,
  created_at: deps.clock.now().toISOString(),
  postings: e.moves.map((m): Posting => ({ account: m.account, amount_points: m.delta })),
  policy_version: e.policy_version,
  ref: e.ref,
  lot_moves: e.lot_moves,
});

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
    };
  });
};

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

/** Moves points from the wallet to a per-order hold, taking soonest-expiring eligible lots. */
export const hold = (deps: LedgerDeps, a: HoldArgs, idem?: Idem, attach?: Attach): Promise<EntryResult> => {
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
  return commitWith(deps, idem, async () => {
    if (await deps.ledger.hold(a.hold_id))
      throw new AppError('HOLD_ALREADY_FINAL', { details: { reason: 'hold id already used' } });
    const state = await deps.ledger.account(wallet);
    if (state.frozen) throw new AppError('WALLET_FROZEN');
    const lots = await deps.ledger.lots(wallet);
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
        balances: await balancesFor(deps, moves, new Set([wallet])),
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
  });
};

/** The monthly spend counters a hold raised, lowered by what it gives back. */
const spentBack = (h: Hold, points: number): NonNullable<CommitPlan['counters']> => [
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
const giveBack = (takes: Hold['takes'], amount: number) => {
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
) => {
  const lots = new Map((await deps.ledger.lots(wallet)).map((l) => [l.lot_id, l]));
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

const openHold = async (deps: LedgerDeps, hold_id: string): Promise<Hold> => {
  const h = await deps.ledger.hold(hold_id);
  if (!h) throw new AppError('HOLD_NOT_FOUND');
  if (h.status !== 'open') throw new AppError('HOLD_ALREADY_FINAL', { details: { status: h.status } });
  return h;
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
    const h = await openHold(deps, a.hold_id);
    if (!Number.isSafeInteger(a.amount_points) || a.amount_points <= 0)
      throw new AppError('VALIDATION_FAILED', {
        fields: [{ path: 'amount_points', code: 'POSITIVE_INTEGER', message: 'amount must be a positive integer' }],
      });
    if (a.amount_points > h.amount_points)
      throw new AppError('CAPTURE_EXCEEDS_HOLD', { details: { held_points: h.amount_points } });
    const rest = h.amount_points - a.amount_points;
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
        balances: await balancesFor(deps, moves, new Set()),
        lots: await restorePlan(deps, h.wallet, back),
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
    const h = await openHold(deps, a.hold_id);
    if (a.why === 'expired' && h.expires_at > deps.clock.now().toISOString())
      throw new AppError('VALIDATION_FAILED', { details: { reason: 'hold has not expired yet' } });
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
        balances: await balancesFor(deps, moves, new Set()),
        lots: await restorePlan(deps, h.wallet, back),
        hold: {
          next: { ...h, status: a.why === 'expired' ? 'expired' : 'released', version: h.version + 1 },
          expect_version: h.version,
        },
        counters: spentBack(h, h.amount_points),
      },
      attach,
    );
  });

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

export const reversalEntryId = (entry_id: string) => `reversal:${entry_id}`;

/** 409 with the current state: which entry reversed it. */
const alreadyReversed = (entry_id: string): AppError =>
  new AppError('ALREADY_REVERSED', { details: { entry_id, reversed_by: reversalEntryId(entry_id) } });

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

export const setWalletFrozen = async (deps: LedgerDeps, elder_id: string, frozen: boolean): Promise<void> => {
  const s = await deps.ledger.account(walletAccount(elder_id));
  await deps.ledger.setFrozen(walletAccount(elder_id), frozen, s.version);
};

export { NEVER_EXPIRES };
