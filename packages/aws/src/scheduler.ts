// packages/aws, SchedulerPort adapter (EventBridge Scheduler). Imports only core and the AWS SDK.
//
// Offer timers in AWS: one EventBridge Scheduler one-time schedule per offer, which invokes the
// jobs Lambda and deletes itself. The name is derived from the order and offer, so scheduling the
// same timer twice is a no-op (ConflictException), and the job itself is idempotent anyway. The
// debounced coverage run is named by its window the same way, so a burst of changes makes one.
import type { SchedulerPort } from '@tmc/core/jobs/ports';

export type AwsSchedulerConfig = { region: string; group: string; roleArn: string; targetArn: string };

export const createAwsScheduler = (cfg: AwsSchedulerConfig): SchedulerPort => {
  // Loaded on first use: most requests never set a timer, and the client is not small.
  let client: Promise<{
    send: (c: unknown) => Promise<unknown>;
    Create: new (i: Record<string, unknown>) => unknown;
  }> | null = null;
  const get = () =>
    (client ??= import('@aws-sdk/client-scheduler').then((m) => ({
      send: (c: unknown) =>
        new m.SchedulerClient({ region: cfg.region }).send(c as InstanceType<typeof m.CreateScheduleCommand>),
      Create: m.CreateScheduleCommand as unknown as new (i: Record<string, unknown>) => unknown,
    })));
  return {
    async at(at, job) {
      const c = await get();
      // one schedule per offer, and one per coverage window: a second request for either is a conflict
      const raw = job.job === 'coverage' ? `coverage-${job.window}` : `offer-${job.order_id}-${job.offer_index}`;
      const name = raw.replace(/[^0-9A-Za-z_.-]/g, '-').slice(0, 64);
      try {
        await c.send(
          new c.Create({
            Name: name,
            GroupName: cfg.group,
            ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: cfg.targetArn,
              RoleArn: cfg.roleArn,
              Input: JSON.stringify(job),
              RetryPolicy: { MaximumRetryAttempts: 3 },
            },
          }),
        );
      } catch (e) {
        if ((e as Error).name !== 'ConflictException') throw e;
      }
    },
  };
};
