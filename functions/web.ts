// Lambda entry for the pages (elder, family, merchant, staff): wiring only.
import { handle } from 'hono/aws-lambda';
import { app } from '@tmc/web/production';
export const handler = handle(app);
