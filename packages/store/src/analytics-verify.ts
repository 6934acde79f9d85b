// Offline analytics tools (they Scan; no request path does): the backfill, which applies the facts of
// every source item as it is now (markers make flows safe to run twice and beside the stream; elders'
// registered stock is state kept per elder and moved to newer versions only, so it is safe too), and
// `analytics:verify`, which recomputes every counter from orders, ledger entries and elders with the
// same factsOf and compares with the stored counter items.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  activeTouchOf,
  elderCountOf,
  factsOf,
  insertOf,
  isSource,
  nonZero,
  type ElderDims,
} from '@tmc/core/analytics/facts';
import {
  activeCounters,
  monthPeriod,
  parseCounterName,
  scopesOf,
  STOCKS,
  TOTAL,
  type ActiveTouch,
  type Metric,
} from '@tmc/core/analytics/model';
import type { CounterStore } from '@tmc/core/analytics/ports';
import { countersReactor, runBatch } from '@tmc/core/analytics/stream';
import { counterKeys, createElderDims, updatesOf } from './entities/counters';
import { ledgerKeys } from './entities/ledger';
import type { Db } from './table';

export const SCAN_SEGMENTS = 4; // parallel Scan segments: an offline tool may use the table's spare capacity

/** Every item of the table, page by page, `segments` Scans in parallel. */
export const scanAll = async (
  db: Db,
  onPage: (items: Record<string, unknown>[]) => Promise<void>,
  segments = SCAN_SEGMENTS,
): Promise<void> => {
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, unknown> | undefined;
      do {
        const r = await db.doc.send(
          new ScanCommand({
            TableName: db.table,
            Segment: segment,
            TotalSegments: segments,
            ExclusiveStartKey: start,
            ConsistentRead: true,
          }),
        );
        await onPage(r.Items ?? []);
        start = r.LastEvaluatedKey;
      } while (start);
    }),
  );
};

/** Backfill: the facts of every order, entry and elder as they are now, applied once each to `counters`
 * (which may live in another table). Answers how many source items were seen. */
export const backfillCounters = async (source: Db, counters: CounterStore, segments = SCAN_SEGMENTS) => {
  const reactor = countersReactor({ counters, elders: createElderDims(source) });
  let seen = 0;
  await scanAll(
    source,
    async (items) => {
      const changes = items.filter(isSource).map(insertOf);
      seen += changes.length;
      const failed = await runBatch(changes, [reactor]);
      if (failed !== null) throw new Error(`backfill: change ${failed} of a page failed`);
    },
    segments,
  );
  return { seen };
};

export type AnalyticsReport = { ok: boolean; items: number; sources: number; problems: string[] };
const PROBLEMS_MAX = 200;

type Rows = Map<string, Record<string, number>>; // `${pk}|${sk}` -> counters
const bump = (rows: Rows, pk: string, sk: string, add: Record<string, number>) => {
  const k = `${pk}|${sk}`;
  const row = rows.get(k) ?? {};
  for (const [n, v] of Object.entries(add)) row[n] = (row[n] ?? 0) + v;
  rows.set(k, row);
};

/** The counters the source items imply: every fact of every item's current image, and each elder's
 * active bucket at its latest order day. Stocks' day and month deltas depend on history (a move is
 * -1 here, +1 there on its day), so only their 'T' totals are recomputable; flows are compared in full. */
export const expectedCounters = (items: Record<string, unknown>[], erased: Rows = new Map()): Rows => {
  const dims = new Map<string, ElderDims>();
  for (const it of items)
    if (it.type === 'elder')
      dims.set(String(it.elder_id), {
        community_code: String(it.community_code),
        birth_date: String(it.birth_date),
        care_level: (it.care_level as string | null) ?? null,
        special_categories: (it.special_categories as string[] | undefined) ?? [],
      });
  const lookup = (id: string) => dims.get(id) ?? null;
  const left = new Set(
    items.filter((it) => it.type === 'elder' && it.status === 'left').map((it) => String(it.elder_id)),
  );
  const rows: Rows = new Map();
  const latest = new Map<string, ActiveTouch>();
  for (const it of items) {
    if (!isSource(it)) continue;
    const c = insertOf(it);
    const wasErased = it.type === 'order' && left.has(String(it.elder_id));
    for (const f0 of factsOf(c, lookup)) {
      const f = nonZero(f0);
      if (!f) continue;
      for (const u of updatesOf(f)) {
        const pk = counterKeys.counterItem(u.scope, u.period).pk;
        bump(rows, pk, u.period, u.add);
        // how many of each metric's counts came from an order whose care and special were erased
        if (wasErased)
          bump(erased, pk, u.period, Object.fromEntries(Object.entries(u.add).filter(([n]) => !n.includes('|'))));
      }
    }
    // an elder's registered stock: its current version's (what the elder tracker converges on)
    const ec = elderCountOf(c);
    if (ec)
      for (const scope of scopesOf(ec.community_code))
        bump(rows, counterKeys.counterItem(scope, TOTAL).pk, TOTAL, ec.stock);
    const t = activeTouchOf(c, lookup);
    const was = t && latest.get(t.elder_id);
    if (t && (!was || was.day < t.day)) latest.set(t.elder_id, t);
  }
  for (const t of latest.values())
    for (const scope of scopesOf(t.community_code))
      bump(
        rows,
        counterKeys.counterItem(scope, TOTAL).pk,
        monthPeriod(t.day),
        Object.fromEntries(activeCounters(t).map((n) => [n, 1])),
      );
  return rows;
};

