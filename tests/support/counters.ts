// Counter items written directly, as the streams function would write them (issue 11): for dashboard tests
// that must not depend on the pipeline. ADD to the day and month items of every scope of a community.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { counterKeys } from '@tmc/store/entities/counters';
import { counterName, itemPeriodOf, scopesOf, type Period, type Scope } from '@tmc/core/analytics/model';
import type { Db } from '@tmc/store/table';

export const addCounters = async (db: Db, scope: Scope, period: Period, counters: Record<string, number>) => {
  const names = Object.keys(counters);
  await db.doc.send(
    new UpdateCommand({
      TableName: db.table,
      Key: counterKeys.counterItem(scope, period),
      UpdateExpression: `ADD ${names.map((_, i) => `#n${i} :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, counters[n]])),
    }),
  );
};

/** A flow on `day` in `community` (null: the city only): its day and month items in every scope. */
export const addFlow = async (db: Db, day: string, community: string | null, counters: Record<string, number>) => {
  for (const scope of scopesOf(community))
    for (const period of [`D#${day}`, `M#${day.slice(0, 7)}`] as Period[]) {
      // per-merchant counters live in their bucket item (model.ts MERCHANT_BUCKETS)
      const items = new Map<Period, Record<string, number>>();
      for (const [name, n] of Object.entries(counters)) {
        const p = itemPeriodOf(name, period);
        (items.get(p) ?? items.set(p, {}).get(p)!)[name] = n;
      }
      for (const [p, add] of items) await addCounters(db, scope, p, add);
    }
};

/** An order completed on `day` by an elder of `community` at merchant `m`, with its points and a rating. */
export const addCompletedOrder = async (
  db: Db,
  o: { day: string; community: string; m: string; cat: string; points: number; stars: number },
) => {
  const both = (metric: Parameters<typeof counterName>[0], v = 1) => ({
    [metric]: v,
    [counterName(metric, 'cat', o.cat)]: v,
  });
  await addFlow(db, o.day, o.community, {
    ...both('orders.requested'),
    ...both('orders.accepted'),
    ...both('orders.completed'),
    ...both('orders.points', o.points),
    ...both('ratings.count'),
    ...both('ratings.sum', o.stars),
    [counterName('ratings.count', 'stars', String(o.stars))]: 1,
  });
  await addFlow(db, o.day, null, {
    [counterName('orders.requested', 'm', o.m)]: 1,
    [counterName('orders.completed', 'm', o.m)]: 1,
    [counterName('orders.points', 'm', o.m)]: o.points,
    [counterName('ratings.count', 'm', o.m)]: 1,
    [counterName('ratings.sum', 'm', o.m)]: o.stars,
  });
};
