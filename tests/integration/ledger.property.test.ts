// Property test of the ledger on DynamoDB Local: random sequences of credit / hold / capture /
// release / expire / reverse across three wallets, with retried idempotency keys, compared with
// a plain in-memory model; after every sequence `verifyLedger` must pass.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLedgerStore } from '@tmc/store/entities/ledger';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { capture, credit, expireWallet, hold, release, reverse, type LedgerDeps } from '@tmc/core/ledger/service';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { AppError } from '@tmc/core/kernel/errors';
import { makeTestDb } from '../support/db';
import { fakeClock } from '../support/app';

type MLot = { id: string; remaining: number; original: number; subsidy: boolean; expires_on: string };
type MHold = {
  id: string;
  w: number;
  amount: number;
  takes: { id: string; n: number }[];
  status: 'open' | 'done';
  capturedEntry?: string;
};
type Model = {
  lots: MLot[][];
  merchant: number;
  holds: MHold[];
  credits: { entry: string; w: number; lot: string; amount: number; reversed: boolean; paid?: boolean }[];
};

const Op = fc.oneof(
  fc.record({
    t: fc.constant('credit' as const),
    w: fc.nat(2),
    amount: fc.integer({ min: 1, max: 200 }),
    paid: fc.boolean(),
    days: fc.integer({ min: 1, max: 40 }),
    retry: fc.boolean(),
  }),
  fc.record({
    t: fc.constant('hold' as const),
    w: fc.nat(2),
    amount: fc.integer({ min: 1, max: 250 }),
    allowed: fc.boolean(),
    retry: fc.boolean(),
  }),
  fc.record({ t: fc.constant('capture' as const), h: fc.nat(20), pct: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ t: fc.constant('release' as const), h: fc.nat(20) }),
  fc.record({ t: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ t: fc.constant('expire' as const), w: fc.nat(2) }),
  fc.record({ t: fc.constant('reverse' as const), c: fc.nat(20) }),
);

const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => iso(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));
const order = (a: MLot, b: MLot) =>
  a.expires_on.localeCompare(b.expires_on) || Number(b.subsidy) - Number(a.subsidy) || a.id.localeCompare(b.id);
const bal = (m: Model, w: number) => (m.lots[w] ?? []).reduce((s, l) => s + l.remaining, 0);

let seq = 0;
type OpT = typeof Op extends fc.Arbitrary<infer T> ? T : never;

