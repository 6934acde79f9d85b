// The one DynamoDB table: generic key attributes, two GSIs with named access patterns (see
// docs/DATA_MODEL.md). The CDK construct and the local runner both build from this definition.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from './table-def';

export { TABLE_KEYS };

/** `endpoint`: set for DynamoDB Local (the local stream poller reads its Streams API there). */
export type Db = { doc: DynamoDBDocumentClient; raw: DynamoDBClient; table: string; endpoint?: string };

export const createDb = (opts: { table: string; endpoint?: string; region?: string }): Db => {
  const raw = new DynamoDBClient({
    region: opts.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    ...(opts.endpoint
      ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 3,
  });
  // The SDK's logger middleware filters every input and output for sensitive fields before handing
  // them to its logger, even to the no-op default: ~0.5 ms of CPU per booking (bench/booking). We log
  // DynamoDB failures ourselves (app http/http-error.ts), so the middleware only costs.
  raw.middlewareStack.remove('loggerMiddleware');
  const doc = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, raw, table: opts.table, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) };
};

/** Creates the table the way infra/ declares it; for DynamoDB Local and tests only. */
export const ensureTable = async (db: Db): Promise<'created' | 'exists'> => {
  try {
    await db.raw.send(new DescribeTableCommand({ TableName: db.table }));
    return 'exists';
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  const attrs = [
    TABLE_KEYS.partitionKey,
    TABLE_KEYS.sortKey,
    ...TABLE_KEYS.gsi.flatMap((g) => [g.partitionKey, g.sortKey]),
  ];
  await db.raw.send(
    new CreateTableCommand({
      TableName: db.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attrs.map((a) => ({ AttributeName: a, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_KEYS.gsi.map((g) => ({
        IndexName: g.name,
        KeySchema: [
          { AttributeName: g.partitionKey, KeyType: 'HASH' },
          { AttributeName: g.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await db.raw.send(
    new UpdateTimeToLiveCommand({
      TableName: db.table,
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttl, Enabled: true },
    }),
  );
  return 'created';
};

/** The table's stream (the local poller reads it; in AWS the event source mapping does). */
export const streamArnOf = async (db: Db): Promise<string> => {
  const t = await db.raw.send(new DescribeTableCommand({ TableName: db.table }));
  const arn = t.Table?.LatestStreamArn;
  if (!arn) throw new Error(`table ${db.table} has no stream (ensureTable enables NEW_AND_OLD_IMAGES)`);
  return arn;
};

export const pingTable = async (db: Db): Promise<void> => {
  await db.raw.send(new DescribeTableCommand({ TableName: db.table }));
};
