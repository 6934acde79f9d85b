// Configuration of the API deployable, parsed once at start; a bad value stops the process
// before it serves anything.
import * as z from 'zod';
import { PAYMENT_METHODS } from '@tmc/core/payments-port';

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
  // Payments. Secrets (never logged): from Secrets Manager in AWS (merged into env at start), env locally.
  // With STRIPE_SECRET_KEY set, top-ups go through Stripe; without it local/test use the fake gateway.
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'must be a Stripe secret or restricted key').optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be a Stripe webhook signing secret').optional(),
  FAKE_PAYMENT_SECRET: z.string().min(16).optional(), // local fake gateway's webhook key; random per process when unset
  PAYMENT_METHODS: z.string().default('card,alipay,wechat_pay')
    .transform((s) => s.split(',').map((m) => m.trim()).filter(Boolean))
    .pipe(z.array(z.enum(PAYMENT_METHODS)).min(1)),
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
