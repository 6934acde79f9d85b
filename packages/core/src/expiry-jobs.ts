// Daily jobs of the ledger: expire what is left in lots past their date, release holds whose
// time ran out, and tell elders 30 days ahead how many points will expire. Each is idempotent:
// a second run the same day finds nothing left to do.
import { expireWallet, release, type LedgerDeps } from './ledger/service';
import { AppError } from './errors';
import type { Notifier } from './ports';

// Look-back window. Besides a job that was down, it catches lots that a hold gave back after their
// expiry day: a hold lives until its slot (at most 14 days ahead) plus the completion window
// (hold_ttl_hours <= 14 days by policy), so 29 days covers both.
export const EXPIRY_CATCH_UP_DAYS = 29;
export const EXPIRY_NOTICE_DAYS = 30;

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Expires lots whose last day is before `today`, looking back EXPIRY_CATCH_UP_DAYS days. */
export const runLotExpiry = async (deps: LedgerDeps, today: string): Promise<{ wallets: number; entries: number }> => {
  const wallets = new Set<string>();
  for (let d = 1; d <= EXPIRY_CATCH_UP_DAYS; d++) {
    const day = addDays(today, -d);
    for (let s = 0; s < deps.ledger.expiryShards; s++) for (const l of await deps.ledger.lotsExpiringOn(day, s)) wallets.add(l.wallet);
  }
  let entries = 0;
  for (const w of wallets) {
    const r = await expireWallet(deps, w.slice('wallet:'.length), today);
    if (r && !r.replayed) entries++;
  }
  return { wallets: wallets.size, entries };
};

/** Settles one hold whose time ran out; 'noop' when something else settled it first. */
export type HoldExpirer = (hold_id: string) => Promise<'done' | 'noop'>;

/** The ledger alone: a hold's points go back. Orders pass their own expirer (order-service
 * `expireHold`), which also closes the order and gives its slot back in the same transaction. */
const releaseExpired = (deps: LedgerDeps): HoldExpirer => async (hold_id) => {
  try {
    await release(deps, { hold_id, why: 'expired', actor: 'system:hold-expiry' });
    return 'done';
  } catch (e) {
    if (e instanceof AppError && e.code === 'HOLD_ALREADY_FINAL') return 'noop'; // captured or released meanwhile
    throw e;
  }
};

/** Settles open holds whose expiry time has passed (an order nobody completed). */
export const runHoldExpiry = async (deps: LedgerDeps, now: Date, expire: HoldExpirer = releaseExpired(deps)): Promise<{ released: number }> => {
  const today = now.toISOString().slice(0, 10);
  let released = 0;
  for (let d = 0; d <= EXPIRY_CATCH_UP_DAYS; d++) {
    const day = addDays(today, -d);
    for (let s = 0; s < deps.ledger.expiryShards; s++) {
      for (const h of await deps.ledger.holdsExpiringOn(day, s)) {
        if (h.expires_at > now.toISOString()) continue;
        if ((await expire(h.hold_id)) === 'done') released++;
      }
    }
  }
  return { released };
};

export type ExpiryNoticeDeps = LedgerDeps & {
  notifier: Notifier;
  phoneOfElder: (elder_id: string) => Promise<string | null>;
  /** Marks (wallet, day) as told; false when already told, so a rerun sends nothing twice. */
  markNotified: (wallet: string, day: string) => Promise<boolean>;
};

/** Tells each elder whose points expire in 30 days how many, once. */
export const runExpiryNotices = async (deps: ExpiryNoticeDeps, today: string): Promise<{ notified: number }> => {
  const day = addDays(today, EXPIRY_NOTICE_DAYS);
  const byWallet = new Map<string, number>();
  for (let s = 0; s < deps.ledger.expiryShards; s++) {
    for (const l of await deps.ledger.lotsExpiringOn(day, s)) byWallet.set(l.wallet, (byWallet.get(l.wallet) ?? 0) + l.remaining_points);
  }
  let notified = 0;
  for (const [wallet, points] of byWallet) {
    const elder_id = wallet.slice('wallet:'.length);
    const phone = await deps.phoneOfElder(elder_id);
    if (!phone || !(await deps.markNotified(wallet, day))) continue;
    await deps.notifier.send({
      to_phone: phone, template: 'points_expiring', params: { points: String(points), day },
      text_zh: `【十分钟服务圈】您有 ${points} 积分将于 ${day} 过期，请尽快使用。`,
    });
    notified++;
  }
  return { notified };
};
