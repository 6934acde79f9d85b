// The HTTP API and its two functions: the JSON API (with /openapi.json, /docs, /health and the
// WeChat sign-in hops) and the pages, which get everything else through the default route. Split
// so each cold start loads only its own code. Both get the least the app needs (app-function.ts),
// plus starting the jobs function, which runs work too long for a request (monthly issuance), and
// creating offer timers; the pages book orders and start issuance too.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createAppFunction, LOG_RETENTION } from './app-function';
import type { Secrets } from './secrets';
import { allowTimers } from './timers';
import { API_GATEWAY_PATHS } from '@tmc/app/http/api-paths';

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

export type ApiProps = {
  /** The bundle: `Code.fromAsset('dist/functions/api')` in the app, inline code in tests. */
  code: lambda.Code;
  /** The pages bundle: `Code.fromAsset('dist/functions/web')`, likewise. */
  pagesCode: lambda.Code;
  table: dynamodb.ITable;
  secrets: Secrets;
  /** The jobs function (jobs.ts): the API may invoke it, and nothing else. */
  jobsFn: lambda.IFunction;
  schedulerRole: iam.IRole;
  offerGroup: scheduler.ScheduleGroup;
};

export class Api extends Construct {
  readonly fn: lambda.Function;
  readonly pagesFn: lambda.Function;
  readonly httpApi: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    // The API function keeps the ids it always had (its resources stay in place on deploy).
    this.fn = this.appFunction(this, props.code, props);
    this.pagesFn = this.appFunction(new Construct(this, 'Pages'), props.pagesCode, props);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: LOG_RETENTION });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-api`,
      defaultIntegration: new HttpLambdaIntegration('Pages', this.pagesFn),
      // The stage is declared below so it can carry throttling and access logs.
      createDefaultStage: false,
    });
    const api = new HttpLambdaIntegration('App', this.fn);
    for (const path of API_GATEWAY_PATHS)
      this.httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod.ANY], integration: api });
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

    // cdk-nag acknowledgments, each beside the resource it concerns and with the reason it is right;
    // the function's own are in app-function.ts.
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'One proxy route serves public pages, OTP login and role-gated APIs; authentication and RBAC are the Hono ' +
        ('middleware in packages/app, per route. An API Gateway authorizer could ' +
          'cover only some routes and would duplicate it.'),
    });
  }

  private appFunction(scope: Construct, code: lambda.Code, props: ApiProps): lambda.Function {
    const fn = createAppFunction(scope, {
      code,
      table: props.table,
      secrets: props.secrets,
      memorySize: MEMORY_MB,
      timeout: Duration.seconds(TIMEOUT_S),
    });
    // Read by production.ts, which then hands jobs to the jobs function instead of running them
    // in this process: Lambda freezes a function between requests, so work left running after the
    // response would stall, and issuance outlasts the 10 s timeout anyway.
    fn.addEnvironment('JOBS_FUNCTION_NAME', props.jobsFn.functionName);
    // Not jobsFn.grantInvoke: that also allows `<arn>:*` (every version and alias). The API
    // invokes the unqualified function, so its ARN alone is the whole grant.
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.jobsFn.functionArn] }),
    );
    // Offer timers: one-time schedules in the timers group only (timers.ts).
    allowTimers(fn, props);
    return fn;
  }
}
