import { handler as run } from '@tmc/app/jobs-lambda';

export const handler = run;
