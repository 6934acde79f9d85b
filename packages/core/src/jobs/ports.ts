// Ports for running jobs: start one now (in process locally, a Lambda invocation in AWS) or at a
// given time (the local timer table, EventBridge Scheduler in AWS). Handlers must be idempotent.
import type { Job } from './model';

/** The jobs a timer may carry: 帮我找 offer timers, and the debounced coverage run (one per window). */
export type TimedJob =
  { job: 'offer-expiry'; order_id: string; offer_index: number } | { job: 'coverage'; window: string };

export type JobRunner = { start: (job: Job) => Promise<void> };

export type SchedulerPort = {
  /** Fires `job` at `at` (at least once). The handler must be idempotent. */
  at: (at: Date, job: TimedJob) => Promise<void>;
};
