// The local stand-in for EventBridge Scheduler: the daily job every day at 02:00 local time and the
// monthly issuance on the 1st at 03:00, Suizhou time (UTC+8), checked once a minute. Jobs are idempotent, so a restart
// that fires one again does no harm.
import type { Deps } from '@tmc/app/deps';
import { chinaDate, chinaHour } from '@tmc/core/china-time';

const TICK_MS = 60_000;

export const startLocalScheduler = (deps: Deps): (() => void) => {
  let lastDaily = '';
  let lastMonthly = '';
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
  };
  const timer = setInterval(tick, TICK_MS);
  timer.unref();
  return () => clearInterval(timer);
};
