// packages/aws, key loading (Secrets Manager + KMS) for production wiring. Imports only the AWS SDK
// and zod (to check the secret's shape); no other workspace package.
//
// Production keys: one Secrets Manager secret holds the blind-index and session keys plus the
// field-encryption data key wrapped by KMS (envelope encryption). Unwrapped once per cold start;
// the clear key lives only in this process's memory.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import * as z from 'zod/mini';

const SecretShape = z.object({
  field_key_wrapped: z.string().check(z.minLength(10)), // base64 KMS ciphertext of a 32-byte AES key
  index_key: z.string().check(z.minLength(40)),
  session_key: z.string().check(z.minLength(40)),
  sms_api_key: z.optional(z.string().check(z.minLength(8))), // the SMS gateway's key; optional until one is contracted
  // the Official Account's AppSecret, when WeChat notices are on
  wechat_app_secret: z.optional(z.string().check(z.length(32))),
});

export type AppKeys = {
  FIELD_KEY: string;
  INDEX_KEY: string;
  SESSION_KEY: string;
  SMS_API_KEY?: string;
  WECHAT_APP_SECRET?: string;
};

export const loadKeysFromAws = async (secretArn: string, region: string): Promise<AppKeys> => {
  const sm = new SecretsManagerClient({ region });
  const raw = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const parsed = SecretShape.parse(JSON.parse(raw.SecretString ?? '{}'));
  const kms = new KMSClient({ region });
  const dec = await kms.send(
    new DecryptCommand({
      CiphertextBlob: Buffer.from(parsed.field_key_wrapped, 'base64'),
      EncryptionContext: { purpose: 'field-encryption' },
    }),
  );
  if (!dec.Plaintext || dec.Plaintext.length !== 32) throw new Error('field key must unwrap to 32 bytes');
  return {
    FIELD_KEY: Buffer.from(dec.Plaintext).toString('base64'),
    INDEX_KEY: parsed.index_key,
    SESSION_KEY: parsed.session_key,
    ...(parsed.sms_api_key ? { SMS_API_KEY: parsed.sms_api_key } : {}),
    ...(parsed.wechat_app_secret ? { WECHAT_APP_SECRET: parsed.wechat_app_secret } : {}),
  };
};
