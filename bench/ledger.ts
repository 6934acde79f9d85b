// The points ledger on DynamoDB Local: what each ledger operation writes and reads, the monthly
// issuance for 100,000 elders (rate, and the most-written single item against the "no item
// written more than 1% as often as there are elders" goal), and holds per second spread over many
// wallets versus piled on one. Results go to docs/BENCHMARKS.md (`bench:ledger`).
//
// DynamoDB Local is a single JVM on this machine, not the service: the rates here say how the
// ledger behaves (requests per operation, how it copes with contention), not what DynamoDB itself
// would sustain. Item counts and hot items do carry over: they are properties of the code.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { DEMO_AREAS, demoElders } from '@tmc/local/demo/district';
import { buildElderRecord } from '@tmc/core/elders/service';
import type { ElderInput, ElderRecord } from '@tmc/core/elders/model';
import { AppError } from '@tmc/core/kernel/errors';
import { commitIssuance, ISSUANCE_CONCURRENCY, ISSUANCE_PAGE, type IssuanceDeps, type IssuanceRun } from '@tmc/core/policy/issuance';
import type { IssuanceRunStore } from '@tmc/core/policy/ports';
import { SYSTEM_SHARDS } from '@tmc/core/ledger/accounts';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { capture, credit, hold, LEDGER_RETRIES, release, reverse, type CreditArgs, type HoldArgs, type LedgerDeps } from '@tmc/core/ledger/service';
import { allowanceExpiresOn, DEFAULT_POLICY } from '@tmc/core/policy/model';
import { systemClock } from '@tmc/core/kernel/clock';
import { createBlindIndex, createFieldCipher } from '@tmc/core/kernel/secrets';
import { startDynamoLocal, type DynamoLocal } from '@tmc/local/dynamo-local';
import { createAreaStore } from '@tmc/store/entities/areas';
import { createElderStore } from '@tmc/store/entities/elders';
import { createIssuanceRunStore } from '@tmc/store/entities/issuance-runs';
import { keys } from '@tmc/store/keys';
import { CONTENTION_RETRIES, createLedgerStore } from '@tmc/store/entities/ledger';
import { verifyLedger, type VerifyReport } from '@tmc/store/ledger-verify';
import { createPolicyStore } from '@tmc/store/entities/policy';
import { createDb, ensureTable, type Db } from '@tmc/store/table';
import { provenance, writeSection } from './fixtures/report';

const SECTION = 'bench:ledger';
const SEED = 2026; // any seed works: every table starts empty
const ACTOR = 'system:bench';
const MERCHANT = 'm_bench';
const CATEGORY = 'canteen'; // one of DEFAULT_POLICY's subsidy categories, so allowance lots may pay
const US_PER_MS = 1000;
const MS_PER_HOUR = 3_600_000;

// 1. Per operation: every operation is repeated on fresh wallets; counts must agree across samples
// (they are the code's, not the machine's), the median time smooths DynamoDB Local's jitter.
const OPS_SAMPLES = 5;
const SEED_TOPUP_POINTS = 100; // paid, never expires: holds take the allowance lot first, as in life
const ALLOWANCE_POINTS = 80; // a typical month (age band 80+, or 70-79 with a care level)
const HOLD_POINTS = 30; // a meal at the community canteen
const PARTIAL_CAPTURE_POINTS = 20; // the merchant charges less than held: 10 go back
const SMALL_LOT_POINTS = 10; // three of them, so a hold of 25 must take all three
const SMALL_LOTS = 3;
const THREE_LOT_HOLD_POINTS = 25;

// 2. Monthly issuance. The pilot measures this machine before committing to the full size.
const ELDERS_GOAL = 100_000;
const PILOT_ELDERS = 5_000;
const BENCH_BUDGET_MS = 20 * 60_000; // the brief: the whole bench in about 20 minutes
const REPORT_MARGIN_MS = 60_000; // left for the concurrent-holds part's verify, the report and shutdown
// Extrapolating from the pilot: setup and issuance grow linearly (the issuance rate held steady
// from 5,000 to 32,000 elders once the JVM was warm), but verifyLedger's Scan on DynamoDB Local grows
// with the square of the table (8.4 s at 5,000 elders, 338 s at 32,000 in one run here).
const VERIFY_GROWTH_EXPONENT = 2;
const ESTIMATE_SAFETY = 1.2; // the 2 cores are shared with whatever else runs meanwhile
const WARM_SHARE = 0.5; // the pilot's issuance rate over its second half: a fresh JVM starts slow
const ELDERS_STEP = 1_000; // if the goal does not fit, N is rounded down to a multiple of this
const PROGRESS_TENTHS = 10; // progress lines on the console
const PROGRESS_SHARE = 0.1; // issuance rate over the first and the last 10% of elders: does it slow as the table grows?
const HOT_ITEM_SHARE = 0.01; // goal: no item written more than 1% as many times as there are elders
const TOP_ITEMS = 3;
const BATCH_WRITE_MAX = 25; // DynamoDB's limit per BatchWriteItem
const BATCH_WRITE_CONCURRENCY = 8; // enough to keep the JVM busy without starving it of CPU
const BATCH_WRITE_RETRIES = 8;
const BATCH_BACKOFF_MS = 20;

// 3. Concurrent holds.
const SPEND_HOLDS = 200;
const SPEND_CONCURRENCY = 32;

// ---------------------------------------------------------------------------------------------
// Counting requests: a middleware on the document client's stack (shared with the raw client)
// sees every request the stores send. Items are counted only when the request succeeds, since a
// cancelled transaction writes nothing; cancelled transactions are counted by their reason.

