// The one stack: composes the constructs, one per concern, and wires them together.
import { type App, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import type { Construct } from 'constructs';
import { Alarms } from './alarms';
import { Api } from './api';
import { Data } from './data';
import { Jobs } from './jobs';
import { Secrets } from './secrets';
import { Streams } from './streams';

export const STACK_NAME = 'TenMinuteCircle';

/**
 * The feature flags in cdk.json (CDK's recommended set for aws-cdk-lib 2.276). The CLI passes them
 * to the app itself; a direct `tsx` run and the tests read them here, so all three synthesize alike.
 */
export const cdkJsonContext = (): Record<string, unknown> => {
  const parsed: unknown = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('context' in parsed))
    throw new Error('cdk.json has no "context"');
  const { context } = parsed;
  if (typeof context !== 'object' || context === null) throw new Error('cdk.json "context" is not an object');
  return { ...context };
};

/**
 * cdk-nag v3 runs as a CDK policy-validation plugin: an unacknowledged AwsSolutions error fails the
 * synth. Acknowledgments sit beside the resource they concern (infra/lib/*.ts) and are also written
 * into the template's Metadata, so each one's reason travels with what is deployed.
 * Shared by bin/app.ts and the test so both check the same way.
 */
export const addNagChecks = (app: App): void => {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
};

export type TenMinuteCircleStackProps = StackProps & {
  /** Code of the API function; tests pass inline code so they need no build. */
  apiCode: lambda.Code;
  /** Code of the pages function, likewise. */
  pagesCode: lambda.Code;
  /** Code of the jobs function, likewise. */
  jobsCode: lambda.Code;
  /** Code of the streams function (analytics counters from the table's stream), likewise. */
  streamsCode: lambda.Code;
};

export class TenMinuteCircleStack extends Stack {
  readonly data: Data;
  readonly secrets: Secrets;
  readonly jobs: Jobs;
  readonly api: Api;
  readonly streams: Streams;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: TenMinuteCircleStackProps) {
    super(scope, id, props);
    this.data = new Data(this, 'Data');
    this.secrets = new Secrets(this, 'Secrets');
    this.jobs = new Jobs(this, 'Jobs', { code: props.jobsCode, table: this.data.table, secrets: this.secrets });
    this.api = new Api(this, 'Api', {
      code: props.apiCode,
      pagesCode: props.pagesCode,
      table: this.data.table,
      secrets: this.secrets,
      jobsFn: this.jobs.fn,
      schedulerRole: this.jobs.schedulerRole,
      offerGroup: this.jobs.offerGroup,
    });
    this.streams = new Streams(this, 'Streams', {
      code: props.streamsCode,
      table: this.data.table,
      secrets: this.secrets,
      timers: { jobsFn: this.jobs.fn, schedulerRole: this.jobs.schedulerRole, offerGroup: this.jobs.offerGroup },
    });
    this.alarms = new Alarms(this, 'Alarms', {
      fn: this.api.fn,
      pagesFn: this.api.pagesFn,
      httpApi: this.api.httpApi,
      jobsFn: this.jobs.fn,
      jobsDlq: this.jobs.dlq,
      streamsFn: this.streams.fn,
      streamsDlq: this.streams.dlq,
      ledgerCheckFailures: this.jobs.ledgerCheckFailures,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'JobsDeadLetterQueueUrl', { value: this.jobs.dlq.queueUrl });
    new CfnOutput(this, 'StreamsDeadLetterQueueUrl', { value: this.streams.dlq.queueUrl });
  }
}
