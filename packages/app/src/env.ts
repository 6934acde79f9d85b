// Configuration of the API deployable, parsed once at start; a bad value stops the process
// before it serves anything.
import * as z from 'zod';

const Base64Key = z.string().refine((s) => Buffer.from(s, 'base64').length >= 32, 'must be base64 of at least 32 bytes');

export const EnvSchema = z.object({
  STAGE: z.enum(['local', 'test', 'production']).default('local'),
  TABLE_NAME: z.string().min(3),
  DYNAMO_ENDPOINT: z.url().optional(), // DynamoDB Local; unset in AWS
  AWS_REGION: z.string().default('cn-north-1'),
  FIELD_KEY: Base64Key, // AES-256-GCM key for ID numbers and phones
  INDEX_KEY: Base64Key, // HMAC key for blind indexes
  SESSION_KEY: Base64Key, // HS256 key for session tokens
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
export type Env = z.infer<typeof EnvSchema>;

export const parseEnv = (src: Record<string, string | undefined>): Env => {
  const r = EnvSchema.safeParse(src);
  if (!r.success) {
    // Names only: values may be secrets.
    const bad = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${bad}`);
  }
  return r.data;
};