type Tally = {
  items: number; // items written by successful requests
  writeRequests: number; // successful write requests of any kind
  transactions: number; // successful TransactWriteItems
  txSent: number; // TransactWriteItems sent, cancelled ones included
  cancelled: Map<string, number>; // by cancellation reason: ConditionalCheckFailed, TransactionConflict
  failedWrites: number; // other failed write requests
  gets: number;
  queries: number;
  perItem: Map<string, number> | null; // `pk\tsk` -> successful writes, when tracking is on
};

const emptyTally = (track: boolean): Tally => ({
  items: 0, writeRequests: 0, transactions: 0, txSent: 0, cancelled: new Map(), failedWrites: 0, gets: 0, queries: 0,
  perItem: track ? new Map() : null,
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/** A string attribute, unmarshalled (document client) or marshalled (raw client). */
const strAttr = (v: unknown): string => {
  if (typeof v === 'string') return v;
  return isRecord(v) && typeof v.S === 'string' ? v.S : '';
};

const KEY_SEP = '\t'; // never part of a key of store/keys.ts
const itemKey = (itemOrKey: unknown): string =>
  isRecord(itemOrKey) ? `${strAttr(itemOrKey.pk)}${KEY_SEP}${strAttr(itemOrKey.sk)}` : KEY_SEP;
const splitKey = (k: string): { pk: string; sk: string } => {
  const i = k.indexOf(KEY_SEP);
  return { pk: k.slice(0, i), sk: k.slice(i + 1) };
};

const TX_WRITE_OPS = ['Put', 'Update', 'Delete'] as const; // ConditionCheck writes nothing

/** Keys of the items a write request writes; null for requests that write nothing. */
const writtenKeys = (commandName: string, input: unknown): string[] | null => {
  if (!isRecord(input)) return null;
  switch (commandName) {
    case 'TransactWriteItemsCommand':
      return records(input.TransactItems).flatMap((op) =>
        TX_WRITE_OPS.flatMap((kind) => {
          const body = op[kind];
          return isRecord(body) ? [itemKey(kind === 'Put' ? body.Item : body.Key)] : [];
        }));
    case 'BatchWriteItemCommand':
      return Object.values(isRecord(input.RequestItems) ? input.RequestItems : {}).flatMap((reqs) =>
        records(reqs).map((r) => itemKey(isRecord(r.PutRequest) ? r.PutRequest.Item : isRecord(r.DeleteRequest) ? r.DeleteRequest.Key : null)));
    case 'PutItemCommand':
      return [itemKey(input.Item)];
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return [itemKey(input.Key)];
    default:
      return null;
  }
};

/** Why a TransactWriteItems failed: the first non-None cancellation reason, else the error name. */
const failureCode = (e: unknown): string => {
  if (!isRecord(e)) return 'unknown';
  if (e.name === 'TransactionCanceledException') {
    const code = records(e.CancellationReasons).map((r) => r.Code).find((c) => typeof c === 'string' && c !== 'None');
    return typeof code === 'string' ? code : 'TransactionCanceled';
  }
  return typeof e.name === 'string' ? e.name : 'unknown';
};

/** `reset` starts counting; `take` ends it: it returns the tally and counts what follows (setup
 * steps between measurements) into a fresh one that nobody reads. */
type Meter = { reset: (opts?: { trackItems?: boolean }) => void; take: () => Tally };

const instrument = (db: Db): Meter => {
  let t = emptyTally(false);
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      const written = writtenKeys(name, args.input);
      const isTx = name === 'TransactWriteItemsCommand';
      const tally = t; // a reset during the request must not move it to the next tally
      if (isTx) tally.txSent++;
      try {
        const out = await next(args);
        if (written !== null) {
          tally.writeRequests++;
          tally.items += written.length;
          if (isTx) tally.transactions++;
          if (tally.perItem) for (const k of written) tally.perItem.set(k, (tally.perItem.get(k) ?? 0) + 1);
        } else if (name === 'GetItemCommand') tally.gets++;
        else if (name === 'QueryCommand') tally.queries++;
        return out;
      } catch (e) {
        if (isTx) {
          const code = failureCode(e);
          tally.cancelled.set(code, (tally.cancelled.get(code) ?? 0) + 1);
        } else if (written !== null) tally.failedWrites++;
        throw e;
      }
    },
    { step: 'initialize', name: 'benchLedgerCounter' },
  );
  return {
    reset: (opts = {}) => { t = emptyTally(opts.trackItems ?? false); },
    take: () => {
      const done = t;
      t = emptyTally(false);
      return done;
    },
  };
};

/** Ledger item kinds by key shape (the ledger entity's itemKindOf), for "what the items are" columns. */
const ITEM_KINDS = ['entry', 'balance', 'posting', 'lot', 'hold', 'counter', 'idempotency', 'reversal marker', 'issuance run', 'other'] as const;
type ItemKind = (typeof ITEM_KINDS)[number];
const kindOfKey = (k: string): ItemKind => {
  const key = splitKey(k);
  return keys.itemKindOf(key) ?? (keys.isIssuance(key.pk) ? 'issuance run' : 'other');
};

/** "entry, 2 balance, 2 posting, lot": successful writes by kind, in a fixed order. */
const breakdown = (perItem: Map<string, number> | null, per = 1): string => {
  if (!perItem) return '—';
  const n = new Map<ItemKind, number>();
  for (const [k, c] of perItem) n.set(kindOfKey(k), (n.get(kindOfKey(k)) ?? 0) + c);
  return ITEM_KINDS.flatMap((kind) => {
    const c = (n.get(kind) ?? 0) / per;
    if (c === 0) return [];
    const shown = Number.isInteger(c) ? String(c) : c.toFixed(3);
    return [c === 1 ? kind : `${shown} ${kind}`];
  }).join(', ');
};

