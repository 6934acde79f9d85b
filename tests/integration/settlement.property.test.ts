// Property test of settlement on DynamoDB Local: random sequences over three merchants and three
// elders of captures, upheld disputes (a capture reversed), settlement runs of the next closed period
// (monthly or half-monthly) and payouts (some refused first), compared with a plain model. After
// every run, for every merchant: statement totals + receivable = captures - reversals, settling =
// the unpaid statements, paid = the paid ones; and the ledger verifies at the end of each sequence.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runSettlement } from '@tmc/core/settlement/run';
import { periodBounds, periodOf, type Cadence } from '@tmc/core/settlement/period';
import { approveStatement } from '@tmc/core/settlement/review';
import { payByStripe } from '@tmc/core/settlement/payout';
import type { Statement } from '@tmc/core/settlement/model';
import { agingReport } from '@tmc/core/settlement/reports';
import { expectLedgerOk, FINANCE, makeSettleEnv, RUNNER, stripeReady, type SettleEnv } from '../support/settlement';

const MERCHANTS = ['m_prop0', 'm_prop1', 'm_prop2'];
const ELDERS = ['e_prop0', 'e_prop1', 'e_prop2'];

const Op = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('capture' as const),
      m: fc.nat(2),
      e: fc.nat(2),
      points: fc.integer({ min: 1, max: 60 }),
      hours: fc.integer({ min: 0, max: 200 }), // how far into the period it lands
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('reverse' as const), c: fc.nat(40) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('settle' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('pay' as const), s: fc.nat(40), refused: fc.boolean() }) },
);
type OpT = typeof Op extends fc.Arbitrary<infer T> ? T : never;

type MCapture = { entry: string; m: number; points: number; reversed: boolean };
type MStatement = { id: string; m: number; total: number; status: 'issued' | 'approved' | 'payout_failed' | 'paid' };
type Model = {
  period: string; // the open period: captures land in it, `settle` closes it
  captures: MCapture[];
  open: number[]; // per merchant: what its window holds since its last statement
  statements: MStatement[];
};

const nextPeriod = (period: string, cadence: Cadence) => periodOf(new Date(periodBounds(period).end), cadence);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The invariants, read from the store, for every merchant; and the store agrees with the model. */
const checkInvariants = async (env: SettleEnv, m: Model) => {
  for (const [i, id] of MERCHANTS.entries()) {
    const stored = (await env.deps.settlement.byMerchant(id, 100)).items;
    const b = await env.balances(id);
    const mine = m.captures.filter((c) => c.m === i);
    const captured = sum(mine.map((c) => c.points));
    const reversed = sum(mine.filter((c) => c.reversed).map((c) => c.points));
    expect(sum(stored.map((s) => s.total_points)) + b.receivable, id).toBe(captured - reversed);
    expect(b.settling, id).toBe(sum(stored.filter((s) => s.status !== 'paid').map((s) => s.total_points)));
    expect(b.paid, id).toBe(sum(stored.filter((s) => s.status === 'paid').map((s) => s.total_points)));
    // the model's view: one statement per window that netted above zero, statuses as moved
    const expected = m.statements.filter((s) => s.m === i);
    expect(stored.map((s) => [s.statement_id, s.total_points, s.status]).sort(), id).toEqual(
      expected.map((s) => [s.id, s.total, s.status]).sort(),
    );
    expect(b.receivable, id).toBe(m.open[i]);
    // windows tile: each statement starts where the one before it ended
    const oldestFirst = [...stored].reverse();
    oldestFirst.forEach((s: Statement, k) => {
      if (k > 0) expect(s.from, s.statement_id).toBe(oldestFirst[k - 1]?.to);
      expect(s.seq).toBe(k + 1);
    });
  }
};

let runs = 0;

