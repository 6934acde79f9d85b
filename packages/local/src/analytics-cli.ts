// `npm run analytics:backfill` and `npm run analytics:verify` over the local store (or DYNAMO_ENDPOINT +
// TABLE_NAME when given, or the deployed table with ANALYTICS_TARGET=aws). Backfill applies the facts of
// every order, entry and elder as they are now (safe to repeat: each fact has a marker); verify recomputes
// the counters and exits 1 on any difference.
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { createDb } from '@tmc/store/table';
import { backfillCounters, verifyAnalytics } from '@tmc/store/analytics-verify';
import { createCounterStore } from '@tmc/store/entities/counters';
import { startDynamoLocal, type DynamoLocal } from './dynamo-local';

const main = async (command: string | undefined): Promise<number> => {
  if (command !== 'backfill' && command !== 'verify') {
    process.stdout.write('usage: analytics-cli.ts backfill|verify\n');
    return 2;
  }
  let local: DynamoLocal | null = null;
  let endpoint = process.env.DYNAMO_ENDPOINT;
  // Against the deployed table: ANALYTICS_TARGET=aws with TABLE_NAME and AWS_REGION, and the operator's own
  // AWS credentials from the usual chain (never DynamoDB Local's dummy ones).
  const aws = process.env.ANALYTICS_TARGET === 'aws';
  if (!endpoint && !aws) {
    const dir = join(resolve(process.env.DATA_DIR ?? '.data'), 'dynamodb');
    if (!existsSync(dir)) {
      process.stdout.write(`no local data at ${dir}: run npm start first (or set DYNAMO_ENDPOINT)\n`);
      return 1;
    }
    // The database file is locked while `npm start` runs; stop it first or point DYNAMO_ENDPOINT at it.
    local = await startDynamoLocal({ dbPath: dir });
    endpoint = local.endpoint;
  }
  try {
    const table = process.env.TABLE_NAME ?? 'ten-minute-circle';
    const db = aws ? createDb({ table }) : createDb({ table, endpoint, region: 'local' });
    if (command === 'backfill') {
      const t0 = Date.now();
      const r = await backfillCounters(db, createCounterStore(db));
      process.stdout.write(`backfill: ${r.seen} source items in ${Date.now() - t0} ms\n`);
      return 0;
    }
    const r = await verifyAnalytics(db);
    process.stdout.write(`${r.sources} source items, ${r.items} counter items\n`);
    for (const p of r.problems) process.stdout.write(`PROBLEM ${p}\n`);
    process.stdout.write(
      r.ok ? 'analytics verified: every counter agrees\n' : `analytics NOT verified: ${r.problems.length} problem(s)\n`,
    );
    return r.ok ? 0 : 1;
  } finally {
    await local?.stop();
  }
};

main(process.argv[2]).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`analytics ${process.argv[2] ?? ''} failed: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
