// `npm run ledger:verify`: checks the ledger over the whole local store (or DYNAMO_ENDPOINT +
// TABLE_NAME when given). Exit code 0 only when every invariant holds.
import { verifyLedger } from '@tmc/store/ledger-verify';
import { openLocalStore } from './store-db';

const main = async (): Promise<number> => {
  const store = await openLocalStore();
  if (!store) return 1;
  const { db } = store;
  try {
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
    await store.stop();
  }
};

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`ledger:verify failed: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
