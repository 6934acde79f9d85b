// The counters a transaction moves, as its Update items. Counters kept in one item (an elder's monthly
// spend and its per-category parts: counterCell) become one Update, as a transaction may name an item
// once; each rise under a ceiling is conditioned on the room left below it, so a cap holds under any
// number of parallel holds. Shared by the ledger's commit and the orders' own transactions.
import { CommitRejected, type CounterKey } from '@tmc/core/ledger/ports';
import type { TxItem } from '../tx';
import { counterCell, counterName } from './ledger-keys';

export type CounterMove = { key: CounterKey; delta: number; max: number | null };
type Cell = { attr: string; delta: number; max: number | null };

export const counterUpdates = (table: string, moves: CounterMove[]): { part: 'slot' | 'counter'; item: TxItem }[] => {
  const items = new Map<string, { key: { pk: string; sk: string }; part: 'slot' | 'counter'; cells: Cell[] }>();
  for (const m of moves) {
    // One step over the ceiling on an empty counter would pass 'attribute_not_exists'.
    if (m.max !== null && m.delta > m.max)
      throw new CommitRejected(m.key.kind === 'slot' ? 'slot' : 'counter', counterName(m.key));
    const cell = counterCell(m.key);
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
    cells.forEach((c, i) => {
      names[`#c${i}`] = c.attr;
      values[`:d${i}`] = c.delta;
      if (c.max !== null && c.delta > 0) {
        values[`:r${i}`] = c.max - c.delta;
        conditions.push(`(attribute_not_exists(#c${i}) OR #c${i} <= :r${i})`);
      }
    });
    return {
      part,
      item: {
        Update: {
          TableName: table,
          Key: key,
          UpdateExpression: `ADD ${cells.map((_, i) => `#c${i} :d${i}`).join(', ')}`,
          ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    };
  });
};
