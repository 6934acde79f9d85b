// Offline, once after the deploy that keeps an elder's per-category monthly spend in the month's spend
// item (store ledger-keys counterCell; issue 13): moves each old `spentcat#…` counter into its month's
// item and deletes it, in one transaction per counter, so a category cap counts what was spent before
// the deploy. Run it in the deploy's window, once no instance of the old version writes (until then an
// old instance may still raise an old item, and a cap counts only part of the month). A Scan, so it lives
// here with the other offline tools and never on a request path. Safe to run twice and beside live
// holds: ADD commutes with the holds and give-backs writing the new cell, and the delete is conditioned on
// the amount moved, so a counter moves once; a transaction that meets a live hold is sent again.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { counterCell, LEGACY_CATEGORY_COUNTER_PREFIX } from '@tmc/store/entities/ledger';
import type { Db } from '@tmc/store/table';

const SCAN_PAGE = 500;
const MOVE_ATTEMPTS = 8; // a live hold on the same month item conflicts for milliseconds
const BACKOFF_MS = 25;

type Key = { pk: string; sk: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Moves one old counter: 'moved', or 'gone' when another run moved it first. */
const moveOne = async (db: Db, key: Key, firstAmount: number): Promise<'moved' | 'gone'> => {
  // COUNTER#spentcat#{elder}#{month}#{category}: ids and months hold no '#', a category might
  const [elder_id, month, ...rest] = key.pk.slice(LEGACY_CATEGORY_COUNTER_PREFIX.length).split('#');
  if (!elder_id || !month || rest.length === 0) throw new Error(`unexpected counter key ${key.pk}`);
  const cell = counterCell({ kind: 'spent_month_category', elder_id, month, category: rest.join('#') }, null);
  let amount = firstAmount;
  for (let attempt = 0; attempt < MOVE_ATTEMPTS; attempt++) {
    try {
      await db.doc.send(
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
                Key: key,
                ConditionExpression: 'amount = :a',
                ExpressionAttributeValues: { ':a': amount },
              },
            },
          ],
        }),
      );
      return 'moved';
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      const failed = (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
      if (failed) {
        // moved by another run (gone), or raised by an old instance since the Scan: move what it holds now
        const now = await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
        if (!now.Item) return 'gone';
        amount = Number(now.Item.amount ?? 0);
      }
      await sleep(BACKOFF_MS * 2 ** attempt);
    }
  }
  throw new Error(`${key.pk} not moved after ${MOVE_ATTEMPTS} attempts: run the migration again`);
};

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
      const key = { pk: String(it.pk), sk: String(it.sk) };
      if ((await moveOne(db, key, Number(it.amount ?? 0))) === 'moved') moved++;
    }
    start = r.LastEvaluatedKey;
  } while (start);
  return { found, moved };
};
