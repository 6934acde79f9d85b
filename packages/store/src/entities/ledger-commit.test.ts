// Where buildCommit puts an elder's monthly spend: in the wallet balance's Update from spendInWalletFrom on
// (ADD and ceilings joined, the item remembered for naming a refusal), in a counter item before; and never
// as an Update of its own on a balance item.
import { describe, expect, it } from 'vitest';
import type { CommitPlan } from '@tmc/core/ledger/ports';
import type { Db } from '../table';
import { buildCommit } from './ledger-commit';

const db = { table: 't' } as Db;
const AT = '2026-11-20T02:00:00.000Z';
const balance = (account: string, delta: number, expect_version: number) => ({
  account,
  delta_points: delta,
  expect_version,
  balance_after: 100 + delta,
  require_not_frozen: delta < 0,
  floor: true,
});
const plan = (balances: CommitPlan['balances']): CommitPlan => ({
  entry: {
    entry_id: 'e1',
    kind: 'adjustment',
    reason: 't',
    actor: 't',
    created_at: AT,
    postings: balances.map((b) => ({ account: b.account, amount_points: b.delta_points })),
    policy_version: null,
    ref: {},
    lot_moves: [],
  },
  balances,
  lots: [],
  counters: [
    { key: { kind: 'spent_month', elder_id: 'e_1', month: '2026-11' }, delta: 10, max: 100 },
    {
      key: { kind: 'spent_month_category', elder_id: 'e_1', month: '2026-11', category: 'barber' },
      delta: 10,
      max: null,
    },
  ],
});
const both = [balance('wallet:e_1', -10, 3), balance('merchant:m_1', 10, 1)];

describe('buildCommit and the monthly spend', () => {
  it('joins the wallet balance Update from spendInWalletFrom on', () => {
    const b = buildCommit(db, plan(both), { spendInWalletFrom: '2026-11' });
    const wallet = b.items.find((t) => t.Update?.Key?.pk === 'ACCT#wallet:e_1')?.Update;
    expect(wallet?.UpdateExpression).toMatch(/^SET .* ADD #c0 :d0, #c1 :d1$/);
    expect(wallet?.ConditionExpression).toBe(
      'version = :v AND balance >= :need AND (attribute_not_exists(frozen) OR frozen = :f) AND ' +
        '(attribute_not_exists(#c0) OR #c0 <= :r0)',
    );
    expect(wallet?.ExpressionAttributeNames).toEqual({ '#c0': 'spent#2026-11', '#c1': 'spent#2026-11#barber' });
    expect(b.items.some((t) => String(t.Update?.Key?.pk).startsWith('COUNTER#'))).toBe(false);
    expect([...b.capped.entries()].map(([i, g]) => [i, g.capped])).toEqual([
      [1, [{ attr: 'spent#2026-11', room: 90 }]],
    ]);
  });

  it('keeps a month before it, or every month without it, in the counter item', () => {
    for (const from of ['2026-12', null]) {
      const b = buildCommit(db, plan(both), { spendInWalletFrom: from });
      const counter = b.items.find((t) => t.Update?.Key?.pk === 'COUNTER#spent#e_1#2026-11')?.Update;
      expect(counter?.UpdateExpression, String(from)).toBe('ADD #c0 :d0, #c1 :d1');
      expect(b.capped.size).toBe(0);
    }
  });

  it('refuses to move a wallet kept spend without the wallet balance', () => {
    const plan1 = plan([balance('hold:o_1', -10, 2), balance('merchant:m_1', 10, 1)]);
    expect(() => buildCommit(db, plan1, { spendInWalletFrom: '2026-11' })).toThrow(/move without its balance/);
  });
});
