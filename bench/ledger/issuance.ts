// Part 2 of the ledger bench: the monthly issuance. Profiles go straight into a fresh table, then
// one month's `commitIssuance` runs with every written item key counted, then the ledger is
// verified. A pilot run measures this machine; `estimate` says how many elders fit the budget.
import type { DynamoLocal } from '@tmc/local/dynamo-local';
import { DEMO_AREAS, demoElders } from '@tmc/local/demo/district';
import { commitIssuance, type IssuanceDeps, type IssuanceRun } from '@tmc/core/policy/issuance';
import type { IssuanceRunStore } from '@tmc/core/policy/ports';
import { SYSTEM_SHARDS } from '@tmc/core/ledger/accounts';
import type { LedgerDeps } from '@tmc/core/ledger/service';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import { createAreaStore } from '@tmc/store/entities/areas';
import { createElderStore } from '@tmc/store/entities/elders';
import { createIssuanceRunStore } from '@tmc/store/entities/issuance-runs';
import { createLedgerStore } from '@tmc/store/entities/ledger';
import { verifyLedger, type VerifyReport } from '@tmc/store/ledger-verify';
import { createPolicyStore } from '@tmc/store/entities/policy';
import { openTable } from '../fixtures/dynamo';
import { int, perSec } from '../fixtures/format';
import { createMeter, type Tally } from '../fixtures/metering';
import { BENCH_ACTOR } from '../fixtures/points';
import { writeProfiles } from '../fixtures/profiles';
import { cpuMs, load1 } from '../fixtures/stats';
import { clock, month, SEED } from './args';

// The pilot measures this machine before committing to the full size.
export const ELDERS_GOAL = 100_000;
export const PILOT_ELDERS = 5_000;
export const BENCH_BUDGET_MS = 20 * 60_000; // the brief: the whole bench in about 20 minutes
export const REPORT_MARGIN_MS = 60_000; // left for the concurrent-holds part's verify, the report and shutdown
// Extrapolating from the pilot: setup and issuance grow linearly (the issuance rate held steady
// from 5,000 to 32,000 elders once the JVM was warm), but verifyLedger's Scan on DynamoDB Local grows
// with the square of the table (8.4 s at 5,000 elders, 338 s at 32,000 in one run here).
const VERIFY_GROWTH_EXPONENT = 2;
export const ESTIMATE_SAFETY = 1.2; // the 2 cores are shared with whatever else runs meanwhile
const WARM_SHARE = 0.5; // the pilot's issuance rate over its second half: a fresh JVM starts slow
export const ELDERS_STEP = 1_000; // if the goal does not fit, N is rounded down to a multiple of this
const PROGRESS_TENTHS = 10; // progress lines on the console
// issuance rate over the first and the last 10% of elders: does it slow as the table grows?
export const PROGRESS_SHARE = 0.1;
export const HOT_ITEM_SHARE = 0.01; // goal: no item written more than 1% as many times as there are elders
export const TOP_ITEMS = 3;

export type IssuanceResult = {
  elders: number;
  setupMs: number;
  issueMs: number;
  issueCpuMs: number;
  verifyMs: number;
  verifyCpuMs: number;
  warm: number; // elders/s over the second half of the run, the JVM warmed up
  run: IssuanceRun;
  tally: Tally;
  verify: VerifyReport;
  top: { key: string; writes: number }[];
  early: number; // elders/s over the first PROGRESS_SHARE of elders
  late: number; // elders/s over the last PROGRESS_SHARE
  load: { before: number; after: number };
};

/** The run store, noting when each page's progress is saved (it writes exactly what it would). */
const progressOf = (runs: IssuanceRunStore, total: number) => {
  let started = performance.now();
  const marks: { at: number; done: number }[] = [];
  const store: IssuanceRunStore = {
    get: (m) => {
      started = performance.now(); // commitIssuance reads its run once, first thing
      return runs.get(m);
    },
    put: async (run, expect_version) => {
      await runs.put(run, expect_version);
      const done = run.issued + run.already + run.skipped;
      const prev = marks[marks.length - 1]?.done ?? 0;
      marks.push({ at: performance.now(), done });
      // A line per tenth of the elders, so a long run shows it is moving (and how fast).
      if (Math.floor((done * PROGRESS_TENTHS) / total) > Math.floor((prev * PROGRESS_TENTHS) / total)) {
        console.log(
          `ledger bench: issuance ${int(done)} of ${int(total)} elders, ` +
            `${perSec(done, performance.now() - started, 'elders')}`,
        );
      }
    },
  };
  /** Elders/s over the first and the last `share` of the elders, from the saved pages. */
  const rates = (share: number): { early: number; late: number } => {
    const first = marks[0];
    const last = marks[marks.length - 1];
    const a = marks.find((m) => m.done >= total * share);
    const b = [...marks].reverse().find((m) => m.done <= total * (1 - share));
    if (!first || !last || !a || !b || a.at === first.at || last.at === b.at) return { early: 0, late: 0 };
    return {
      early: ((a.done - first.done) * 1000) / (a.at - first.at),
      late: ((last.done - b.done) * 1000) / (last.at - b.at),
    };
  };
  return { store, rates };
};

