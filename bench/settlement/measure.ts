// One size: a fresh DynamoDB Local and table, the month seeded, then `runSettlement` for the month
// with every request and written item key counted; then a second pass (`resume`) that must find
// every merchant settled; then the sums checked by key against what was seeded.
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { DynamoLocal } from '@tmc/local/dynamo-local';
import { merchantAccount, settlingAccount } from '@tmc/core/ledger/accounts';
import { runSettlement, type SettlementDeps } from '@tmc/core/settlement/run';
import type { SettlementRun } from '@tmc/core/settlement/ports';
import { createLedgerStore, ledgerKeys } from '@tmc/store/entities/ledger';
import { createMerchantStore } from '@tmc/store/entities/merchants';
import { createSettlementStore, statementKeys } from '@tmc/store/entities/statements';
import type { Db } from '@tmc/store/table';
import { openTable } from '../fixtures/dynamo';
import { fmtMs, int } from '../fixtures/format';
import { createMeter, itemKey, splitKey, type Meter, type Tally } from '../fixtures/metering';
import { chunks } from '../fixtures/pool';
import { cpuMs, load1 } from '../fixtures/stats';
import { ACTOR, clock, log, PERIOD, POLICY } from './config';
import { createReadMeter, type Reads } from './reads';
import { merchantIdOf, seed, type Seeded } from './seed';
import { settlementKindOf } from './kinds';

const BATCH_GET_MAX = 100;
const TOP_ITEMS = 3;

export type Pass = { run: SettlementRun; ms: number; cpuMs: number; tally: Tally; reads: Reads };

export type SizeResult = {
  seeded: Seeded;
  first: Pass;
  again: Pass; // the second pass, `resume`: every merchant already settled
  runRecordWrites: number;
  maxOther: { key: string; writes: number } | null; // most writes on one item, the run record aside
  overOnce: number; // items other than the run record written more than once
  top: { key: string; writes: number }[];
  byKind: Map<string, number>;
  check: string[]; // problems found by the sums check; empty when ok
  load: { before: number; after: number };
};

type Meters = { meter: Meter; reads: ReturnType<typeof createReadMeter> };

const pass = async (deps: SettlementDeps, { meter, reads }: Meters, resume: boolean): Promise<Pass> => {
  meter.reset({ trackItems: true });
  reads.take();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = await runSettlement(deps, { period: PERIOD, policy: POLICY, actor: ACTOR, resume });
  const ms = performance.now() - t0;
  return { run, ms, cpuMs: cpuMs(cpu0), tally: meter.take(), reads: reads.take() };
};

/** After the run every receivable is at zero and every settling account holds what was captured. */
const checkSums = async (db: Db, seeded: Seeded, run: SettlementRun): Promise<string[]> => {
  const problems: string[] = [];
  if (run.status !== 'completed') problems.push(`run ${run.status}`);
  if (run.statements !== seeded.merchants) problems.push(`${run.statements} statements, ${seeded.merchants} merchants`);
  if (run.points !== seeded.points) problems.push(`run settled ${run.points} points, ${seeded.points} captured`);
  const accounts = Array.from({ length: seeded.merchants }, (_, i) => merchantIdOf(i + 1)).flatMap((id) => [
    merchantAccount(id),
    settlingAccount(id),
  ]);
  let receivable = 0;
  let settling = 0;
  let seen = 0;
  for (const batch of chunks(accounts, BATCH_GET_MAX)) {
    let keys: Record<string, unknown>[] | undefined = batch.map((a) => ledgerKeys.balance(a));
    while (keys && keys.length > 0) {
      const r: BatchGetCommandOutput = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [db.table]: { Keys: keys } } }),
      );
      for (const it of r.Responses?.[db.table] ?? []) {
        seen++;
        const b = Number(it.balance);
        if (String(it.account).startsWith(settlingAccount(''))) settling += b;
        else receivable += b;
      }
      keys = r.UnprocessedKeys?.[db.table]?.Keys;
    }
  }
  if (seen !== accounts.length) problems.push(`${seen} of ${accounts.length} balance items found`);
  if (receivable !== 0) problems.push(`receivables sum to ${receivable}, expected 0`);
  if (settling !== seeded.points) problems.push(`settling accounts sum to ${settling}, expected ${seeded.points}`);
  return problems;
};

export const measureSize = async (dynamo: DynamoLocal, merchants: number): Promise<SizeResult> => {
  const db = await openTable(dynamo, `settlement-${merchants}`);
  log(`${int(merchants)} merchants: seeding…`);
  const seeded = await seed(db, merchants);
  log(`${int(seeded.captures)} captures, ${int(seeded.items)} items seeded in ${fmtMs(seeded.ms)}; settling…`);
  const deps: SettlementDeps = {
    ledger: createLedgerStore(db),
    clock,
    settlement: createSettlementStore(db),
    merchants: createMerchantStore(db),
  };
  const meters = { meter: createMeter(db, { kindOf: settlementKindOf }), reads: createReadMeter(db) };
  const before = load1();
  const first = await pass(deps, meters, false);
  const after = load1();
  log(`${int(first.run.statements)} statements in ${fmtMs(first.ms)}; second pass…`);
  const again = await pass(deps, meters, true);
  const check = await checkSums(db, seeded, first.run);

  const perItem = first.tally.perItem ?? new Map<string, number>();
  const runKey = itemKey(statementKeys.settleRun(PERIOD).pk, statementKeys.settleRun(PERIOD).sk);
  const others = [...perItem].filter(([k]) => k !== runKey).sort((a, b) => b[1] - a[1]);
  const top = [...perItem]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_ITEMS)
    .map(([key, writes]) => ({ key, writes }));
  const [hot] = others;
  return {
    seeded,
    first,
    again,
    runRecordWrites: perItem.get(runKey) ?? 0,
    maxOther: hot ? { key: hot[0], writes: hot[1] } : null,
    overOnce: others.filter(([, n]) => n > 1).length,
    top,
    byKind: first.tally.byKind,
    check,
    load: { before, after },
  };
};

export const keyLabel = (k: string): string => {
  const { pk, sk } = splitKey(k);
  return `\`${pk}\` / \`${sk}\``;
};
