// The dashboard's filters (issue 11 part 2): a China date range of at most a year and an optional street or
// community, checked against the staff member's own area (a street officer sees only their street).
import * as z from 'zod/mini';
import { AppError } from '../kernel/errors';
import { CalendarDate } from '../kernel/ids';
import { AreaCode, isWithin, levelOf } from '../areas/model';
import type { AreaStore } from '../areas/ports';
import type { Scope } from './model';
import { daysBetween, RANGE_MAX_DAYS } from './plan';

const Day = CalendarDate;
const Level = (parts: number) => AreaCode.check(z.refine((c) => c.split('.').length === parts, 'wrong area level'));

export const DashboardQuery = z
  .object({
    from: Day,
    to: Day,
    street: z.optional(Level(2)),
    community: z.optional(Level(3)),
  })
  .check(
    z.refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] }),
    z.refine((q) => q.from > q.to || daysBetween(q.from, q.to) <= RANGE_MAX_DAYS, {
      message: `at most ${RANGE_MAX_DAYS} days`,
      path: ['to'],
    }),
    z.refine((q) => !q.street || !q.community || isWithin(q.community, q.street), {
      message: 'the community is not in the street',
      path: ['community'],
    }),
  );
export type DashboardQuery = z.infer<typeof DashboardQuery>;
/** The same with an export choice (CSV routes). */
export const DashboardCsvQuery = z.extend(DashboardQuery, {
  table: z.string().check(z.regex(/^[a-z_]{2,40}$/)),
  encoding: z.optional(z.enum(['gbk', 'utf8-bom'])),
});

/** What a query looks at: an area (null: the city) and the counter scopes whose sum is that area. A district
 * has no counters of its own (counters are kept for the city, streets and communities): its streets'. */
export type Target = { code: string | null; level: 'city' | 'district' | 'street' | 'community'; scopes: Scope[] };

export const DASHBOARD_ERRORS = ['OUT_OF_SCOPE', 'AREA_NOT_FOUND'] as const;

/** The area the query asks for, within the caller's scope (null: city-wide staff). Outside it: OUT_OF_SCOPE,
 * as elsewhere for staff reaching out of their area; an unknown area: AREA_NOT_FOUND. */
export const resolveTarget = async (
  areas: AreaStore,
  callerScope: string | null,
  q: Pick<DashboardQuery, 'street' | 'community'>,
): Promise<Target> => {
  const code = q.community ?? q.street ?? callerScope;
  if (code !== null && callerScope !== null && !isWithin(code, callerScope)) throw new AppError('OUT_OF_SCOPE');
  if (code === null) return { code: null, level: 'city', scopes: ['all'] };
  const area = await areas.get(code);
  if (!area) throw new AppError('AREA_NOT_FOUND');
  const level = levelOf(code);
  if (level === 'community') return { code, level, scopes: [`community:${code}`] };
  if (level === 'street') return { code, level, scopes: [`street:${code}`] };
  const streets = await areas.children(code);
  return { code, level, scopes: streets.map((s): Scope => `street:${s.code}`) };
};
