// The one DynamoDB table, built from the same key schema the store and DynamoDB Local use.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '@tmc/store/table-def';

export class Data extends Construct {
  readonly table: dynamodb.Table;
  readonly tableKey: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // Customer-managed so key use shows in CloudTrail and access can be revoked; retained because
    // backups and PITR restores stay encrypted under it after the table is gone.
    this.tableKey = new kms.Key(this, 'TableKey', {
      description: 'Encrypts the TenMinuteCircle table (ledger, elders, orders)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const str = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: str(TABLE_KEYS.partitionKey),
      sortKey: str(TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_KEYS.ttl,
      // Streams feed the analytics counters and the notification outbox; both need the old image
      // to tell a state transition from a rewrite.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      // Points are money: 35 days of restore points, and the table cannot be deleted by a stack
      // change or a console click.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.tableKey,
    });
    for (const gsi of TABLE_KEYS.gsi) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.name,
        partitionKey: str(gsi.partitionKey),
        sortKey: str(gsi.sortKey),
        // ALL: access patterns on the indexes return whole items; a KEYS_ONLY index would turn
        // each result into a second GetItem.
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
