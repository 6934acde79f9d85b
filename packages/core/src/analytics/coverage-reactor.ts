// Keeps coverage current (issue 11, part 3): a change that can move a share (a merchant approved,
// suspended or moved; a service switched on or off, re-categorised or given another radius; an elder
// joining, moving, getting a home location or leaving) asks for a coverage run at the end of the current
// debounce window. The timer is named by its window (core/jobs/ports TimedJob; the timer table and
// EventBridge Scheduler both refuse a second timer of the same name), so a burst of 1,000 changes makes
// one run, and a change seen twice asks for the same timer twice: nothing more.
import type { SchedulerPort } from '../jobs/ports';
import type { Clock } from '../kernel/clock';
import type { ChangeReactor, SourceChange } from './model';

/** One coverage run per 10 minutes at most: a share on a planning page may lag that long, and a
 * recompute (a few seconds at 100,000 elders, plus the reads) is cheap at that rate. */
export const COVERAGE_DEBOUNCE_MIN = 10;

/** The end of the window `now` falls in, to the minute (ISO 'yyyy-mm-ddThh:mmZ'): the timer's name. */
export const coverageWindow = (now: Date, minutes = COVERAGE_DEBOUNCE_MIN): string => {
  const step = minutes * 60_000;
  const end = new Date(Math.floor(now.getTime() / step) * step + step);
  return `${end.toISOString().slice(0, 16)}Z`;
};

/** What each item type's coverage depends on; a change of anything else (a name, a price) is ignored. */
const FIELDS: Record<string, readonly string[]> = {
  merchant: ['status', 'location', 'categories'],
  service: ['active', 'category', 'mode', 'radius_m'],
  elder: ['status', 'community_code', 'location'],
};

const typeOf = (c: SourceChange): string => String((c.new ?? c.old)?.type ?? '');
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Whether the change can move a coverage figure. */
export const movesCoverage = (c: SourceChange): boolean => {
  const fields = FIELDS[typeOf(c)];
  if (!fields) return false;
  // a merchant that neither was nor is approved serves nobody either way
  if (typeOf(c) === 'merchant' && c.old?.status !== 'approved' && c.new?.status !== 'approved') return false;
  if (c.event !== 'MODIFY' || !c.old || !c.new) return true;
  return fields.some((f) => !same(c.old?.[f], c.new?.[f]));
};

export const coverageReactor = (deps: {
  scheduler: SchedulerPort;
  clock: Clock;
  debounce_min?: number;
}): ChangeReactor => ({
  name: 'coverage',
  wants: movesCoverage,
  async react() {
    const window = coverageWindow(deps.clock.now(), deps.debounce_min ?? COVERAGE_DEBOUNCE_MIN);
    await deps.scheduler.at(new Date(window.replace('Z', ':00Z')), { job: 'coverage', window });
  },
});
