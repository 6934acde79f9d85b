// The counters' Update items: an elder's monthly spend and its category part are one item with one
// condition per capped cell, and under 30 parallel rises on DynamoDB Local each ceiling holds exactly.
import { describe, expect, it } from 'vitest';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CommitRejected } from '@tmc/core/ledger/ports';
import { makeTestDb } from '../../../../tests/support/db';
import { counterUpdates, type CounterMove } from './ledger-counters';
import { createLedgerStore } from './ledger';

const month = { kind: 'spent_month' as const, elder_id: 'e_1', month: '2026-11' };
const cat = (category: string) => ({
  kind: 'spent_month_category' as const,
  elder_id: 'e_1',
  month: '2026-11',
  category,
});

describe('counterUpdates', () => {
  it('puts the month and its category in one Update, a slot in its own; refuses a move past the ceiling', () => {
    const moves: CounterMove[] = [
      { key: month, delta: 10, max: 100 },
      { key: cat('barber'), delta: 10, max: null },
      { key: { kind: 'slot', service_id: 's_1', start: '2026-11-23T02:00:00.000Z' }, delta: 1, max: 3 },
    ];
    const out = counterUpdates('t', moves, null);
    expect(out.map((o) => o.part)).toEqual(['counter', 'slot']);
    expect(out[0]?.item.Update).toMatchObject({
      Key: { pk: 'COUNTER#spent#e_1#2026-11', sk: 'C' },
      UpdateExpression: 'ADD #c0 :d0, #c1 :d1',
      ConditionExpression: '(attribute_not_exists(#c0) OR #c0 <= :r0)',
      ExpressionAttributeNames: { '#c0': 'amount', '#c1': 'amount#barber' },
    });
    expect(() => counterUpdates('t', [{ key: month, delta: 101, max: 100 }], null)).toThrow(CommitRejected);
    expect(() => counterUpdates('t', [moves[0]!, moves[0]!], null)).toThrow(/twice/);
  });

  it('30 parallel rises of month and category: the category ceiling, then the month one, hold exactly', async () => {
    const db = await makeTestDb('counters');
    // as the ledger's commit does: a transaction that met another in flight is sent again; a failed
    // condition is a refusal
    const rise = async (category: string, catMax: number | null): Promise<'ok' | 'refused'> => {
      const TransactItems = counterUpdates(
        db.table,
        [
          { key: month, delta: 10, max: 100 },
          { key: cat(category), delta: 10, max: catMax },
        ],
        null,
      ).map((u) => u.item);
      for (;;) {
        try {
          await db.doc.send(new TransactWriteCommand({ TransactItems }));
          return 'ok';
        } catch (e) {
          if (!(e instanceof TransactionCanceledException)) throw e;
          if (e.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return 'refused';
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
        }
      }
    };
    const barber = await Promise.all(Array.from({ length: 30 }, () => rise('barber', 50)));
    expect(barber.filter((r) => r === 'ok')).toHaveLength(5);
    const clinic = await Promise.all(Array.from({ length: 30 }, () => rise('clinic', null)));
    expect(clinic.filter((r) => r === 'ok')).toHaveLength(5);
    const ledger = createLedgerStore(db, { spendInWalletFrom: null }); // these counters are in counter items
    expect(await ledger.counter(month)).toBe(100);
    expect(await ledger.counter(cat('barber'))).toBe(50);
    expect(await ledger.counter(cat('clinic'))).toBe(50);
  });
});