// ---------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Runs `fn` over `items` with at most `width` in flight (issuance.ts has the same, unexported). */
const pool = async <T>(items: readonly T[], width: number, fn: (t: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (item !== undefined) await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
};

const chunks = <T>(xs: readonly T[], size: number): T[][] => range(Math.ceil(xs.length / size)).map((i) => xs.slice(i * size, (i + 1) * size));

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const v = s[Math.min(s.length - 1, Math.floor(q * s.length))];
  if (v === undefined) throw new Error('quantile of no samples');
  return v;
};
const median = (xs: readonly number[]): number => quantile(xs, 0.5);

const load1 = (): number => os.loadavg()[0] ?? 0; // 1-minute load average: how busy the shared cores were
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`);
const perSec = (n: number, ms: number, unit: string): string => `${int((n * 1000) / ms)} ${unit}/s`;
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / US_PER_MS;
};
const fmtCounts = (m: ReadonlyMap<string, number>): string =>
  m.size === 0 ? 'none' : [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${int(n)} ${k}`).join(', ');

/** Each part gets a DynamoDB Local of its own, stopped when the part ends. In one shared JVM,
 * writes to a table created after others had taken tens of thousands of ledger writes ran up to
 * 50 times slower (the emulator reads its stream bookkeeping on every write; every table here has
 * a stream, as infra/ declares it): that would measure the emulator, not the ledger. */
const withDynamo = async <T>(fn: (dynamo: DynamoLocal) => Promise<T>): Promise<T> => {
  const dynamo = await startDynamoLocal();
  try {
    return await fn(dynamo);
  } finally {
    await dynamo.stop();
  }
};

const newTable = async (dynamo: DynamoLocal, label: string): Promise<Db> => {
  const db = createDb({ table: `bench-ledger-${label}-${randomBytes(4).toString('hex')}`, endpoint: dynamo.endpoint, region: 'local' });
  await ensureTable(db);
  return db;
};

const clock = systemClock;
const month = clock.now().toISOString().slice(0, 7);
const allowanceExpiry = allowanceExpiresOn(DEFAULT_POLICY, month);
const allowanceEntryId = (elder_id: string) => `allowance:${elder_id}:${month}`; // as issuance names it

/** An allowance like the monthly issuance's, into `elder_id`'s wallet. */
const allowance = (elder_id: string, amount_points: number): CreditArgs => ({
  entry_id: allowanceEntryId(elder_id), kind: 'allowance', elder_id, amount_points, from: 'issuance', source: 'allowance',
  subsidy: true, expires_on: allowanceExpiry, reason: `${month} 月补贴积分`, actor: ACTOR, policy_version: null,
});

const holdArgs = (hold_id: string, elder_id: string, amount_points: number): HoldArgs => ({
  hold_id, elder_id, amount_points, category: CATEGORY, subsidy_allowed: true,
  per_order_max: DEFAULT_POLICY.per_order_max_points, per_month_max: DEFAULT_POLICY.per_month_max_points,
  expires_at: new Date(clock.now().getTime() + DEFAULT_POLICY.hold_ttl_hours * MS_PER_HOUR).toISOString(), actor: ACTOR, reason: 'bench order',
});

const captureArgs = (hold_id: string, amount_points: number) => ({ hold_id, amount_points, merchant_id: MERCHANT, actor: ACTOR, reason: 'bench order', policy_version: null });

const verifyLine = (v: VerifyReport): string =>
  `${v.ok ? 'ok' : `**NOT ok** (${v.problems.length} problems, first: ${v.problems.slice(0, 3).join('; ')})`}`;

// ---------------------------------------------------------------------------------------------
// 1. Items written per operation

const OPS = [
  ['credit', 'credit: allowance into an existing wallet'],
  ['hold1', 'hold taking 1 lot'],
  ['hold3', 'hold taking 3 lots'],
  ['captureFull', 'capture, full'],
  ['capturePartial', 'capture, partial (rest back to the wallet)'],
  ['release', 'release (order cancelled)'],
  ['reverseAllowance', 'reversal of an allowance'],
  ['reverseCapture', 'reversal of a capture (dispute upheld)'],
  ['holdIdem', 'hold taking 1 lot, with an idempotency key'],
] as const;
type OpName = (typeof OPS)[number][0];
type OpSample = { tally: Tally; ms: number };

