// Monthly issuance (每月补贴积分): a dry run that says how many elders and points, by street and
// by rule; and a commit that credits each elder once per month (entry id = elder + month), walks
// communities in a fixed order, saves its place after every page, and so resumes after a crash
// without issuing twice.
import { AppError } from './errors';
import { communitiesUnder } from './area-tree';
import { allowanceExpiresOn, monthlyAllowance, type Policy } from './policy';
import { credit, type LedgerDeps } from './ledger/service';
import type { AreaStore, ElderStore } from './ports';
import type { ElderRecord } from './elders';

export const ISSUANCE_PAGE = 100; // elders read per Query page
export const ISSUANCE_CONCURRENCY = 16; // credits in flight: fast on DynamoDB, gentle on shards
export const STALE_RUN_MS = 15 * 60_000; // a 'running' run not updated for this long was interrupted
// Progress is saved every few pages, not every page: the run record would otherwise be written once
// per 100 elders (1% of them), the hottest item of the month. A resume redoes at most these pages,
// which finds their elders already credited.
export const PROGRESS_EVERY_PAGES = 4;

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
  started_at: string;
  updated_at: string;
  version: number;
};

export type IssuanceRunStore = {
  get: (month: string) => Promise<IssuanceRun | null>;
  /** Conditional on `expect_version` (0 = must not exist); CONFLICT when another runner moved it. */
  put: (run: IssuanceRun, expect_version: number) => Promise<void>;
};

export type IssuanceDeps = LedgerDeps & { elders: ElderStore; areas: AreaStore; runs: IssuanceRunStore };

export type Preview = {
  month: string;
  policy_version: number;
  elders: number;
  points: number;
  by_street: Record<string, { elders: number; points: number }>;
  by_rule: Record<string, { elders: number; points: number }>;
};

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
const checkMonth = (month: string) => {
  if (!MONTH_RE.test(month)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'month', code: 'INVALID_FORMAT', message: 'YYYY-MM' }] });
};

const pool = async <T>(items: readonly T[], width: number, fn: (t: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
};

export const previewIssuance = async (deps: Pick<IssuanceDeps, 'elders' | 'areas'>, policy: Policy, month: string, scope: string | null): Promise<Preview> => {
  checkMonth(month);
  const out: Preview = { month, policy_version: policy.version, elders: 0, points: 0, by_street: {}, by_rule: {} };
  for (const c of await communitiesUnder(deps.areas, scope)) {
    let cursor: string | undefined;
    do {
      const page = await deps.elders.listByCommunity(c.code, ISSUANCE_PAGE, cursor);
      for (const e of page.items) {
        const a = monthlyAllowance(policy, e, month);
        if (a.points === 0) continue;
        out.elders++;
        out.points += a.points;
        const street = c.parent_code ?? c.code;
        const s = (out.by_street[street] ??= { elders: 0, points: 0 });
        s.elders++;
        s.points += a.points;
        for (const l of a.lines) {
          const r = (out.by_rule[l.rule] ??= { elders: 0, points: 0 });
          r.elders++;
          r.points += l.points;
        }
      }
      cursor = page.cursor ?? undefined;
    } while (cursor);
  }
  return out;
};

const creditElder = async (deps: IssuanceDeps, policy: Policy, month: string, e: ElderRecord): Promise<'issued' | 'already' | 'skipped'> => {
  const a = monthlyAllowance(policy, e, month);
  if (a.points === 0) return 'skipped';
  const r = await credit(deps, {
    entry_id: `allowance:${e.elder_id}:${month}`, kind: 'allowance', elder_id: e.elder_id, amount_points: a.points,
    from: 'issuance', source: 'allowance', subsidy: true, expires_on: allowanceExpiresOn(policy, month),
    reason: `${month} 月补贴积分`, actor: 'system:issuance', policy_version: policy.version,
    ref: { month, rules: a.lines.map((l) => `${l.rule}=${l.points}`).join(';') },
  });
  return r.replayed ? 'already' : 'issued';
};

/** Runs (or resumes) the month's issuance. Safe to call again at any time: a completed month
 * returns its run; an interrupted one continues from its saved place; a live one is refused. */
export const commitIssuance = async (deps: IssuanceDeps, policy: Policy, month: string, opts: { maxPages?: number; resume?: boolean } = {}): Promise<IssuanceRun> => {
  checkMonth(month);
  const now = () => deps.clock.now().toISOString();
  let run = await deps.runs.get(month);
  if (run?.status === 'completed') return run;
  if (run && !opts.resume && Date.parse(run.updated_at) > deps.clock.now().getTime() - STALE_RUN_MS) {
    // Probably live elsewhere. Racing it would be safe (credits are idempotent and the run record
    // is versioned) but wasteful; `resume` is for a run known to have died.
    throw new AppError('ISSUANCE_RUNNING');
  }
  if (!run) {
    run = { month, status: 'running', policy_version: policy.version, community_index: 0, cursor: null, issued: 0, already: 0, skipped: 0, points: 0, started_at: now(), updated_at: now(), version: 1 };
    await deps.runs.put(run, 0);
  }
  const communities = await communitiesUnder(deps.areas, null);
  let pages = 0;
  // Where the walk has got to; saved into the run record every PROGRESS_EVERY_PAGES pages.
  let pending = { issued: run.issued, already: run.already, skipped: run.skipped, points: run.points, cursor: run.cursor, community_index: run.community_index };
  while (pending.community_index < communities.length) {
    const c = communities[pending.community_index];
    if (!c) break;
    const page = await deps.elders.listByCommunity(c.code, ISSUANCE_PAGE, pending.cursor ?? undefined);
    const counts = { issued: 0, already: 0, skipped: 0, points: 0 };
    await pool(page.items, ISSUANCE_CONCURRENCY, async (e) => {
      const r = await creditElder(deps, policy, month, e);
      counts[r]++;
      if (r !== 'skipped') counts.points += monthlyAllowance(policy, e, month).points;
    });
    pending = {
      issued: pending.issued + counts.issued, already: pending.already + counts.already, skipped: pending.skipped + counts.skipped, points: pending.points + counts.points,
      cursor: page.cursor, community_index: page.cursor ? pending.community_index : pending.community_index + 1,
    };
    pages++;
    const atEnd = pending.community_index >= communities.length;
    if (pages % PROGRESS_EVERY_PAGES === 0 || atEnd || (opts.maxPages !== undefined && pages >= opts.maxPages)) {
      const next: IssuanceRun = { ...run, ...pending, updated_at: now(), version: run.version + 1 };
      await deps.runs.put(next, run.version);
      run = next;
    }
    if (opts.maxPages !== undefined && pages >= opts.maxPages) return run; // tests stop here to simulate a crash
  }
  const done: IssuanceRun = { ...run, status: 'completed', updated_at: now(), version: run.version + 1 };
  await deps.runs.put(done, run.version);
  return done;
};
