// Booking helpers the elder, family and merchant pages share: where an elder's circle starts,
// the 帮我找 ranking, the points summary, the one-time key a booking form carries, and times in
// China. Written here rather than imported from the API routes, which export no helpers.
import { findOffers } from '@tmc/core/search/find-for-me';
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { chinaWallClock } from '@tmc/core/kernel/time';
import { randomId, sha256 } from '@tmc/core/kernel/secrets';
import { walletAccount } from '@tmc/core/ledger/accounts';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { FIND_OFFERS_MAX } from '@tmc/core/orders/state';
import { searchServices, type SearchHit } from '@tmc/core/search/search';
import type { Idem } from '@tmc/core/ledger/service';
import type { LatLng } from '@tmc/core/areas/model';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Policy } from '@tmc/core/policy/model';
import type { Deps } from '@tmc/app/public';

/** The circle starts at home, or at the community's centre for an elder without coordinates. */
export const elderOrigin = async (deps: Pick<Deps, 'areas'>, e: ElderRecord): Promise<LatLng> => {
  const origin = e.location ?? (await deps.areas.get(e.community_code))?.centroid;
  if (!origin) throw new AppError('AREA_NOT_FOUND');
  return origin;
};

export const SEARCH_PAGE_MAX = 20; // a phone screen reads a handful; twenty is already a long scroll
const FIND_SEARCH_MAX = 50; // 帮我找 ranks from the same window POST /api/orders/find reads

/** Services of a category around the elder's home, in the policy's circle (or `minutes` wide). */
export const servicesNear = async (
  deps: Deps,
  policy: Policy,
  origin: LatLng,
  category: string,
  opts: { minutes?: number; limit?: number; offset?: number } = {},
) =>
  searchServices(deps.merchants, {
    category,
    origin,
    now: deps.clock.now(),
    limit: opts.limit ?? SEARCH_PAGE_MAX,
    offset: opts.offset ?? 0,
    walking: { ...policy.circle, minutes: opts.minutes ?? policy.circle.minutes },
  });

/** 帮我找's candidates, ranked by the same core function POST /api/orders/find uses. */
export const rankForFind = (items: readonly SearchHit[]): SearchHit[] => findOffers(items, FIND_OFFERS_MAX);

export const findCandidates = async (deps: Deps, policy: Policy, origin: LatLng, category: string) => {
  const r = await servicesNear(deps, policy, origin, category, { limit: FIND_SEARCH_MAX });
  return { ranked: rankForFind(r.items), nearest: r.items.slice(0, 5) };
};

export type PointsSummary = {
  balance_points: number;
  frozen: boolean;
  soonest: { expires_on: string; points: number } | null;
};

/** Balance and the soonest-expiring points (as GET /api/elders/:id/points works them out). */
export const pointsSummary = async (deps: Pick<Deps, 'ledger'>, elder_id: string): Promise<PointsSummary> => {
  const w = walletAccount(elder_id);
  const [acct, lots] = await Promise.all([deps.ledger.account(w), deps.ledger.lots(w)]);
  const expiring = new Map<string, number>();
  for (const l of lots) {
    if (l.remaining_points > 0 && l.expires_on !== NEVER_EXPIRES)
      expiring.set(l.expires_on, (expiring.get(l.expires_on) ?? 0) + l.remaining_points);
  }
  const first = [...expiring].sort(([a], [b]) => a.localeCompare(b))[0];
  return {
    balance_points: acct.balance_points,
    frozen: acct.frozen,
    soonest: first ? { expires_on: first[0], points: first[1] } : null,
  };
};

// A booking form's key. It is minted when the confirm screen is rendered and rides in a hidden
// field, so the browser holds it and sends the same key again on a double tap or a resubmit after
// a dropped connection: the server only ever sees the client's key on the POST, never invents one
// there, and the order, whose id is derived from the key and which carries the request's fingerprint,
// turns every repeat of the same screen into the same order. A new screen is a new key; pages are
// no-store, so going back to the confirm screen renders it anew (checked in Chromium: a new order).
export const FormKey = z.string().check(z.regex(/^k_[A-Za-z0-9]{12,40}$/));
export const newFormKey = (): string => randomId('k');

/** Scoped to whoever is signed in; the hash covers what the form asks for, so a key replayed
 * with other fields is refused (IDEMPOTENCY_KEY_REUSED) rather than booking something else. */
export const formIdem = (scope: string, key: string, what: Record<string, string | null>): Idem => ({
  scope,
  key,
  request_hash: sha256(`page ${JSON.stringify(Object.entries(what).sort(([a], [b]) => a.localeCompare(b)))}`),
});

const WEEKDAY_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;

/** "11月23日 周一 10:00" in China time, for slots and order times: the weekday is how many
 * elders keep track of appointments. */
export const chinaDateTime = (iso: string): string => {
  const d = chinaWallClock(iso);
  return (
    `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${WEEKDAY_ZH[d.getUTCDay()] ?? ''} ` +
    `${d.toISOString().slice(11, 16)}`
  );
};

const WEEKDAY_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTH_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "Mon 23 Nov" for a China calendar day, for English pages. */
export const chinaDayLabelEn = (date: string): string => {
  const d = new Date(`${date}T00:00:00Z`);
  return `${WEEKDAY_EN[d.getUTCDay()] ?? ''} ${d.getUTCDate()} ${MONTH_EN[d.getUTCMonth()] ?? ''}`;
};

/** "Mon 23 Nov 10:00" in China time, for English pages. */
export const chinaDateTimeEn = (iso: string): string => {
  const d = chinaWallClock(iso);
  return `${chinaDayLabelEn(d.toISOString().slice(0, 10))} ${d.toISOString().slice(11, 16)}`;
};

/** The China calendar day ("2026-11-23") of an instant. */
export const chinaDateOf = (iso: string): string => chinaWallClock(iso).toISOString().slice(0, 10);

/** "10:00" in China time. */
export const chinaTime = (iso: string): string => chinaWallClock(iso).toISOString().slice(11, 16);

/** "11月23日 周一" for a China calendar day: the weekday is how elders tell days apart. */
export const chinaDayLabel = (date: string): string => {
  const d = new Date(`${date}T00:00:00Z`);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${WEEKDAY_ZH[d.getUTCDay()] ?? ''}`;
};

/** "12月31日" for an expiry date (a China calendar date already). */
export const chinaDay = (date: string): string => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

/** "273 米" or "1.3 公里". */
export const distanceZh = (m: number): string =>
  m < 1000 ? `${m} 米` : `${(Math.round(m / 100) / 10).toFixed(1)} 公里`;
