// The stack built in-process the way bin/app.ts builds it (same context, same cdk-nag checks),
// with inline code instead of the bundle so it needs no build, no AWS and no network.
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addNagChecks, cdkJsonContext, STACK_NAME, TenMinuteCircleStack } from './lib/stack';

type Statement = { Action: string | string[]; Resource: unknown };
type Violation = { ruleName: string; severity: string };
type ValidationReport = { pluginReports: { pluginName: string; violations: Violation[] }[] };

let template: Template;
let report: ValidationReport;

beforeAll(() => {
  // Prepare
  const app = new App({ context: cdkJsonContext() });
  const stack = new TenMinuteCircleStack(app, STACK_NAME, {
    apiCode: lambda.Code.fromInline('export const handler = async () => ({ statusCode: 200 });'),
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
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataTableKey'), 'Arn'] } },
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
      // The names packages/app/src/production.ts reads.
      Environment: { Variables: Match.objectLike({ STAGE: 'production', TABLE_NAME: Match.anyValue(), APP_SECRET_ARN: Match.anyValue() }) },
    });
  });

  it('has an HTTP API whose default route proxies to the function, throttled and access-logged', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('grants no DynamoDB wildcard action and no DynamoDB action on Resource *', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
    const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const s of dynamo) {
      expect(actionsOf(s)).not.toContain('dynamodb:*');
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
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

describe('alarms', () => {
  it('alarm on function errors, throttles and API 5xx to the SNS topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => (a as { Properties: { MetricName: string; AlarmActions: unknown[] } }).Properties,
    );
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(['5xx', 'Errors', 'Throttles']);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
  });
});

describe('cdk-nag', () => {
  // cdk-nag v3 reports through CDK policy validation, not Annotations, so an Annotations.findError
  // check would pass vacuously; the validation report is where findings land.
  it('leaves no unacknowledged AwsSolutions finding', () => {
    const findings = report.pluginReports.flatMap((r) => r.violations).filter((v) => v.ruleName.startsWith('AwsSolutions-'));
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