const comparable = (sk: string, name: string) =>
  sk === TOTAL
    ? STOCKS.has(parseCounterName(name).metric as Metric)
    : !STOCKS.has(parseCounterName(name).metric as Metric);

/** Dims that leaving the scheme erases from orders (PIPL art. 47): the counters keep what was counted. */
const ERASED_DIMS: ReadonlySet<string> = new Set(['care', 'special']);

/**
 * Differences between two sets of counter rows (missing = 0), over what is recomputable. `erased` holds, per
 * row and metric, how many counts came from orders of elders who left: their care and special were erased,
 * so those splits are checked as bounds only: each `special=` value and the sum of the `care=` values may
 * exceed the recomputed figure by at most that many (an elder counts once per value, in one care level).
 */
export const diffCounters = (expected: Rows, actual: Rows, all = false, erased: Rows = new Map()): string[] => {
  const out: string[] = [];
  for (const k of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(k) ?? {};
    const a = actual.get(k) ?? {};
    const gone = erased.get(k) ?? {};
    const careExtra = new Map<string, number>(); // metric -> the care splits' excess over the recomputed
    const sk = k.slice(k.indexOf('|') + 1); // pk (STAT#<scope>) holds no '|'
    for (const n of new Set([...Object.keys(e), ...Object.keys(a)])) {
      if (!all && !comparable(sk, n)) continue;
      const want = e[n] ?? 0;
      const found = a[n] ?? 0;
      const { metric, dim } = parseCounterName(n);
      const bound = dim !== null && ERASED_DIMS.has(dim) ? (gone[metric] ?? 0) : 0;
      if (bound > 0 && found >= want && found - want <= bound) {
        if (dim === 'care') careExtra.set(metric, (careExtra.get(metric) ?? 0) + found - want);
        continue;
      }
      if (want !== found) out.push(`${k} ${n}: expected ${want}, found ${found}`);
    }
    for (const [metric, extra] of careExtra)
      if (extra > (gone[metric] ?? 0))
        out.push(`${k} ${metric}|care=*: ${extra} more than recomputed, but only ${gone[metric]} counts were erased`);
  }
  return out.sort();
};

/** The STAT# items of a table as rows. */
export const counterRows = (items: Record<string, unknown>[]): Rows => {
  const rows: Rows = new Map();
  for (const it of items) {
    if (!counterKeys.isCounterItem(String(it.pk))) continue;
    const { pk, sk, ...counters } = it;
    rows.set(`${String(pk)}|${String(sk)}`, counters as Record<string, number>);
  }
  return rows;
};

/** Every elder's "as counted" tracker must be at its current version (else the stream is behind or lost a
 * change: its stock in the counters is an older version's). */
export const elderTrackerProblems = (source: Record<string, unknown>[], stored: Record<string, unknown>[]) => {
  const counted = new Map<string, number>();
  for (const it of stored)
    if (counterKeys.isElderCounted(String(it.pk))) counted.set(String(it.pk), Number(it.version));
  const out: string[] = [];
  for (const it of source) {
    if (it.type !== 'elder') continue;
    const { pk } = counterKeys.elderCounted(String(it.elder_id));
    const v = counted.get(pk);
    if (v !== Number(it.version))
      out.push(`${pk}: counted version ${v ?? 'none'}, the elder is at ${String(it.version)}`);
  }
  return out.sort();
};

/** analytics:verify: counters in `countersDb` (default: the source table) against the source items. */
export const verifyAnalytics = async (source: Db, countersDb: Db = source): Promise<AnalyticsReport> => {
  const items: Record<string, unknown>[] = [];
  await scanAll(source, async (page) => void items.push(...page));
  const stored: Record<string, unknown>[] = [];
  if (countersDb === source) stored.push(...items);
  else await scanAll(countersDb, async (page) => void stored.push(...page));
  const actual = counterRows(stored);
  const erased: Rows = new Map();
  const problems = diffCounters(expectedCounters(items, erased), actual, false, erased);
  problems.push(...elderTrackerProblems(items, stored));
  // the bureau's liability: the counters' outstanding points against the ledger's elder balances
  let ledger = 0;
  for (const it of items) {
    if (!ledgerKeys.isBalance({ pk: String(it.pk), sk: String(it.sk) })) continue;
    const acct = ledgerKeys.accountOf(String(it.pk));
    if (acct.startsWith('wallet:') || acct.startsWith('hold:')) ledger += Number(it.balance ?? 0);
  }
  const outstanding = actual.get(`STAT#all|${TOTAL}`)?.['points.outstanding'] ?? 0;
  if (outstanding !== ledger)
    problems.push(`points.outstanding in STAT#all T is ${outstanding}, the ledger's wallets and holds hold ${ledger}`);
  return {
    ok: problems.length === 0,
    items: actual.size,
    sources: items.filter(isSource).length,
    problems: problems.slice(0, PROBLEMS_MAX),
  };
};
