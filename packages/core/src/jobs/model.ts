// What a background job message is: the one schema the dispatcher (packages/app), the AWS job
// runner and scheduler (packages/aws) and the local runner parse and produce. Every job is
// idempotent, so at-least-once delivery and a timer firing twice change nothing.
import * as z from 'zod/mini';
import { Month } from '../kernel/ids';
import { PERIOD_RE } from '../settlement/period';

/** The log line of a ledger check that found problems; the alarm's metric filter (infra/lib/jobs.ts) counts it. */
export const LEDGER_VERIFY_FAILED = 'ledger verify failed';

export const JobSchema = z.discriminatedUnion('job', [
  z.object({
    job: z.literal('issuance'),
    month: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}$/))),
    resume: z.optional(z.boolean()),
  }),
  // the issuance preview for one staff scope (null = the whole city), stored for the page and API
  z.object({
    job: z.literal('issuance-preview'),
    month: Month,
    scope: z.nullable(z.string().check(z.regex(/^[a-z0-9_.]{1,80}$/))),
  }),
  // closes a settlement period (default: the last closed one under the policy's cadence); a run that
  // stops after its page budget starts itself again with resume, so 10,000 merchants fit Lambda's limit
  z.object({
    job: z.literal('settlement'),
    period: z.optional(z.string().check(z.regex(PERIOD_RE))),
    resume: z.optional(z.boolean()),
    by: z.optional(z.string().check(z.regex(/^[a-z]+:[A-Za-z0-9_.-]{1,60}$/))),
  }),
  z.object({ job: z.literal('daily') }), // lot expiry, hold expiry, expiry notices
  z.object({ job: z.literal('hold-expiry') }),
  // the nightly ledger check: one China day's entries (default: yesterday's) against the accounts they touched
  z.object({
    job: z.literal('ledger-verify-day'),
    day: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))),
  }),
  z.object({
    job: z.literal('offer-expiry'),
    order_id: z.string().check(z.minLength(3), z.maxLength(80)),
    offer_index: z.int().check(z.gte(0), z.lte(10)),
  }),
  // coverage recomputation (analytics/coverage-run.ts): nightly, debounced after changes (`window`: the
  // end of the debounce window that asked, which names the timer), or asked by staff (`by`)
  z.object({
    job: z.literal('coverage'),
    window: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/))),
    by: z.optional(z.string().check(z.regex(/^[a-z]+:[A-Za-z0-9_.-]{1,60}$/))),
  }),
]);
export type Job = z.infer<typeof JobSchema>;
