// The local stand-in for EventBridge Scheduler: the daily job every day at 02:00 local time and the
// monthly issuance on the 1st at 03:00, Suizhou time (UTC+8), checked once a minute; and the one-time
// timers (帮我找 offers) that the Scheduler port keeps in the table, polled every few seconds. Jobs
// are idempotent, so a restart that fires one again does no harm, and a timer kept in the table
// survives the restart that an in-process setTimeout did not.
import type { Deps } from '@tmc/app/compose/deps';
import { JobSchema } from '@tmc/core/jobs/model';
import { runJob } from '@tmc/app/compose/jobs';
import { chinaDate, chinaHour } from '@tmc/core/kernel/time';
import { createTimerStore, TIMER_TRIES_MAX, type DueTimer } from '@tmc/store/entities/timers';

const TICK_MS = 60_000;
export const TIMER_POLL_MS = 5_000; // an offer lasts minutes: a few seconds late is not noticed

/** `fired` and `failed` name the timers this poll ran (a timer another poller holds is in neither). */
export type TimerPoller = { pollOnce: () => Promise<{ fired: string[]; failed: string[] }> };

/** Runs every due timer once per claim: claim (conditional lease), run the job, delete. A job that
 * fails stays for the next poll after its lease; after TIMER_TRIES_MAX tries it is dropped, logged. */
export const createTimerPoller = (deps: Deps): TimerPoller => {
  const store = createTimerStore(deps.db);
  const runOne = async (t: DueTimer, now: Date): Promise<'ran' | 'failed' | 'skipped'> => {
    const lease = await store.claim(t, now);
    if (!lease) return 'skipped'; // another poller has it
    let raw: unknown = null;
    try {
      raw = JSON.parse(t.job);
    } catch {
      raw = null;
    }
    const job = JobSchema.safeParse(raw);
    if (!job.success) {
      deps.logger.log('error', 'timer dropped: not a job', { timer: t.name });
      await store.done(t, lease.lease_until);
      return 'failed';
    }
    try {
      const r = await runJob(deps, job.data);
      deps.logger.log('info', 'timer fired', { timer: t.name, ...r });
      await store.done(t, lease.lease_until);
      return 'ran';
    } catch (e) {
      const last = lease.tries >= TIMER_TRIES_MAX;
      deps.logger.log('error', last ? 'timer dropped after retries' : 'timer failed, will retry', {
        timer: t.name,
        tries: lease.tries,
        error: e instanceof Error ? e.message : 'error',
      });
      if (last) await store.done(t, lease.lease_until);
      return 'failed';
    }
  };
  return {
    async pollOnce() {
      const now = deps.clock.now();
      const fired: string[] = [];
      const failed: string[] = [];
      for (const t of await store.due(now)) {
        const r = await runOne(t, now);
        if (r === 'ran') fired.push(t.name);
        if (r === 'failed') failed.push(t.name);
      }
      return { fired, failed };
    },
  };
};

export const startLocalScheduler = (deps: Deps, opts: { pollMs?: number } = {}): (() => void) => {
  let lastDaily = '';
  let lastMonthly = '';
  let lastSettlement = '';
  let lastCoverage = '';
  let lastLedgerCheck = '';
  const tick = () => {
    const now = new Date();
    const day = chinaDate(now);
    const hour = chinaHour(now);
    if (hour >= 2 && lastDaily !== day) {
      lastDaily = day;
      void deps.jobs.start({ job: 'daily' });
    }
    const month = day.slice(0, 7);
    if (day.endsWith('-01') && hour >= 3 && lastMonthly !== month) {
      lastMonthly = month;
      void deps.jobs.start({ job: 'issuance', month });
    }
    // settlement at 04:00 on the 1st and the 16th (a monthly cadence finds the 16th's period not closed
    // yet and its last one settled: nothing to do)
    if ((day.endsWith('-01') || day.endsWith('-16')) && hour >= 4 && lastSettlement !== day) {
      lastSettlement = day;
      void deps.jobs.start({ job: 'settlement' });
    }
    // the nightly ledger check of yesterday's entries at 02:15, as infra/lib/jobs.ts schedules it
    if ((hour > 2 || (hour === 2 && now.getUTCMinutes() >= 15)) && lastLedgerCheck !== day) {
      lastLedgerCheck = day;
      void deps.jobs.start({ job: 'ledger-verify-day' });
    }
    // the nightly coverage safety run at 02:30 (changes ask for their own runs through the timers)
    if ((hour > 2 || (hour === 2 && now.getUTCMinutes() >= 30)) && lastCoverage !== day) {
      lastCoverage = day;
      void deps.jobs.start({ job: 'coverage' });
    }
  };
  const timer = setInterval(tick, TICK_MS);
  timer.unref();
  const poller = createTimerPoller(deps);
  let polling = false; // one poll at a time: a slow poll is not overtaken by the next tick
  const poll = () => {
    if (polling) return;
    polling = true;
    poller
      .pollOnce()
      .catch((e: unknown) =>
        deps.logger.log('error', 'timer poll failed', { error: e instanceof Error ? e.message : 'error' }),
      )
      .finally(() => {
        polling = false;
      });
  };
  poll(); // timers that fell due while the server was down fire at once
  const timers = setInterval(poll, opts.pollMs ?? TIMER_POLL_MS);
  timers.unref();
  return () => {
    clearInterval(timer);
    clearInterval(timers);
  };
};
