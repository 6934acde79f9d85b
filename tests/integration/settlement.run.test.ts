// The settlement run against DynamoDB Local (issue 10): one statement per merchant and period however
// often or however concurrently it runs, a crashed run resumed to the same end, periods closed only
// after their grace, upheld disputes deducted in the next statement (or carried when they exceed it),
// and half-month periods. Points come from real ledger operations; the ledger verifies after each test.
import { describe, expect, it } from 'vitest';
import { RUN_PAGE, runSettlement, SETTLEMENT_EPOCH, settleMerchant } from '@tmc/core/settlement/run';
import { CLOSE_GRACE_MS, periodBounds } from '@tmc/core/settlement/period';
import { statementLines } from '@tmc/core/settlement/reports';
import type { Statement } from '@tmc/core/settlement/model';
import { settlingAccount } from '@tmc/core/ledger/accounts';
import { codeOf, expectLedgerOk, makeSettleEnv, outcomes, RUNNER, type SettleEnv } from '../support/settlement';

const NOV = '2026-11';

const runArgs = (env: SettleEnv, period: string, more: { resume?: boolean; maxPages?: number } = {}) => ({
  period,
  policy: env.policy,
  actor: RUNNER,
  ...more,
});
const settleOne = (env: SettleEnv, period: string, merchant_id: string) => {
  const merchant = env.merchants.find((m) => m.merchant_id === merchant_id);
  if (!merchant) throw new Error(`no merchant ${merchant_id}`);
  return settleMerchant(env.deps, { period, merchant, policy: env.policy, actor: RUNNER });
};
const statementsOf = async (env: SettleEnv, merchant_id: string): Promise<Statement[]> =>
  (await env.deps.settlement.byMerchant(merchant_id, 100)).items;

/** One statement for the merchant, its ledger entry once, its issue audited once, the points moved. */
const expectSettledOnce = async (env: SettleEnv, merchant_id: string, total_points: number) => {
  const list = await statementsOf(env, merchant_id);
  expect(list).toHaveLength(1);
  const s = list[0] as Statement;
  expect(s.total_points).toBe(total_points);
  expect((await env.deps.ledger.entry(`settlement:${s.statement_id}`))?.kind).toBe('settlement');
  const settling = await env.deps.ledger.history(settlingAccount(merchant_id), 50);
  expect(settling.items.map((p) => p.entry_id)).toEqual([`settlement:${s.statement_id}`]);
  const issued = (await env.auditOf(s.statement_id)).filter((a) => a.action === 'statement.issue');
  expect(issued).toHaveLength(1);
  expect(await env.balances(merchant_id)).toEqual({ receivable: 0, settling: total_points, paid: 0 });
  return s;
};

