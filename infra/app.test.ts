// The stack built in-process the way bin/app.ts builds it (same context, same cdk-nag checks),
// with inline code instead of the bundle so it needs no build, no AWS and no network.
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { API_GATEWAY_PATHS } from '@tmc/app/http/api-paths';
import { LEDGER_VERIFY_FAILED } from '@tmc/core/jobs/model';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addNagChecks, cdkJsonContext, STACK_NAME, TenMinuteCircleStack } from './lib/stack';

type Statement = { Action: string | string[]; Resource: unknown };
type PolicyResource = { Properties: { PolicyDocument: { Statement: Statement[] }; Roles: { Ref: string }[] } };
type Violation = { ruleName: string; severity: string };
type ValidationReport = { pluginReports: { pluginName: string; violations: Violation[] }[] };

let template: Template;
let report: ValidationReport;

beforeAll(() => {
  // Prepare
  const app = new App({ context: cdkJsonContext() });
  const code = lambda.Code.fromInline('export const handler = async () => ({ statusCode: 200 });');
  const stack = new TenMinuteCircleStack(app, STACK_NAME, {
    apiCode: code,
    pagesCode: code,
    jobsCode: code,
    streamsCode: code,
  });
  addNagChecks(app);
  // Act: synth throws, with the report, if any AwsSolutions error is left unacknowledged.
  const assembly = app.synth();
  template = Template.fromStack(stack);
  report = JSON.parse(readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8')) as ValidationReport;
});

describe('table', () => {
  it('has the generic keys, both GSIs, TTL, stream, PITR, deletion protection and a KMS key', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const gsi = (name: string) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: `${name}pk`, KeyType: 'HASH' },
        { AttributeName: `${name}sk`, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [gsi('gsi1'), gsi('gsi2')],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataTableKey'), 'Arn'] },
      },
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('rotates every customer-managed key', () => {
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) expect(key).toMatchObject({ Properties: { EnableKeyRotation: true } });
  });
});

describe('api', () => {
  it('runs the function on Node 22, arm64, with JSON logs and tracing', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 10,
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      TracingConfig: { Mode: 'Active' },
      // The names packages/app/src/compose/production.ts reads.
      Environment: {
        Variables: Match.objectLike({
          STAGE: 'production',
          TABLE_NAME: Match.anyValue(),
          APP_SECRET_ARN: Match.anyValue(),
          SPEND_IN_WALLET_FROM: Match.stringLikeRegexp('^[0-9]{4}-[0-9]{2}$'), // cdk.json, set once
        }),
      },
    });
  });

  it(
    'has an HTTP API: the API paths go to the API function, the default ' +
      'route to the pages function, throttled and access-logged',
    () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
      for (const path of API_GATEWAY_PATHS)
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `ANY ${path}` });
      // two integrations, one per function, each a Lambda proxy
      const targets = Object.values(template.findResources('AWS::ApiGatewayV2::Integration')).map((r) =>
        JSON.stringify((r as { Properties: { IntegrationUri: unknown } }).Properties.IntegrationUri),
      );
      expect(new Set(targets).size).toBe(2);
      template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY' });
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      });
    },
  );

  it('grants no DynamoDB wildcard action and no DynamoDB action on Resource * (but ListStreams)', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
    const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const s of dynamo) {
      expect(actionsOf(s)).not.toContain('dynamodb:*');
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      // the stream event source's ListStreams has no resource-level permission: it lists stream ARNs, no data
      // (CDK merges it with the tracing actions, which have none either)
      if (actionsOf(s).every((a) => a === 'dynamodb:ListStreams' || a.startsWith('xray:'))) continue;
      expect(resources).not.toContain('*');
    }
    expect(statements.flatMap(actionsOf)).not.toContain('*');
  });

  it('may decrypt with the field key only in the field-encryption context', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'kms:Decrypt',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretsFieldKey'), 'Arn'] },
            Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'field-encryption' } },
          },
        ]),
      },
    });
  });
});

/** The one resource of `type` whose properties match, by logical id. */
const onlyIdOf = (type: string, props: Record<string, unknown>): string => {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
};
const jobsFnId = (): string => onlyIdOf('AWS::Lambda::Function', { Timeout: 900 });
const dlqId = (): string => {
  const ids = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) =>
    id.startsWith('JobsDeadLetterQueue'),
  );
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
};

