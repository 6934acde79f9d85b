// Points policy versions, monthly issuance (stored preview computed by a job, start, progress) and activity awards.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { savePolicy } from '@tmc/core/policy/versions';
import { AWARD_KINDS, PolicyInput, type AwardKind } from '@tmc/core/policy/model';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { Idem } from '@tmc/core/ledger/service';
import type { Deps } from '../compose/deps';
import { createIssuancePreviewStore, createIssuanceRunStore } from '@tmc/store/entities/issuance-runs';
import type { PreviewRecord } from '@tmc/core/policy/issuance';
import { defineRoute, pathElder } from '../http/route';
import { ElderIdParam } from './elders';
import { policyNow } from '../compose/policy-now';
import { idempotencyOf, markReplay } from '../http/idempotency';
import { FreeText } from '@tmc/core/kernel/text';
import { MONTH_RE } from '@tmc/core/kernel/ids';

// Staff-only, a few times a month: loaded with the first such request, not at every cold start.
const requestPreview: typeof import('@tmc/core/policy/issuance').requestPreview = async (...a) =>
  (await import('@tmc/core/policy/issuance')).requestPreview(...a);
const awardPoints: typeof import('@tmc/core/policy/awards').awardPoints = async (...a) =>
  (await import('@tmc/core/policy/awards')).awardPoints(...a);

const Month = z.object({ month: z.string().check(z.regex(MONTH_RE)) });
const STAFF = ['admin', 'district', 'street', 'finance'] as const;
/** Who reads the policy versions and who saves one (the staff policy pages use these too). */
export const POLICY_READERS = STAFF;
export const POLICY_WRITERS = ['admin'] as const;
/** A version to save; `after_version` (optional): the version it was edited from, so a save racing a
 * colleague's gets CONFLICT instead of landing on top of it. */
const PolicySave = z.extend(PolicyInput, { after_version: z.optional(z.int().check(z.gte(0))) });
/** Who reads the month's preview and run, and asks for a preview of their area. */
export const ISSUANCE_READERS = STAFF;
/** Who starts or resumes the month's issuance (it pays the whole city). */
export const ISSUANCE_COMMITTERS = ['admin'] as const;
/** Who awards activity points, one elder or a CSV sheet (within their area). */
export const AWARD_OFFICERS = ['admin', 'district', 'street'] as const;

/** Awards activity points to one elder (the API route and the staff page): active elders only, within
 * the monthly cap, once per idempotency key (the award id is the actor's key), audited in the award's
 * transaction. The caller has checked the elder is in the actor's area. */
export const awardToElder = async (
  deps: Deps,
  a: { elder: ElderRecord; kind: AwardKind; quantity: number; reason: string; actor: string; request_id: string },
  idem: Idem,
) => {
  if (a.elder.status !== 'active') throw new AppError('ELDER_INACTIVE');
  const audit = {
    actor: a.actor,
    action: 'award.create',
    subject: `elder:${a.elder.elder_id}`,
    detail: { kind: a.kind, quantity: a.quantity, reason: a.reason },
    request_id: a.request_id,
  };
  const award = { award_id: `${a.actor}:${idem.key}`, elder_id: a.elder.elder_id, kind: a.kind, quantity: a.quantity };
  return awardPoints(deps, await policyNow(deps), { ...award, reason: a.reason, actor: a.actor, audit }, idem);
};

/** Starts (or resumes) the month's issuance: the API route and the staff page both call this. The
 * claim is one versioned write, so of many simultaneous starts one claims the run, starts the job and
 * writes the audit record; the rest get ISSUANCE_RUNNING. The job walks the claimed run (`resume`). */
export const startIssuance = async (
  deps: Deps,
  a: { month: string; resume: boolean; actor: string; request_id: string },
) => {
  const policy = await policyNow(deps, `${a.month}-01`); // fail now, not in the background
  const { claimIssuance } = await import('@tmc/core/policy/issuance');
  const run = await claimIssuance({ ...deps, runs: createIssuanceRunStore(deps.db) }, policy, a.month, a.resume);
  await deps.audit.write({
    actor: a.actor,
    action: 'issuance.start',
    subject: `issuance:${a.month}`,
    detail: { resume: a.resume, pass: run.pass },
    request_id: a.request_id,
  });
  await deps.jobs.start({ job: 'issuance', month: a.month, resume: true });
  return run;
};

