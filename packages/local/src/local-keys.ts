// Local development keys, generated once into DATA_DIR and never committed (.data/ is ignored).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type LocalKeys = { FIELD_KEY: string; INDEX_KEY: string; SESSION_KEY: string };

export const loadOrCreateLocalKeys = (dataDir: string): LocalKeys => {
  const file = join(dataDir, 'local-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalKeys;
  mkdirSync(dataDir, { recursive: true });
  const keys: LocalKeys = {
    FIELD_KEY: randomBytes(32).toString('base64'),
    INDEX_KEY: randomBytes(32).toString('base64'),
    SESSION_KEY: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
};