/** Without the full Scan (it grows with the square of the table on DynamoDB Local): the issuance
 * account's shards must sum to minus the points issued, and no shard may be positive. Read by key. */
const quickCheck = async (
  ledger: LedgerDeps['ledger'],
  issued_points: number,
  elders: number,
): Promise<VerifyReport> => {
  let sum = 0;
  const problems: string[] = [];
  for (let i = 0; i < SYSTEM_SHARDS; i++) {
    const b = (await ledger.account(`issuance:${String(i).padStart(2, '0')}`)).balance_points;
    if (b > 0) problems.push(`issuance shard ${i} is positive (${b})`);
    sum += b;
  }
  if (sum !== -issued_points) problems.push(`issuance shards sum to ${sum}, expected ${-issued_points}`);
  return {
    ok: problems.length === 0,
    problems,
    counts: { entries: elders, postings: 0, accounts: SYSTEM_SHARDS, lots: 0, holds: 0, reversals: 0 },
  };
};

/** Profiles written straight into the table (registration would take 100,000 transactions and
 * the guard items, none of which issuance reads), then one month's issuance, then a verify. */
export const issuance = async (
  dynamo: DynamoLocal,
  elders: number,
  label: string,
  opts: { verify: boolean } = { verify: true },
): Promise<IssuanceResult> => {
  const db = await openTable(dynamo, `ledger-${label}`);
  const meter = createMeter(db);
  const progress = progressOf(createIssuanceRunStore(db), elders);
  const deps: IssuanceDeps = {
    ledger: createLedgerStore(db),
    clock,
    elders: createElderStore(db),
    areas: createAreaStore(db),
    runs: progress.store,
  };
  const t0 = performance.now();
  for (const a of DEMO_AREAS) await deps.areas.put(a);
  const policy = await createPolicyStore(db).append(DEFAULT_POLICY, BENCH_ACTOR, clock.now().toISOString());
  // demoElders: ages 60-99 (so every active elder gets an allowance), care levels and special
  // categories as in a real roster, round-robin over the six demo communities.
  const inputs = demoElders(elders, SEED);
  await writeProfiles(db, inputs, clock);
  const setupMs = performance.now() - t0;

  meter.reset({ trackItems: true });
  const loadBefore = load1();
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  const run = await commitIssuance(deps, policy, month);
  const issueMs = performance.now() - t1;
  const issueCpuMs = cpuMs(cpu0);
  const tally = meter.take();
  const load = { before: loadBefore, after: load1() };

  const cpu2 = process.cpuUsage();
  const t2 = performance.now();
  const verify = opts.verify ? await verifyLedger(db) : await quickCheck(deps.ledger, run.points, inputs.length);
  const verifyMs = performance.now() - t2;
  const verifyCpuMs = cpuMs(cpu2);

  const top = [...(tally.perItem ?? new Map<string, number>())]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_ITEMS)
    .map(([key, writes]) => ({ key, writes }));
  return {
    elders,
    setupMs,
    issueMs,
    issueCpuMs,
    verifyMs,
    verifyCpuMs,
    run,
    tally,
    verify,
    top,
    ...progress.rates(PROGRESS_SHARE),
    warm: progress.rates(WARM_SHARE).late,
    load,
  };
};

export type Estimate = { setupMs: number; issueMs: number; verifyMs: number; totalMs: number };

/** Time for `n` elders from the pilot: linear setup and issuance (at the warm rate), verify by
 * VERIFY_GROWTH_EXPONENT, all times ESTIMATE_SAFETY. */
export const estimate = (pilot: IssuanceResult, n: number): Estimate => {
  const scale = n / pilot.elders;
  const rate = pilot.warm > 0 ? pilot.warm : (pilot.elders * 1000) / pilot.issueMs;
  const setupMs = pilot.setupMs * scale;
  const issueMs = (n * 1000) / rate;
  const verifyMs = pilot.verifyMs * scale ** VERIFY_GROWTH_EXPONENT;
  return { setupMs, issueMs, verifyMs, totalMs: (setupMs + issueMs + verifyMs) * ESTIMATE_SAFETY };
};
