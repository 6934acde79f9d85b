// CDK entry. The stack is environment-agnostic, so synth needs no AWS account, credentials or
// network; account and region come from the deploy profile.
//
// Run directly (`npm run synth` = `tsx infra/bin/app.ts`) it writes cdk.out itself: the aws-cdk CLI
// available from the registry (3.0.0; newest 2.x is 2.1148.1) reads cloud-assembly schema <= 43,
// while aws-cdk-lib 2.276 writes 55 and needs CLI >= 2.1148.2. cdk.json keeps working for a CLI
// that new (the CLI sets CDK_OUTDIR and passes the same context).
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addNagChecks, cdkJsonContext, STACK_NAME, TenMinuteCircleStack } from '../lib/stack';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Folder names are scripts/build.ts's: functions/api.ts → api, functions/web.ts → web,
// functions/jobs/run.ts → jobs-run, functions/streams.ts → streams.
const API_BUNDLE_DIR = join(ROOT, 'dist', 'functions', 'api');
const WEB_BUNDLE_DIR = join(ROOT, 'dist', 'functions', 'web');
const JOBS_BUNDLE_DIR = join(ROOT, 'dist', 'functions', 'jobs-run');
const STREAMS_BUNDLE_DIR = join(ROOT, 'dist', 'functions', 'streams');

// Without this check CDK fails later with a bare "Cannot find asset" and no hint of the fix.
for (const dir of [API_BUNDLE_DIR, WEB_BUNDLE_DIR, JOBS_BUNDLE_DIR, STREAMS_BUNDLE_DIR]) {
  if (!existsSync(join(dir, 'index.mjs'))) {
    console.error(`Missing Lambda bundle ${dir}/index.mjs: run \`npm run build\` first (\`npm run synth\` does).`);
    process.exit(1);
  }
}

const app = new App({ outdir: process.env.CDK_OUTDIR ?? join(ROOT, 'cdk.out'), context: cdkJsonContext() });
const stack = new TenMinuteCircleStack(app, STACK_NAME, {
  description: 'TenMinuteCircle: HTTP API, scheduled jobs, one DynamoDB table, secrets and alarms',
  apiCode: lambda.Code.fromAsset(API_BUNDLE_DIR),
  pagesCode: lambda.Code.fromAsset(WEB_BUNDLE_DIR),
  jobsCode: lambda.Code.fromAsset(JOBS_BUNDLE_DIR),
  streamsCode: lambda.Code.fromAsset(STREAMS_BUNDLE_DIR),
});
// cdk-nag AwsSolutionsChecks: any unacknowledged error fails this synth.
addNagChecks(app);

// Under the CLI the App would synthesize on exit anyway; synth() is idempotent, so call it always.
const assembly = app.synth();
if (!process.env.CDK_OUTDIR) console.log(`Synthesized ${stack.stackName} to ${assembly.directory}`);
