// Background jobs: one dispatcher used by the jobs Lambda (EventBridge Scheduler), by the local
// runner's in-process scheduler, and by tests. Every job is idempotent, so at-least-once
// delivery and a timer firing twice change nothing.
import { commitIssuance, computePreview } from '@tmc/core/policy/issuance';
import { runExpiryNotices, runHoldExpiry, runLotExpiry } from '@tmc/core/policy/expiry';
import { decryptPhone } from '@tmc/core/elders/service';
import { maskName } from '@tmc/core/elders/id-card';
import { createIssuancePreviewStore, createIssuanceRunStore } from '@tmc/store/entities/issuance-runs';
import { markNoticeSent } from '@tmc/store/entities/notices';
import type { Deps } from './deps-type';
import { runSettlement } from '@tmc/core/settlement/run';
import { lastClosedPeriod, periodBounds } from '@tmc/core/settlement/period';
import { settlementDeps } from './settlement-deps';
import { policyNow } from './policy-now';
import { chinaDate } from '@tmc/core/kernel/time';
import { expireHold, expireOffer } from '@tmc/core/orders/expiry';
import { orderDeps } from './order-deps';
import { LEDGER_VERIFY_FAILED, type Job } from '@tmc/core/jobs/model';
import type { JobRunner } from '@tmc/core/jobs/ports';
import { boundFamilyPhones } from './account-phone';
import { runCoverage } from '@tmc/core/analytics/coverage-run';
import { createCoverageStore } from '@tmc/store/entities/coverage';
import { verifyLedgerDay } from '@tmc/store/ledger-verify-day';

export { JobSchema, type Job } from '@tmc/core/jobs/model';

const DAY_MS = 86_400_000;
export type { JobRunner } from '@tmc/core/jobs/ports';

/** A run left running (a Lambda retry, the next invocation of a long run) or that left merchants
 * unsettled is picked up where it is; a completed one is not walked again by a duplicate delivery. */
const resumeSettlement = async (deps: Deps, period: string): Promise<boolean> => {
  const run = await deps.settlement.run(period);
  return run?.status === 'running' || (run?.failures ?? 0) > 0;
};

// 50 pages of 100 merchants: about 5,000 statements, a few minutes, well inside Lambda's 15.
const SETTLEMENT_PAGES_PER_JOB = 50;

export const runJob = async (deps: Deps, job: Job): Promise<Record<string, unknown>> => {
  const now = deps.clock.now();
  // Schedules fire at 02:00 / 03:00 in Suizhou, which is still the previous day in UTC.
  const today = chinaDate(now);
  switch (job.job) {
    case 'issuance': {
      const month = job.month ?? today.slice(0, 7);
      const policy = await policyNow(deps, `${month}-01`);
      const run = await commitIssuance({ ...deps, runs: createIssuanceRunStore(deps.db) }, policy, month, {
        ...(job.resume ? { resume: true } : {}),
      });
      return { job: job.job, month, status: run.status, issued: run.issued, already: run.already, points: run.points };
    }
    case 'issuance-preview': {
      const policy = await policyNow(deps, `${job.month}-01`);
      const rec = await computePreview(
        { ...deps, previews: createIssuancePreviewStore(deps.db) },
        policy,
        job.month,
        job.scope,
      );
      return {
        job: job.job,
        month: job.month,
        scope: job.scope,
        elders: rec.preview?.elders ?? 0,
        points: rec.preview?.points ?? 0,
      };
    }
    case 'settlement': {
      const policy = await policyNow(deps, today);
      const period = job.period ?? lastClosedPeriod(now, policy.settlement_cadence);
      const run = await runSettlement(settlementDeps(deps), {
        period,
        policy: await policyNow(deps, periodBounds(period).last_day),
        actor: job.by ?? 'system:settlement',
        // A job picks up a run where it stopped: Lambda's retry of a failed invocation, or the next
        // invocation of a long run, comes without its predecessor's state (a live twin is refused).
        resume: job.resume ?? (await resumeSettlement(deps, period)),
        maxPages: SETTLEMENT_PAGES_PER_JOB,
      });
      // not done within this invocation's budget: the next one picks up where the run record says
      if (run.status === 'running')
        await deps.jobs.start({ job: 'settlement', period, resume: true, ...(job.by ? { by: job.by } : {}) });
      // merchants that could not be settled: fail the invocation, so it is retried (a resume pass) and alarmed
      else if ((run.failures ?? 0) > 0)
        throw new Error(`settlement ${period}: ${run.failures} merchant(s) failed: ${run.failed_merchants?.join(',')}`);
      return { job: job.job, period, status: run.status, statements: run.statements, points: run.points };
    }
    case 'daily': {
      const lots = await runLotExpiry(deps, today);
      const holds = await runHoldExpiry(deps, now, (id) => expireHold(orderDeps(deps), id));
      const notices = await runExpiryNotices(
        {
          ...deps,
          recipientsOf: async (id) => {
            const e = await deps.elders.get(id);
            if (!e || e.status !== 'active') return null;
            const family = await boundFamilyPhones(deps, id);
            return { elder_phone: decryptPhone(deps, e), elder_name_masked: maskName(e.name), family };
          },
          // the elder's marker keeps its first form (sk = day), so elders told before family were added are not told
          // again
          markNotified: (wallet, day, to) =>
            markNoticeSent(deps.db, 'expiry', wallet, to === 'elder' ? day : `${day}#${to}`, now.getTime()),
        },
        today,
      );
      return { job: job.job, ...lots, ...holds, ...notices };
    }
    case 'ledger-verify-day': {
      // 02:15 in the city: yesterday (China time) is complete. A problem is logged for the alarm and
      // answered, not thrown: a retry would find the same thing, and the DLQ is for jobs that did not run.
      const day = job.day ?? chinaDate(new Date(now.getTime() - DAY_MS));
      const r = await verifyLedgerDay(deps.db, day);
      if (!r.ok)
        deps.logger.log('error', LEDGER_VERIFY_FAILED, { day, problems: r.problems.slice(0, 20), counts: r.counts });
      return { job: job.job, day, ok: r.ok, ...r.counts, requests: r.requests, problems: r.problems.length };
    }
    case 'hold-expiry':
      return { job: job.job, ...(await runHoldExpiry(deps, now, (id) => expireHold(orderDeps(deps), id))) };
    case 'coverage': {
      const policy = await policyNow(deps, today);
      const summary = await runCoverage(
        {
          areas: deps.areas,
          eldersOf: (c, limit, cursor) => deps.elders.listByCommunity(c, limit, cursor),
          approvedMerchants: (limit, cursor) => deps.merchants.byStatus('approved', limit, cursor),
          servicesOf: (id) => deps.merchants.services(id),
          categories: async () => (await deps.merchants.categories()).map((c) => c.code),
        },
        createCoverageStore(deps.db),
        { now, walking: policy.circle, by: job.by ?? 'system:coverage' },
      );
      return { job: job.job, ...(job.window ? { window: job.window } : {}), run_id: summary.run_id, ...summary.inputs };
    }
    case 'offer-expiry':
      return {
        job: job.job,
        order_id: job.order_id,
        outcome: await expireOffer(orderDeps(deps), job.order_id, job.offer_index),
      };
  }
};

/** Local and test runner: starts the job in this process and logs its outcome. */
export const inProcessJobRunner = (deps: Deps): JobRunner => ({
  async start(job) {
    setImmediate(() => {
      runJob(deps, job)
        .then((r) => deps.logger.log('info', 'job done', r))
        .catch((e: unknown) => deps.logger.log('error', 'job failed', { job: job.job, error: (e as Error).message }));
    });
  },
});
