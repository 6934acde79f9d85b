// The jobs function (functions/jobs/run.ts → packages/app/src/compose/jobs-lambda.ts) and the EventBridge
// Scheduler schedules that start it: the daily job (lot expiry, hold expiry, expiry notices) and
// the monthly issuance. The API invokes it too, asynchronously, to start issuance by hand.
// Every job is idempotent (ARCHITECTURE.md, "Async work"), so the retries below are safe.
import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { LEDGER_VERIFY_FAILED } from '@tmc/core/jobs/model';
import { Construct } from 'constructs';
import { createAppFunction, logicalIdOf } from './app-function';
import type { Secrets } from './secrets';

/** A fixed name, so the API's grant and its cdk-nag acknowledgment can name it. */
export const OFFER_SCHEDULE_GROUP = 'tmc-offer-timers';

// Same as the API: issuance credits 16 elders at a time and the notices decrypt phone numbers,
// both CPU-bound enough that a smaller (slower) function would cost about as much and run longer.
const MEMORY_MB = 1024;
// Lambda's maximum. An issuance that outlasts it is not lost: its run record keeps a cursor and
// POST /issuance with `resume` continues from it.
const TIMEOUT = Duration.minutes(15);
// Caps what jobs can take from the account's concurrency (the API needs it) and from the table's
// throughput. Two, not one, so the daily job and an issuance started by hand can overlap; two
// issuances of one month cannot both make progress (the run record refuses the second).
const RESERVED_CONCURRENCY = 2;
// Lambda retries a failed async invocation after about 1 and 3 minutes. That rescues a daily job
// hit by a transient error; a failed issuance usually needs a person (the run record refuses a
// restart for 15 minutes), which the DLQ and its alarm get.
const ASYNC_RETRY_ATTEMPTS = 2;
// Events still waiting after an hour (throttled behind long jobs) go to the DLQ rather than
// starting a job hours after anyone expected it.
const ASYNC_MAX_EVENT_AGE = Duration.hours(1);
// Scheduler retries only failures to hand the event to Lambda (the invocation is asynchronous),
// which are rare and brief.
const SCHEDULE_RETRY_ATTEMPTS = 3;
const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);
// The longest SQS keeps a message: time for someone to read what failed after a long weekend.
const DLQ_RETENTION = Duration.days(14);

export type JobsProps = {
  /** The bundle: `Code.fromAsset('dist/functions/jobs-run')` in the app, inline code in tests. */
  code: lambda.Code;
  table: dynamodb.ITable;
  secrets: Secrets;
};

export class Jobs extends Construct {
  readonly fn: lambda.Function;
  readonly schedulerRole: iam.Role;
  readonly offerGroup: scheduler.ScheduleGroup;
  /** Jobs that failed every attempt, from either Lambda (async invocation) or Scheduler. */
  readonly dlq: sqs.Queue;
  /** Nightly ledger checks that found problems (a metric filter on the function's log line). */
  readonly ledgerCheckFailures: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);

    // SQS-managed encryption rather than a KMS key: neither the Lambda service nor Scheduler then
    // needs key permissions to write here, and failed-job events hold no personal data.
    this.dlq = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });

    this.fn = createAppFunction(this, {
      code: props.code,
      table: props.table,
      secrets: props.secrets,
      memorySize: MEMORY_MB,
      timeout: TIMEOUT,
      extra: {
        description: 'Background jobs: daily expiry and notices, monthly issuance',
        reservedConcurrentExecutions: RESERVED_CONCURRENCY,
        deadLetterQueue: this.dlq,
        retryAttempts: ASYNC_RETRY_ATTEMPTS,
        maxEventAge: ASYNC_MAX_EVENT_AGE,
      },
    });

    // One role for both schedules, scoped to this account's schedules (confused-deputy guard).
    // LambdaInvoke adds invoke on the function and SendMessage on the DLQ to it.
    const schedulerRole = (this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    }));
    // One-time schedules for order offer timers (帮我找), created by the API; they delete themselves.
    this.offerGroup = new scheduler.ScheduleGroup(this, 'OfferTimers', {
      scheduleGroupName: OFFER_SCHEDULE_GROUP,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn.grantInvoke(schedulerRole);
    type ScheduledJob = 'daily' | 'issuance' | 'settlement' | 'coverage' | 'ledger-verify-day';
    const target = (input: { job: ScheduledJob }): targets.LambdaInvoke =>
      new targets.LambdaInvoke(this.fn, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject(input),
        deadLetterQueue: this.dlq,
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
      });
    // Times are the city's (Asia/Shanghai has no DST): 02:00 is the quietest hour for the table,
    // and issuance at 03:00 on the 1st follows that night's expiry run.
    new scheduler.Schedule(this, 'Daily', {
      description: 'Daily: lot expiry, hold expiry, 30-day expiry notices',
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2', timeZone: TimeZone.ASIA_SHANGHAI }),
      target: target({ job: 'daily' }),
    });
    new scheduler.Schedule(this, 'MonthlyIssuance', {
      description: "Monthly issuance of every active elder's allowance",
      schedule: scheduler.ScheduleExpression.cron({
        minute: '0',
        hour: '3',
        day: '1',
        timeZone: TimeZone.ASIA_SHANGHAI,
      }),
      target: target({ job: 'issuance' }),
    });
    // Settlement closes the last period on the 1st and the 16th at 04:00, after that night's jobs;
    // under a monthly cadence the 16th finds nothing to close. The job resumes itself past its budget.
    new scheduler.Schedule(this, 'Settlement', {
      description: 'Settlement: one statement per merchant for the period just closed',
      schedule: scheduler.ScheduleExpression.cron({
        minute: '0',
        hour: '4',
        day: '1,16',
        timeZone: TimeZone.ASIA_SHANGHAI,
      }),
      target: target({ job: 'settlement' }),
    });
    // Coverage is kept current by the streams function (debounced runs after changes); this nightly run
    // at 02:30 is the safety net for a change the stream missed, and keeps the current run young.
    new scheduler.Schedule(this, 'Coverage', {
      description: 'Coverage: elders with each category in their ten-minute circle, per community',
      schedule: scheduler.ScheduleExpression.cron({ minute: '30', hour: '2', timeZone: TimeZone.ASIA_SHANGHAI }),
      target: target({ job: 'coverage' }),
    });
    // The ledger check of yesterday's entries at 02:15, after the daily expiry run has written its own.
    new scheduler.Schedule(this, 'LedgerCheck', {
      description: "Ledger check: yesterday's entries against the accounts they touched",
      schedule: scheduler.ScheduleExpression.cron({ minute: '15', hour: '2', timeZone: TimeZone.ASIA_SHANGHAI }),
      target: target({ job: 'ledger-verify-day' }),
    });
    // A check that finds problems logs one line and returns (a retry would find the same); this filter
    // turns the line into a metric the alarm watches (alarms.ts). A check that crashes is a jobs error.
    const filter = new logs.MetricFilter(this, 'LedgerCheckFailures', {
      logGroup: this.fn.logGroup,
      filterPattern: logs.FilterPattern.literal(`"${LEDGER_VERIFY_FAILED}"`),
      metricNamespace: 'TenMinuteCircle',
      metricName: 'LedgerCheckFailures',
      metricValue: '1',
    });
    this.ledgerCheckFailures = filter.metric({ statistic: 'Sum', period: Duration.hours(1) });

    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.fn)}.Arn>:*]`,
      reason:
        "LambdaInvoke grants invoke through Function.grantInvoke, which adds the function's versions and aliases " +
        '(`<arn>:*`); the wildcard stays within this one function, which the schedules may invoke anyway.',
    });
  }
}