const measureOps = async (dynamo: DynamoLocal): Promise<{ samples: Map<OpName, OpSample[]>; verify: VerifyReport }> => {
  const db = await newTable(dynamo, 'ops');
  const meter = instrument(db);
  const deps: LedgerDeps = { ledger: createLedgerStore(db), clock };
  const samples = new Map<OpName, OpSample[]>(OPS.map(([op]) => [op, []]));
  const measure = async (op: OpName, fn: () => Promise<unknown>): Promise<void> => {
    meter.reset({ trackItems: true });
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    samples.get(op)?.push({ tally: meter.take(), ms });
  };

  for (let i = 0; i < OPS_SAMPLES; i++) {
    const w = `e_ops${i}`; // the main wallet: a paid top-up, then this month's allowance
    const w3 = `e_ops${i}_lots`; // three small lots
    const wr = `e_ops${i}_rev`; // an allowance to reverse
    const h = (name: string) => `ops${i}_${name}`;
    // Setup steps are not measured: only the calls wrapped in `measure`.
    await credit(deps, {
      entry_id: `topup:${w}`, kind: 'top_up', elder_id: w, amount_points: SEED_TOPUP_POINTS, from: 'topup_clearing', source: 'top_up',
      subsidy: false, expires_on: NEVER_EXPIRES, reason: 'bench top-up', actor: ACTOR, policy_version: null,
    });
    await measure('credit', () => credit(deps, allowance(w, ALLOWANCE_POINTS)));
    // The allowance lot expires first, so each hold below takes from it alone.
    await measure('hold1', () => hold(deps, holdArgs(h('a'), w, HOLD_POINTS)));
    await measure('captureFull', () => capture(deps, captureArgs(h('a'), HOLD_POINTS)));
    await hold(deps, holdArgs(h('b'), w, HOLD_POINTS));
    await measure('capturePartial', () => capture(deps, captureArgs(h('b'), PARTIAL_CAPTURE_POINTS)));
    await hold(deps, holdArgs(h('c'), w, HOLD_POINTS));
    await measure('release', () => release(deps, { hold_id: h('c'), why: 'cancelled', actor: ACTOR }));
    for (let k = 0; k < SMALL_LOTS; k++) {
      await credit(deps, {
        entry_id: `award:${w3}:${k}`, kind: 'award', elder_id: w3, amount_points: SMALL_LOT_POINTS, from: 'awards', source: 'award',
        subsidy: true, expires_on: allowanceExpiry, reason: 'bench award', actor: ACTOR, policy_version: null,
      });
    }
    await measure('hold3', () => hold(deps, holdArgs(h('d'), w3, THREE_LOT_HOLD_POINTS)));
    await credit(deps, allowance(wr, ALLOWANCE_POINTS));
    await measure('reverseAllowance', () => reverse(deps, { entry_id: allowanceEntryId(wr), reason: 'bench', actor: ACTOR }));
    await measure('reverseCapture', () => reverse(deps, { entry_id: `capture:${h('a')}`, reason: 'bench', actor: ACTOR }));
    await measure('holdIdem', () => hold(deps, holdArgs(h('e'), w, HOLD_POINTS), { scope: 'bench', key: h('e'), request_hash: 'bench' }));
  }
  return { samples, verify: await verifyLedger(db) };
};

/** "8", or "8–9" if samples disagree (they should not: the counts are the code's). */
const spread = (xs: readonly number[]): string => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
};

// ---------------------------------------------------------------------------------------------
// 2. Monthly issuance

/** What store/elders.ts `profileItem` writes for a record (it is not exported): the profile with
 * its community (gsi1) and, for an active elder, name (gsi2) index keys. */
const profileItem = (r: ElderRecord) => ({
  ...keys.elder(r.elder_id),
  ...keys.elderCommunityIndex(r.community_code, r.elder_id),
  ...(r.status === 'active' ? keys.elderNameIndex(r.name, r.community_code, r.elder_id) : {}),
  type: 'elder',
  ...r,
});

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

const batchWriteAll = async (db: Db, requests: WriteRequests): Promise<void> => {
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > BATCH_WRITE_RETRIES) throw new Error(`BatchWrite: ${pending.length} items unprocessed after retries`);
    if (attempt > 0) await sleep(BATCH_BACKOFF_MS * 2 ** attempt);
    const r = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.table]: pending } }));
    pending = r.UnprocessedItems?.[db.table] ?? [];
  }
};

type IssuanceResult = {
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
        console.log(`ledger bench: issuance ${int(done)} of ${int(total)} elders, ${perSec(done, performance.now() - started, 'elders')}`);
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
    return { early: ((a.done - first.done) * 1000) / (a.at - first.at), late: ((last.done - b.done) * 1000) / (last.at - b.at) };
  };
  return { store, rates };
};

/** Without the full Scan (it grows with the square of the table on DynamoDB Local): the issuance
 * account's shards must sum to minus the points issued, and no shard may be positive. Read by key. */
const quickCheck = async (ledger: LedgerDeps['ledger'], issued_points: number, elders: number): Promise<VerifyReport> => {
  let sum = 0;
  const problems: string[] = [];
  for (let i = 0; i < SYSTEM_SHARDS; i++) {
    const b = (await ledger.account(`issuance:${String(i).padStart(2, '0')}`)).balance_points;
    if (b > 0) problems.push(`issuance shard ${i} is positive (${b})`);
    sum += b;
  }
  if (sum !== -issued_points) problems.push(`issuance shards sum to ${sum}, expected ${-issued_points}`);
  return { ok: problems.length === 0, problems, counts: { entries: elders, postings: 0, accounts: SYSTEM_SHARDS, lots: 0, holds: 0, reversals: 0 } };
};

/** Profiles written straight into the table (registration would take 100,000 transactions and
 * the guard items, none of which issuance reads), then one month's issuance, then a verify. */
const issuance = async (dynamo: DynamoLocal, elders: number, label: string, opts: { verify: boolean } = { verify: true }): Promise<IssuanceResult> => {
  const db = await newTable(dynamo, label);
  const meter = instrument(db);
  const progress = progressOf(createIssuanceRunStore(db), elders);
  const deps: IssuanceDeps = {
    ledger: createLedgerStore(db), clock, elders: createElderStore(db), areas: createAreaStore(db), runs: progress.store,
  };
  // Only buildElderRecord's encryption and hashing need keys; they are thrown away with the table.
  const crypto = { cipher: createFieldCipher(randomBytes(32)), blindIndex: createBlindIndex(randomBytes(32)), clock };

  const t0 = performance.now();
  for (const a of DEMO_AREAS) await deps.areas.put(a);
  const policy = await createPolicyStore(db).append(DEFAULT_POLICY, ACTOR, clock.now().toISOString());
  // demoElders: ages 60-99 (so every active elder gets an allowance), care levels and special
  // categories as in a real roster, round-robin over the six demo communities.
  const inputs = demoElders(elders, SEED);
  await pool(chunks(inputs, BATCH_WRITE_MAX), BATCH_WRITE_CONCURRENCY, async (chunk: ElderInput[]) => {
    const items = await Promise.all(chunk.map(async (input) => profileItem((await buildElderRecord(crypto, input)).record)));
    await batchWriteAll(db, items.map((Item) => ({ PutRequest: { Item } })));
  });
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
    elders, setupMs, issueMs, issueCpuMs, verifyMs, verifyCpuMs, run, tally, verify, top, ...progress.rates(PROGRESS_SHARE),
    warm: progress.rates(WARM_SHARE).late, load,
  };
};

