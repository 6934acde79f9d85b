// `npm run reset`: wipes local data (DynamoDB Local files and dev keys) so the next start seeds afresh.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = resolve(process.env.DATA_DIR ?? '.data');
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`removed ${dir}\n`);
