import { handler as run } from '@tmc/app/compose/jobs-lambda';

export const handler = run;
