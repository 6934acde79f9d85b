// What monthly issuance stores: the run record (progress of a resumable run) and the stored
// preview. Apart from the issuance code so that the store ports (ports.ts) and the code
// (issuance.ts) both depend on these shapes and not on each other.

export type IssuanceRun = {
  month: string;
  status: 'running' | 'completed';
  policy_version: number;
  community_index: number;
  cursor: string | null;
  issued: number; // elders credited by this run
  already: number; // elders found credited (a re-run after a crash)
  skipped: number; // zero allowance (under age, left the scheme)
  points: number;
  newcomers: number; // of `issued`, elders registered after the run started (newcomer rule applied)
  pass: number; // 1 = the month's issuance; 2, 3, ... = newcomer passes (a resume of a completed month)
  pass_started_at: string;
  started_at: string; // of pass 1: whoever registered after it is a newcomer
  updated_at: string;
  version: number;
};

export const STALE_RUN_MS = 15 * 60_000; // a 'running' run not updated for this long was interrupted

/** Whether a running run has not saved progress for STALE_RUN_MS: its walker died; resume takes it over.
 * Here, not in issuance.ts, so the issuance page can say so without loading the issuance code. */
export const isStalled = (run: IssuanceRun, now: Date): boolean =>
  run.status === 'running' && Date.parse(run.updated_at) <= now.getTime() - STALE_RUN_MS;

export type Preview = {
  month: string;
  policy_version: number;
  elders: number;
  points: number;
  by_street: Record<string, { elders: number; points: number }>;
  by_rule: Record<string, { elders: number; points: number }>;
};

export type PreviewRecord = {
  month: string;
  scope: string | null; // the staff scope it covers (null = the whole city)
  status: 'computing' | 'ready';
  requested_at: string;
  computed_at: string | null; // of `preview`, which is kept while a newer one is computed
  preview: Preview | null;
  version: number;
};
