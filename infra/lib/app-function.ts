// What every function running packages/app shares: runtime, logging, tracing, the configuration
// production.ts and jobs-lambda.ts read, and the least grants they need (table data, the key
// secret, field-key Decrypt). The API and the jobs function differ only in size, timeout and
// invocation settings, so both are built here and cannot drift apart.
import { CfnElement, type Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { FIELD_KEY_ENCRYPTION_CONTEXT, type Secrets } from './secrets';

// Cybersecurity Law of the PRC art. 21: network logs are kept for at least six months.
export const LOG_RETENTION = logs.RetentionDays.SIX_MONTHS;

/** Logical id of a construct's CloudFormation resource, as it appears in cdk-nag finding ids. */
export const logicalIdOf = (construct: IConstruct): string => {
  const cfn = construct.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(cfn).getLogicalId(cfn);
};

export type AppFunctionProps = {
  /** A bundle folder from scripts/build.ts in the app, inline code in tests. */
  code: lambda.Code;
  table: dynamodb.ITable;
  secrets: Secrets;
  memorySize: number;
  timeout: Duration;
  /** Settings only one of the functions has (reserved concurrency, async invocation). */
  extra?: Pick<
    lambda.FunctionProps,
    'reservedConcurrentExecutions' | 'deadLetterQueue' | 'maxEventAge' | 'retryAttempts' | 'description'
  >;
};

/**
 * Creates `FunctionLogs`, `FunctionRole` and `Function` in `scope`. The ids are the ones the API
 * construct always used, so moving its function here left its logical ids (and the deployed
 * resources) unchanged.
 */
export const createAppFunction = (scope: Construct, props: AppFunctionProps): lambda.Function => {
  const fnLogs = new logs.LogGroup(scope, 'FunctionLogs', { retention: LOG_RETENTION });
  // Own role instead of the AWSLambdaBasicExecutionRole managed policy, whose log permissions
  // cover every log group in the account; this one writes to its own group only.
  const role = new iam.Role(scope, 'FunctionRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  fnLogs.grantWrite(role);

  const fn = new lambda.Function(scope, 'Function', {
    ...props.extra,
    code: props.code,
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup: fnLogs,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: lambda.Tracing.ACTIVE,
    environment: {
      // Read by packages/app/src/compose/env.ts, production.ts and jobs-lambda.ts.
      STAGE: 'production',
      TABLE_NAME: props.table.tableName,
      APP_SECRET_ARN: props.secrets.appSecret.secretArn,
      // The bureau's SMS gateway and its template ids (not secret); the API key is in the app secret.
      SMS_ENDPOINT: scope.node.tryGetContext('smsEndpoint') ?? 'https://sms.invalid/send',
      SMS_TEMPLATES: JSON.stringify(scope.node.tryGetContext('smsTemplates') ?? {}),
      // WeChat template messages (optional): the Official Account's AppID and template ids; the
      // AppSecret is `wechat_app_secret` in the app secret. Empty = WeChat off, SMS only.
      WECHAT_APP_ID: scope.node.tryGetContext('wechatAppId') ?? '',
      WECHAT_TEMPLATES: scope.node.tryGetContext('wechatTemplates')
        ? JSON.stringify(scope.node.tryGetContext('wechatTemplates'))
        : '',
      PUBLIC_URL: scope.node.tryGetContext('publicUrl') ?? 'https://example.invalid',
      // The first month (China time) whose spend the wallet's balance item keeps: cdk.json's `spendInWalletFrom`,
      // set once and never moved or removed (README, "Monthly spend caps"); without it, counter items (env.ts).
      ...spendInWalletFrom(scope),
      // Readable stack traces from the source map beside the bundle. Parsing the map costs cold
      // start (a few tens of ms on the dev box for the current 2.8 MB map); drop this if that matters more.
      NODE_OPTIONS: '--enable-source-maps',
    },
  });

  props.table.grantReadWriteData(fn);
  props.secrets.appSecret.grantRead(fn);
  // Decrypt only, and only in the field-encryption context, so this grant cannot unwrap anything
  // else someone encrypts under the same key.
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [props.secrets.fieldKey.keyArn],
      conditions: { StringEquals: { 'kms:EncryptionContext:purpose': FIELD_KEY_ENCRYPTION_CONTEXT.purpose } },
    }),
  );

  // cdk-nag acknowledgments, each beside the resource it concerns and with the reason it is right.
  Validations.of(fn).acknowledge({
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
  return fn;
};

/** SPEND_IN_WALLET_FROM from context, checked at synth: a bad month would stop every function at start. */
const spendInWalletFrom = (scope: Construct): { SPEND_IN_WALLET_FROM?: string } => {
  const v: unknown = scope.node.tryGetContext('spendInWalletFrom');
  if (v === undefined || v === null) return {};
  if (typeof v !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(v))
    throw new Error(`context spendInWalletFrom must be YYYY-MM, got ${JSON.stringify(v)}`);
  return { SPEND_IN_WALLET_FROM: v };
};
