// The jobs Lambda: EventBridge Scheduler (or the API, asynchronously) sends `{ job: ... }`; the
// event is parsed and dispatched, nothing else. At-least-once delivery is fine: jobs are idempotent.
import { loadKeysFromAws } from '@tmc/aws/secrets';
import { createNotifierFromEnv } from '@tmc/notify/from-env';
import { buildDeps } from './deps';
import { parseEnv } from './env';
import { JobSchema } from '@tmc/core/jobs/model';
import { runJob } from './jobs';

const base = process.env;
const keys = base.APP_SECRET_ARN ? await loadKeysFromAws(base.APP_SECRET_ARN, base.AWS_REGION ?? 'cn-north-1') : {};
const env = parseEnv({ ...base, ...keys });
const deps = buildDeps(env, {
  notifier: (wiring) => createNotifierFromEnv({ ...base, ...keys }, { wiring }),
  jobs: {
    start: async (job) => {
      await runJob(deps, job);
    },
  },
});

export const handler = async (event: unknown) => {
  const parsed = JobSchema.parse(event);
  // A retried or overlapping invocation resumes the month instead of stopping at ISSUANCE_RUNNING:
  // credits are idempotent per elder and month and the run record is versioned, so two runners
  // cannot issue twice; the loser stops at its next progress write.
  const job = parsed.job === 'issuance' ? { ...parsed, resume: true } : parsed;
  const result = await runJob(deps, job);
  deps.logger.log('info', 'job done', result);
  return result;
};
