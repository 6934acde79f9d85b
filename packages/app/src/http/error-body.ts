// The JSON shape every error leaves in, and its builder. Apart from the mapper (http-error.ts) so
// the request context can name the shape without importing the mapper that imports it.
import { ERRORS, type ErrorCode, type FieldIssue } from '@tmc/core/kernel/errors';

export type ErrorBody = {
  error: {
    code: ErrorCode;
    message: string;
    message_en: string;
    request_id: string;
    fields?: FieldIssue[];
    details?: Record<string, unknown>;
  };
};

export const errorBody = (
  code: ErrorCode,
  request_id: string,
  extra: { fields?: FieldIssue[]; details?: Record<string, unknown> } = {},
): ErrorBody => ({
  error: {
    code,
    message: ERRORS[code].zh,
    message_en: ERRORS[code].en,
    request_id,
    ...(extra.fields ? { fields: extra.fields } : {}),
    ...(extra.details ? { details: extra.details } : {}),
  },
});
