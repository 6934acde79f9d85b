// `npm start`: DynamoDB Local (data in DATA_DIR), the table, the demo district once, and the
// same Hono app the Lambda runs, on http://localhost:PORT. Ctrl-C stops all of it.
import { serve } from '@hono/node-server';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureTable } from '@tmc/store/table';
import { buildDeps } from '@tmc/app/compose/deps';
import { parseEnv } from '@tmc/app/compose/env';
import { createSiteApp } from '@tmc/web/site';
import { startDynamoLocal } from './dynamo-local';
import { loadOrCreateLocalKeys } from './local-keys';
import { DEMO_PASSWORD, DEMO_PIN, DEMO_STAFF, seedDemo } from './seed';
import { startLocalScheduler } from './scheduler';
import { startStreamPoller } from './stream-poller';
import { streamReactors } from '@tmc/app/compose/streams';

export const startLocal = async (opts: { port: number; dataDir: string; quiet?: boolean }) => {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const ddb = await startDynamoLocal({ dbPath: join(dataDir, 'dynamodb') });
  try {
    const env = parseEnv({
      ...loadOrCreateLocalKeys(dataDir),
      STAGE: 'local',
      TABLE_NAME: 'ten-minute-circle',
      DYNAMO_ENDPOINT: ddb.endpoint,
      AWS_REGION: 'local',
      PUBLIC_URL: `http://localhost:${opts.port}`,
      LOG_LEVEL: process.env.LOG_LEVEL ?? (opts.quiet ? 'warn' : 'info'),
    });
    const deps = buildDeps(env);
    await ensureTable(deps.db);
    const seed = await seedDemo(deps, { issue: true });
    const { app } = createSiteApp(deps);
    const server = serve({ fetch: app.fetch, port: opts.port, hostname: '0.0.0.0' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const stopScheduler = startLocalScheduler(deps);
    // the streams function's local stand-in: the same reactors, over DynamoDB Local's stream
    const stopStream = startStreamPoller({
      db: deps.db,
      reactors: streamReactors({ db: deps.db, deps }),
      positionsFile: join(dataDir, 'stream-positions.json'),
      log: (msg) => deps.logger.log('warn', msg),
    });
    const stop = async () => {
      stopScheduler();
      await stopStream();
      await new Promise<void>((r) => server.close(() => r()));
      await ddb.stop();
    };
    return { deps, seed, stop, url: `http://localhost:${opts.port}` };
  } catch (e) {
    await ddb.stop();
    throw e;
  }
};

const main = async () => {
  const port = Number(process.env.PORT ?? 3000);
  const dataDir = process.env.DATA_DIR ?? '.data';
  const s = await startLocal({ port, dataDir });
  const lines = [
    '',
    '十分钟服务圈 Ten-minute service circle — running locally',
    `  Home         ${s.url}/`,
    `  Staff        ${s.url}/staff            (username / password below)`,
    `  Elder        ${s.url}/elder            (phone + code from the dev outbox)`,
    `  Dev outbox   ${s.url}/dev/outbox       (sign-in codes land here)`,
    `  API docs     ${s.url}/docs  ·  ${s.url}/openapi.json`,
    `  Health       ${s.url}/health`,
    '',
    `  Staff logins (password "${DEMO_PASSWORD}"): ${DEMO_STAFF.map((x) => `${x.username} (${x.role})`).join(', ')}`,
    `  Demo elder phones: ${s.seed.elderPhones.slice(0, 3).join(', ')}   card PIN for every demo elder: ${DEMO_PIN}`,
    '  Demo merchant phone: 17000020000 (and 17000020001-35); family: any phone, e.g. 17000009000',
    `  Data: ${resolve(dataDir)} ` +
      `${s.seed.seeded ? '(demo district seeded now)' : '(existing data kept)'}` +
      ` — npm run reset wipes it`,
    '  Ctrl-C stops the server and DynamoDB Local.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await s.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
};

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main().catch((e: unknown) => {
    process.stderr.write(`failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
