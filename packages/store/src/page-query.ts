// One page of an index partition: the Query every list-by-owner read runs (key condition on the
// GSI's partition key, clamped page size, cursor checked against that partition), written once.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { clampLimit, decodeCursor, encodeCursor } from './tx';
import type { Db } from './table';

export type PageOfItems = { items: Record<string, unknown>[]; cursor: string | null };

/** Reads one page of `index` where its partition key is `pk`; `newest_first` reads the sort key backwards. */
export const queryIndexPage = async (
  db: Db,
  q: { index: 'gsi1' | 'gsi2'; pk: string; newest_first: boolean; limit: number | undefined; cursor?: string },
): Promise<PageOfItems> => {
  const pkName = `${q.index}pk`;
  const r = await db.doc.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: q.index,
      KeyConditionExpression: `${pkName} = :p`,
      ExpressionAttributeValues: { ':p': q.pk },
      ...(q.newest_first ? { ScanIndexForward: false } : {}),
      Limit: clampLimit(q.limit),
      ExclusiveStartKey: decodeCursor(q.cursor, { [pkName]: q.pk }, ['pk', 'sk', pkName, `${q.index}sk`]),
    }),
  );
  return { items: r.Items ?? [], cursor: encodeCursor(r.LastEvaluatedKey) };
};
