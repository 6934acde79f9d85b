// The counters a transaction moves, grouped by the item they live in (counterCell): an elder's monthly
// spend and its per-category parts share one place, as a transaction may name an item once. Each rise
// under a ceiling is conditioned on the room left below it, so a cap holds under any number of parallel
// holds. A group is an Update of its own (counterUpdates, also the orders' own transactions) or, when it
// lives in a balance item the commit updates anyway (the wallet), joins that Update (ledger-commit.ts).
import { CommitRejected, type CounterKey } from '@tmc/core/ledger/ports';
import type { TxItem } from '../tx';
import { counterCell, counterName, type SpendInWalletFrom } from './ledger-keys';

export type CounterMove = { key: CounterKey; delta: number; max: number | null };

/** One item's counter moves as expression parts (`#c{i}`, `:d{i}`, `:r{i}`: no other part of an Update
 * uses these), and its capped cells with the most each may hold before the move (to name a refusal). */
export type CounterGroup = {
  key: { pk: string; sk: string };
  part: 'slot' | 'counter';
  add: string;
  condition: string | null;
  names: Record<string, string>;
  values: Record<string, number>;
  capped: { attr: string; room: number }[];
};

type Cell = { attr: string; delta: number; max: number | null };

export const counterGroups = (moves: CounterMove[], spendInWalletFrom: SpendInWalletFrom): CounterGroup[] => {
  const items = new Map<string, { key: { pk: string; sk: string }; part: 'slot' | 'counter'; cells: Cell[] }>();
  for (const m of moves) {
    // One step over the ceiling on an empty counter would pass 'attribute_not_exists'.
    if (m.max !== null && m.delta > m.max)
      throw new CommitRejected(m.key.kind === 'slot' ? 'slot' : 'counter', counterName(m.key));
    const cell = counterCell(m.key, spendInWalletFrom);
    const id = `${cell.key.pk}|${cell.key.sk}`;
    const at = items.get(id) ?? { key: cell.key, part: m.key.kind === 'slot' ? 'slot' : 'counter', cells: [] };
    if (at.cells.some((c) => c.attr === cell.attr)) throw new Error(`${counterName(m.key)} moved twice in one commit`);
    at.cells.push({ attr: cell.attr, delta: m.delta, max: m.max });
    items.set(id, at);
  }
  return [...items.values()].map(({ key, part, cells }) => {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const conditions: string[] = [];
    const capped: CounterGroup['capped'] = [];
    cells.forEach((c, i) => {
      names[`#c${i}`] = c.attr;
      values[`:d${i}`] = c.delta;
      if (c.max !== null && c.delta > 0) {
        values[`:r${i}`] = c.max - c.delta;
        conditions.push(`(attribute_not_exists(#c${i}) OR #c${i} <= :r${i})`);
        capped.push({ attr: c.attr, room: c.max - c.delta });
      }
    });
    const add = cells.map((_, i) => `#c${i} :d${i}`).join(', ');
    return { key, part, add, condition: conditions.length ? conditions.join(' AND ') : null, names, values, capped };
  });
};

/** A group as an Update of its own. */
export const counterUpdate = (table: string, g: CounterGroup): TxItem => ({
  Update: {
    TableName: table,
    Key: g.key,
    UpdateExpression: `ADD ${g.add}`,
    ...(g.condition ? { ConditionExpression: g.condition } : {}),
    ExpressionAttributeNames: g.names,
    ExpressionAttributeValues: g.values,
  },
});

/** Each group as an Update of its own. */
export const counterUpdates = (
  table: string,
  moves: CounterMove[],
  spendInWalletFrom: SpendInWalletFrom,
): { part: 'slot' | 'counter'; item: TxItem }[] =>
  counterGroups(moves, spendInWalletFrom).map((g) => ({ part: g.part, item: counterUpdate(table, g) }));
