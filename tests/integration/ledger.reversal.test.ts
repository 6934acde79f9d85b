// Which entry kinds a reversal may undo (REVERSIBILITY in ledger/entry.ts), tried on every kind
// against DynamoDB Local: the allowed ones give their points back once, the others are refused
// with ENTRY_NOT_REVERSIBLE and change nothing. The ledger verifies after each.
import { describe, expect, it } from 'vitest';
import { createLedgerStore } from '@tmc/store/entities/ledger';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { capture, credit, expireWallet, hold, release, reverse, type LedgerDeps } from '@tmc/core/ledger/service';
import { debitLot } from '@tmc/core/ledger/refund';
import { ENTRY_KINDS, REVERSIBILITY, type EntryKind } from '@tmc/core/ledger/entry';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { AppError } from '@tmc/core/kernel/errors';
import { makeTestDb } from '../support/db';
import type { Db } from '@tmc/store/table';
import { createSettlementStore } from '@tmc/store/entities/statements';
import { settleMerchant } from '@tmc/core/settlement/run';
import { markPaid, startPayout, type PayoutDeps } from '@tmc/core/settlement/payout';
import { approveStatement } from '@tmc/core/settlement/review';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import { fakeClock } from '../support/app';

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
};

// answers the entry to reverse
type Setup = (deps: LedgerDeps, elder_id: string, advance: (days: number) => void, db: Db) => Promise<string>;

const credited =
  (kind: 'allowance' | 'award' | 'top_up' | 'adjustment') => async (deps: LedgerDeps, elder_id: string) => {
    const paid = kind === 'top_up';
    await credit(deps, {
      entry_id: `${kind}:${elder_id}`,
      kind,
      elder_id,
      amount_points: 50,
      from: paid ? 'topup_clearing' : kind === 'award' ? 'awards' : kind === 'adjustment' ? 'adjustments' : 'issuance',
      source: paid ? 'top_up' : kind === 'award' ? 'award' : 'allowance',
      subsidy: !paid,
      expires_on: paid ? NEVER_EXPIRES : '2026-12-31',
      reason: 't',
      actor: 't',
      policy_version: null,
    });
    return `${kind}:${elder_id}`;
  };

const seed = (deps: LedgerDeps, elder_id: string) => credited('top_up')(deps, elder_id);
const holdOf = (deps: LedgerDeps, elder_id: string, hold_id: string) =>
  hold(deps, {
    hold_id,
    elder_id,
    amount_points: 20,
    category: 'barber',
    subsidy_allowed: true,
    per_order_max: null,
    per_month_max: null,
    expires_at: '2026-11-24T08:00:00.000Z',
    actor: 't',
    reason: 't',
  });

/** A capture in November, then November settled for its merchant. */
const settled = async (deps: LedgerDeps, e: string, advance: (days: number) => void, db: Db) => {
  await MAKE.capture(deps, e, advance, db);
  advance(10); // past the end of November (and its grace)
  const r = await settleMerchant(
    {
      ...deps,
      settlement: createSettlementStore(db),
      merchants: { byStatus: async () => ({ items: [], cursor: null }) },
    },
    {
      period: '2026-11',
      merchant: { merchant_id: 'm_1abc', business_name: 'shop', community_code: 'd.s.c' },
      policy: { ...DEFAULT_POLICY, version: 1, created_by: 't', created_at: '2026-01-01T00:00:00Z' },
      actor: 'system:settlement',
    },
  );
  if (r.outcome !== 'issued') throw new Error(r.outcome);
  return r.statement;
};

