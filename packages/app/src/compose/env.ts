// Configuration of the API deployable, parsed once at start; a bad value stops the process
// before it serves anything.
import * as z from 'zod/mini';
import { PAYMENT_METHODS } from '@tmc/core/topups/ports';

const Base64Key = z
  .string()
  .check(z.refine((s) => Buffer.from(s, 'base64').length >= 32, 'must be base64 of at least 32 bytes'));

export const EnvSchema = z.object({
  STAGE: z._default(z.enum(['local', 'test', 'production']), 'local'),
  TABLE_NAME: z.string().check(z.minLength(3)),
  DYNAMO_ENDPOINT: z.optional(z.url()), // DynamoDB Local; unset in AWS
  AWS_REGION: z._default(z.string(), 'cn-north-1'),
  FIELD_KEY: Base64Key, // AES-256-GCM key for ID numbers and phones
  INDEX_KEY: Base64Key, // HMAC key for blind indexes
  SESSION_KEY: Base64Key, // HS256 key for session tokens
  PUBLIC_URL: z._default(z.url(), 'http://localhost:3000'),
  LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
  // The first month (YYYY-MM) whose spend an elder's wallet balance item keeps (store ledger-keys counterCell):
  // in production a month that starts after the deploy that brings it (the months before stay in counter
  // items); unset: never in production, always locally and in tests (fresh tables).
  SPEND_IN_WALLET_FROM: z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM'))),
  // Payments. Secrets (never logged): from Secrets Manager in AWS (merged into env at start), env locally.
  // With STRIPE_SECRET_KEY set, top-ups go through Stripe; without it local/test use the fake gateway.
  STRIPE_SECRET_KEY: z.optional(
    z.string().check(z.regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'must be a Stripe secret or restricted key')),
  ),
  STRIPE_WEBHOOK_SECRET: z.optional(
    z.string().check(z.regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be a Stripe webhook signing secret')),
  ),
  // Stripe Connect (merchant payouts): the Connect endpoint signs account events with its own secret;
  // the country Express accounts are opened in (ISO 3166-1 alpha-2), when not the platform's
  STRIPE_CONNECT_WEBHOOK_SECRET: z.optional(
    z.string().check(z.regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be a Stripe webhook signing secret')),
  ),
  STRIPE_CONNECT_COUNTRY: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/))),
  // local fake gateway's webhook key; random per process when unset
  FAKE_PAYMENT_SECRET: z.optional(z.string().check(z.minLength(16))),
  PAYMENT_METHODS: z.pipe(
    z.pipe(
      z._default(z.string(), 'card,alipay,wechat_pay'),
      z.transform((s) =>
        s
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean),
      ),
    ),
    z.array(z.enum(PAYMENT_METHODS)).check(z.minLength(1)),
  ),
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
