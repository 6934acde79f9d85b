// One-time timers (offer expiry, the debounced coverage run): a function that sets them creates
// schedules in the timers group only, and may hand them exactly the scheduler role. Shared by the API
// and the streams function so the grant is written once.
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { OFFER_SCHEDULE_GROUP } from './jobs';

export type TimerGrant = { jobsFn: lambda.IFunction; schedulerRole: iam.IRole; offerGroup: scheduler.ScheduleGroup };

export const allowTimers = (fn: lambda.Function, g: TimerGrant): void => {
  fn.addEnvironment('OFFER_SCHEDULE_GROUP', g.offerGroup.scheduleGroupName);
  fn.addEnvironment('OFFER_SCHEDULER_ROLE_ARN', g.schedulerRole.roleArn);
  fn.addEnvironment('JOBS_FUNCTION_ARN', g.jobsFn.functionArn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['scheduler:CreateSchedule'],
      resources: [
        Stack.of(fn).formatArn({
          service: 'scheduler',
          resource: 'schedule',
          resourceName: `${g.offerGroup.scheduleGroupName}/*`,
        }),
      ],
    }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [g.schedulerRole.roleArn] }));
  Validations.of(fn.role ?? fn).acknowledge({
    id:
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/` +
      `${OFFER_SCHEDULE_GROUP}/*]`,
    reason:
      'One-time timers (offer expiry, the debounced coverage run) are created with names derived per ' +
      'order or window; the wildcard is limited to the timers schedule group, which holds nothing else.',
  });
};
