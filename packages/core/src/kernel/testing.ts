// Test helpers over AppError, shared by the tests of more than one capability (never imported by
// production code): the error a call throws, so a test can look at its code and details.
import { AppError } from './errors';

/** The AppError `f` throws; anything else thrown goes on up, and no throw at all fails the test. */
export const thrown = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
};