const Figures = z.object({ elders: z.number(), points: z.number() });
const PreviewView = z.object({
  month: z.string(),
  scope: z.nullable(z.string()),
  status: z.enum(['not_computed', 'computing', 'ready']),
  requested_at: z.nullable(z.string()),
  computed_at: z.nullable(z.string()),
  /** The last computed figures (kept while a newer one is computing); null before the first. */
  preview: z.nullable(
    z.object({
      month: z.string(),
      policy_version: z.number(),
      elders: z.number(),
      points: z.number(),
      by_street: z.record(z.string(), Figures),
      by_rule: z.record(z.string(), Figures),
    }),
  ),
});
const previewView = (month: string, scope: string | null, r: PreviewRecord | null): z.infer<typeof PreviewView> => ({
  month,
  scope,
  status: r?.status ?? 'not_computed',
  requested_at: r?.requested_at ?? null,
  computed_at: r?.computed_at ?? null,
  preview: r?.preview ?? null,
});

export const issuanceRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/policies',
    access: { roles: POLICY_READERS },
    tags: ['policy'],
    summary: 'All policy versions, newest first, and the one in force today',
    response: z.object({
      current_version: z.nullable(z.number()),
      items: z.array(z.looseObject({ version: z.number(), effective_from: z.string() })),
    }),
    async handler(c) {
      const deps = c.get('deps');
      const items = await deps.policies.versions();
      const current = await policyNow(deps).catch(() => null);
      return c.json({ current_version: current?.version ?? null, items });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/policies',
    access: { roles: POLICY_WRITERS },
    tags: ['policy'],
    summary:
      'Add a policy version (takes effect from its date, not before the first of this month; past entries ' +
      'keep the version that made them); audited in the same write. With after_version, CONFLICT unless ' +
      'that version is still the newest.',
    body: PolicySave,
    response: z.looseObject({ version: z.number(), effective_from: z.string() }),
    successStatus: 201,
    errors: ['CONFLICT', 'POLICY_EFFECTIVE_PAST'],
    async handler(c, { body, principal }) {
      const { after_version, ...input } = body;
      const p = await savePolicy(c.get('deps'), input, {
        actor: principal.sub,
        ...(after_version === undefined ? {} : { after: after_version }),
        request_id: c.get('requestId'),
      });
      return c.json(p, 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/issuance/:month/preview',
    access: { roles: ISSUANCE_READERS },
    tags: ['issuance'],
    summary:
      "The stored dry run of a month's issuance in your area (elders, points, " +
      'by street and by rule) and when it was computed; one read by key. POST ' +
      'to compute it again.',
    params: Month,
    response: PreviewView,
    async handler(c, { params, principal }) {
      const scope = principal.scope;
      return c.json(
        previewView(params.month, scope, await createIssuancePreviewStore(c.get('deps').db).get(params.month, scope)),
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/issuance/:month/preview',
    access: { roles: ISSUANCE_READERS },
    tags: ['issuance'],
    summary:
      "Compute the month's preview for your area in the background (it reads " +
      'every elder in the area); poll GET. Asking again while it is computing ' +
      'starts nothing.',
    params: Month,
    response: PreviewView,
    successStatus: 202,
    errors: ['POLICY_MISSING'],
    async handler(c, { params, principal }) {
      const deps = c.get('deps');
      const scope = principal.scope;
      await policyNow(deps, `${params.month}-01`); // fail now, not in the background
      const r = await requestPreview({ ...deps, previews: createIssuancePreviewStore(deps.db) }, params.month, scope);
      if (r.start) await deps.jobs.start({ job: 'issuance-preview', month: params.month, scope });
      return c.json(previewView(params.month, scope, r.record), 202);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/issuance/:month/commit',
    access: { roles: ISSUANCE_COMMITTERS },
    tags: ['issuance'],
    summary:
      "Start (or resume) the month's issuance in the background; idempotent " +
      'per elder and month; of simultaneous starts one wins. `resume` on a completed month pays elders ' +
      "registered since (by the policy's newcomer_allowance), on a running one takes it over. Poll GET " +
      '/api/issuance/{month}.',
    params: Month,
    body: z.object({ resume: z._default(z.boolean(), false) }),
    response: z.object({ month: z.string(), started: z.literal(true) }),
    successStatus: 202,
    errors: ['POLICY_MISSING', 'ISSUANCE_RUNNING', 'ISSUANCE_COMPLETED'],
    async handler(c, { params, body, principal }) {
      await startIssuance(c.get('deps'), {
        month: params.month,
        resume: body.resume,
        actor: principal.sub,
        request_id: c.get('requestId'),
      });
      return c.json({ month: params.month, started: true as const }, 202);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/issuance/:month',
    access: { roles: ISSUANCE_READERS },
    tags: ['issuance'],
    summary: "Progress of a month's issuance",
    params: Month,
    response: z.looseObject({
      month: z.string(),
      status: z.string(),
      issued: z.number(),
      already: z.number(),
      skipped: z.number(),
      points: z.number(),
    }),
    async handler(c, { params }) {
      const run = await createIssuanceRunStore(c.get('deps').db).get(params.month);
      return c.json(
        run ?? { month: params.month, status: 'not_started', issued: 0, already: 0, skipped: 0, points: 0 },
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/elders/:elder_id/awards',
    access: { roles: AWARD_OFFICERS },
    tags: ['awards'],
    summary:
      'Award activity points (health check-up, community event, volunteer ' +
      'hours) within the monthly cap. Idempotency-Key required.',
    params: z.object({ elder_id: ElderIdParam }),
    body: z.object({
      kind: z.enum(AWARD_KINDS),
      quantity: z._default(z.int().check(z.gte(1), z.lte(40)), 1),
      reason: FreeText(2, 100),
    }),
    response: z.object({ entry_id: z.string() }),
    successStatus: 201,
    errors: [
      'ELDER_NOT_FOUND',
      'OUT_OF_SCOPE',
      'ELDER_INACTIVE',
      'CAP_EXCEEDED',
      'POLICY_MISSING',
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
      'CONFLICT',
    ],
    async handler(c, { params, body, principal, elder }) {
      const idem = idempotencyOf(c, { ...params, ...body });
      const r = await awardToElder(
        c.get('deps'),
        { elder: pathElder(elder), ...body, actor: principal.sub, request_id: c.get('requestId') },
        idem,
      );
      markReplay(c, r.replayed);
      return c.json({ entry_id: r.entry_id }, 201);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/awards/csv',
    access: { roles: AWARD_OFFICERS },
    tags: ['awards'],
    summary:
      'Award points from a CSV sign-in sheet (卡号, 类型, 数量, 说明). All rows are ' +
      'checked first, caps included; one bad row and nothing is awarded (422 ' +
      'with the rows). Re-uploading the same file awards nothing twice.',
    bodyKind: 'csv',
    response: z.object({ awarded: z.number(), already: z.number() }),
    errors: ['IMPORT_INVALID', 'CSV_ENCODING_UNSUPPORTED', 'CSV_HEADER_INVALID', 'CSV_TOO_MANY_ROWS', 'POLICY_MISSING'],
    async handler(c, { raw, principal }) {
      const deps = c.get('deps');
      const { awardCsv } = await import('@tmc/core/policy/award-csv'); // CSV code loads on use (see routes/imports.ts)
      const r = await awardCsv(deps, await policyNow(deps), {
        bytes: raw ?? new Uint8Array(),
        actor: principal.sub,
        scope: principal.scope,
      });
      if (r.errors.length)
        throw new AppError('IMPORT_INVALID', {
          details: { error_count: r.errors.length, errors: r.errors.slice(0, 50) },
        });
      await deps.audit.write({
        actor: principal.sub,
        action: 'awards.csv',
        subject: principal.sub, // the awards touch many elders; the record is about the batch its author ran
        detail: { awarded: r.awarded, already: r.already },
        request_id: c.get('requestId'),
      });
      return c.json({ awarded: r.awarded, already: r.already });
    },
  }),
];
