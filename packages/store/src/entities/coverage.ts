// Coverage snapshots (issue 11, part 3): each run writes its rows (one per community) and its ranking
// under its own partition, then points the current-run item at it. The page reads the pointer, then the
// run's rows by key range (a street officer: the rows under the street's code), so it never mixes runs.
// Old runs expire by TTL: the nightly run keeps a current one far younger than that.
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CoverageGap } from '@tmc/core/analytics/coverage';
import type {
  CoverageRow,
  CoverageSnapshot,
  CoverageStore,
  CoverageSummary,
  MapPoint,
} from '@tmc/core/analytics/coverage-run';
import { isConditionFailed } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';

export const coverageKeys = {
  coverageCurrent: () => ({ pk: 'COVERAGE', sk: 'CURRENT' }),
  coverageRow: (runId: string, community: string) => ({ pk: `COVERAGE#${runId}`, sk: `C#${community}` }),
  coverageRank: (runId: string) => ({ pk: `COVERAGE#${runId}`, sk: 'RANK' }),
  coverageMap: (runId: string) => ({ pk: `COVERAGE#${runId}`, sk: 'MAP' }),
  coverageRunPk: (runId: string) => `COVERAGE#${runId}`,
  isCoverage: (pk: string) => pk === 'COVERAGE' || pk.startsWith('COVERAGE#'),
} as const;
const keys = coverageKeys;

export const coveragePatterns = (): AccessPattern[] => [
  {
    name: 'coverageCurrent',
    index: 'table',
    operation: ['GetItem', 'PutItem'],
    pk: 'COVERAGE',
    sk: 'CURRENT',
    used_by: 'analytics (coverage job writes, coverage page reads)',
    about: "the current run's summary; Put only if its computed_at is newer than the stored one",
  },
  {
    name: 'coverageRows',
    index: 'table',
    operation: ['Query', 'PutItem'],
    pk: 'COVERAGE#{run_id}',
    sk: 'C#{community code}',
    used_by: 'analytics (coverage job writes, coverage page reads)',
    about:
      'one row per community; Query `begins_with(sk, C# + area prefix)` for a street; ' +
      'written by BatchWriteItem (Puts); TTL',
  },
  {
    name: 'coverageRank',
    index: 'table',
    operation: ['GetItem', 'PutItem'],
    pk: 'COVERAGE#{run_id}',
    sk: 'RANK',
    used_by: 'analytics (coverage page, city-wide)',
    about: 'the top gaps of the run (COVERAGE_GAPS_MAX); TTL',
  },
  {
    name: 'coverageMap',
    index: 'table',
    operation: ['GetItem', 'PutItem'],
    pk: 'COVERAGE#{run_id}',
    sk: 'MAP',
    used_by: 'analytics (coverage page map)',
    about: 'merchant points of the run, [lat, lng] to 1e-4 degree (MAP_MERCHANTS_MAX); TTL',
  },
];

/** A run's rows live 30 days: the nightly run replaces the current one long before (a month of failed
 * runs would be alarmed long before the page empties). */
export const COVERAGE_RUN_TTL_S = 30 * 86_400;
const BATCH_WRITE_MAX = 25;
const BATCH_RETRIES_MAX = 8;

export const createCoverageStore = (db: Db): CoverageStore => {
  const T = db.table;
  const batchPut = async (items: Record<string, unknown>[]) => {
    for (let i = 0; i < items.length; i += BATCH_WRITE_MAX) {
      let pending = items.slice(i, i + BATCH_WRITE_MAX).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > BATCH_RETRIES_MAX) throw new Error('coverage: unprocessed items after retries');
        const r = await db.doc.send(new BatchWriteCommand({ RequestItems: { [T]: pending } }));
        pending = (r.UnprocessedItems?.[T] ?? []) as typeof pending;
        if (pending.length) await new Promise((res) => setTimeout(res, 20 * 2 ** attempt));
      }
    }
  };
  return {
    async save({ summary, rows, gaps, merchants }: CoverageSnapshot) {
      const ttl = Math.floor(Date.parse(summary.computed_at) / 1000) + COVERAGE_RUN_TTL_S;
      await batchPut(
        rows.map((r) => ({ ...keys.coverageRow(summary.run_id, r.community_code), type: 'coverage_row', ttl, ...r })),
      );
      await db.doc.send(
        new PutCommand({
          TableName: T,
          Item: { ...keys.coverageRank(summary.run_id), type: 'coverage_rank', ttl, gaps },
        }),
      );
      await db.doc.send(
        new PutCommand({
          TableName: T,
          Item: { ...keys.coverageMap(summary.run_id), type: 'coverage_map', ttl, merchants },
        }),
      );
      try {
        await db.doc.send(
          new PutCommand({
            TableName: T,
            Item: { ...keys.coverageCurrent(), type: 'coverage_current', ...summary },
            // two runs finishing out of order: the later computation stays current
            ConditionExpression: 'attribute_not_exists(pk) OR computed_at < :at',
            ExpressionAttributeValues: { ':at': summary.computed_at },
          }),
        );
      } catch (e) {
        if (!isConditionFailed(e)) throw e;
      }
    },
    async current(prefix: string) {
      const cur = await db.doc.send(new GetCommand({ TableName: T, Key: keys.coverageCurrent() }));
      if (!cur.Item) return null;
      const summary = fromItem<CoverageSummary>(cur.Item);
      const rows: CoverageRow[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await db.doc.send(
          new QueryCommand({
            TableName: T,
            KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
            ExpressionAttributeValues: { ':p': keys.coverageRunPk(summary.run_id), ':s': `C#${prefix}` },
            ExclusiveStartKey: start,
          }),
        );
        for (const it of r.Items ?? []) rows.push(fromItem<CoverageRow>(it));
        start = r.LastEvaluatedKey;
      } while (start);
      const [rank, map] = await Promise.all([
        db.doc.send(new GetCommand({ TableName: T, Key: keys.coverageRank(summary.run_id) })),
        db.doc.send(new GetCommand({ TableName: T, Key: keys.coverageMap(summary.run_id) })),
      ]);
      const gaps = (rank.Item?.gaps ?? []) as CoverageGap[];
      return { summary, rows, gaps, merchants: (map.Item?.merchants ?? []) as MapPoint[] };
    },
  };
};
