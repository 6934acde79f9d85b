// Counts the DynamoDB requests a piece of work sends: a middleware on the document client (whose
// stack the raw client shares) tallies each command by name while a window is open. Failed requests
// count too: a request DynamoDB refused was still a round trip.
import type { Db } from '@tmc/store/table';
import { bump } from '../fixtures/stats';

export type RequestCounter = {
  /** Runs `fn` with counting on; returns its value and the requests it sent, by command name (`total`
   * leaves out the dev outbox). */
  during: <T>(fn: () => Promise<T>) => Promise<{ value: T; byCommand: Map<string, number>; total: number }>;
};

/** Command names as DynamoDB calls them (GetItemCommand -> GetItem). */
const shortName = (commandName: string): string => commandName.replace(/Command$/, '');

/** The dev notifier's outbox write stands in for a WeChat or SMS call in production: its own column. */
export const OUTBOX = 'PutItem (dev outbox)';
const nameOf = (commandName: string, input: unknown): string => {
  const item = (input as { Item?: { pk?: unknown } } | undefined)?.Item;
  return commandName === 'PutItemCommand' && String(item?.pk ?? '').startsWith('DEV_OUTBOX')
    ? OUTBOX
    : shortName(commandName);
};

// BENCH_TRACE=1 prints each counted request with the keys it names: where a count comes from
const TRACE = process.env.BENCH_TRACE === '1';
const keysOf = (input: unknown): string => {
  const i = input as Record<string, unknown>;
  const key = (k: unknown) => {
    const r = k as { pk?: unknown; sk?: unknown } | undefined;
    return r ? `${String(r.pk)}|${String(r.sk)}` : '';
  };
  if (i.Key) return key(i.Key);
  if (i.Item) return key(i.Item);
  if (i.KeyConditionExpression)
    return `${String(i.IndexName ?? 'table')} ${JSON.stringify(i.ExpressionAttributeValues)}`;
  if (Array.isArray(i.TransactItems)) {
    const items = i.TransactItems as Record<string, { Key?: unknown; Item?: unknown }>[];
    const each = items.map((t) => Object.entries(t).map(([op, x]) => `${op} ${key(x.Key ?? x.Item)}`)[0]);
    return `${items.length} items:\n    ${each.join('\n    ')}`;
  }
  return JSON.stringify(i).slice(0, 160);
};

export const countRequests = (db: Db): RequestCounter => {
  let open: Map<string, number> | null = null;
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (open) {
        const name = nameOf(String(context.commandName ?? 'unknown'), args.input);
        bump(open, name);
        if (TRACE) console.error(`  ${name} ${keysOf(args.input)}`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'bench-request-counter' },
  );
  return {
    async during(fn) {
      if (open) throw new Error('one counting window at a time');
      const byCommand = new Map<string, number>();
      open = byCommand;
      try {
        const value = await fn();
        const total = [...byCommand].reduce((a, [k, n]) => a + (k === OUTBOX ? 0 : n), 0);
        return { value, byCommand, total };
      } finally {
        open = null;
      }
    },
  };
};
