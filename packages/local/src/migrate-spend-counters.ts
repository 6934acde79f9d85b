// Offline, once after the deploy that keeps an elder's per-category monthly spend in the month's spend
// item (store ledger-keys counterCell; issue 13): moves each old `spentcat#…` counter into its month's
// item and deletes it, in one transaction per counter, so a category cap counts what was spent before
// the deploy. A Scan, so it lives here with the other offline tools and never on a request path; safe to
// run twice and beside live traffic (ADD commutes with the holds and give-backs that write the new cell,
// and the delete is conditioned on the old amount: a counter is moved once).
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { counterCell, LEGACY_CATEGORY_COUNTER_PREFIX } from '@tmc/store/entities/ledger';
import type { Db } from '@tmc/store/table';

const SCAN_PAGE = 500;

export const migrateSpendCounters = async (db: Db): Promise<{ found: number; moved: number }> => {
  let start: Record<string, unknown> | undefined;
  let found = 0;
  let moved = 0;
  do {
    const r = await db.doc.send(
      new ScanCommand({
        TableName: db.table,
        ExclusiveStartKey: start,
        Limit: SCAN_PAGE,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': LEGACY_CATEGORY_COUNTER_PREFIX },
      }),
    );
    for (const it of r.Items ?? []) {
      found++;
      // COUNTER#spentcat#{elder}#{month}#{category}: ids and months hold no '#', a category might
      const [elder_id, month, ...rest] = String(it.pk).slice(LEGACY_CATEGORY_COUNTER_PREFIX.length).split('#');
      const amount = Number(it.amount ?? 0);
      if (!elder_id || !month || rest.length === 0) throw new Error(`unexpected counter key ${String(it.pk)}`);
      const cell = counterCell({ kind: 'spent_month_category', elder_id, month, category: rest.join('#') });
      const move = db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: db.table,
                Key: cell.key,
                UpdateExpression: 'ADD #c :a',
                ExpressionAttributeNames: { '#c': cell.attr },
                ExpressionAttributeValues: { ':a': amount },
              },
            },
            {
              Delete: {
                TableName: db.table,
                Key: { pk: it.pk, sk: it.sk },
                ConditionExpression: 'amount = :a',
                ExpressionAttributeValues: { ':a': amount },
              },
            },
          ],
        }),
      );
      try {
        await move;
        moved++;
      } catch (e) {
        if (!(e instanceof TransactionCanceledException)) throw e; // a second run moved it first: once
      }
    }
    start = r.LastEvaluatedKey;
  } while (start);
  return { found, moved };
};
