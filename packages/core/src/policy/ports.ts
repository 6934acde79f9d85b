// The stores of monthly issuance: the run record (progress, resumable) and the stored previews.
// packages/store implements them over DynamoDB.
import type { IssuanceRun, PreviewRecord } from './issuance-records';

export type IssuanceRunStore = {
  get: (month: string) => Promise<IssuanceRun | null>;
  /** Conditional on `expect_version` (0 = must not exist); CONFLICT when another runner moved it. */
  put: (run: IssuanceRun, expect_version: number) => Promise<void>;
};

export type PreviewStore = {
  get: (month: string, scope: string | null) => Promise<PreviewRecord | null>;
  /** Conditional on `expect_version` (0 = must not exist); false when another writer moved it. */
  put: (rec: PreviewRecord, expect_version: number) => Promise<boolean>;
};
