// packages/aws, JobRunner adapter (Lambda). Imports the AWS SDK and core's job message and runner port only.
//
// The job runner in AWS: hands a job to the jobs Lambda as an asynchronous invocation and returns
// once Lambda has queued it. The API cannot run jobs itself: Lambda freezes it between requests,
// and issuance outlasts its timeout. Retries and the dead-letter queue are the jobs function's
// (infra/lib/jobs.ts), and jobs are idempotent, so a duplicate delivery does no harm.
import type { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Job } from '@tmc/core/jobs/model';
import type { JobRunner } from '@tmc/core/jobs/ports';

// What Lambda answers when it has accepted an 'Event' (asynchronous) invocation.
const ACCEPTED = 202;

export type LambdaJobRunnerOptions = {
  /** Defaults to AWS_REGION, which Lambda sets. */
  region?: string;
  /** For tests: a client whose `send` is faked. */
  client?: Pick<LambdaClient, 'send'>;
};

export const createLambdaJobRunner = (functionName: string, opts: LambdaJobRunnerOptions = {}): JobRunner => {
  // Imported on first use, not at cold start: most API instances never start a job, so the Lambda
  // client is a lazy chunk of the bundle (see LAMBDA_EXTERNALS in scripts/esbuild-options.ts).
  let sdk: Promise<{ client: Pick<LambdaClient, 'send'>; InvokeCommand: typeof InvokeCommand }> | undefined;
  const load = () =>
    (sdk ??= import('@aws-sdk/client-lambda').then((m) => ({
      client: opts.client ?? new m.LambdaClient(opts.region ? { region: opts.region } : {}),
      InvokeCommand: m.InvokeCommand,
    })));
  return {
    async start(job: Job) {
      const { client, InvokeCommand } = await load();
      const res = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(job)),
        }),
      );
      // Any other status means the job was not queued; the caller (an admin request) must see that.
      if (res.StatusCode !== ACCEPTED)
        throw new Error(`jobs function did not accept ${job.job}: status ${res.StatusCode ?? 'none'}`);
    },
  };
};
