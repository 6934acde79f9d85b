// Settlement against DynamoDB Local for the settlement tests (issue 10): one table with the real
// ledger, statement, payee, batch and audit stores, the fake payout gateway, an in-memory merchant
// list (the run only pages through it) and a clock the test moves. Points reach a merchant the way
// orders bring them: a top-up credit, a hold and a capture; an upheld dispute is the capture reversed.
import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { createLedgerStore } from '@tmc/store/entities/ledger';
import { createSettlementStore } from '@tmc/store/entities/statements';
import { createBatchStore, createPayeeStore } from '@tmc/store/entities/payees';
import { createAuditLog } from '@tmc/store/entities/audit';
import { verifyLedger } from '@tmc/store/ledger-verify';
import type { Db } from '@tmc/store/table';
import { capture, credit, hold, reverse } from '@tmc/core/ledger/service';
import { merchantAccount, paidAccount, settlingAccount } from '@tmc/core/ledger/accounts';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { createFieldCipher } from '@tmc/core/kernel/secrets';
import { AppError } from '@tmc/core/kernel/errors';
import { DEFAULT_POLICY, type Policy } from '@tmc/core/policy/model';
import type { Merchant, MerchantStatus } from '@tmc/core/merchants/model';
import { periodBounds, CLOSE_GRACE_MS } from '@tmc/core/settlement/period';
import type { SettlementDeps } from '@tmc/core/settlement/run';
import type { BankDeps } from '@tmc/core/settlement/bank';
import type { Reviewer } from '@tmc/core/settlement/review';
import { recordStripeReadiness, stripeOnboarding } from '@tmc/core/settlement/payee-service';
import { createFakeGateway, type FakeGateway } from '@tmc/payments/fake';
import { makeTestDb } from './db';
import { fakeClock, type FakeClock } from './app';

export type TestMerchant = Pick<Merchant, 'merchant_id' | 'business_name' | 'community_code' | 'status'>;
export type SettleDeps = SettlementDeps & BankDeps;

export type SettleEnv = {
  db: Db;
  clock: FakeClock;
  gateway: FakeGateway;
  deps: SettleDeps;
  policy: Policy;
  merchants: TestMerchant[];
  /** Adds a merchant to the lists the run walks; ids are m_<4+ alphanumerics> (statement ids need it). */
  addMerchant: (merchant_id: string, community_code?: string, status?: MerchantStatus) => TestMerchant;
  /** An order's points reach the merchant now (credit, hold, capture); answers the capture's entry id. */
  earn: (merchant_id: string, points: number, elder_id?: string) => Promise<string>;
  /** A dispute upheld now: the capture reversed, its points back to the elder. */
  uphold: (capture_entry: string) => Promise<void>;
  /** Moves the clock just past the period's close (its end and the grace). */
  closePeriod: (period: string) => void;
  balance: (account: string) => Promise<number>;
  balances: (merchant_id: string) => Promise<{ receivable: number; settling: number; paid: number }>;
  /** Audit records about a statement (issue, review, payout moves). */
  auditOf: (statement_id: string) => Promise<{ action: string; actor: string }[]>;
};

export const FINANCE: Reviewer = { actor: 'staff:fin', scope: null };
export const RUNNER = 'system:settlement';

export const testPolicy = (): Policy => ({
  ...DEFAULT_POLICY,
  version: 1,
  created_by: 't',
  created_at: '2026-01-01T00:00:00Z',
});