const run = async (cadence: Cadence, ops: OpT[]) => {
  const env = await makeSettleEnv(`sprop${runs++}`, '2026-11-02T02:00:00Z');
  for (const id of MERCHANTS) env.addMerchant(id, 'd.s1.c');
  const ready = new Set<number>(); // merchants with a Stripe payee: made on their first payout
  const m: Model = {
    period: periodOf(env.clock.now(), cadence),
    captures: [],
    open: MERCHANTS.map(() => 0),
    statements: [],
  };
  for (const op of ops) {
    switch (op.t) {
      case 'capture': {
        // somewhere in the open period, never past its end, never back in time
        const end = Date.parse(periodBounds(m.period).end);
        const at = Math.min(env.clock.now().getTime() + op.hours * 3_600_000, end - 1);
        if (at > env.clock.now().getTime()) env.clock.set(new Date(at).toISOString());
        const entry = await env.earn(MERCHANTS[op.m] as string, op.points, ELDERS[op.e]);
        m.captures.push({ entry, m: op.m, points: op.points, reversed: false });
        m.open[op.m] = (m.open[op.m] ?? 0) + op.points;
        break;
      }
      case 'reverse': {
        const live = m.captures.filter((c) => !c.reversed);
        const c = live[op.c % Math.max(1, live.length)];
        if (!c) break;
        await env.uphold(c.entry);
        c.reversed = true;
        m.open[c.m] = (m.open[c.m] ?? 0) - c.points;
        break;
      }
      case 'settle': {
        env.closePeriod(m.period);
        const r = await runSettlement(env.deps, { period: m.period, policy: env.policy, actor: RUNNER });
        let issued = 0;
        for (const [i, id] of MERCHANTS.entries()) {
          const open = m.open[i] ?? 0;
          if (open <= 0) continue; // nothing owed: carried (or nothing happened)
          m.statements.push({ id: `st_${m.period}_${id}`, m: i, total: open, status: 'issued' });
          m.open[i] = 0;
          issued++;
        }
        expect(r).toMatchObject({ status: 'completed', statements: issued });
        m.period = nextPeriod(m.period, cadence);
        await checkInvariants(env, m);
        break;
      }
      case 'pay': {
        const unpaid = m.statements.filter((s) => s.status !== 'paid');
        const s = unpaid[op.s % Math.max(1, unpaid.length)];
        if (!s) break;
        if (!ready.has(s.m)) {
          await stripeReady(env, MERCHANTS[s.m] as string);
          ready.add(s.m);
        }
        if (s.status === 'issued') {
          await approveStatement(env.deps, s.id, FINANCE);
          s.status = 'approved';
        }
        if (op.refused) env.gateway.failTransfers(1);
        const after = await payByStripe(env.deps, s.id, FINANCE);
        s.status = op.refused ? 'payout_failed' : 'paid';
        expect(after.status).toBe(s.status);
        break;
      }
    }
  }
  await checkInvariants(env, m);
  // finance's aging list shows exactly the unpaid ones, with their amounts
  const aging = await agingReport(env.deps, null, env.clock.now());
  const unpaid = m.statements.filter((s) => s.status !== 'paid');
  expect(aging.rows.map((r) => r.statement_id).sort()).toEqual(unpaid.map((s) => s.id).sort());
  expect(sum(aging.buckets.map((b) => b.amount_fen))).toBe(sum(unpaid.map((s) => s.total)) * env.policy.fen_per_point);
  const paid = m.statements.filter((s) => s.status === 'paid');
  expect(
    env.gateway
      .transfers()
      .map((t) => t.statement_id)
      .sort(),
  ).toEqual(paid.map((s) => s.id).sort());
  await expectLedgerOk(env.db);
};

describe('settlement properties (DynamoDB Local)', () => {
  it('random captures, disputes, runs and payouts keep the settlement invariants', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Cadence>('monthly', 'biweekly'),
        fc.array(Op, { minLength: 4, maxLength: 12 }),
        run,
      ),
      { numRuns: 16 },
    );
  }, 300_000);
});
