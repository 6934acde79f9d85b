// Test helper shared by the gateway tests (never imported by production code): how a call ended,
// as one string a table of cases can compare.
import { AppError } from '@tmc/core/kernel/errors';

/** 'ok', the AppError's code, or `crash:` and what else was thrown. */
export const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof AppError ? e.code : `crash:${String(e)}`;
  }
};
