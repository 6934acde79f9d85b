// The API: one Lambda running the Hono app behind an HTTP API whose default route proxies every
// request to it. Grants are the least the app needs: table data, the key secret, field-key Decrypt.
import { CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FIELD_KEY_ENCRYPTION_CONTEXT, type Secrets } from './secrets';

// Cybersecurity Law of the PRC art. 21: network logs are kept for at least six months.
const LOG_RETENTION = logs.RetentionDays.SIX_MONTHS;
// 1024 MB: Lambda CPU scales with memory, and both scrypt PIN checks (~16 MB, ~50 ms on a full
// core) and cold-start parsing of a large bundle are CPU-bound.
const MEMORY_MB = 1024;
// A request is a handful of DynamoDB calls; a hung one should fail fast rather than hold
// concurrency until API Gateway's own 30 s integration limit.
const TIMEOUT_S = 10;
// Stage-wide caps sized for a one-city pilot; they bound concurrency and DynamoDB spend when a
// client loops. Raise them with load-test evidence, not by guess.
const STAGE_RATE_LIMIT_RPS = 100;
const STAGE_BURST_LIMIT = 200;

/** Logical id of a table's CloudFormation resource, as it appears in cdk-nag finding ids. */
const logicalIdOf = (table: dynamodb.ITable): string => {
  const cfn = table.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`table ${table.node.path} has no CloudFormation resource`);
  return Stack.of(cfn).getLogicalId(cfn);
};

export type ApiProps = {
  /** The bundle: `Code.fromAsset('dist/functions/api')` in the app, inline code in tests. */
  code: lambda.Code;
  table: dynamodb.ITable;
  secrets: Secrets;
};

export class Api extends Construct {
  readonly fn: lambda.Function;
  readonly httpApi: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    const fnLogs = new logs.LogGroup(this, 'FunctionLogs', { retention: LOG_RETENTION });
    // Own role instead of the AWSLambdaBasicExecutionRole managed policy, whose log permissions
    // cover every log group in the account; this one writes to its own group only.
    const role = new iam.Role(this, 'FunctionRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    fnLogs.grantWrite(role);

    this.fn = new lambda.Function(this, 'Function', {
      code: props.code,
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: MEMORY_MB,
      timeout: Duration.seconds(TIMEOUT_S),
      role,
      logGroup: fnLogs,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        // Read by packages/app/src/env.ts and production.ts.
        STAGE: 'production',
        TABLE_NAME: props.table.tableName,
        APP_SECRET_ARN: props.secrets.appSecret.secretArn,
        // The bureau's SMS gateway and its template ids (not secret); the API key is in the app secret.
        SMS_ENDPOINT: this.node.tryGetContext('smsEndpoint') ?? 'https://sms.invalid/send',
        SMS_TEMPLATES: JSON.stringify(this.node.tryGetContext('smsTemplates') ?? {}),
        PUBLIC_URL: this.node.tryGetContext('publicUrl') ?? 'https://example.invalid',
        // Readable stack traces from the source map beside the bundle. Parsing the map costs cold
        // start (a few tens of ms on the dev box for the current 2.8 MB map); drop this if that matters more.
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    props.table.grantReadWriteData(this.fn);
    props.secrets.appSecret.grantRead(this.fn);
    // Decrypt only, and only in the field-encryption context, so this grant cannot unwrap anything
    // else someone encrypts under the same key.
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.secrets.fieldKey.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': FIELD_KEY_ENCRYPTION_CONTEXT.purpose } },
      }),
    );

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: LOG_RETENTION });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-api`,
      defaultIntegration: new HttpLambdaIntegration('App', this.fn),
      // The stage is declared below so it can carry throttling and access logs.
      createDefaultStage: false,
    });
    new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: STAGE_RATE_LIMIT_RPS, burstLimit: STAGE_BURST_LIMIT },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // HTTP API $context variables. `path` excludes the query string, which may carry search
        // text or phone numbers (PIPL); bodies are never logged.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            bytes: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // cdk-nag acknowledgments, each beside the resource it concerns and with the reason it is right.
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node 22 is the chosen runtime (ARCHITECTURE.md); esbuild targets node22 in scripts/esbuild-options.ts and ' +
        'both move to the next LTS together, deliberately, not whenever Lambda adds a runtime.',
    });
    const roleAck = Validations.of(role);
    roleAck.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
    });
    roleAck.acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.table)}.Arn>/index/*]`,
      reason: "Query on gsi1 and gsi2 (Table.grantReadWriteData); the wildcard covers this one table's indexes only.",
    });
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      roleAck.acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'Key use DynamoDB needs from the caller to read and write a table under a customer-managed key ' +
          '(Table.grantReadWriteData); the statement names the table key alone as its resource.',
      });
    }
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'One proxy route serves public pages, OTP login and role-gated APIs; authentication and RBAC are the Hono ' +
        'middleware in packages/app, per route. An API Gateway authorizer could cover only some routes and would duplicate it.',
    });
  }
}
