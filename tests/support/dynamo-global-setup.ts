// One DynamoDB Local for the whole test run, on a free port; each test file makes its own table.
import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '@tmc/local/dynamo-local';

declare module 'vitest' {
  export interface ProvidedContext { dynamoEndpoint: string }
}

export default async function setup(project: TestProject) {
  const ddb = await startDynamoLocal();
  project.provide('dynamoEndpoint', ddb.endpoint);
  return async () => { await ddb.stop(); };
}
