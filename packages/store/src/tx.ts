// Turns DynamoDB's failure words into domain errors at the store boundary, using the
// cancellation reasons of a failed transaction so callers never see SDK exceptions.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { AppError, type ErrorCode } from '@tmc/core/kernel/errors';
import type { Db } from './table';

export const TRANSACT_MAX_ITEMS = 100; // DynamoDB's hard limit per TransactWriteItems

export type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Runs a transaction; when it is cancelled by a failed condition, maps the first failing item
 * to the code given for its index (or `fallback`). Other failures propagate unchanged. */
export const transact = async (
  db: Db,
  items: TxItem[],
  codeForItem: (index: number) => ErrorCode,
  fallback: ErrorCode = 'CONFLICT',
): Promise<void> => {
  if (items.length === 0) return;
  if (items.length > TRANSACT_MAX_ITEMS)
    throw new Error(`transaction of ${items.length} items exceeds ${TRANSACT_MAX_ITEMS}`);
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (e) {
    if (e instanceof TransactionCanceledException) {
      const reasons = e.CancellationReasons ?? [];
      const i = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (i >= 0) throw new AppError(codeForItem(i), { cause: e, details: { failed_item: i } });
      if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new AppError('CONFLICT', { cause: e });
    }
    if (e instanceof ConditionalCheckFailedException) throw new AppError(fallback, { cause: e });
    throw e;
  }
};

export const isConditionFailed = (e: unknown): boolean => e instanceof ConditionalCheckFailedException;

/** The condition of a versioned write: version 0 = the item must not exist yet; otherwise it must
 * still be at the version read, so the loser of a race fails the condition instead of overwriting. */
export const atVersion = (expect_version: number) =>
  expect_version === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expect_version } };

/** Waits before retry `attempt` (from 0): doubling from `base_ms`, with jitter so racers spread out. */
export const backoff = (base_ms: number, attempt: number): Promise<void> =>
  new Promise((r) => setTimeout(r, base_ms * 2 ** attempt * (0.5 + Math.random())));

/** Opaque page cursor: the LastEvaluatedKey, checked on the way back in so a forged cursor
 * cannot point a Query at another partition (DynamoDB would answer with a 500-shaped error). */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;

export const decodeCursor = (
  cursor: string | undefined,
  expect: Record<string, string>,
  /** Attributes a start key of this read must hold (a GSI's needs the table's and the index's keys):
   * without them DynamoDB refuses the Query, which would surface as a 500 instead of a bad cursor. */
  required: readonly string[] = [],
): Record<string, string> | undefined => {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'cursor', code: 'CURSOR_INVALID', message: 'invalid cursor' }],
    });
  }
  const ok =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => typeof v === 'string') &&
    Object.entries(expect).every(([k, v]) => (parsed as Record<string, unknown>)[k] === v) &&
    required.every((k) => typeof (parsed as Record<string, unknown>)[k] === 'string');
  if (!ok)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'cursor', code: 'CURSOR_INVALID', message: 'invalid cursor' }],
    });
  return parsed as Record<string, string>;
};

/** Page sizes everywhere: a list never returns more than this, whatever the client asks. */
export const PAGE_MAX = 100;
export const clampLimit = (limit: number | undefined, dflt = 20): number =>
  Math.max(1, Math.min(PAGE_MAX, limit ?? dflt));