const run = async (ops: OpT[]) => {
  const db = await makeTestDb('ledprop');
  const clock = fakeClock('2026-11-23T08:00:00Z');
  const deps: LedgerDeps = { ledger: createLedgerStore(db), clock };
  const m: Model = { lots: [[], [], []], merchant: 0, holds: [], credits: [] };
  const elder = (w: number) => `e_prop${w}`;
  const codeOf = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
      return 'ok';
    } catch (e) {
      if (e instanceof AppError) return e.code;
      throw e;
    }
  };
  for (const op of ops) {
    const today = iso(clock.now());
    const run = `r${seq++}`;
    switch (op.t) {
      case 'credit': {
        const expires_on = op.paid ? NEVER_EXPIRES : addDays(today, op.days);
        const args = {
          entry_id: `c:${run}`,
          kind: op.paid ? ('top_up' as const) : ('allowance' as const),
          elder_id: elder(op.w),
          amount_points: op.amount,
          from: op.paid ? ('topup_clearing' as const) : ('issuance' as const),
          source: op.paid ? ('top_up' as const) : ('allowance' as const),
          subsidy: !op.paid,
          expires_on,
          reason: 'test',
          actor: 'test',
          policy_version: null,
        };
        const idem = { scope: 'test', key: run, request_hash: `h${op.amount}` };
        const r1 = await credit(deps, args, idem);
        expect(r1.replayed).toBe(false);
        if (op.retry) {
          expect((await credit(deps, args, idem)).replayed).toBe(true);
          expect(
            await codeOf(credit(deps, { ...args, amount_points: op.amount + 1 }, { ...idem, request_hash: 'other' })),
          ).toBe('IDEMPOTENCY_KEY_REUSED');
        }
        m.lots[op.w]?.push({
          id: args.entry_id,
          remaining: op.amount,
          original: op.amount,
          subsidy: !op.paid,
          expires_on,
        });
        m.credits.push({
          entry: args.entry_id,
          w: op.w,
          lot: args.entry_id,
          amount: op.amount,
          reversed: false,
          paid: op.paid,
        });
        break;
      }
      case 'hold': {
        const lots = (m.lots[op.w] ?? [])
          .filter((l) => l.remaining > 0 && l.expires_on >= today && (op.allowed || !l.subsidy))
          .sort(order);
        const avail = lots.reduce((s, l) => s + l.remaining, 0);
        const id = `h${run}`;
        const args = {
          hold_id: id,
          elder_id: elder(op.w),
          amount_points: op.amount,
          category: 'barber',
          subsidy_allowed: op.allowed,
          per_order_max: null,
          per_month_max: null,
          expires_at: new Date(clock.now().getTime() + 86_400_000).toISOString(),
          actor: 'test',
          reason: 'test',
        };
        const idem = { scope: 'test', key: run, request_hash: 'h' };
        const code = await codeOf(hold(deps, args, idem));
        if (avail < op.amount) {
          expect(['INSUFFICIENT_POINTS', 'CATEGORY_NOT_ALLOWED']).toContain(code);
          break;
        }
        expect(code).toBe('ok');
        if (op.retry) expect((await hold(deps, args, idem)).replayed).toBe(true);
        let left = op.amount;
        const takes: MHold['takes'] = [];
        for (const l of lots) {
          if (!left) break;
          const n = Math.min(l.remaining, left);
          l.remaining -= n;
          left -= n;
          takes.push({ id: l.id, n });
        }
        m.holds.push({ id, w: op.w, amount: op.amount, takes, status: 'open' });
        break;
      }
      case 'capture':
      case 'release': {
        const h = m.holds[op.h % Math.max(1, m.holds.length)];
        if (!h) break;
        const amount = op.t === 'capture' ? Math.max(1, Math.ceil((h.amount * op.pct) / 100)) : 0;
        const code = await codeOf(
          op.t === 'capture'
            ? capture(deps, {
                hold_id: h.id,
                amount_points: amount,
                merchant_id: 'm_1',
                actor: 'test',
                reason: 'done',
                policy_version: null,
              })
            : release(deps, { hold_id: h.id, why: 'cancelled', actor: 'test' }),
        );
        if (h.status !== 'open') {
          expect(code).toBe('HOLD_ALREADY_FINAL');
          break;
        }
        expect(code).toBe('ok');
        h.status = 'done';
        let back = h.amount - amount;
        const lots = m.lots[h.w] ?? [];
        for (const t of [...h.takes].reverse()) {
          if (!back) break;
          const n = Math.min(t.n, back);
          const l = lots.find((x) => x.id === t.id);
          if (l) l.remaining += n;
          back -= n;
          t.n -= n;
        }
        if (op.t === 'capture') {
          m.merchant += amount;
          h.capturedEntry = `capture:${h.id}`;
          m.credits.push({ entry: `capture:${h.id}`, w: h.w, lot: '', amount, reversed: false });
        }
        break;
      }
      case 'advance':
        clock.advance(op.days * 86_400_000);
        break;
      case 'expire': {
        await expireWallet(deps, elder(op.w), today);
        for (const l of m.lots[op.w] ?? []) if (l.expires_on < today) l.remaining = 0;
        break;
      }
      case 'reverse': {
        const c = m.credits[op.c % Math.max(1, m.credits.length)];
        if (!c) break;
        const code = await codeOf(reverse(deps, { entry_id: c.entry, reason: 'test', actor: 'staff:test' }));
        if (c.paid) {
          expect(code).toBe('ENTRY_NOT_REVERSIBLE');
          break;
        } // paid points leave only by a top-up refund
        if (c.reversed) {
          expect(code).toBe('ALREADY_REVERSED');
          break;
        }
        if (c.lot) {
          const l = (m.lots[c.w] ?? []).find((x) => x.id === c.lot);
          if (!l || l.remaining < c.amount) {
            expect(code).toBe('INSUFFICIENT_POINTS');
            break;
          }
          expect(code).toBe('ok');
          l.remaining -= c.amount;
        } else {
          const h = m.holds.find((x) => `capture:${x.id}` === c.entry);
          expect(code).toBe('ok');
          m.merchant -= c.amount;
          for (const t of h?.takes ?? []) {
            const l = (m.lots[c.w] ?? []).find((x) => x.id === t.id);
            if (l) l.remaining += t.n;
          }
        }
        c.reversed = true;
        break;
      }
    }
  }
  const report = await verifyLedger(db);
  expect(report.problems).toEqual([]);
  for (let w = 0; w < 3; w++)
    expect((await deps.ledger.account(`wallet:${elder(w)}`)).balance_points, `wallet ${w}`).toBe(bal(m, w));
  expect((await deps.ledger.account('merchant:m_1')).balance_points).toBe(m.merchant);
};

describe('ledger properties (DynamoDB Local)', () => {
  beforeAll(() => {
    seq = 0;
  });
  it('random operation sequences keep every invariant and match the model', async () => {
    await fc.assert(fc.asyncProperty(fc.array(Op, { minLength: 5, maxLength: 30 }), run), { numRuns: 60 });
  }, 300_000);
});
