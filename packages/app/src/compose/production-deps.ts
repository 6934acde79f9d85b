// Dependencies as deployed on Lambda: configuration from the environment, keys from Secrets
// Manager (KMS-unwrapped) once per cold start, notices through the configured adapter. Shared by
// the API function (production.ts) and the pages function (@tmc/web/production).
import { loadKeysFromAws } from '@tmc/aws/secrets';
import { createLambdaJobRunner } from '@tmc/aws/jobs';
import { createAwsScheduler } from '@tmc/aws/scheduler';
import { buildDeps } from './deps';
import { parseEnv } from './env';
import { createNotifierFromEnv, wechatOAuthFromEnv } from '@tmc/notify/from-env';

const base = process.env;
const keys = base.APP_SECRET_ARN ? await loadKeysFromAws(base.APP_SECRET_ARN, base.AWS_REGION ?? 'cn-north-1') : {};
const env = parseEnv({ ...base, ...keys });
export const deps = buildDeps(env, {
  // SMS, plus WeChat template messages when WECHAT_* is set: a factory, because WeChat finds the
  // recipient's openid through the table's links, which buildDeps creates.
  notifier: (wiring) => createNotifierFromEnv({ ...base, ...keys }, { wiring }),
  // WeChat sign-in for /wechat/link; without WECHAT_APP_ID/SECRET those routes answer WECHAT_NOT_CONFIGURED.
  wechatOAuth: wechatOAuthFromEnv({ ...base, ...keys }),
  // Jobs (issuance started from the admin page) go to the jobs Lambda: this function is frozen
  // between requests and times out long before an issuance ends. Without the variable (running
  // outside the stack) they run in this process, as locally.
  ...(base.JOBS_FUNCTION_NAME
    ? { jobs: createLambdaJobRunner(base.JOBS_FUNCTION_NAME, { region: base.AWS_REGION ?? 'cn-north-1' }) }
    : {}),
  // Order offer timers (帮我找) as one-time EventBridge schedules that invoke the jobs function.
  ...(base.OFFER_SCHEDULE_GROUP && base.OFFER_SCHEDULER_ROLE_ARN && base.JOBS_FUNCTION_ARN
    ? {
        scheduler: createAwsScheduler({
          region: base.AWS_REGION ?? 'cn-north-1',
          group: base.OFFER_SCHEDULE_GROUP,
          roleArn: base.OFFER_SCHEDULER_ROLE_ARN,
          targetArn: base.JOBS_FUNCTION_ARN,
        }),
      }
    : {}),
});
