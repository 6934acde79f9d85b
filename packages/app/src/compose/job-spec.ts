// What a background job is (its schema) and what starts one (the runner port), apart from how jobs
// run (jobs.ts): the dependency bag names the runner type without importing the job code.
import * as z from 'zod/mini';

export const JobSchema = z.discriminatedUnion('job', [
  z.object({ job: z.literal('issuance'), month: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}$/))), resume: z.optional(z.boolean()) }),
  // the issuance preview for one staff scope (null = the whole city), stored for the page and API
  z.object({ job: z.literal('issuance-preview'), month: z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/)), scope: z.nullable(z.string().check(z.regex(/^[a-z0-9_.]{1,80}$/))) }),
  z.object({ job: z.literal('daily') }), // lot expiry, hold expiry, expiry notices
  z.object({ job: z.literal('hold-expiry') }),
  z.object({ job: z.literal('offer-expiry'), order_id: z.string().check(z.minLength(3), z.maxLength(80)), offer_index: z.int().check(z.gte(0), z.lte(10)) }),
]);
export type Job = z.infer<typeof JobSchema>;

export type JobRunner = { start: (job: Job) => Promise<void> };