/** One way to make each kind. A Record over EntryKind: a new kind does not compile until it is tested here. */
const MAKE: Record<EntryKind, Setup> = {
  allowance: credited('allowance'),
  award: credited('award'),
  adjustment: credited('adjustment'),
  top_up: credited('top_up'),
  hold: async (deps, e) => {
    await seed(deps, e);
    await holdOf(deps, e, `h_${e}`);
    return `hold:h_${e}`;
  },
  capture: async (deps, e) => {
    await seed(deps, e);
    await holdOf(deps, e, `h_${e}`);
    await capture(deps, {
      hold_id: `h_${e}`,
      amount_points: 20,
      merchant_id: 'm_1abc',
      actor: 't',
      reason: 't',
      policy_version: null,
    });
    return `capture:h_${e}`;
  },
  release: async (deps, e) => {
    await seed(deps, e);
    await holdOf(deps, e, `h_${e}`);
    await release(deps, { hold_id: `h_${e}`, why: 'cancelled', actor: 't' });
    return `release:h_${e}`;
  },
  expiry: async (deps, e, advance) => {
    await credited('allowance')(deps, e);
    advance(40);
    await expireWallet(deps, e, '2027-01-01');
    return `expiry:${e}:2027-01-01`;
  },
  refund: async (deps, e) => {
    await seed(deps, e);
    await debitLot(deps, {
      entry_id: `refund:${e}`,
      elder_id: e,
      lot_id: `top_up:${e}`,
      to: 'refunds',
      reason: 't',
      actor: 't',
    });
    return `refund:${e}`;
  },
  scheme_exit: async (deps, e) => {
    const lot = await credited('allowance')(deps, e);
    await debitLot(deps, {
      entry_id: `scheme_exit:${e}:${lot}`,
      kind: 'scheme_exit',
      elder_id: e,
      lot_id: lot,
      to: 'issuance',
      reason: 't',
      actor: 't',
    });
    return `scheme_exit:${e}:${lot}`;
  },
  settlement: async (deps, e, advance, db) => {
    const s = await settled(deps, e, advance, db);
    return `settlement:${s.statement_id}`;
  },
  payout: async (deps, e, advance, db) => {
    const s = await settled(deps, e, advance, db);
    const pd = { ...deps, settlement: createSettlementStore(db) } as unknown as PayoutDeps;
    const by = { actor: 'staff:fin', scope: null };
    const paying = await startPayout(pd, await approveStatement(pd, s.statement_id, by), 'bank', by);
    await markPaid(pd, paying, 'BANK-1', by);
    return `payout:${s.statement_id}`;
  },
  reversal: async (deps, e) => {
    const first = await credited('award')(deps, e);
    await reverse(deps, { entry_id: first, reason: 't', actor: 't' });
    return `reversal:${first}`;
  },
};

describe('reversal by entry kind', () => {
  it('the table names every kind, with a reason', () => {
    expect(Object.keys(REVERSIBILITY).sort()).toEqual([...ENTRY_KINDS].sort());
    for (const k of ENTRY_KINDS) expect(REVERSIBILITY[k].why.length).toBeGreaterThan(10);
    expect(ENTRY_KINDS.filter((k) => REVERSIBILITY[k].reversible).sort()).toEqual([
      'adjustment',
      'allowance',
      'award',
      'capture',
    ]);
  });

  it.each([...ENTRY_KINDS])(
    '%s: reversed once when the table allows it, else ENTRY_NOT_REVERSIBLE and nothing changes',
    async (kind) => {
      const db = await makeTestDb('rev');
      const clock = fakeClock('2026-11-23T08:00:00Z');
      const deps: LedgerDeps = { ledger: createLedgerStore(db), clock };
      const elder_id = `e_rev_${kind}`;
      const wallet = `wallet:${elder_id}`;
      const entry_id = await MAKE[kind](deps, elder_id, (days) => clock.advance(days * 86_400_000), db);
      expect((await deps.ledger.entry(entry_id))?.kind).toBe(kind);
      const before = (await deps.ledger.account(wallet)).balance_points;
      const attempt = reverse(
        deps,
        { entry_id, reason: 'test', actor: 'staff:test' },
        { scope: 'staff:test', key: `k-${kind}`, request_hash: 'h' },
      );
      if (!REVERSIBILITY[kind].reversible) {
        await expect(attempt).rejects.toMatchObject({ code: 'ENTRY_NOT_REVERSIBLE', details: { kind } });
        expect((await deps.ledger.account(wallet)).balance_points).toBe(before);
        expect(await deps.ledger.isReversed(entry_id)).toBe(false);
        expect(await deps.ledger.entry(`reversal:${entry_id}`)).toBeNull();
      } else {
        await expect(attempt).resolves.toMatchObject({ entry_id: `reversal:${entry_id}`, replayed: false });
        // a credit's points leave the wallet; a capture's come back to it
        expect((await deps.ledger.account(wallet)).balance_points).toBe(kind === 'capture' ? before + 20 : before - 50);
        expect(
          await codeOf(
            reverse(
              deps,
              { entry_id, reason: 'test', actor: 'staff:test' },
              { scope: 'staff:test', key: `k2-${kind}`, request_hash: 'h' },
            ),
          ),
        ).toBe('ALREADY_REVERSED');
      }
      expect((await verifyLedger(db)).problems).toEqual([]);
    },
    60_000,
  );
});
