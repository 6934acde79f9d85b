// `npm run ledger:verify`: checks the ledger over the whole local store (or DYNAMO_ENDPOINT +
// TABLE_NAME when given). Exit code 0 only when every invariant holds.
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { createDb } from '@tmc/store/table';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { startDynamoLocal, type DynamoLocal } from './dynamo-local';

const main = async (): Promise<number> => {
  let local: DynamoLocal | null = null;
  let endpoint = process.env.DYNAMO_ENDPOINT;
  if (!endpoint) {
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
    const db = createDb({ table: process.env.TABLE_NAME ?? 'ten-minute-circle', endpoint, region: 'local' });
    const r = await verifyLedger(db);
    const c = r.counts;
    process.stdout.write(
      `entries ${c.entries}, postings ${c.postings}, accounts ${c.accounts}, lots ${c.lots}` +
        `, holds ${c.holds}, reversals ${c.reversals}\n`,
    );
    for (const p of r.problems) process.stdout.write(`PROBLEM ${p}\n`);
    process.stdout.write(
      r.ok ? 'ledger verified: every invariant holds\n' : `ledger NOT verified: ${r.problems.length} problem(s)\n`,
    );
    return r.ok ? 0 : 1;
  } finally {
    await local?.stop();
  }
};

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`ledger:verify failed: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
