// Each test file gets its own DynamoDB Local, started on first use and stopped after the file.
// One shared instance for the whole run slowed down badly as tables piled up (seen in CI and in
// the ledger bench), and made a file's speed depend on which files ran before it.
import { afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createDb, ensureTable, type Db } from '@tmc/store/table';
import { startDynamoLocal, type DynamoLocal } from '@tmc/local/dynamo-local';

let local: Promise<DynamoLocal> | null = null;

afterAll(async () => {
  if (local) await (await local).stop();
  local = null;
});

export const makeTestDb = async (label = 't'): Promise<Db> => {
  local ??= startDynamoLocal();
  const { endpoint } = await local;
  const db = createDb({ table: `${label}-${randomBytes(6).toString('hex')}`, endpoint, region: 'local' });
  await ensureTable(db);
  return db;
};
