// Staff CSV import of a 20,000-row elder roster (a large street's worth) against DynamoDB Local:
// end-to-end time of importEldersCsv, validation alone, DynamoDB items and transactions per row,
// and what a re-import costs. Results go to docs/BENCHMARKS.md (`bench:csv-import`).
//
// DynamoDB Local is a single JVM on this machine, not the service: the write rate here says how
// the importer behaves (requests per row, idempotency), not what DynamoDB itself would sustain.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { buildDeps } from '@tmc/app/compose/deps';
import { parseEnv } from '@tmc/app/compose/env';
import { DEMO_AREAS, demoAreaNames, demoElders } from '@tmc/local/demo/district';
import { decodeCsv } from '@tmc/core/csv/decode';
import { parseElderCsv } from '@tmc/core/elders/roster/parse';
import { elderRosterCsv } from '@tmc/local/demo/roster';
import {
  importEldersCsv,
  IMPORT_WRITE_CONCURRENCY,
  loadCommunityResolver,
  type ImportOutcome,
} from '@tmc/core/elders/roster/import';
import { startDynamoLocal, type DynamoLocal } from '@tmc/local/dynamo-local';
import { openTable } from './fixtures/dynamo';
import { runBench } from './fixtures/entry';
import { fmtMsWhole as fmtMs, perSec } from './fixtures/format';
import { importKindOf, type ImportItemKind } from './fixtures/item-kinds';
import { createMeter, type Tally } from './fixtures/metering';
import { provenance, writeSection } from './fixtures/report';
import { cpuMs, median, peakRssMb, timed } from './fixtures/stats';

const SECTION = 'bench:csv-import';
const ROWS = 20_000;
const SEED = 2026; // any seed works: the bench table starts empty
const VALIDATION_RUNS = 3; // decode + validate is pure and cheap enough to repeat; median reported
const NOOP_RUNS = 5; // the no-op re-import is one read: a single sample would mostly measure noise
const ACTOR = 'staff:bench';
const FILE_NAME = 'bench-roster.csv';
const UTF8_BOM_BYTES = 3;

const ratio = (n: number): string => (n / ROWS).toFixed(3);
const rowsPerSec = (rows: number, ms: number): string => perSec(rows, ms, 'rows');

/** Items of one kind the metered requests wrote. */
const itemsOf = (t: Tally, kind: ImportItemKind): number => t.byKind.get(kind) ?? 0;
/** Failed write requests of any kind, e.g. a transaction cancelled by a card-number collision, then retried. */
const failedWrites = (t: Tally): number => t.failedWrites + t.txSent - t.transactions;

const expectCompleted = (label: string, out: ImportOutcome, created: number, unchanged: number): void => {
  const { meta, errors } = out;
  if (meta.status !== 'completed' || meta.created !== created || meta.unchanged !== unchanged) {
    const sample = errors
      .slice(0, 3)
      .map((e) => `line ${e.row} ${e.column} ${e.code}`)
      .join('; ');
    throw new Error(
      `${label}: expected completed with ${created} created / ${unchanged} unchanged, got ` +
        `${meta.status} ${meta.created}/${meta.unchanged}, ${errors.length} errors${sample ? ` (${sample})` : ''}`,
    );
  }
};

// ---------------------------------------------------------------------------------------------

