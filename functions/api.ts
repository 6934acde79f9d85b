// Lambda entry for the HTTP API: wiring only; the app lives in packages/app.
import { handle } from 'hono/aws-lambda';
import { app } from '@tmc/app/compose/production';
export const handler = handle(app);
