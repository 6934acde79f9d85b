// The commands a document client sends while `fn` runs, with their inputs, seen on its middleware
// stack (where they carry their low-level names: GetItemCommand, BatchGetItemCommand, ...): for tests
// that count or inspect what one request sent.
import type { Db } from '@tmc/store/table';

export type SentCommand = { command: string; input: Record<string, unknown> };

let seq = 0;
export const recordCommands = async (db: Db, fn: () => Promise<unknown>): Promise<SentCommand[]> => {
  const out: SentCommand[] = [];
  const name = `record-commands-${++seq}`;
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      out.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await fn();
  } finally {
    db.doc.middlewareStack.remove(name);
  }
  return out;
};