const main = async (): Promise<void> => {
  const benchStart = performance.now();

  // The roster. demoElders redraws an ID's 3-digit sequence until the number is unused (50 per
  // sex per birth date, over ~14,600 birth dates for ages 60-99), so 20,000 elders get distinct ID numbers; the
  // check below keeps that claim honest. Phones may repeat (a household shares one), which is valid.
  const elders = demoElders(ROWS, SEED);
  const distinctIds = new Set(elders.map((e) => e.id_number)).size;
  if (distinctIds !== ROWS) throw new Error(`demoElders(${ROWS}) gave ${ROWS - distinctIds} duplicate ID numbers`);
  const csv = elderRosterCsv(elders, demoAreaNames); // Excel's "CSV UTF-8": BOM, Chinese header, CRLF
  const bytes = new TextEncoder().encode(csv);
  // Same rows, different file (no BOM, so another file hash): exercises the per-row ID guard
  // rather than the whole-file shortcut.
  const bytesNoBom = bytes.subarray(UTF8_BOM_BYTES);
  const withPhone = elders.filter((e) => e.phone !== null).length;

  let dynamo: DynamoLocal | null = null;
  try {
    dynamo = await startDynamoLocal();
    const db = await openTable(dynamo, 'csv');
    const key = (): string => randomBytes(32).toString('base64');
    const env = parseEnv({
      STAGE: 'test',
      TABLE_NAME: db.table,
      FIELD_KEY: key(),
      INDEX_KEY: key(),
      SESSION_KEY: key(),
      PUBLIC_URL: 'http://localhost',
      LOG_LEVEL: 'warn',
    });
    const deps = buildDeps(env, { db });
    for (const a of DEMO_AREAS) await deps.areas.put(a);
    const writes = createMeter(db, { kindOf: importKindOf });

    // Validation alone: what the import does before its first database lookup (decoding and
    // every row check), with the community names resolved from the same area tree.
    const resolveCommunity = await loadCommunityResolver(deps.areas, null);
    const validationMs: number[] = [];
    for (let i = 0; i < VALIDATION_RUNS; i++) {
      const t0 = performance.now();
      const { text } = decodeCsv(bytes);
      const { rows, errors } = parseElderCsv(text, { resolveCommunity, today: deps.clock.now() });
      validationMs.push(performance.now() - t0);
      if (rows.length !== ROWS || errors.length > 0)
        throw new Error(`roster did not validate: ${rows.length} rows, ${errors.length} errors`);
    }

    // 1. The import proper, into an empty table.
    writes.reset();
    const cpuBefore = process.cpuUsage();
    const first = await timed(() => importEldersCsv(deps, { bytes, file_name: FILE_NAME, actor: ACTOR, scope: null }));
    // CPU of this process only: the rest of the wall time is DynamoDB Local's JVM and the wait for it.
    const importCpuMs = cpuMs(cpuBefore);
    expectCompleted('first import', first.value, ROWS, 0);
    const w1 = writes.take();
    const writePhaseMs = w1.firstTxStart !== null && w1.lastTxEnd !== null ? w1.lastTxEnd - w1.firstTxStart : 0;

    // 2. The same file again: recognised by its hash, nothing to do. The tally spans every run.
    writes.reset();
    const noopMs: number[] = [];
    for (let i = 0; i < NOOP_RUNS; i++) {
      const again = await timed(() =>
        importEldersCsv(deps, { bytes, file_name: FILE_NAME, actor: ACTOR, scope: null }),
      );
      if (again.value.meta.import_id !== first.value.meta.import_id) throw new Error('re-import got another import id');
      noopMs.push(again.ms);
    }
    const w2 = writes.take();

    // 3. The same rows in another file: validated again, every row found unchanged by its ID.
    writes.reset();
    const sameRows = await timed(() =>
      importEldersCsv(deps, { bytes: bytesNoBom, file_name: FILE_NAME, actor: ACTOR, scope: null }),
    );
    expectCompleted('same rows, other file', sameRows.value, 0, ROWS);
    const w3 = writes.take();

    if (itemsOf(w2, 'elder') !== 0 || itemsOf(w3, 'elder') !== 0) {
      throw new Error(`re-import wrote elder items: ${itemsOf(w2, 'elder')} / ${itemsOf(w3, 'elder')}`);
    }
    const maxRssMb = peakRssMb();
    const vMedian = median(validationMs);

    const body = [
      '## Staff CSV import of the elder roster',
      '',
      provenance('npm run bench', 'npx tsx bench/csv-import.ts'),
      '',
      `${ROWS.toLocaleString('en-US')} valid rows (\`demoElders(${ROWS}, ${SEED}` +
        `)\` written by \`elderRosterCsv\`: UTF-8 with BOM, ` +
        (`${(bytes.length / 1024 / 1024).toFixed(1)} MiB, ${withPhone.toLocaleString('en-US')}` +
          ` rows with a phone), imported with `) +
        (`\`importEldersCsv\` into an empty table on DynamoDB Local (in memory, same machine; ` +
          `${IMPORT_WRITE_CONCURRENCY} row `) +
        ('transactions in flight). DynamoDB Local is one local JVM, not the ' +
          "service: read the write rate as the importer's ") +
        'behaviour here, not as what DynamoDB sustains. Items and transactions are counted by a middleware on the ' +
        'document client, successful requests only.',
      '',
      '| step | time | rate |',
      '| --- | ---: | ---: |',
      `| decode + validate (\`decodeCsv\` + \`parseElderCsv\`), median of ${VALIDATION_RUNS} | ` +
        `${fmtMs(vMedian)} | ${rowsPerSec(ROWS, vMedian)} |`,
      `| import end to end (\`importEldersCsv\`, empty table) | ${fmtMs(first.ms)} | ${rowsPerSec(ROWS, first.ms)} |`,
      `| … of which writing (first to last row transaction) | ${fmtMs(writePhaseMs)} | ` +
        `${rowsPerSec(ROWS, writePhaseMs)} |`,
      `| re-import of the same file (no-op), median of ${NOOP_RUNS} | ${fmtMs(median(noopMs))} | — |`,
      `| same rows in another file (all unchanged) | ${fmtMs(sameRows.ms)} | ${rowsPerSec(ROWS, sameRows.ms)} |`,
      '',
      `- Writes of the import: ${w1.transactions.toLocaleString('en-US')} transactions (` +
        `${ratio(w1.transactions)} per row), ` +
        (`${itemsOf(w1, 'elder').toLocaleString('en-US')} elder items (` +
          `${ratio(itemsOf(w1, 'elder'))} per row: profile, ID-number guard, `) +
        (`card guard, plus the phone index when there is a phone), ${itemsOf(w1, 'import')}` +
          ` import-batch items (status and progress), `) +
        (`${itemsOf(w1, 'audit')} audit item; ${w1.items.toLocaleString('en-US')} items in ` +
          `${w1.writeRequests.toLocaleString('en-US')} `) +
        `write requests, ${failedWrites(w1)} failed and retried.`,
      `- CPU of the Node process during the import: ${fmtMs(importCpuMs)} of ${fmtMs(first.ms)} wall ` +
        `(${((100 * importCpuMs) / first.ms).toFixed(0)}%); the rest is DynamoDB Local's JVM, on the same ` +
        `${os.cpus().length} cores, and waiting for it.`,
      `- Re-import of the same file, ${NOOP_RUNS} times: ${itemsOf(w2, 'elder')} elder items, ` +
        `${w2.items} items in all, ` +
        (`${w2.writeRequests}` +
          ` write requests (the batch is found by the file's hash and the completed result returned; `) +
        `runs ${noopMs.map((ms) => fmtMs(ms)).join(', ')}).`,
      `- Same rows in another file: ${itemsOf(w3, 'elder')} elder items; ${w3.items}` +
        ` items in all (batch status and audit), ` +
        `${sameRows.value.meta.unchanged.toLocaleString('en-US')} rows reported unchanged.`,
      `- Validation runs: ${validationMs.map((ms) => fmtMs(ms)).join(', ')}` +
        `. Peak RSS of the bench process: ${maxRssMb.toFixed(0)} MB ` +
        `(the roster, its CSV and all ${ROWS.toLocaleString('en-US')} parsed rows in memory). Whole bench: ` +
        `${fmtMs(performance.now() - benchStart)} including DynamoDB Local start-up.`,
    ].join('\n');

    await writeSection(SECTION, body);
    console.log(body);
  } finally {
    await dynamo?.stop();
  }
};

runBench(main);
