// Alarms on what users feel: function errors and throttles, API 5xx, and background jobs that
// failed (an issuance that did not happen is missing money). All go to one SNS topic; whoever is
// on call subscribes to it (subscriptions are not code: they hold phone numbers).
import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);
// Domain errors become 4xx responses in the app's one onError, so a Lambda error is a crash or a
// timeout: one is worth a look. Throttles mean requests were refused outright.
const FUNCTION_ERRORS_PER_PERIOD = 1;
const FUNCTION_THROTTLES_PER_PERIOD = 1;
// A few 5xx can be a client hanging up mid-request; a handful in five minutes is a real failure.
const API_5XX_PER_PERIOD = 5;
// Any failed attempt of a job is worth a look (the next may succeed, but an issuance may then
// need resuming by hand), and any message in the DLQ is a job that gave up: threshold 1 is "> 0".
const JOBS_ERRORS_PER_PERIOD = 1;
const JOBS_DLQ_MESSAGES = 1;
// A stream batch in the DLQ is counters that were not applied (skipped after its retries): any one.
const STREAMS_DLQ_MESSAGES = 1;
// One ledger check that found a problem is money that does not add up: any one.
const LEDGER_CHECK_FAILURES = 1;

export type AlarmsProps = {
  fn: lambda.IFunction;
  pagesFn: lambda.IFunction;
  httpApi: apigwv2.IHttpApi;
  jobsFn: lambda.IFunction;
  jobsDlq: sqs.IQueue;
  streamsFn: lambda.IFunction;
  streamsDlq: sqs.IQueue;
  /** The nightly ledger check's failures (jobs.ts, a metric filter on its log line). */
  ledgerCheckFailures: cloudwatch.IMetric;
};

export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);

    const topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch publishes to an encrypted topic only if the key lets it use the key.
    topicKey.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', { masterKey: topicKey, enforceSSL: true });

    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string): void => {
      new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No traffic is not a failure.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new actions.SnsAction(this.topic));
    };
    alarm(
      'FunctionErrors',
      props.fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      FUNCTION_ERRORS_PER_PERIOD,
      'API function crashed or timed out',
    );
    alarm(
      'FunctionThrottles',
      props.fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      FUNCTION_THROTTLES_PER_PERIOD,
      'API function invocations were throttled',
    );
    alarm(
      'PagesErrors',
      props.pagesFn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      FUNCTION_ERRORS_PER_PERIOD,
      'Pages function crashed or timed out',
    );
    alarm(
      'PagesThrottles',
      props.pagesFn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      FUNCTION_THROTTLES_PER_PERIOD,
      'Pages function invocations were throttled',
    );
    alarm(
      'Api5xx',
      props.httpApi.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      API_5XX_PER_PERIOD,
      'HTTP API returned 5xx responses',
    );
    alarm(
      'JobsErrors',
      props.jobsFn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      JOBS_ERRORS_PER_PERIOD,
      'Jobs function failed an attempt (daily job or issuance); Lambda retries, the DLQ alarm says if it gave up',
    );
    // Maximum, not Average: one message is enough. It stays in ALARM until the queue is drained, so
    // drain it once the failed job has been handled, or the next failure will not notify.
    alarm(
      'JobsDeadLetters',
      props.jobsDlq.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      JOBS_DLQ_MESSAGES,
      'A background job failed every attempt and is in the jobs DLQ; resume or rerun it, then drain the queue',
    );
    alarm(
      'StreamsErrors',
      props.streamsFn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      FUNCTION_ERRORS_PER_PERIOD,
      'Streams function crashed or timed out; Lambda retries the batch from the failed record',
    );
    alarm(
      'StreamsDeadLetters',
      props.streamsDlq.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      STREAMS_DLQ_MESSAGES,
      'Stream records were skipped after every retry (counters behind): fix the cause, run ' +
        'analytics:backfill (markers make it safe), then drain the queue',
    );
    alarm(
      'LedgerCheckFailed',
      props.ledgerCheckFailures,
      LEDGER_CHECK_FAILURES,
      "The nightly ledger check found problems in yesterday's entries: read the jobs log line " +
        '"ledger verify failed", then run ledger:verify against the table',
    );
  }
}
