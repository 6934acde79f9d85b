// The anomaly rules, run by the streams function on each order that becomes completed (a ChangeReactor).
// Each rule that applies counts the order (or its elder, when the rule counts different elders) once
// under a counter named like the flag it may raise (rule + window + subject); when the count reaches
// the policy's threshold the flag is raised once. Counting is commutative and each mark counts once,
// so changes delivered twice, late or out of order give the same counters and the same flags.
import { chinaDate, chinaHour, chinaMidnightMs } from '../kernel/time';
import { isOpenAt, type ServiceInput } from '../merchants/model';
import type { AnomalyThresholds } from '../policy/model';
import type { ChangeReactor, SourceChange } from './model';
import type { FlagStore } from './flag-ports';
import { FLAG_ORDER_IDS_MAX, flagIdOf, streetOfCode, type Flag, type FlagRule } from './flags';

export type FlagReactorDeps = {
  flags: FlagStore;
  /** The thresholds of the policy in force on a China day (DEFAULT_ANOMALY when none is). */
  thresholdsOn: (day: string) => Promise<AnomalyThresholds>;
  merchant: (merchant_id: string) => Promise<{ business_name: string; community_code: string } | null>;
  service: (merchant_id: string, service_id: string) => Promise<Pick<ServiceInput, 'hours' | 'closed_dates'> | null>;
};

/** What the rules read of a completed order. */
export type CompletedOrder = {
  order_id: string;
  elder_id: string;
  merchant_id: string;
  service_id: string;
  completed_at: string;
  accepted_at: string | null;
  completed_with: 'code' | 'card_pin' | null;
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The order a change completed, or null when the change is not a completion: an order whose old image
 * was already completed was counted then (ratings, disputes). A change with no old image (the backfill,
 * or a stream that reports new images only) counts too: the marks make a second sight harmless. */
export const completedOrderOf = (c: SourceChange): CompletedOrder | null => {
  const n = c.new;
  if (!n || n.type !== 'order') return null;
  const completed_at = str(n.completed_at);
  if (completed_at === null || (c.old && str(c.old.completed_at) !== null)) return null;
  const [order_id, elder_id, merchant_id, service_id] = [n.order_id, n.elder_id, n.merchant_id, n.service_id].map(str);
  if (!order_id || !elder_id || !merchant_id || !service_id) return null;
  // orders accepted before accepted_at was recorded: the change before completion was the accept
  const prev = c.old?.change as { event?: unknown; at?: unknown } | undefined;
  const accepted_at = str(n.accepted_at) ?? (prev?.event === 'accept' ? str(prev.at) : null);
  const w = n.completed_with;
  return {
    order_id,
    elder_id,
    merchant_id,
    service_id,
    completed_at,
    accepted_at,
    completed_with: w === 'code' || w === 'card_pin' ? w : null,
  };
};

/** One rule's count for one order: where it counts, what it counts, and when it trips. */
type Count = {
  rule: FlagRule;
  window: string;
  elder_id: string | null;
  mark: string;
  threshold: number;
  limit: number | null;
  trips: (n: number) => boolean;
};

const HOUR_MS = 3_600_000;

/** The counts an order makes under the thresholds `th` (pure: the service's hours passed in). */
export const countsOf = (
  o: CompletedOrder,
  th: AnomalyThresholds,
  service: Pick<ServiceInput, 'hours' | 'closed_dates'> | null,
): Count[] => {
  const at = new Date(o.completed_at);
  const day = chinaDate(at);
  const month = day.slice(0, 7);
  const out: Count[] = [
    {
      rule: 'pair_often',
      window: month,
      elder_id: o.elder_id,
      mark: o.order_id,
      threshold: th.pair_month_orders_max,
      limit: null,
      trips: (n) => n > th.pair_month_orders_max,
    },
  ];
  const once = (rule: FlagRule, window: string, limit: number): Count => ({
    rule,
    window,
    elder_id: null,
    mark: o.order_id,
    threshold: 1, // each such order is worth a look; one flag per merchant and day gathers them
    limit,
    trips: (n) => n >= 1,
  });
  if (o.accepted_at !== null && at.getTime() - Date.parse(o.accepted_at) < th.fast_complete_seconds * 1000)
    out.push(once('fast_complete', day, th.fast_complete_seconds));
  if (o.completed_with === 'card_pin')
    out.push({
      rule: 'many_cards',
      window: `${day}T${String(chinaHour(at)).padStart(2, '0')}`,
      elder_id: null,
      mark: o.elder_id, // a card is its elder's: different cards = different elders
      threshold: th.cards_per_merchant_hour,
      limit: null,
      trips: (n) => n >= th.cards_per_merchant_hour,
    });
  // issuance is on the 1st (China time): "right after" is measured from the start of that day
  const sinceIssuance = at.getTime() - chinaMidnightMs(`${month}-01`);
  if (sinceIssuance < th.after_issuance_hours * HOUR_MS)
    out.push({
      rule: 'after_issuance',
      window: month,
      elder_id: null,
      mark: o.elder_id,
      threshold: th.after_issuance_elders,
      limit: th.after_issuance_hours,
      trips: (n) => n >= th.after_issuance_elders,
    });
  const grace = new Date(at.getTime() - th.closed_grace_minutes * 60_000);
  if (service && !isOpenAt(service, at) && !isOpenAt(service, grace))
    out.push(once('closed_hours', day, th.closed_grace_minutes));
  return out;
};

/** The reactor the streams function runs for anomaly flags. */
export const createFlagReactor = (deps: FlagReactorDeps): ChangeReactor => ({
  name: 'anomaly-flags',
  wants: (c) => completedOrderOf(c) !== null,
  async react(c) {
    const o = completedOrderOf(c);
    if (!o) return;
    const [th, service] = await Promise.all([
      deps.thresholdsOn(chinaDate(new Date(o.completed_at))),
      deps.service(o.merchant_id, o.service_id),
    ]);
    let merchant: Awaited<ReturnType<FlagReactorDeps['merchant']>> | undefined;
    for (const k of countsOf(o, th, service)) {
      const flag_id = flagIdOf(k.rule, k.window, o.merchant_id, k.elder_id);
      const n = await deps.flags.countOnce(flag_id, k.mark, o.order_id);
      if (!k.trips(n)) continue;
      merchant ??= await deps.merchant(o.merchant_id);
      const community_code = merchant?.community_code ?? null;
      const f: Flag = {
        flag_id,
        rule: k.rule,
        window: k.window,
        merchant_id: o.merchant_id,
        elder_id: k.elder_id,
        merchant_name: merchant?.business_name ?? o.merchant_id,
        community_code,
        street: streetOfCode(community_code),
        observed: n,
        threshold: k.threshold,
        limit: k.limit,
        order_ids: await deps.flags.ordersCounted(flag_id, FLAG_ORDER_IDS_MAX),
        status: 'open',
        reason: null,
        decided_by: null,
        decided_at: null,
        raised_at: o.completed_at,
        version: 1,
      };
      await deps.flags.raise(f);
    }
  },
});