describe('settlement run: once per merchant and period', () => {
  it('a re-run, a resumed run and settleMerchant twice make no second statement', async () => {
    const env = await makeSettleEnv('srerun');
    env.addMerchant('m_rerun1');
    env.addMerchant('m_rerun2');
    await env.earn('m_rerun1', 30);
    await env.earn('m_rerun1', 12);
    await env.earn('m_rerun2', 25);
    env.closePeriod(NOV);

    // one merchant settled on its own first, twice
    expect((await settleOne(env, NOV, 'm_rerun2')).outcome).toBe('issued');
    expect((await settleOne(env, NOV, 'm_rerun2')).outcome).toBe('already');

    // the run counts the period's statements, the one issued before it included
    const first = await runSettlement(env.deps, runArgs(env, NOV));
    expect(first).toMatchObject({ status: 'completed', merchants_seen: 2, statements: 2, points: 67, carried: 0 });
    expect(await runSettlement(env.deps, runArgs(env, NOV))).toEqual(first); // completed: answered as it stands
    const again = await runSettlement(env.deps, runArgs(env, NOV, { resume: true }));
    expect(again).toMatchObject({ status: 'completed', merchants_seen: 2, statements: 2, points: 67 });
    for (const id of ['m_rerun1', 'm_rerun2']) expect((await settleOne(env, NOV, id)).outcome).toBe('already');

    const s = await expectSettledOnce(env, 'm_rerun1', 42);
    expect(s).toMatchObject({
      statement_id: 'st_2026-11_m_rerun1',
      statement_no: 'JS202611-rerun1-001',
      seq: 1,
      period: NOV,
      from: SETTLEMENT_EPOCH,
      to: periodBounds(NOV).end,
      captures_count: 2,
      captures_points: 42,
      deductions_count: 0,
      deductions_points: 0,
      amount_fen: 42 * env.policy.fen_per_point,
      status: 'issued',
    });
    await expectSettledOnce(env, 'm_rerun2', 25);
    await expectLedgerOk(env.db);
  });

  it('20 concurrent settleMerchant and resumed runs: one statement, entry and audit record per merchant', async () => {
    const env = await makeSettleEnv('sconc');
    const ids = ['m_conc0', 'm_conc1', 'm_conc2'];
    for (const [i, id] of ids.entries()) {
      env.addMerchant(id);
      await env.earn(id, 10 + i * 7);
      await env.earn(id, 5);
    }
    env.closePeriod(NOV);
    const calls = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? settleOne(env, NOV, ids[i % 3] as string)
        : runSettlement(env.deps, runArgs(env, NOV, { resume: true })),
    );
    const codes = await outcomes(calls);
    // a run that finds the run record moved by a twin stops with SETTLEMENT_RUNNING; nothing else fails
    expect(codes.filter((c) => c !== 'ok' && c !== 'SETTLEMENT_RUNNING')).toEqual([]);
    for (const [i, id] of ids.entries()) await expectSettledOnce(env, id, 15 + i * 7);
    // and a later pass converges on the same state
    const last = await runSettlement(env.deps, runArgs(env, NOV, { resume: true }));
    expect(last).toMatchObject({ status: 'completed', merchants_seen: 3, statements: 3, points: 15 + 22 + 29 });
    for (const [i, id] of ids.entries()) await expectSettledOnce(env, id, 15 + i * 7);
    await expectLedgerOk(env.db);
  });
});

describe('settlement run: crash and resume', () => {
  /** RUN_PAGE + 30 approved merchants and 2 suspended; a few of each page earned something. */
  const manyMerchants = async (env: SettleEnv, tag: string) => {
    const active = new Map<string, number>();
    for (let i = 0; i < RUN_PAGE + 30; i++) env.addMerchant(`m_${tag}${String(i).padStart(3, '0')}`);
    for (let i = 0; i < 2; i++) env.addMerchant(`m_${tag}s${i}`, 'd.s1.c', 'suspended');
    const earners = [3, RUN_PAGE - 1, RUN_PAGE, RUN_PAGE + 29].map((i) => `m_${tag}${String(i).padStart(3, '0')}`);
    for (const [i, id] of [...earners, `m_${tag}s1`].entries()) {
      await env.earn(id, 20 + i);
      active.set(id, 20 + i);
    }
    return active;
  };
  const expectAllSettled = async (env: SettleEnv, active: Map<string, number>) => {
    for (const m of env.merchants) {
      const points = active.get(m.merchant_id);
      if (points === undefined) expect(await statementsOf(env, m.merchant_id)).toEqual([]);
      else await expectSettledOnce(env, m.merchant_id, points);
    }
  };

  it('stopped after one page (maxPages), resumed: every merchant settled once', async () => {
    const env = await makeSettleEnv('scrash');
    const active = await manyMerchants(env, 'cr');
    env.closePeriod(NOV);
    const part = await runSettlement(env.deps, runArgs(env, NOV, { maxPages: 1 }));
    expect(part).toMatchObject({ status: 'running', list_index: 0, merchants_seen: RUN_PAGE, statements: 2 });
    // a live run is not raced without `resume`
    expect(await codeOf(runSettlement(env.deps, runArgs(env, NOV)))).toBe('SETTLEMENT_RUNNING');
    const done = await runSettlement(env.deps, runArgs(env, NOV, { resume: true }));
    expect(done).toMatchObject({ status: 'completed', merchants_seen: RUN_PAGE + 32, statements: 5 });
    expect(done.points).toBe([...active.values()].reduce((a, b) => a + b, 0));
    await expectAllSettled(env, active);
    await expectLedgerOk(env.db);
  });

  it('died reading the second page, taken over once stale: converges', async () => {
    const env = await makeSettleEnv('sdie');
    const active = await manyMerchants(env, 'di');
    env.closePeriod(NOV);
    const byStatus = env.deps.merchants.byStatus;
    let dead = true;
    env.deps.merchants.byStatus = async (status, limit, cursor) => {
      if (dead && cursor) throw new Error('the function was stopped');
      return byStatus(status, limit, cursor);
    };
    await expect(runSettlement(env.deps, runArgs(env, NOV))).rejects.toThrow('stopped');
    dead = false;
    expect((await env.deps.settlement.run(NOV))?.cursor).toBe(String(RUN_PAGE));
    expect(await codeOf(runSettlement(env.deps, runArgs(env, NOV)))).toBe('SETTLEMENT_RUNNING');
    env.clock.advance(16 * 60_000); // the run record is stale: a plain run takes it over
    expect(await runSettlement(env.deps, runArgs(env, NOV))).toMatchObject({ status: 'completed', statements: 5 });
    await expectAllSettled(env, active);
    await expectLedgerOk(env.db);
  });

  it('one merchant failing (its commit threw) does not stop the run; a resume settles it, nothing twice', async () => {
    const env = await makeSettleEnv('smid');
    const active = await manyMerchants(env, 'mi');
    env.closePeriod(NOV);
    const commit = env.deps.ledger.commit;
    let settlements = 0;
    env.deps.ledger.commit = async (plan) => {
      if (plan.entry.kind === 'settlement' && ++settlements === 2) throw new Error('connection reset');
      return commit(plan);
    };
    const first = await runSettlement(env.deps, runArgs(env, NOV));
    expect(first).toMatchObject({ status: 'completed', statements: 4, failures: 1 });
    expect(first.failed_merchants).toHaveLength(1);
    env.deps.ledger.commit = commit;
    // the redone page counts the statements the dead pass issued in it: the record tells the whole period
    expect(await runSettlement(env.deps, runArgs(env, NOV, { resume: true }))).toMatchObject({
      status: 'completed',
      merchants_seen: RUN_PAGE + 32,
      statements: 5,
      points: [...active.values()].reduce((a, b) => a + b, 0),
    });
    await expectAllSettled(env, active);
    await expectLedgerOk(env.db);
  });
});

