// Coverage for the bureau (issue 11, part 3): the stored snapshot of the last coverage run (per community
// and category: elders, covered, share; the ranked gaps), as JSON and the gaps as CSV; and a recompute
// staff may ask for (audited). Street and district officers see their own area only. Reads are by key:
// the current-run item, the run's rows under the area's code, its ranking item.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { isWithin } from '@tmc/core/areas/model';
import { AreaCode } from '@tmc/core/areas/model';
import { CategoryCode } from '@tmc/core/merchants/model';
import { coverageView, type CoverageView } from '@tmc/core/analytics/coverage-view';
import { coverageWindow } from '@tmc/core/analytics/coverage-reactor';
import { createCoverageStore } from '@tmc/store/entities/coverage';
import { defineRoute } from '../http/route';
import type { Deps } from '../compose/deps-type';
import { csvResponse } from './settlement';

export const COVERAGE_READERS = ['admin', 'district', 'street'] as const;

export const CoverageQuery = z.object({
  street: z.optional(AreaCode),
  community: z.optional(AreaCode),
  category: z.optional(CategoryCode),
});
export type CoverageQuery = z.infer<typeof CoverageQuery>;

/** The area a reader asked for within the area they may see; a filter outside it is refused. */
const areaOf = (scope: string | null, q: CoverageQuery): string | null => {
  const asked = q.community ?? q.street ?? null;
  if (asked === null) return scope;
  if (scope !== null && !isWithin(asked, scope) && !isWithin(scope, asked)) throw new AppError('OUT_OF_SCOPE');
  // a street officer asking for the whole district sees their street: the narrower of the two
  return scope !== null && isWithin(scope, asked) ? scope : asked;
};

/** The coverage view for a reader (the page uses this too). */
export const readCoverage = async (deps: Deps, scope: string | null, q: CoverageQuery): Promise<CoverageView> => {
  const area = areaOf(scope, q);
  const snap = await createCoverageStore(deps.db).current(area ?? '');
  return coverageView(snap, { area, category: q.category ?? null });
};

/** Asks for a coverage run within the minute for a staff member, audited (the page uses this too). The run
 * goes through the same named timer as the change reactor's (one per window), so a hundred clicks, or
 * officers of every street at once, start one city-wide run, not a hundred. The record is written after
 * the timer is set, so a refused request leaves none. */
export const requestCoverageRun = async (deps: Deps, sub: string, request_id: string): Promise<void> => {
  const window = coverageWindow(deps.clock.now(), STAFF_RECOMPUTE_WINDOW_MIN);
  await deps.scheduler.at(new Date(window.replace('Z', ':00Z')), { job: 'coverage', window });
  await deps.audit.write({
    actor: sub,
    action: 'coverage.recompute',
    subject: 'coverage:all',
    detail: { window },
    request_id,
  });
};
/** A staff recompute waits for the end of the current minute (it is merged with any other in it). */
const STAFF_RECOMPUTE_WINDOW_MIN = 1;

const Gap = z.object({
  community_code: z.string(),
  category: z.string(),
  elders: z.number(),
  uncovered: z.number(),
  share_permille: z.number(),
});
const ViewOut = z.object({
  summary: z.nullable(z.looseObject({ run_id: z.string(), computed_at: z.string() })),
  categories: z.array(z.string()),
  rows: z.array(
    z.looseObject({
      community_code: z.string(),
      name: z.string(),
      elders: z.number(),
      unlocated: z.number(),
      covered: z.record(z.string(), z.number()),
      share_permille: z.record(z.string(), z.number()),
    }),
  ),
  gaps: z.array(Gap),
  merchants: z.array(z.tuple([z.number(), z.number()])),
});

export const coverageRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/analytics/coverage',
    access: { roles: COVERAGE_READERS },
    tags: ['analytics'],
    summary:
      'Coverage from the last run: per community and category, elders with a service in their ten-minute ' +
      'circle (shares in per mille; elders without a home location count as uncovered), and the ranked gaps',
    query: CoverageQuery,
    response: ViewOut,
    errors: ['OUT_OF_SCOPE'],
    async handler(c, { query, principal }) {
      return c.json(await readCoverage(c.get('deps'), principal.scope, query));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/analytics/coverage/gaps.csv',
    access: { roles: COVERAGE_READERS },
    tags: ['analytics'],
    summary: 'The ranked coverage gaps of your area as CSV (UTF-8 with BOM, or GBK)',
    query: z.extend(CoverageQuery, { encoding: z.optional(z.enum(['gbk', 'utf8-bom'])) }),
    errors: ['OUT_OF_SCOPE'],
    async handler(c, { query, principal }) {
      const deps = c.get('deps');
      const v = await readCoverage(deps, principal.scope, query);
      // an export now and then: the GBK encoder loads with the first, not at every cold start
      const { coverageGapsCsv } = await import('@tmc/core/analytics/coverage-csv');
      const names = new Map((await deps.merchants.categories()).map((k) => [k.code, k.name_zh]));
      const enc = query.encoding ?? 'utf8-bom';
      return csvResponse(
        coverageGapsCsv(v, (k) => names.get(k) ?? k, enc),
        'coverage-gaps.csv',
        enc,
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/analytics/coverage/recompute',
    access: { roles: COVERAGE_READERS },
    tags: ['analytics'],
    summary:
      'Recompute coverage within the minute (one run per minute whoever asks; audited); poll GET for computed_at',
    response: z.object({ started: z.literal(true) }),
    successStatus: 202,
    async handler(c, { principal }) {
      await requestCoverageRun(c.get('deps'), principal.sub, c.get('requestId'));
      return c.json({ started: true as const }, 202);
    },
  }),
];
