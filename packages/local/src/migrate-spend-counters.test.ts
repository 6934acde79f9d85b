// The spend-counter migration on DynamoDB Local: per-category counters stored as items of their own
// before the deploy land in their month's spend item (added to what was counted since), the old items
// go, and a second run changes nothing.
import { describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createLedgerStore } from '@tmc/store/entities/ledger';
import { makeTestDb } from '../../../tests/support/db';
import { migrateSpendCounters } from './migrate-spend-counters';

const legacy = (elder: string, month: string, category: string, amount: number) => ({
  pk: `COUNTER#spentcat#${elder}#${month}#${category}`,
  sk: 'C',
  amount,
});

describe('migrateSpendCounters', () => {
  it('moves each per-category counter into its month, once', async () => {
    const db = await makeTestDb('spend-mig');
    const ledger = createLedgerStore(db, { spendInWalletFrom: null }); // the migration's months are counter items
    for (const Item of [
      legacy('e_a', '2026-11', 'barber', 30),
      legacy('e_a', '2026-11', 'clinic', 12),
      legacy('e_b', '2026-10', 'barber', 7),
      { pk: 'COUNTER#spent#e_a#2026-11', sk: 'C', amount: 42, 'amount#barber': 5 }, // 5 since the deploy
    ])
      await db.doc.send(new PutCommand({ TableName: db.table, Item }));
    const cat = (elder_id: string, month: string, category: string) =>
      ledger.counter({ kind: 'spent_month_category', elder_id, month, category });
    expect(await cat('e_a', '2026-11', 'barber')).toBe(5);
    expect(await migrateSpendCounters(db)).toEqual({ found: 3, moved: 3 });
    expect(await cat('e_a', '2026-11', 'barber')).toBe(35);
    expect(await cat('e_a', '2026-11', 'clinic')).toBe(12);
    expect(await cat('e_b', '2026-10', 'barber')).toBe(7);
    expect(await ledger.counter({ kind: 'spent_month', elder_id: 'e_a', month: '2026-11' })).toBe(42);
    const old = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: { pk: legacy('e_a', '2026-11', 'barber', 0).pk, sk: 'C' } }),
    );
    expect(old.Item).toBeUndefined();
    expect(await migrateSpendCounters(db)).toEqual({ found: 0, moved: 0 });
    expect(await cat('e_a', '2026-11', 'barber')).toBe(35);
  });

  it('two runs at once move each counter once', async () => {
    const db = await makeTestDb('spend-mig-2');
    const ledger = createLedgerStore(db, { spendInWalletFrom: null }); // the migration's months are counter items
    for (const Item of [legacy('e_c', '2026-11', 'barber', 30), legacy('e_c', '2026-11', 'clinic', 12)])
      await db.doc.send(new PutCommand({ TableName: db.table, Item }));
    const [a, b] = await Promise.all([migrateSpendCounters(db), migrateSpendCounters(db)]);
    expect((a?.moved ?? 0) + (b?.moved ?? 0)).toBe(2);
    expect(
      await ledger.counter({ kind: 'spent_month_category', elder_id: 'e_c', month: '2026-11', category: 'barber' }),
    ).toBe(30);
    expect(
      await ledger.counter({ kind: 'spent_month_category', elder_id: 'e_c', month: '2026-11', category: 'clinic' }),
    ).toBe(12);
  });
});