describe('settlement run: periods', () => {
  it('PERIOD_NOT_CLOSED until the period end plus the grace', async () => {
    const env = await makeSettleEnv('sclosed');
    env.addMerchant('m_close1');
    await env.earn('m_close1', 9);
    const end = Date.parse(periodBounds(NOV).end);
    for (const at of [env.clock.now().getTime(), end - 1, end, end + CLOSE_GRACE_MS - 1]) {
      env.clock.set(new Date(at).toISOString());
      await expect(runSettlement(env.deps, runArgs(env, NOV))).rejects.toMatchObject({
        code: 'PERIOD_NOT_CLOSED',
        details: { period: NOV, ends_at: periodBounds(NOV).end },
      });
      expect(await codeOf(settleOne(env, NOV, 'm_close1'))).toBe('PERIOD_NOT_CLOSED');
    }
    expect(await env.deps.settlement.run(NOV)).toBeNull();
    env.clock.set(new Date(end + CLOSE_GRACE_MS).toISOString());
    expect(await runSettlement(env.deps, runArgs(env, NOV))).toMatchObject({ status: 'completed', statements: 1 });
    await expectLedgerOk(env.db);
  });

  it('half-month periods: windows meet at the 16th (China time), numbered in sequence', async () => {
    const env = await makeSettleEnv('sbiweek', '2026-11-02T02:00:00Z');
    env.addMerchant('m_half1');
    await env.earn('m_half1', 11); // 2 Nov
    const mid = periodBounds('2026-11a').end; // 16 Nov 00:00 in China
    expect(mid).toBe('2026-11-15T16:00:00.000Z');
    env.clock.set(new Date(Date.parse(mid) - 1).toISOString());
    await env.earn('m_half1', 13); // the last instant of the first half
    env.clock.set(mid);
    await env.earn('m_half1', 17); // the first instant of the second half
    env.closePeriod('2026-11a');
    await env.earn('m_half1', 19); // after the first half closed
    const a = await runSettlement(env.deps, runArgs(env, '2026-11a'));
    expect(a).toMatchObject({ status: 'completed', statements: 1, points: 24 });
    env.closePeriod('2026-11b');
    expect(await runSettlement(env.deps, runArgs(env, '2026-11b'))).toMatchObject({ statements: 1, points: 36 });
    const [b, first] = await statementsOf(env, 'm_half1'); // newest first
    expect(first).toMatchObject({ statement_no: 'JS202611a-half1-001', from: SETTLEMENT_EPOCH, to: mid });
    expect(first).toMatchObject({ captures_count: 2, total_points: 24 });
    expect(b).toMatchObject({ statement_no: 'JS202611b-half1-002', from: mid, to: periodBounds('2026-11b').end });
    expect(b).toMatchObject({ captures_count: 2, total_points: 36, seq: 2 });
    expect(await env.balances('m_half1')).toEqual({ receivable: 0, settling: 60, paid: 0 });
    await expectLedgerOk(env.db);
  });
});