// ---------------------------------------------------------------------------------------------
// 3. Concurrent holds

type Estimate = { setupMs: number; issueMs: number; verifyMs: number; totalMs: number };

/** Time for `n` elders from the pilot: linear setup and issuance (at the warm rate), verify by
 * VERIFY_GROWTH_EXPONENT, all times ESTIMATE_SAFETY. */
const estimate = (pilot: IssuanceResult, n: number): Estimate => {
  const scale = n / pilot.elders;
  const rate = pilot.warm > 0 ? pilot.warm : (pilot.elders * 1000) / pilot.issueMs;
  const setupMs = pilot.setupMs * scale;
  const issueMs = (n * 1000) / rate;
  const verifyMs = pilot.verifyMs * scale ** VERIFY_GROWTH_EXPONENT;
  return { setupMs, issueMs, verifyMs, totalMs: (setupMs + issueMs + verifyMs) * ESTIMATE_SAFETY };
};

type SpendResult = { wallets: number; ms: number; outcomes: Map<string, number>; latencies: number[]; tally: Tally; verify: VerifyReport };

/** SPEND_HOLDS holds of HOLD_POINTS, SPEND_CONCURRENCY in flight, on the wallets `elderOf` names. */
const spend = async (db: Db, meter: Meter, label: string, elderOf: (i: number) => string): Promise<SpendResult> => {
  const deps: LedgerDeps = { ledger: createLedgerStore(db), clock };
  const elders = [...new Set(range(SPEND_HOLDS).map(elderOf))];
  // Each wallet gets one allowance lot big enough for all its holds, so no hold fails for points.
  const perWallet = (SPEND_HOLDS / elders.length) * HOLD_POINTS;
  await pool(elders, SPEND_CONCURRENCY, async (e) => { await credit(deps, allowance(e, perWallet)); });

  meter.reset();
  const outcomes = new Map<string, number>();
  const latencies: number[] = [];
  const t0 = performance.now();
  await pool(range(SPEND_HOLDS), SPEND_CONCURRENCY, async (i) => {
    const s = performance.now();
    let outcome = 'ok';
    try {
      // No monthly cap here: the policy's 1,000 points a month would stop the single elder after
      // 33 holds, and this measures contention, not the cap. The counter item is still written.
      await hold(deps, { ...holdArgs(`${label}_${i}`, elderOf(i), HOLD_POINTS), per_month_max: null });
      latencies.push(performance.now() - s);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      outcome = e.code;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  });
  const ms = performance.now() - t0;
  const tally = meter.take();
  return { wallets: elders.length, ms, outcomes, latencies, tally, verify: await verifyLedger(db) };
};

// ---------------------------------------------------------------------------------------------

// `LEDGER_BENCH_ELDERS=100000 npx tsx bench/ledger.ts`: only the issuance, at that size, checked by
// key instead of the full Scan (which alone would take over an hour here), in its own section.
const FORCED_ELDERS = Number(process.env.LEDGER_BENCH_ELDERS ?? 0);

const forcedIssuance = async (n: number): Promise<void> => {
  const t0 = performance.now();
  console.log(`ledger bench: issuance of ${int(n)} elders, key-checked…`);
  const r = await withDynamo((dynamo) => issuance(dynamo, n, 'forced', { verify: false }));
  const limit = Math.floor(r.elders * HOT_ITEM_SHARE);
  const hottest = r.top[0];
  const credited = r.run.issued + r.run.already;
  const body = [
    `## Monthly issuance at ${int(r.elders)} elders`,
    '',
    provenance(`LEDGER_BENCH_ELDERS=${n} npx tsx bench/ledger.ts`),
    '',
    'The same issuance as in the ledger section above (profiles written with BatchWriteItem, then `commitIssuance` for one month ' +
      'on DynamoDB Local), at the full size the issue asks for. The full `verifyLedger` Scan is not run at this size (it grows with ' +
      'the square of the table on DynamoDB Local: 318 s at 30,000); instead the 128 issuance shards are read by key and must sum ' +
      'to minus the points issued. The full verify runs at 30,000 in `npm run bench` and after every test suite.',
    '',
    '| step | time | rate |',
    '| --- | ---: | ---: |',
    `| setup: build records + BatchWriteItem of the profiles | ${fmtMs(r.setupMs)} | ${perSec(r.elders, r.setupMs, 'elders')} |`,
    `| \`commitIssuance\`, one month | ${fmtMs(r.issueMs)} | ${perSec(credited + r.run.skipped, r.issueMs, 'elders')} |`,
    '',
    `- Run: ${int(r.run.issued)} credited, ${int(r.run.skipped)} skipped, **${int(r.run.points)} points**; status ${r.run.status}; ` +
      `${int(r.tally.transactions)} transactions, ${int(r.tally.txSent - r.tally.transactions)} cancelled (${fmtCounts(r.tally.cancelled)}).`,
    `- Rate over the first ${PROGRESS_SHARE * 100}% ${perSec(r.early, 1000, 'elders')}, over the last ${PROGRESS_SHARE * 100}% ${perSec(r.late, 1000, 'elders')}.`,
    `- Most writes on one item, goal <= ${int(limit)} (1% of ${int(r.elders)}): **${hottest ? int(hottest.writes) : 0} → ${hottest && hottest.writes <= limit ? 'met' : 'missed'}** ` +
      `(${r.top.map((t) => `\`${splitKey(t.key).pk}\` ${int(t.writes)}`).join(', ')}).`,
    `- Key check of the issuance shards: ${verifyLine(r.verify)}.`,
    `- Whole run ${fmtMs(performance.now() - t0)}.`,
  ].join('\n');
  await writeSection('bench:ledger-100k', body);
  console.log(body);
};

const main = async (): Promise<void> => {
  if (FORCED_ELDERS > 0) return forcedIssuance(FORCED_ELDERS);
  const benchStart = performance.now();
  const loadAtStart = load1();
  // 1 and 3 first: small, so the pilot sees how much of the budget is left.
  console.log('ledger bench: items per operation…');
  const ops = await withDynamo(measureOps);

  console.log('ledger bench: concurrent holds…');
  const { spread200, onlyOne } = await withDynamo(async (dynamo) => {
    const db = await newTable(dynamo, 'spend');
    const meter = instrument(db);
    return { spread200: await spend(db, meter, 'many', (i) => `e_many${i}`), onlyOne: await spend(db, meter, 'one', () => 'e_one') };
  });

  // 2. The pilot decides how many elders fit the time budget.
  console.log(`ledger bench: issuance pilot, ${int(PILOT_ELDERS)} elders…`);
  const pilot = await withDynamo((dynamo) => issuance(dynamo, PILOT_ELDERS, 'pilot'));
  const goal = estimate(pilot, ELDERS_GOAL);
  const leftMs = BENCH_BUDGET_MS - (performance.now() - benchStart) - REPORT_MARGIN_MS;
  let n = ELDERS_GOAL;
  while (n > PILOT_ELDERS && estimate(pilot, n).totalMs > leftMs) n -= ELDERS_STEP;
  n = Math.max(PILOT_ELDERS, n);
  console.log(`ledger bench: pilot ${fmtMs(pilot.issueMs)} issuance; ${int(ELDERS_GOAL)} estimated at ${fmtMs(goal.totalMs)} all in, ${fmtMs(leftMs)} left: running ${int(n)}`);
  const full = await withDynamo((dynamo) => issuance(dynamo, n, 'issue'));

  const body = report({ ops, spread200, onlyOne, pilot, full, goal, leftMs, benchMs: performance.now() - benchStart, loadAtStart });
  await writeSection(SECTION, body);
  console.log(body);
};

// ---------------------------------------------------------------------------------------------
// The report

const report = (r: {
  ops: Awaited<ReturnType<typeof measureOps>>;
  spread200: SpendResult;
  onlyOne: SpendResult;
  pilot: IssuanceResult;
  full: IssuanceResult;
  goal: Estimate;
  leftMs: number;
  benchMs: number;
  loadAtStart: number;
}): string => {
  const { ops, spread200, onlyOne, pilot, full } = r;

  const opRows = OPS.map(([op, label]) => {
    const s = ops.samples.get(op) ?? [];
    const first = s[0];
    return `| ${label} | ${spread(s.map((x) => x.tally.items))} | ${first ? breakdown(first.tally.perItem) : '—'} | ` +
      `${spread(s.map((x) => x.tally.transactions))} | ${spread(s.map((x) => x.tally.gets))} | ${spread(s.map((x) => x.tally.queries))} | ` +
      `${fmtMs(median(s.map((x) => x.ms)))} |`;
  });
  const allSamples = [...ops.samples.values()].flat();
  const opsCancelled = allSamples.reduce((n, x) => n + (x.tally.txSent - x.tally.transactions), 0);
  const oneTxEach = allSamples.every((x) => x.tally.transactions === 1);
  // What an idempotency key costs: the same hold with and without one.
  const firstOf = (op: OpName): Tally | undefined => ops.samples.get(op)?.[0]?.tally;
  const plain = firstOf('hold1');
  const keyed = firstOf('holdIdem');
  const idemCost = plain && keyed ? `${keyed.items - plain.items} item(s) and ${keyed.gets - plain.gets} GetItem` : 'unknown';

  const limit = Math.floor(full.elders * HOT_ITEM_SHARE);
  const hottest = full.top[0];
  const met = hottest !== undefined && hottest.writes <= limit;
  const credited = full.run.issued + full.run.already;
  const processed = credited + full.run.skipped;
  const topLines = full.top.map((t, i) => {
    const { pk, sk } = splitKey(t.key);
    return `${i + 1}. \`${pk}\` / \`${sk}\` (${kindOfKey(t.key)}): ${int(t.writes)} writes (${((100 * t.writes) / full.elders).toFixed(3)}% of the elder count)`;
  });
  const ledgerTop = [...(full.tally.perItem ?? new Map<string, number>())]
    .filter(([k]) => kindOfKey(k) !== 'issuance run')
    .reduce<{ key: string; writes: number } | null>((best, [key, writes]) => (best === null || writes > best.writes ? { key, writes } : best), null);
  const runWrites = [...(full.tally.perItem ?? new Map<string, number>())].filter(([k]) => kindOfKey(k) === 'issuance run').reduce((n, [, c]) => n + c, 0);
  const scaled = full.elders === ELDERS_GOAL
    ? `All ${int(ELDERS_GOAL)} elders, as the goal asks`
    : `**${int(full.elders)} elders, not ${int(ELDERS_GOAL)}**: from the pilot, ${int(ELDERS_GOAL)} would take ~${fmtMs(r.goal.totalMs)} here ` +
      `(setup ${fmtMs(r.goal.setupMs)}, issuance ${fmtMs(r.goal.issueMs)} at the pilot's warm rate, verifyLedger ${fmtMs(r.goal.verifyMs)} growing with ` +
      `the square of the table; ×${ESTIMATE_SAFETY} for the shared cores) with ${fmtMs(r.leftMs)} of the ~${BENCH_BUDGET_MS / 60_000}-minute budget left, ` +
      `so this is the largest multiple of ${int(ELDERS_STEP)} estimated to fit; the max-writes ratio below is for ${int(full.elders)} elders`;

  const spendRow = (name: string, s: SpendResult): string => {
    const ok = s.outcomes.get('ok') ?? 0;
    const failed = new Map([...s.outcomes].filter(([k]) => k !== 'ok'));
    const lat = s.latencies.length > 0 ? `${fmtMs(median(s.latencies))} / ${fmtMs(quantile(s.latencies, 0.95))}` : '—';
    return `| ${name} | ${ok} of ${SPEND_HOLDS} | ${fmtCounts(failed)} | ${fmtMs(s.ms)} | ${perSec(ok, s.ms, 'holds')} | ` +
      `${int(s.tally.txSent)} sent, ${int(s.tally.transactions)} committed | ${fmtCounts(s.tally.cancelled)} | ${lat} | ${verifyLine(s.verify)} |`;
  };
  const rate = (s: SpendResult) => (s.outcomes.get('ok') ?? 0) / s.ms;

  return [
    '## Ledger: writes per operation, monthly issuance, concurrent holds',
    '',
    provenance('npm run bench', 'npx tsx bench/ledger.ts'),
    '',
    'All on DynamoDB Local (in memory, same machine, a fresh JVM for each part, on the same cores as the bench; every table ' +
      'created by `ensureTable`, stream included, as infra/ declares it): read the rates as the ' +
      "ledger's behaviour here, not as what DynamoDB sustains; item and request counts are the code's and carry over. " +
      'Requests are counted by a middleware on the document client: items written by successful requests only, ' +
      'cancelled transactions by their cancellation reason.',
    '',
    '### Items written per operation',
    '',
    `Each operation run ${OPS_SAMPLES} times on fresh wallets (counts shown as a range if samples disagreed); setup steps ` +
      `(the hold before a capture or release, the credits a wallet starts with) not counted. Reads are the GetItem and ` +
      `Query requests of the operation, all strongly consistent. No idempotency key unless stated.`,
    '',
    '| operation | items written | which items | transactions | GetItem | Query | median time |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
    ...opRows,
    '',
    `- ${oneTxEach ? 'Every operation is one TransactWriteItems' : 'Operations take the transactions shown'}; ${opsCancelled} transactions ` +
      'were cancelled and retried in this part. A balance is written per posting: versioned for wallets, holds and merchants, ' +
      `a plain ADD on one of ${SYSTEM_SHARDS} shards for system accounts. An idempotency key adds ${idemCost}.`,
    `- verifyLedger afterwards: ${verifyLine(ops.verify)} (${int(ops.verify.counts.entries)} entries, ${int(ops.verify.counts.postings)} postings).`,
    '',
    `### Monthly issuance for ${int(full.elders)} elders`,
    '',
    `${scaled}. ${int(full.elders)} active profiles from \`demoElders(${full.elders}, ${SEED})\` (ages 60–99, care levels ` +
      'and special categories as in a roster) over the 6 demo communities, written with BatchWriteItem as store/elders.ts ' +
      "`profileItem` shapes them (profile + community and name index keys; the ID, card and phone guard items are left " +
      'out: issuance never reads them); DEMO_AREAS put with the area store; DEFAULT_POLICY appended to the policy store. ' +
      `Then \`commitIssuance\` for ${month} (${ISSUANCE_PAGE} elders a page, ${ISSUANCE_CONCURRENCY} credits in flight), ` +
      'with every written item key counted during the run.',
    '',
    '| step | time | rate |',
    '| --- | ---: | ---: |',
    `| setup: build records + BatchWriteItem of the profiles | ${fmtMs(full.setupMs)} | ${perSec(full.elders, full.setupMs, 'elders')} |`,
    `| \`commitIssuance\`, one month | ${fmtMs(full.issueMs)} | ${perSec(processed, full.issueMs, 'elders')} |`,
    `| \`verifyLedger\` (Scan of the whole table; Node CPU ${fmtMs(full.verifyCpuMs)}) | ${fmtMs(full.verifyMs)} | — |`,
    '',
    `- Run: ${int(full.run.issued)} elders credited, ${int(full.run.already)} found already credited, ${int(full.run.skipped)} skipped ` +
      `(no allowance); **${int(full.run.points)} points** in all (${(full.run.points / Math.max(1, credited)).toFixed(1)} per elder); ` +
      `status ${full.run.status}.`,
    `- Writes: ${int(full.tally.transactions)} transactions (${(full.tally.transactions / full.elders).toFixed(3)} per elder), ` +
      `${int(full.tally.items)} items in ${int(full.tally.writeRequests)} write requests ` +
      `(per elder: ${breakdown(full.tally.perItem, full.elders)}); ${int(full.tally.txSent - full.tally.transactions)} transactions cancelled ` +
      `(${fmtCounts(full.tally.cancelled)}), ${full.tally.failedWrites} other writes failed. Reads: ${int(full.tally.gets)} GetItem, ` +
      `${int(full.tally.queries)} Query (elder pages of ${ISSUANCE_PAGE} and the area tree).`,
    `- Rate over the first ${PROGRESS_SHARE * 100}% of elders ${perSec(full.early, 1000, 'elders')}, over the last ${PROGRESS_SHARE * 100}% ` +
      `${perSec(full.late, 1000, 'elders')} (from the progress the run saves). CPU of the Node process during issuance: ${fmtMs(full.issueCpuMs)} of ` +
      `${fmtMs(full.issueMs)} wall (${((100 * full.issueCpuMs) / full.issueMs).toFixed(0)}%); the rest is DynamoDB Local's JVM on the same ` +
      `${os.cpus().length} cores, and waiting for it. 1-minute load average ${full.load.before.toFixed(1)} before issuance, ` +
      `${full.load.after.toFixed(1)} after.`,
    `- Most writes on one item, goal "no item written more than ${HOT_ITEM_SHARE * 100}% as many times as there are elders" ` +
      `(<= ${int(limit)} for ${int(full.elders)}): **${hottest ? int(hottest.writes) : 0} → ${met ? 'met' : 'missed'}**. Top ${TOP_ITEMS}:`,
    ...topLines.map((l) => `  ${l}`),
    ...(ledgerTop
      ? [`- Hottest ledger item (the run record aside): \`${splitKey(ledgerTop.key).pk}\` / \`${splitKey(ledgerTop.key).sk}\`, ${int(ledgerTop.writes)} writes ` +
        `(an even spread over ${SYSTEM_SHARDS} shards would be ${int(credited / SYSTEM_SHARDS)}). The run record (progress and resume point) ` +
        `was written ${int(runWrites)} times.`]
      : []),
    `- verifyLedger: ${verifyLine(full.verify)}; ${int(full.verify.counts.entries)} entries, ${int(full.verify.counts.postings)} postings, ` +
      `${int(full.verify.counts.accounts)} accounts, ${int(full.verify.counts.lots)} lots, ${full.verify.counts.holds} holds, ${full.verify.counts.reversals} reversals.`,
    `- Pilot on a DynamoDB Local of its own, ${int(pilot.elders)} elders: setup ${fmtMs(pilot.setupMs)}, issuance ${fmtMs(pilot.issueMs)} ` +
      `(${perSec(pilot.run.issued + pilot.run.already + pilot.run.skipped, pilot.issueMs, 'elders')}; ${perSec(pilot.warm, 1000, 'elders')} over its second half), ` +
      `verify ${fmtMs(pilot.verifyMs)}; most writes on one item ` +
      `${pilot.top[0] ? int(pilot.top[0].writes) : 0} (${pilot.top[0] ? kindOfKey(pilot.top[0].key) : '—'}); verify ${pilot.verify.ok ? 'ok' : 'NOT ok'}. ` +
      `Extrapolated to ${int(ELDERS_GOAL)}: ~${fmtMs(r.goal.totalMs)} all in (setup ${fmtMs(r.goal.setupMs)}, issuance ${fmtMs(r.goal.issueMs)}, ` +
      `verify ${fmtMs(r.goal.verifyMs)}, ×${ESTIMATE_SAFETY}).`,
    '',
    '### Concurrent holds: many wallets vs one',
    '',
    `${SPEND_HOLDS} holds of ${HOLD_POINTS} points (category ${CATEGORY}, per-order cap as in DEFAULT_POLICY, monthly cap lifted so ` +
      `the one elder is not stopped by it), ${SPEND_CONCURRENCY} in flight, each wallet pre-credited with one allowance lot big enough ` +
      `for all its holds. A hold that loses a race (its wallet's version or lot changed: ConditionalCheckFailed) is re-planned from ` +
      `fresh reads up to ${LEDGER_RETRIES} times, then fails with CONFLICT; a TransactionConflict is retried as is by the store ` +
      `(up to ${CONTENTION_RETRIES} times). Holds/s counts successful holds; latency is of successful holds.`,
    '',
    '| wallets | holds ok | failed | time | rate | TransactWriteItems | cancelled, by reason | latency p50 / p95 | verifyLedger after |',
    '| --- | ---: | --- | ---: | ---: | --- | --- | ---: | --- |',
    spendRow(`${spread200.wallets} distinct`, spread200),
    spendRow(`${onlyOne.wallets} (the same)`, onlyOne),
    '',
    `- One wallet vs distinct wallets: ${(rate(onlyOne) / rate(spread200)).toFixed(3)}× the rate ` +
      `(${perSec(onlyOne.outcomes.get('ok') ?? 0, onlyOne.ms, 'holds')} vs ${perSec(spread200.outcomes.get('ok') ?? 0, spread200.ms, 'holds')}). ` +
      `Reads on one wallet: ${int(onlyOne.tally.gets)} GetItem and ${int(onlyOne.tally.queries)} Query in all ` +
      `(${(onlyOne.tally.gets / SPEND_HOLDS).toFixed(1)} and ${(onlyOne.tally.queries / SPEND_HOLDS).toFixed(1)} per hold, re-plans included; ` +
      `${(spread200.tally.gets / SPEND_HOLDS).toFixed(1)} and ${(spread200.tally.queries / SPEND_HOLDS).toFixed(1)} on distinct wallets).`,
    `- Whole bench: ${fmtMs(r.benchMs)} including DynamoDB Local start-up. Peak RSS of the bench process: ` +
      `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB. 1-minute load average ${r.loadAtStart.toFixed(1)} at the start and ` +
      `${load1().toFixed(1)} at the end, on ${os.cpus().length} cores: other work on this machine shared them, so every time above is an upper bound.`,
  ].join('\n');
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
