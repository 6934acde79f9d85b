// A booking's store floor: the requests one real booking sent (its reads and its transaction),
// recorded and sent again straight to DynamoDB, with no app around them. What the booking's own
// requests cost the store and the SDK is the most the booking could reach whatever the app did, so
// floor/raw is the ceiling of the booking ratio on this machine and booking/floor what the app adds.
//
// Replayed as recorded, the reads at once (as the booking sends them: its BatchGet and its wallet Query
// need nothing of each other), then the transaction, with what a second send needs: the reads read the
// same items; the transaction gets a fresh order id and idempotency key (same lengths) and its keys a
// worker's prefix, so each send writes new items as the booking does and the workers never conflict.
// Conditions that name state (the wallet's version, a lot's remaining points) are dropped, as recorded
// values would refuse every send after the first; a condition of `attribute_not_exists` clauses only stays.
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Db } from '@tmc/store/table';

type Recorded = { command: string; input: Record<string, unknown> };
type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type TxOp = {
  Key?: Record<string, unknown>;
  Item?: Record<string, unknown>;
  ConditionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
  ExpressionAttributeNames?: Record<string, string>;
};

/** A condition made only of `attribute_not_exists` clauses (a new item, a new hold in its balance item). */
const KEEP_CONDITION = /^attribute_not_exists\([^)]+\)( AND attribute_not_exists\([^)]+\))*$/;
const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand']);
const MAX_RECORDED = 16; // a booking sends 4; more means something else was recorded

/** Records the requests `fn` sends through the document client (the dev outbox's put left out). */
export const recordRequests = async (db: Db, fn: () => Promise<unknown>): Promise<Recorded[]> => {
  const out: Recorded[] = [];
  let on = true;
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const outbox = String((input.Item as { pk?: unknown } | undefined)?.pk ?? '').startsWith('DEV_OUTBOX');
      if (on && !outbox && out.length < MAX_RECORDED)
        out.push({ command: String(context.commandName), input: structuredClone(input) });
      return next(args);
    },
    { step: 'initialize', name: 'bench-floor-recorder' },
  );
  try {
    await fn();
  } finally {
    on = false;
    db.doc.middlewareStack.remove('bench-floor-recorder');
  }
  return out;
};

const usedIn = (exprs: (string | undefined)[], token: string): boolean =>
  exprs.some((e) => e !== undefined && new RegExp(`${token}(?![A-Za-z0-9_])`).test(e));

/** Drops a condition that names state, and the placeholders only it used. */
const withoutStateCondition = (op: TxOp): TxOp => {
  if (op.ConditionExpression === undefined || KEEP_CONDITION.test(op.ConditionExpression)) return op;
  const { ConditionExpression: _dropped, ...rest } = op;
  const exprs = [rest.UpdateExpression];
  const values = Object.entries(rest.ExpressionAttributeValues ?? {}).filter(([k]) => usedIn(exprs, k));
  const names = Object.entries(rest.ExpressionAttributeNames ?? {}).filter(([k]) => usedIn(exprs, k));
  const { ExpressionAttributeValues: _v, ExpressionAttributeNames: _n, ...bare } = rest;
  return {
    ...bare,
    ...(values.length ? { ExpressionAttributeValues: Object.fromEntries(values) } : {}),
    ...(names.length ? { ExpressionAttributeNames: Object.fromEntries(names) } : {}),
  };
};

const prefixed = (op: TxOp, prefix: string): TxOp => {
  const key = (k: Record<string, unknown>) => ({ ...k, pk: `${prefix}${String(k.pk)}` });
  return { ...op, ...(op.Key ? { Key: key(op.Key) } : {}), ...(op.Item ? { Item: key(op.Item) } : {}) };
};

let seq = 0; // fresh ids across every floor of the process: each send writes items no send wrote before
const sameLength = (template: string, seq: string): string =>
  (template.slice(0, 2) + seq.padStart(template.length - 2, '0')).slice(0, template.length);

export type Floor = {
  /** The recorded requests by command, in the order sent. */
  commands: string[];
  /** Items in the recorded transaction. */
  items: number;
  /** One replay of the recorded booking for `worker`: the reads at once, then the transaction. */
  send: (worker: number) => Promise<void>;
};

/** The floor of the booking that sent `recorded`, whose order id and idempotency key are given. */
export const bookingFloor = (db: Db, recorded: Recorded[], ids: { order_id: string; key: string }): Floor => {
  const tx = recorded.find((r) => r.command === 'TransactWriteItemsCommand');
  if (!tx) throw new Error('the recorded booking sent no transaction');
  const reads = recorded.filter((r) => READS.has(r.command));
  if (reads.length + 1 !== recorded.length) throw new Error(`unexpected requests: ${recorded.map((r) => r.command)}`);
  const txJson = JSON.stringify(tx.input);
  const read = (r: Recorded) => {
    if (r.command === 'GetItemCommand') return db.doc.send(new GetCommand(r.input as never));
    if (r.command === 'BatchGetItemCommand') return db.doc.send(new BatchGetCommand(r.input as never));
    return db.doc.send(new QueryCommand(r.input as never));
  };
  return {
    commands: recorded.map((r) => r.command.replace(/Command$/, '')),
    items: (tx.input as TransactWriteCommandInput).TransactItems?.length ?? 0,
    async send(worker) {
      await Promise.all(reads.map(read));
      const n = `${worker}x${++seq}`;
      const fresh = JSON.parse(
        txJson.split(ids.order_id).join(sameLength(ids.order_id, n)).split(ids.key).join(sameLength(ids.key, n)),
      ) as TransactWriteCommandInput;
      const items = (fresh.TransactItems ?? []).map((t): TxItem => {
        const [kind, op] = Object.entries(t)[0] as [string, TxOp];
        return { [kind]: prefixed(withoutStateCondition(op), `F${worker}#`) } as TxItem;
      });
      await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
    },
  };
};
