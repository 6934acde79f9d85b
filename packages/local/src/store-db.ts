// The table an offline command (ledger:verify, analytics:backfill / verify) works on: DYNAMO_ENDPOINT +
// TABLE_NAME when given, else the local store in DATA_DIR on its own DynamoDB Local (stopped by `stop`).
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { createDb, type Db } from '@tmc/store/table';
import { startDynamoLocal, type DynamoLocal } from './dynamo-local';

export const openLocalStore = async (): Promise<{ db: Db; stop: () => Promise<void> } | null> => {
  let local: DynamoLocal | null = null;
  let endpoint = process.env.DYNAMO_ENDPOINT;
  if (!endpoint) {
    const dir = join(resolve(process.env.DATA_DIR ?? '.data'), 'dynamodb');
    if (!existsSync(dir)) {
      process.stdout.write(`no local data at ${dir}: run npm start first (or set DYNAMO_ENDPOINT)\n`);
      return null;
    }
    // The database file is locked while `npm start` runs; stop it first or point DYNAMO_ENDPOINT at it.
    local = await startDynamoLocal({ dbPath: dir });
    endpoint = local.endpoint;
  }
  const db = createDb({ table: process.env.TABLE_NAME ?? 'ten-minute-circle', endpoint, region: 'local' });
  return { db, stop: async () => void (await local?.stop()) };
};
