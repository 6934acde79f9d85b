// `npm run analytics:backfill` and `npm run analytics:verify` over the local store (or DYNAMO_ENDPOINT +
// TABLE_NAME when given, or the deployed table with ANALYTICS_TARGET=aws). Backfill applies the facts of
// every order, entry and elder as they are now (safe to repeat: each fact has a marker); verify recomputes
// the counters and exits 1 on any difference.
import { createDb } from '@tmc/store/table';
import { backfillCounters, verifyAnalytics } from '@tmc/store/analytics-verify';
import { createCounterStore } from '@tmc/store/entities/counters';
import { openLocalStore } from './store-db';

const main = async (command: string | undefined): Promise<number> => {
  if (command !== 'backfill' && command !== 'verify') {
    process.stdout.write('usage: analytics-cli.ts backfill|verify\n');
    return 2;
  }
  // Against the deployed table: ANALYTICS_TARGET=aws with TABLE_NAME and AWS_REGION, and the operator's own
  // AWS credentials from the usual chain (never DynamoDB Local's dummy ones).
  const store =
    process.env.ANALYTICS_TARGET === 'aws'
      ? { db: createDb({ table: process.env.TABLE_NAME ?? 'ten-minute-circle' }), stop: async () => {} }
      : await openLocalStore();
  if (!store) return 1;
  const { db } = store;
  try {
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
    await store.stop();
  }
};

main(process.argv[2]).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`analytics ${process.argv[2] ?? ''} failed: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