describe('jobs', () => {
  it('runs the jobs function on Node 22, arm64, 15 minutes, with capped concurrency and the app config', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: 1024,
      ReservedConcurrentExecutions: 2,
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: {
        Variables: Match.objectLike({
          STAGE: 'production',
          TABLE_NAME: Match.anyValue(),
          APP_SECRET_ARN: Match.anyValue(),
          SMS_ENDPOINT: Match.anyValue(),
          SMS_TEMPLATES: Match.anyValue(),
          WECHAT_APP_ID: '',
          WECHAT_TEMPLATES: '',
        }),
      },
    });
  });

  it('sends failed async invocations to an encrypted, TLS-only DLQ after bounded retries', () => {
    const fn = jobsFnId();
    const dlq = dlqId();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn },
      MaximumRetryAttempts: Match.anyValue(),
      MaximumEventAgeInSeconds: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('schedules daily, issuance, settlement, coverage and the ledger check in Asia/Shanghai, retried, DLQ', () => {
    const fn = jobsFnId();
    const dlq = dlqId();
    template.resourceCountIs('AWS::Scheduler::Schedule', 5);
    for (const [expression, job] of [
      ['cron(0 2 * * ? *)', 'daily'],
      ['cron(0 3 1 * ? *)', 'issuance'],
      ['cron(0 4 1,16 * ? *)', 'settlement'],
      ['cron(30 2 * * ? *)', 'coverage'],
      ['cron(15 2 * * ? *)', 'ledger-verify-day'],
    ] as const) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
          Input: JSON.stringify({ job }),
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
          RoleArn: Match.anyValue(),
        },
      });
    }
  });

  it('lets the API and pages functions invoke the jobs function and nothing broader, and tells them the name', () => {
    const fn = jobsFnId();
    const appFns = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Timeout: 10 } }));
    expect(appFns).toHaveLength(2); // the API and the pages
    type FunctionResource = { Properties: { Role: { 'Fn::GetAtt': [string, string] } } };
    for (const appFn of appFns) {
      // the function's own role, found through the function so no other role's grants can pass for it
      const roleId = (template.toJSON().Resources as Record<string, FunctionResource>)[appFn]?.Properties.Role[
        'Fn::GetAtt'
      ][0];
      expect(roleId).toMatch(/^Api(Pages)?FunctionRole/);
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .map((p) => (p as PolicyResource).Properties)
        .filter((p) => p.Roles.some((r) => r.Ref === roleId))
        .flatMap((p) => p.PolicyDocument.Statement);
      const lambdaStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('lambda:')));
      expect(lambdaStatements).toEqual([
        { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fn, 'Arn'] } },
      ]);
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 10,
      Environment: { Variables: Match.objectLike({ JOBS_FUNCTION_NAME: { Ref: fn } }) },
    });
  });
});

describe('alarms', () => {
  it(
    "alarm on both app functions' errors and throttles, API 5xx, job errors " +
      'and dead-lettered jobs to the SNS topic',
    () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
        (a) => (a as { Properties: { MetricName: string; AlarmActions: unknown[] } }).Properties,
      );
      expect(alarms.map((a) => a.MetricName).sort()).toEqual([
        '5xx',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateNumberOfMessagesVisible',
        'Errors',
        'Errors',
        'Errors',
        'Errors',
        'LedgerCheckFailures',
        'Throttles',
        'Throttles',
      ]);
      for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
    },
  );

  it('alarm as soon as one message is in the jobs DLQ, and on any jobs function error', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(), 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: jobsFnId() } }],
      Threshold: 1,
    });
  });

  it("alarm on one nightly ledger check that found problems, counted from the jobs function's log line", () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^JobsFunctionLogs') },
      FilterPattern: `"${LEDGER_VERIFY_FAILED}"`,
      MetricTransformations: [
        { MetricNamespace: 'TenMinuteCircle', MetricName: 'LedgerCheckFailures', MetricValue: '1' },
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'TenMinuteCircle',
      MetricName: 'LedgerCheckFailures',
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('streams', () => {
  it('reads the stream from the trim horizon, bisects, reports partial failures, retries, then the DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: Match.anyValue(),
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataTable'), 'StreamArn'] },
    });
    // both DLQs (jobs and streams) encrypted and TLS-only
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThanOrEqual(2);
    for (const q of queues) expect(q).toMatchObject({ Properties: { SqsManagedSseEnabled: true } });
  });

  it('is invoked only for the item types its reactors read (not for its own counter, flag or audit writes)', () => {
    const maps = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const patterns = maps.flatMap((m) =>
      ((m.Properties?.FilterCriteria?.Filters ?? []) as { Pattern: string }[]).map((f) => JSON.parse(f.Pattern)),
    );
    expect(patterns).toHaveLength(2);
    for (const p of patterns) {
      const image = p.dynamodb.NewImage ?? p.dynamodb.OldImage;
      expect(image.type.S).toEqual(['order', 'entry', 'elder', 'merchant', 'service']);
    }
    expect(patterns.map((p) => Object.keys(p.dynamodb)[0]).sort()).toEqual(['NewImage', 'OldImage']);
  });

  it('alarms on a message in the streams DLQ', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmDescription: Match.stringLikeRegexp('Stream records were skipped'),
    });
  });
});

describe('cdk-nag', () => {
  // cdk-nag v3 reports through CDK policy validation, not Annotations, so an Annotations.findError
  // check would pass vacuously; the validation report is where findings land.
  it('leaves no unacknowledged AwsSolutions finding', () => {
    const findings = report.pluginReports
      .flatMap((r) => r.violations)
      .filter((v) => v.ruleName.startsWith('AwsSolutions-'));
    expect(findings).toEqual([]);
  });

  it('gives every acknowledgment a reason that explains it', () => {
    type NagMetadata = { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } };
    const resources = Object.values(template.toJSON().Resources as Record<string, NagMetadata>);
    const suppressions = resources.flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(suppressions.length).toBeGreaterThan(0);
    for (const s of suppressions) expect(s.reason.length, s.id).toBeGreaterThanOrEqual(60);
  });

  it('does fail the synth on an unacknowledged finding (the check above is live)', () => {
    const app = new App({ context: cdkJsonContext() });
    new sns.Topic(new Stack(app, 'Bad'), 'PlainTopic'); // no SSE, no TLS enforcement
    addNagChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS/);
  });
});

describe('offer timers', () => {
  it('the API may create schedules only in the offer-timers group and pass only the scheduler role', () => {
    const json = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(json).toContain('scheduler:CreateSchedule');
    expect(json).toContain('schedule/tmc-offer-timers/*');
    expect(json).not.toMatch(/"scheduler:\*"/);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'tmc-offer-timers' });
  });
});
