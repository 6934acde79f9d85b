// Key material the API needs: a KMS key that wraps the field-encryption data key (envelope), and
// one Secrets Manager secret in the shape packages/aws/src/secrets.ts reads. Nothing secret
// is in code or in the template.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Must match the EncryptionContext the app decrypts with (packages/aws/src/secrets.ts). */
export const FIELD_KEY_ENCRYPTION_CONTEXT = { purpose: 'field-encryption' } as const;

export class Secrets extends Construct {
  /** Wraps the field data key; the API may only Decrypt with it, and only in the field context. */
  readonly fieldKey: kms.Key;
  /** JSON `{ field_key_wrapped, index_key, session_key }`: the envelope and the two HMAC keys. */
  readonly appSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // Retained: every encrypted ID number and phone in the table (and its backups) depends on it.
    this.fieldKey = new kms.Key(this, 'FieldKey', {
      description: 'Envelope key for field encryption of sensitive personal data (PIPL art. 28)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // CloudFormation can generate one random value per secret, and the wrapped field key has to
    // come from KMS GenerateDataKey with the encryption context, so the value is provisioned once
    // after the first deploy (GenerateDataKey on FieldKey, then PutSecretValue with the three
    // fields). Until then the placeholder fails the app's schema check at cold start, loudly.
    this.appSecret = new secretsmanager.Secret(this, 'AppKeys', {
      description:
        'TenMinuteCircle API keys: {field_key_wrapped, index_key, session_key}; provisioned after first deploy',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'unprovisioned',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Validations.of(this.appSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'No scheduled rotation: every blind index is an HMAC under index_key (rotating it is a re-index migration), ' +
        ('every encrypted field sits under field_key_wrapped (a re-encryption), ' +
          'and session_key needs a two-key overlap ') +
        'the session verifier does not have yet. Each is a planned operation, not a rotation Lambda.',
    });
  }
}
