// Analytics counters (issue 11): one item per scope and period holding that scope's counters as
// number attributes, and one marker per applied fact, so a fact delivered twice is applied once.
// Markers are kept for good (no TTL): the stream redelivers within a day, but the backfill and a
// replayed DLQ batch can bring any old fact again, and a fact whose marker had expired would count
// twice. They are small (two short strings) and one per source milestone.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  activeCounters,
  dayPeriod,
  itemPeriodOf,
  monthPeriod,
  parseCounterName,
  scopesOf,
  STOCKS,
  TOTAL,
  type ActiveTouch,
  type CounterRow,
  type ElderCount,
  type Fact,
  type Metric,
  type Period,
  type Scope,
} from '@tmc/core/analytics/model';
import type { CounterStore, ElderDimsPort } from '@tmc/core/analytics/ports';
import { nonZero, type ElderDims } from '@tmc/core/analytics/facts';
import type { AccessPattern } from '../access-pattern';
import { batchGet } from '../batch-get';
import { backoff, type TxItem } from '../tx';
import type { Db } from '../table';
import { elderKeys } from './elders';

export const counterKeys = {
  counterItem: (scope: Scope, period: Period) => ({ pk: `STAT#${scope}`, sk: period }),
  isCounterItem: (pk: string) => pk.startsWith('STAT#'),
  scopeOfCounterPk: (pk: string) => pk.slice('STAT#'.length) as Scope,
  appliedFact: (factId: string) => ({ pk: `FACT#${factId}`, sk: 'APPLIED' }),
  isAppliedFact: (pk: string) => pk.startsWith('FACT#'),
  activeTracker: (elderId: string) => ({ pk: `ACTIVE#${elderId}`, sk: 'LAST' }),
  isActiveTracker: (pk: string) => pk.startsWith('ACTIVE#'),
  elderCounted: (elderId: string) => ({ pk: `ELDER_COUNTED#${elderId}`, sk: 'STOCK' }),
  isElderCounted: (pk: string) => pk.startsWith('ELDER_COUNTED#'),
} as const;

export const counterPatterns = (): AccessPattern[] => [
  {
    name: 'countersOfScope',
    index: 'table',
    operation: ['GetItem', 'BatchGetItem'],
    pk: 'STAT#{all|street:<code>|community:<code>}',
    sk: 'D#{yyyy-mm-dd} | M#{yyyy-mm} | T | D#{yyyy-mm-dd}#m{bucket} | M#{yyyy-mm}#m{bucket}',
    used_by: 'analytics dashboard (read), streams function and backfill (ADD)',
    about: 'counters as number attributes named metric or metric|dim=value; |m= counters in 64 bucket items',
  },
  {
    name: 'appliedFact',
    index: 'table',
    operation: ['TransactWriteItems'],
    pk: 'FACT#{fact_id}',
    sk: 'APPLIED',
    used_by: 'streams function and backfill',
    about: 'attribute_not_exists in the same transaction as the counter updates: a fact counts once; kept (no TTL)',
  },
  {
    name: 'activeTracker',
    index: 'table',
    operation: ['GetItem', 'TransactWriteItems'],
    pk: 'ACTIVE#{elder_id}',
    sk: 'LAST',
    used_by: 'streams function and backfill (active elders)',
    about: "the elder's last order day and the bucket it counts in; moved forward only (conditional on the day read)",
  },
  {
    name: 'elderCounted',
    index: 'table',
    operation: ['GetItem', 'TransactWriteItems'],
    pk: 'ELDER_COUNTED#{elder_id}',
    sk: 'STOCK',
    used_by: 'streams function and backfill (registered elders); analytics:verify',
    about: "the elder's version, community and registered-stock counters as last counted; moved to newer versions only",
  },
];

// A transaction that touches a hot counter item (the city's day) conflicts with a concurrent one; it
// is retried with backoff. Past this many tries the caller (the stream) retries the record later.
const APPLY_TRIES_MAX = 8;
const APPLY_BACKOFF_MS = 10;