describe('settlement run: disputes upheld after settlement', () => {
  it('deducted in the next statement; deductions larger than captures are carried to the one after', async () => {
    const env = await makeSettleEnv('sdisp');
    env.addMerchant('m_disp1');
    env.addMerchant('m_disp2');
    const big = await env.earn('m_disp1', 50);
    await env.earn('m_disp1', 30);
    const whole = await env.earn('m_disp2', 40);
    env.closePeriod(NOV);
    expect(await runSettlement(env.deps, runArgs(env, NOV))).toMatchObject({ statements: 2, points: 120 });

    env.clock.set('2026-12-05T03:00:00Z');
    await env.uphold(big); // m_disp1 gives back 50 of its settled November
    await env.uphold(whole); // m_disp2 gives back all of it
    expect((await env.balances('m_disp1')).receivable).toBe(-50);
    env.clock.advance(3_600_000);
    await env.earn('m_disp1', 70);
    await env.earn('m_disp2', 10);
    env.closePeriod('2026-12');
    const dec = await runSettlement(env.deps, runArgs(env, '2026-12'));
    expect(dec).toMatchObject({ statements: 1, carried: 1, points: 20 });

    const [d1] = await statementsOf(env, 'm_disp1');
    expect(d1).toMatchObject({
      period: '2026-12',
      from: periodBounds(NOV).end,
      captures_count: 1,
      captures_points: 70,
      deductions_count: 1,
      deductions_points: 50,
      total_points: 20,
      amount_fen: 20 * env.policy.fen_per_point,
      seq: 2,
    });
    const lines = await statementLines(env.deps, d1 as Statement, 50);
    expect(lines.items.map((l) => [l.kind, l.amount_points])).toEqual([
      ['deduction', -50],
      ['capture', 70],
    ]);
    expect(await env.balances('m_disp1')).toEqual({ receivable: 0, settling: 100, paid: 0 });

    // m_disp2: -40 + 10 nets below zero: no December statement, the window stays open
    expect((await statementsOf(env, 'm_disp2')).map((s) => s.period)).toEqual([NOV]);
    expect(await env.balances('m_disp2')).toEqual({ receivable: -30, settling: 40, paid: 0 });
    expect((await env.deps.settlement.cursor('m_disp2'))?.settled_to).toBe(periodBounds(NOV).end);

    env.clock.set('2027-01-10T03:00:00Z');
    await env.earn('m_disp2', 50);
    env.closePeriod('2027-01');
    expect(await runSettlement(env.deps, runArgs(env, '2027-01'))).toMatchObject({ statements: 1, points: 20 });
    const [jan] = await statementsOf(env, 'm_disp2');
    expect(jan).toMatchObject({
      period: '2027-01',
      statement_no: 'JS202701-disp2-002',
      from: periodBounds(NOV).end, // the carried December is in it
      to: periodBounds('2027-01').end,
      captures_count: 2,
      captures_points: 60,
      deductions_count: 1,
      deductions_points: 40,
      total_points: 20,
    });
    expect(await env.balances('m_disp2')).toEqual({ receivable: 0, settling: 60, paid: 0 });
    await expectLedgerOk(env.db);
  });
});
