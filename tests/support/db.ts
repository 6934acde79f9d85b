// Each test file gets its own table on the run's shared DynamoDB Local.
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createDb, ensureTable, type Db } from '@tmc/store/table';

export const makeTestDb = async (label = 't'): Promise<Db> => {
  const db = createDb({ table: `${label}-${randomBytes(6).toString('hex')}`, endpoint: inject('dynamoEndpoint'), region: 'local' });
  await ensureTable(db);
  return db;
};
