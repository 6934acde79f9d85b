// The streams function (functions/streams.ts → packages/app/src/compose/streams-lambda.ts): the table's
// stream turned into analytics counters (and, beside them, the coverage trigger and anomaly flags).
// Every reactor is idempotent and order-insensitive (fact markers, max semantics), so Lambda's
// redelivery, bisection and partial batch retries are all safe.
import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAppFunction } from './app-function';
import type { Secrets } from './secrets';
import { allowTimers, type TimerGrant } from './timers';
import { STREAM_ITEM_TYPES } from '@tmc/store/table-def';

// A batch is a few hundred small transactions; 512 MB is enough CPU for the SDK's marshalling.
const MEMORY_MB = 512;
const TIMEOUT = Duration.minutes(1);
// 100 changes per invocation: a batch applies in a few seconds, and a poison record costs at most
// a few bisections of it.
const BATCH_SIZE = 100;
const MAX_BATCHING_WINDOW = Duration.seconds(2); // counters may lag a few seconds; fewer, fuller batches
// A failing record is retried (bisected down to itself) this many times, then its description goes to
// the DLQ and the shard moves on: a stuck shard would stop every counter behind it.
const RETRY_ATTEMPTS = 5;
// Stream records live 24 hours: older than that they are gone anyway; the DLQ says what was skipped.
const MAX_RECORD_AGE = Duration.hours(24);
const DLQ_RETENTION = Duration.days(14); // time to replay a failed batch after a long weekend

export type StreamsProps = {
  /** The bundle: `Code.fromAsset('dist/functions/streams')` in the app, inline code in tests. */
  code: lambda.Code;
  table: dynamodb.ITable;
  secrets: Secrets;
  /** The coverage reactor sets a debounced timer for the coverage job, as the API sets offer timers. */
  timers: TimerGrant;
};

export class Streams extends Construct {
  readonly fn: lambda.Function;
  /** Batches that failed every retry: their shard, sequence numbers and the failure (not the images). */
  readonly dlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: StreamsProps) {
    super(scope, id);
    // SQS-managed encryption: the Lambda service writes here without key permissions, and a stream
    // failure record holds only the shard and sequence numbers, no personal data.
    this.dlq = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    Validations.of(this.dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the stream event source's on-failure destination (a DLQ itself); cdk-nag recognises only " +
        'queues named as a DLQ by another queue or a function, not by an event source mapping.',
    });
    this.fn = createAppFunction(this, {
      code: props.code,
      table: props.table,
      secrets: props.secrets,
      memorySize: MEMORY_MB,
      timeout: TIMEOUT,
      extra: { description: "The table's stream: analytics counters (and the reactors beside them)" },
    });
    allowTimers(this.fn, props.timers);
    this.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: BATCH_SIZE,
        maxBatchingWindow: MAX_BATCHING_WINDOW,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: RETRY_ATTEMPTS,
        maxRecordAge: MAX_RECORD_AGE,
        onFailure: new SqsDlq(this.dlq),
        // new or old image of a reacted-to type (a REMOVE has only the old one); criteria are OR'ed
        filters: (['NewImage', 'OldImage'] as const).map((image) =>
          lambda.FilterCriteria.filter({
            dynamodb: { [image]: { type: { S: lambda.FilterRule.or(...STREAM_ITEM_TYPES) } } },
          }),
        ),
      }),
    );
  }
}