export const makeSettleEnv = async (label = 'settle', at = '2026-11-23T08:00:00Z'): Promise<SettleEnv> => {
  const db = await makeTestDb(label);
  const clock = fakeClock(at);
  const gateway = createFakeGateway({ secret: 'test-secret-0123456789', clock });
  const merchants: TestMerchant[] = [];
  const byStatus = async (status: MerchantStatus, limit: number, cursor?: string) => {
    const all = merchants.filter((m) => m.status === status);
    const from = cursor ? Number(cursor) : 0;
    const items = all.slice(from, from + limit) as Merchant[];
    return { items, cursor: from + limit < all.length ? String(from + limit) : null };
  };
  const deps: SettleDeps = {
    ledger: createLedgerStore(db),
    clock,
    settlement: createSettlementStore(db),
    merchants: { byStatus },
    payees: createPayeeStore(db),
    batches: createBatchStore(db),
    gateway,
    cipher: createFieldCipher(randomBytes(32)),
    audit: createAuditLog(db, clock),
  };
  let n = 0;
  const balance = async (account: string) => (await deps.ledger.account(account)).balance_points;
  return {
    db,
    clock,
    gateway,
    deps,
    policy: testPolicy(),
    merchants,
    addMerchant: (merchant_id, community_code = 'd.s1.c', status = 'approved') => {
      const m: TestMerchant = { merchant_id, business_name: `店 ${merchant_id}`, community_code, status };
      merchants.push(m);
      return m;
    },
    async earn(merchant_id, points, elder_id = `e_${label}${n}`) {
      const id = `${n++}${randomBytes(3).toString('hex')}`;
      await credit(deps, {
        entry_id: `top_up:t${id}`,
        kind: 'top_up',
        elder_id,
        amount_points: points,
        from: 'topup_clearing',
        source: 'top_up',
        subsidy: false,
        expires_on: NEVER_EXPIRES,
        reason: 't',
        actor: 't',
        policy_version: null,
      });
      const hold_id = `o_${id}`;
      await hold(deps, {
        hold_id,
        elder_id,
        amount_points: points,
        category: 'barber',
        subsidy_allowed: true,
        per_order_max: null,
        per_month_max: null,
        expires_at: new Date(clock.now().getTime() + 86_400_000).toISOString(),
        actor: 't',
        reason: 't',
      });
      await capture(deps, { hold_id, amount_points: points, merchant_id, actor: 't', reason: 't', policy_version: 1 });
      return `capture:${hold_id}`;
    },
    async uphold(capture_entry) {
      await reverse(deps, { entry_id: capture_entry, reason: 'dispute upheld', actor: 'staff:disputes' });
    },
    closePeriod(period) {
      clock.set(new Date(Date.parse(periodBounds(period).end) + CLOSE_GRACE_MS + 60_000).toISOString());
    },
    balance,
    balances: async (merchant_id) => ({
      receivable: await balance(merchantAccount(merchant_id)),
      settling: await balance(settlingAccount(merchant_id)),
      paid: await balance(paidAccount(merchant_id)),
    }),
    async auditOf(statement_id) {
      const page = await deps.audit.listBySubject(`statement:${statement_id}`, 100);
      return page.items.map((a) => ({ action: a.action, actor: a.actor }));
    },
  };
};

/** The merchant's connected account at the (fake) provider, once onboarding made it. */
export const accountOf = async (env: SettleEnv, merchant_id: string): Promise<string> =>
  (await env.deps.payees.get(merchant_id))?.stripe_account ?? 'none';

/** A Stripe payee for the merchant: onboarding started and, unless `ready` is false, finished. */
export const stripeReady = async (env: SettleEnv, merchant_id: string, ready = true) => {
  const urls = { return_url: 'http://localhost/m/payee', refresh_url: 'http://localhost/m/payee?again=1' };
  await stripeOnboarding(env.deps, { merchant_id, business_name: 'shop' }, urls, `merchant:${merchant_id}`);
  if (ready) expect(await recordStripeReadiness(env.deps, await accountOf(env, merchant_id), true)).toBe('updated');
};

/** The code of the AppError a call ends in, or 'ok'; anything else thrown goes on up. */
export const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
};

/** The ledger's invariants over the whole table (every test ends with it). */
export const expectLedgerOk = async (db: Db) => {
  const r = await verifyLedger(db);
  expect(r.problems).toEqual([]);
  expect(r.ok).toBe(true);
};

/** How many of `codes` each outcome of a batch of concurrent calls is: 'ok' or an AppError code. */
export const outcomes = async (calls: Promise<unknown>[]): Promise<string[]> =>
  Promise.all(calls.map((c) => codeOf(c)));

/** Every item of the table, sorted: a test may Scan (requests never do) to prove "nothing changed". */
export const tableItems = async (db: Db): Promise<string[]> => {
  const out: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.doc.send(
      new ScanCommand({ TableName: db.table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const it of r.Items ?? [])
      out.push(JSON.stringify(Object.fromEntries(Object.entries(it).sort(([a], [b]) => a.localeCompare(b)))));
    start = r.LastEvaluatedKey;
  } while (start);
  return out.sort();
};
