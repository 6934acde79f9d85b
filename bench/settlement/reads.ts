// Read metering for the settlement bench: fixtures/metering.ts counts writes per item and GetItem
// and Query requests, but not BatchGetItem or what reads return. This middleware counts every
// request by command, and the items each read touched: a Query's ScannedCount (what DynamoDB reads
// and bills, filtered or not), the items a GetItem or BatchGetItem returned.
import type { Db } from '@tmc/store/table';
import { bump } from '../fixtures/stats';
import { isRecord, strAttr } from '../fixtures/values';

export type Reads = {
  requests: Map<string, number>; // successful requests by command name
  itemsRead: number; // Query ScannedCount + items returned by GetItem and BatchGetItem
  windowQueries: number; // Queries of a receivable's postings (the statement window)
  windowScanned: number; // ... and their ScannedCount
  getMisses: number; // GetItems that found nothing (a first statement has no cursor, no settling balance)
};

const empty = (): Reads => ({ requests: new Map(), itemsRead: 0, windowQueries: 0, windowScanned: 0, getMisses: 0 });

const RECEIVABLE_PK = 'ACCT#merchant:'; // ledgerKeys.accountPk(merchantAccount(id))

const returnedByBatchGet = (output: unknown): number => {
  if (!isRecord(output) || !isRecord(output.Responses)) return 0;
  return Object.values(output.Responses).reduce<number>((n, rows) => n + (Array.isArray(rows) ? rows.length : 0), 0);
};

/** Counts `db`'s reads from now on; `take` returns the counts so far and starts afresh. */
export const createReadMeter = (db: Db): { take: () => Reads } => {
  let r = empty();
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const tally = r;
      const name = context.commandName ?? '';
      bump(tally.requests, name);
      const output: unknown = out.output;
      if (name === 'QueryCommand') {
        const scanned = isRecord(output) && typeof output.ScannedCount === 'number' ? output.ScannedCount : 0;
        tally.itemsRead += scanned;
        const input: unknown = args.input;
        const values =
          isRecord(input) && isRecord(input.ExpressionAttributeValues) ? input.ExpressionAttributeValues : {};
        if (strAttr(values[':p']).startsWith(RECEIVABLE_PK)) {
          tally.windowQueries++;
          tally.windowScanned += scanned;
        }
      } else if (name === 'GetItemCommand') {
        const hit = isRecord(output) && isRecord(output.Item);
        tally.itemsRead += hit ? 1 : 0;
        if (!hit) tally.getMisses++;
      } else if (name === 'BatchGetItemCommand') tally.itemsRead += returnedByBatchGet(output);
      return out;
    },
    { step: 'initialize', name: 'benchReadMeter' },
  );
  return {
    take: () => {
      const done = r;
      r = empty();
      return done;
    },
  };
};

export const requestsIn = (reads: Reads): number => [...reads.requests.values()].reduce((a, b) => a + b, 0);
