// Daily jobs of the ledger: expire what is left in lots past their date, release holds whose
// time ran out, and tell elders and their family how many points expire within 30 days. Each is idempotent:
// a second run the same day finds nothing left to do.
import { expireWallet, release, type LedgerDeps } from '../ledger/service';
import { AppError } from '../kernel/errors';
import type { Notifier } from '../notices/ports';

// Look-back window. Besides a job that was down, it catches lots that a hold gave back after their
// expiry day: a hold lives until its slot (at most 14 days ahead) plus the completion window
// (hold_ttl_hours <= 14 days by policy), so 29 days covers both.
export const EXPIRY_CATCH_UP_DAYS = 29;
export const EXPIRY_NOTICE_DAYS = 30;

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Expires lots whose last day is before `today`, looking back EXPIRY_CATCH_UP_DAYS days. */
export const runLotExpiry = async (deps: LedgerDeps, today: string): Promise<{ wallets: number; entries: number }> => {
  const wallets = new Set<string>();
  for (let d = 1; d <= EXPIRY_CATCH_UP_DAYS; d++) {
    const day = addDays(today, -d);
    for (let s = 0; s < deps.ledger.expiryShards; s++)
      for (const l of await deps.ledger.lotsExpiringOn(day, s)) wallets.add(l.wallet);
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
const releaseExpired =
  (deps: LedgerDeps): HoldExpirer =>
  async (hold_id) => {
    try {
      await release(deps, { hold_id, why: 'expired', actor: 'system:hold-expiry' });
      return 'done';
    } catch (e) {
      if (e instanceof AppError && e.code === 'HOLD_ALREADY_FINAL') return 'noop'; // captured or released meanwhile
      throw e;
    }
  };

/** Settles open holds whose expiry time has passed (an order nobody completed). */
export const runHoldExpiry = async (
  deps: LedgerDeps,
  now: Date,
  expire: HoldExpirer = releaseExpired(deps),
): Promise<{ released: number }> => {
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

/** Who hears that an elder's points expire: the elder (no phone: null) and bound family members.
 * null for an elder no longer in the scheme (nobody is told). */
export type ExpiryRecipients = {
  elder_phone: string | null;
  elder_name_masked: string;
  family: { family_id: string; phone: string }[];
};

export type ExpiryNoticeDeps = LedgerDeps & {
  notifier: Notifier;
  recipientsOf: (elder_id: string) => Promise<ExpiryRecipients | null>;
  /** Marks (wallet, day, recipient) as told; false when already told, so a rerun sends nothing twice.
   * `to` is 'elder' or the family member's id. */
  markNotified: (wallet: string, day: string, to: string) => Promise<boolean>;
};

/**
 * Tells each elder, and their bound family, how many points expire on each day within the next
 * EXPIRY_NOTICE_DAYS days, once per (wallet, day, person). The whole window is read on every run,
 * not only the day 30 days ahead, so a day the job did not run (or a family member bound since,
 * or lots credited inside the window) is caught up by the next run, and whoever is already told
 * is skipped by their marker.
 */
export const runExpiryNotices = async (deps: ExpiryNoticeDeps, today: string): Promise<{ notified: number }> => {
  let notified = 0;
  for (let d = 0; d <= EXPIRY_NOTICE_DAYS; d++) {
    const day = addDays(today, d);
    const byWallet = new Map<string, number>();
    for (let s = 0; s < deps.ledger.expiryShards; s++) {
      for (const l of await deps.ledger.lotsExpiringOn(day, s))
        byWallet.set(l.wallet, (byWallet.get(l.wallet) ?? 0) + l.remaining_points);
    }
    for (const [wallet, points] of byWallet) {
      if (points <= 0) continue;
      const who = await deps.recipientsOf(wallet.slice('wallet:'.length));
      if (!who) continue;
      const p = String(points);
      // A failed send is not retried (its marker is set): a warning is a courtesy, and a retry
      // loop here could text the same person every day. The notifier logs the failure by kind.
      if (who.elder_phone && (await deps.markNotified(wallet, day, 'elder'))) {
        await deps.notifier
          .send({
            to_phone: who.elder_phone,
            template: 'points_expiring',
            params: { points: p, day },
            text_zh: `【十分钟服务圈】您有 ${points} 积分将于 ${day} 过期，请尽快使用。`,
          })
          .catch(() => undefined);
        notified++;
      }
      for (const f of who.family) {
        if (!(await deps.markNotified(wallet, day, f.family_id))) continue;
        await deps.notifier
          .send({
            to_phone: f.phone,
            template: 'points_expiring_family',
            params: { elder_name_masked: who.elder_name_masked, points: p, day },
            text_zh: `【十分钟服务圈】您的家人${who.elder_name_masked}有 ${points} 积分将于 ${day} 过期，可帮老人预约服务用掉。`,
          })
          .catch(() => undefined);
        notified++;
      }
    }
  }
  return { notified };
};