/** The UpdateItem of one counter item adding `add` (names as attributes; '|', '.', '=' need #names). */
const addTo = (db: Db, scope: Scope, period: Period, add: Record<string, number>): TxItem => {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts = Object.entries(add).map(([name, n], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = n;
    return `#c${i} :c${i}`;
  });
  return {
    Update: {
      TableName: db.table,
      Key: counterKeys.counterItem(scope, period),
      UpdateExpression: `ADD ${parts.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

const isStock = (name: string) => STOCKS.has(parseCounterName(name).metric as Metric);

/** The counter items a fact touches and what each gets: day and month for all; 'T' for stocks; per-merchant
 * counters (dim 'm') in their day's and month's merchant bucket item instead (model.ts MERCHANT_BUCKETS). */
export const updatesOf = (f: Fact): { scope: Scope; period: Period; add: Record<string, number> }[] => {
  const items = new Map<string, { scope: Scope; period: Period; add: Record<string, number> }>();
  for (const scope of scopesOf(f.community_code))
    for (const [name, n] of Object.entries(f.add))
      for (const base of [dayPeriod(f.day), monthPeriod(f.day), ...(isStock(name) ? [TOTAL] : [])]) {
        const period = itemPeriodOf(name, base);
        const k = `${scope}|${period}`;
        const u = items.get(k) ?? items.set(k, { scope, period, add: {} }).get(k)!;
        u.add[name] = (u.add[name] ?? 0) + n;
      }
  return [...items.values()];
};

type Cancelled = 'condition' | 'conflict' | null;
const cancelledBy = (e: unknown): Cancelled => {
  if (!(e instanceof TransactionCanceledException)) return null;
  const reasons = e.CancellationReasons ?? [];
  if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return 'condition';
  if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'conflict';
  return null;
};

/** Runs a transaction, retrying conflicts; answers false when a condition failed. */
const tryTx = async (db: Db, items: TxItem[]): Promise<boolean> => {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (e) {
      const why = cancelledBy(e);
      if (why === 'condition') return false;
      if (why !== 'conflict' || attempt + 1 >= APPLY_TRIES_MAX) throw e;
      await backoff(APPLY_BACKOFF_MS, attempt);
    }
  }
};

type Tracker = { last_day: string; community_code: string; age: string; care: string | null; special: string[] };

/** Leaving the scheme: the tracker keeps its day, community and age band, loses care and special; the buckets
 * those counted in get -1 (the bucket of the day and the age band is untouched). Conditional on the tracker
 * as read, retried on a rival touch. */
export const eraseActiveDims = async (db: Db, elder_id: string): Promise<boolean> => {
  const key = counterKeys.activeTracker(elder_id);
  for (let attempt = 0; attempt < APPLY_TRIES_MAX; attempt++) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
    const prev = r.Item as (Tracker & Record<string, unknown>) | undefined;
    if (!prev || (prev.care === null && (prev.special ?? []).length === 0)) return false;
    const dims = { day: prev.last_day, age: prev.age as ActiveTouch['age'] };
    const kept = new Set(activeCounters({ ...dims, care: null, special: [] }));
    const gone = activeCounters({ ...dims, care: prev.care, special: prev.special ?? [] }).filter((n) => !kept.has(n));
    const items: TxItem[] = [
      {
        Put: {
          TableName: db.table,
          Item: {
            ...key,
            last_day: prev.last_day,
            community_code: prev.community_code,
            age: prev.age,
            care: null,
            special: [],
          },
          ConditionExpression: 'last_day = :p',
          ExpressionAttributeValues: { ':p': prev.last_day },
        },
      },
      ...scopesOf(prev.community_code).map((scope) =>
        addTo(db, scope, monthPeriod(prev.last_day), Object.fromEntries(gone.map((n) => [n, -1]))),
      ),
    ];
    if (await tryTx(db, items)) return true;
  }
  throw new Error(`active tracker of ${elder_id}: too many rival updates`);
};

/** What was last counted for an elder (countElder). The stock's names carry the counter dims (age band at
 * registration, care value, special category) only while the elder is in the scheme: a left elder's stock
 * is {} (facts.ts elderStock), so leaving the scheme leaves no health data here (H3/PIPL). */
type ElderCounted = { version: number; community_code: string; stock: Record<string, number> };

/** Moves an elder's registered stock from what was last counted to `e` when `e` is a newer version: the
 * tracker's Put (conditional on the version read, or on its absence) and -old/+new in one transaction. An
 * equal or older version (a duplicate, the stream after the backfill, a replayed DLQ batch) does nothing. */
const countElder = async (db: Db, e: ElderCount): Promise<boolean> => {
  const key = counterKeys.elderCounted(e.elder_id);
  for (let attempt = 0; attempt < APPLY_TRIES_MAX; attempt++) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
    const prev = r.Item as ElderCounted | undefined;
    if (prev && prev.version >= e.version) return false;
    const items: TxItem[] = [
      {
        Put: {
          TableName: db.table,
          Item: { ...key, version: e.version, community_code: e.community_code, stock: e.stock },
          ...(prev
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': prev.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
    ];
    // -old and +new share items ('all', and every scope when the elder did not move): one Update per item
    const moves = new Map<string, { scope: Scope; period: Period; add: Record<string, number> }>();
    // the stock is kept in 'T' only (what the dashboard reads): day and month deltas of a stock would record
    // which version was counted first, and backfill and stream must leave the same items in any order
    const move = (community_code: string, stock: Record<string, number>, sign: number) => {
      for (const scope of scopesOf(community_code)) {
        let m = moves.get(scope);
        if (!m) moves.set(scope, (m = { scope, period: TOTAL, add: {} }));
        for (const [name, n] of Object.entries(stock)) m.add[name] = (m.add[name] ?? 0) + sign * n;
      }
    };
    if (prev) move(prev.community_code, prev.stock ?? {}, -1);
    move(e.community_code, e.stock, 1);
    for (const m of moves.values()) {
      const add = Object.fromEntries(Object.entries(m.add).filter(([, n]) => n !== 0));
      if (Object.keys(add).length) items.push(addTo(db, m.scope, m.period, add));
    }
    if (await tryTx(db, items)) return true;
    // another version was counted between our read and write: read again
  }
  throw new Error(`elder tracker of ${e.elder_id}: too many rival updates`);
};

/** Counters written to `db`, which need not be the table the facts came from (replay tests, benches). */
export const createCounterStore = (db: Db): CounterStore => ({
  async read(wanted) {
    const items = await batchGet(
      db,
      wanted.map((w) => counterKeys.counterItem(w.scope, w.period)),
    );
    return items.map((it): CounterRow => {
      const { pk, sk, ...counters } = it;
      return {
        scope: counterKeys.scopeOfCounterPk(String(pk)),
        period: String(sk) as Period,
        counters: counters as Record<string, number>,
      };
    });
  },

  async apply(fact) {
    const f = nonZero(fact);
    if (!f) return false; // nothing to count: no marker either
    const marker: TxItem = {
      Put: {
        TableName: db.table,
        Item: { ...counterKeys.appliedFact(f.id), day: f.day },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    // the marker is item 0: its condition failing is the only condition in the transaction
    return tryTx(db, [marker, ...updatesOf(f).map((u) => addTo(db, u.scope, u.period, u.add))]);
  },

  async touchActive(t: ActiveTouch) {
    const key = counterKeys.activeTracker(t.elder_id);
    for (let attempt = 0; attempt < APPLY_TRIES_MAX; attempt++) {
      const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
      const prev = r.Item as (Tracker & Record<string, unknown>) | undefined;
      if (prev && prev.last_day >= t.day) return false; // max semantics: an older order moves nothing
      const next: Tracker = {
        last_day: t.day,
        community_code: t.community_code,
        age: t.age,
        care: t.care,
        special: t.special,
      };
      const items: TxItem[] = [
        {
          Put: {
            TableName: db.table,
            Item: { ...key, ...next },
            ...(prev
              ? { ConditionExpression: 'last_day = :p', ExpressionAttributeValues: { ':p': prev.last_day } }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        },
      ];
      // the old bucket's -1 and the new one's +1 often fall in the same month item: one Update per item
      // (a transaction may not touch an item twice)
      const moves = new Map<string, { scope: Scope; period: Period; add: Record<string, number> }>();
      const bucket = (tr: Tracker, n: number) => {
        const names = activeCounters({
          day: tr.last_day,
          age: tr.age as ActiveTouch['age'],
          care: tr.care,
          special: tr.special,
        });
        for (const scope of scopesOf(tr.community_code)) {
          const period = monthPeriod(tr.last_day);
          const m = moves.get(`${scope}|${period}`) ?? { scope, period, add: {} };
          for (const c of names) m.add[c] = (m.add[c] ?? 0) + n;
          moves.set(`${scope}|${period}`, m);
        }
      };
      if (prev) bucket(prev, -1);
      bucket(next, 1);
      for (const m of moves.values()) items.push(addTo(db, m.scope, m.period, m.add));
      if (await tryTx(db, items)) return true;
      // another touch moved the tracker between our read and write: read again
    }
    throw new Error(`active tracker of ${t.elder_id}: too many rival updates`);
  },

  eraseActiveDims: (elder_id) => eraseActiveDims(db, elder_id),
  countElder: (e: ElderCount) => countElder(db, e),
});

/** Current elder dimensions for orders without a snapshot: one BatchGet per batch. */
export const createElderDims = (db: Db): ElderDimsPort => ({
  async dimsOf(elder_ids) {
    const items = await batchGet(
      db,
      [...new Set(elder_ids)].map((id) => elderKeys.elder(id)),
    );
    return new Map(
      items.map((it): [string, ElderDims] => [
        String(it.elder_id),
        {
          community_code: String(it.community_code),
          birth_date: String(it.birth_date),
          care_level: (it.care_level as string | null) ?? null,
          special_categories: (it.special_categories as string[] | undefined) ?? [],
        },
      ]),
    );
  },
});
