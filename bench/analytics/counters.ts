// The counter items the streams function would leave for N orders spread over one year (issue 11), built in
// memory and written directly (PutRequest): per scope (city, 3 streets, 6 communities) one item per day,
// per month and the totals. Attributes are the metrics split by one dimension each (category, age band,
// care level, merchant, stars): their number grows with days x dimension values, not with orders.
import { counterKeys } from '@tmc/store/entities/counters';
import { counterName, itemPeriodOf, scopesOf, type Metric, type Period, type Scope } from '@tmc/core/analytics/model';
import { daysOf } from '@tmc/core/analytics/plan';
import type { Db } from '@tmc/store/table';
import { BATCH_WRITE_MAX, batchWriteAll } from '../fixtures/dynamo';

export const YEAR = { from: '2025-01-01', to: '2025-12-31' } as const;
export const COMMUNITIES = [
  'zengdu.xicheng.shengli',
  'zengdu.xicheng.yanhe',
  'zengdu.dongcheng.qingnian',
  'zengdu.dongcheng.dongguan',
  'zengdu.nanjiao.leigudun',
  'zengdu.nanjiao.jiliang',
];
export const MERCHANTS = 300; // the demo city's order of magnitude of shops; the same at both sizes
const CATS = ['barber', 'repair', 'domestic', 'clinic', 'canteen'];
const AGES = ['60-69', '70-79', '80-89', '90+'];
const CARES = ['none', 'light', 'medium', 'heavy'];
const WRITES_IN_FLIGHT = 8;

/** A small deterministic generator (mulberry32): the same items every run. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

export const merchantId = (i: number) => `m_bench${String(i).padStart(4, '0')}`;

export type Built = { items: number; attributes: number; largestAttributes: number };

export const writeCounters = async (db: Db, orders: number): Promise<Built> => {
  const r = rng(orders);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const days = daysOf(YEAR.from, YEAR.to);
  const items = new Map<string, Record<string, number>>();
  const add = (scope: Scope, period: Period, name: string, v: number) => {
    const k = `${scope}\u0000${period}`;
    const c = items.get(k) ?? items.set(k, {}).get(k)!;
    c[name] = (c[name] ?? 0) + v;
  };
  for (let i = 0; i < orders; i++) {
    const day = pick(days);
    const community = pick(COMMUNITIES);
    const cat = pick(CATS);
    const m = merchantId(Math.floor(r() * MERCHANTS));
    const age = pick(AGES);
    const care = pick(CARES);
    const done = r() < 0.85;
    const points = 10 + Math.floor(r() * 40);
    const stars = 1 + Math.floor(r() * 5);
    const deltas: [Metric, number, [string, string][]][] = [
      [
        'orders.requested',
        1,
        [
          ['cat', cat],
          ['age', age],
          ['care', care],
          ['m', m],
        ],
      ],
      [
        done ? 'orders.completed' : 'orders.cancelled',
        1,
        [
          ['cat', cat],
          ['age', age],
          ['care', care],
          ['m', m],
        ],
      ],
      ...(done
        ? ([
            [
              'orders.points',
              points,
              [
                ['cat', cat],
                ['m', m],
              ],
            ],
            [
              'ratings.count',
              1,
              [
                ['cat', cat],
                ['m', m],
                ['stars', String(stars)],
              ],
            ],
            [
              'ratings.sum',
              stars,
              [
                ['cat', cat],
                ['m', m],
              ],
            ],
          ] as [Metric, number, [string, string][]][])
        : []),
    ];
    for (const scope of scopesOf(community)) {
      for (const period of [`D#${day}`, `M#${day.slice(0, 7)}`] as Period[]) {
        for (const [metric, v, dims] of deltas) {
          add(scope, period, metric, v);
          for (const [dim, value] of dims) {
            const name = counterName(metric, dim as never, value);
            add(scope, itemPeriodOf(name, period), name, v); // |m= counters: their merchant bucket item
          }
        }
        if (period.startsWith('M#')) add(scope, period, counterName('active.last', 'last', day), 1);
      }
    }
    add('all', `D#${day}`, 'points.redeemed', done ? points : 0);
    add('all', `M#${day.slice(0, 7)}`, 'points.redeemed', done ? points : 0);
  }
  for (const c of COMMUNITIES) for (const scope of scopesOf(c)) add(scope, 'T', 'elders.registered', 1_000);
  add('all', 'T', 'points.outstanding', orders * 10);
  const puts = [...items.entries()].map(([k, counters]) => {
    const [scope, period] = k.split('\u0000') as [Scope, Period];
    return { PutRequest: { Item: { ...counterKeys.counterItem(scope, period), type: 'counters', ...counters } } };
  });
  const batches: (typeof puts)[] = [];
  for (let i = 0; i < puts.length; i += BATCH_WRITE_MAX) batches.push(puts.slice(i, i + BATCH_WRITE_MAX));
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITES_IN_FLIGHT }, async () => {
      while (next < batches.length) await batchWriteAll(db, batches[next++]!);
    }),
  );
  const sizes = [...items.values()].map((c) => Object.keys(c).length);
  return {
    items: items.size,
    attributes: sizes.reduce((a, b) => a + b, 0),
    largestAttributes: Math.max(...sizes),
  };
};
