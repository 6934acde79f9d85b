// Monthly issuance (每月补贴积分): a dry run that says how many elders and points, by street and
// by rule; and a commit that credits each elder once per month (entry id = elder + month), walks
// communities in a fixed order, saves its place after every page, and so resumes after a crash
// without issuing twice.
import { AppError } from '../kernel/errors';
import { communitiesUnder } from '../areas/tree';
import { allowanceExpiresOn, monthlyAllowance, newcomerPoints, type AllowanceLine, type Policy } from './model';
import { chinaDate } from '../kernel/time';
import { credit, type LedgerDeps } from '../ledger/service';
import type { AreaStore } from '../areas/ports';
import type { Clock } from '../kernel/clock';
import type { ElderStore } from '../elders/ports';
import type { ElderRecord } from '../elders/model';
import { MONTH_RE } from '../kernel/ids';
import type { IssuanceRunStore, PreviewStore } from './ports';
import { isStalled, type IssuanceRun, type Preview, type PreviewRecord } from './issuance-records';

export type { IssuanceRun, Preview, PreviewRecord } from './issuance-records';
export { isStalled, STALE_RUN_MS } from './issuance-records';

export const ISSUANCE_PAGE = 100; // elders read per Query page
export const ISSUANCE_CONCURRENCY = 16; // credits in flight: fast on DynamoDB, gentle on shards
// Progress is saved every few pages, not every page: the run record would otherwise be written once
// per 100 elders (1% of them), the hottest item of the month. A resume redoes at most these pages,
// which finds their elders already credited.
export const PROGRESS_EVERY_PAGES = 4;

export type IssuanceDeps = LedgerDeps & { elders: ElderStore; areas: AreaStore; runs: IssuanceRunStore };

const checkMonth = (month: string) => {
  if (!MONTH_RE.test(month))
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'month', code: 'INVALID_FORMAT', message: 'YYYY-MM' }],
    });
};

const pool = async <T>(items: readonly T[], width: number, fn: (t: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
};

export const previewIssuance = async (
  deps: Pick<IssuanceDeps, 'elders' | 'areas'>,
  policy: Policy,
  month: string,
  scope: string | null,
): Promise<Preview> => {
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

// ---- stored previews: a preview reads every elder in scope, so it runs as a job and its result
// is stored; pages and the API read it by key.

export const PREVIEW_STALE_MS = 15 * 60_000; // a 'computing' preview not finished by then was lost: ask again

/** Asks for a fresh preview. `start` is true for exactly one of many simultaneous askers (the one
 * whose conditional write marked it computing); while one is computing, asking starts nothing. */
export const requestPreview = async (
  deps: { previews: PreviewStore; clock: Clock },
  month: string,
  scope: string | null,
): Promise<{ record: PreviewRecord; start: boolean }> => {
  checkMonth(month);
  const now = deps.clock.now();
  const cur = await deps.previews.get(month, scope);
  if (cur?.status === 'computing' && Date.parse(cur.requested_at) > now.getTime() - PREVIEW_STALE_MS)
    return { record: cur, start: false };
  const next: PreviewRecord = {
    month,
    scope,
    status: 'computing',
    requested_at: now.toISOString(),
    computed_at: cur?.computed_at ?? null,
    preview: cur?.preview ?? null,
    version: (cur?.version ?? 0) + 1,
  };
  if (await deps.previews.put(next, cur?.version ?? 0)) return { record: next, start: true };
  return { record: (await deps.previews.get(month, scope)) ?? next, start: false };
};

/** The preview job: reads every elder in scope once and stores the figures with when. */
export const computePreview = async (
  deps: Pick<IssuanceDeps, 'elders' | 'areas'> & { previews: PreviewStore; clock: Clock },
  policy: Policy,
  month: string,
  scope: string | null,
): Promise<PreviewRecord> => {
  const preview = await previewIssuance(deps, policy, month, scope);
  const at = deps.clock.now().toISOString();
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await deps.previews.get(month, scope);
    const next: PreviewRecord = {
      month,
      scope,
      status: 'ready',
      requested_at: cur?.requested_at ?? at,
      computed_at: at,
      preview,
      version: (cur?.version ?? 0) + 1,
    };
    if (await deps.previews.put(next, cur?.version ?? 0)) return next;
  }
  throw new AppError('CONFLICT');
};

const entryIdOf = (elder_id: string, month: string) => `allowance:${elder_id}:${month}`;

/** An elder registered after the month's run started is a newcomer: the policy says what they get. */
const allowanceIn = (
  policy: Policy,
  e: ElderRecord,
  month: string,
  run: IssuanceRun,
): { points: number; lines: AllowanceLine[]; newcomer: boolean } => {
  const a = monthlyAllowance(policy, e, month);
  if (a.points === 0 || e.created_at <= run.started_at) return { ...a, newcomer: false };
  const points = newcomerPoints(policy, a.points, chinaDate(new Date(e.created_at)), month);
  return {
    points,
    lines:
      points === a.points
        ? a.lines
        : [...a.lines, { rule: `newcomer:${policy.newcomer_allowance}`, points: points - a.points }],
    newcomer: true,
  };
};

type Outcome = { r: 'issued' | 'already' | 'skipped' | 'present'; points: number; newcomer: boolean };

const creditElder = async (
  deps: IssuanceDeps,
  policy: Policy,
  month: string,
  e: ElderRecord,
  run: IssuanceRun,
): Promise<Outcome> => {
  const a = allowanceIn(policy, e, month, run);
  if (a.points <= 0) return { r: 'skipped', points: 0, newcomer: a.newcomer };
  const entry_id = entryIdOf(e.elder_id, month);
  // A newcomer pass walks everyone again: one read tells who was paid by the first pass, and
  // costs far less than a credit that fails on its entry's condition.
  if (run.pass > 1 && (await deps.ledger.entry(entry_id))) return { r: 'present', points: 0, newcomer: false };
  const r = await credit(deps, {
    entry_id,
    kind: 'allowance',
    elder_id: e.elder_id,
    amount_points: a.points,
    from: 'issuance',
    source: 'allowance',
    subsidy: true,
    expires_on: allowanceExpiresOn(policy, month),
    reason: `${month} 月补贴积分`,
    actor: 'system:issuance',
    policy_version: policy.version,
    ref: { month, rules: a.lines.map((l) => `${l.rule}=${l.points}`).join(';') },
  });
  return { r: r.replayed ? 'already' : 'issued', points: a.points, newcomer: a.newcomer };
};

const firstRun = (policy: Policy, month: string, at: string): IssuanceRun => ({
  month,
  status: 'running',
  policy_version: policy.version,
  community_index: 0,
  cursor: null,
  issued: 0,
  already: 0,
  skipped: 0,
  points: 0,
  newcomers: 0,
  pass: 1,
  pass_started_at: at,
  started_at: at,
  updated_at: at,
  version: 1,
});

/** A completed month walked again for newcomers (see commitIssuance). */
const nextPass = (run: IssuanceRun, at: string): IssuanceRun => ({
  ...run,
  status: 'running',
  pass: run.pass + 1,
  pass_started_at: at,
  community_index: 0,
  cursor: null,
  updated_at: at,
  version: run.version + 1,
});

/** Claims the start of a walk for one caller, before any job runs: the month's first run; with
 * `resume`, a newcomer pass of a completed month or the takeover of an interrupted run. The claimed
 * run is then walked by commitIssuance with `resume`. Of many simultaneous claims exactly one wins
 * (a versioned put); the others get ISSUANCE_RUNNING, so one start is one job and one audit record. */
export const claimIssuance = async (
  deps: Pick<IssuanceDeps, 'runs' | 'clock'>,
  policy: Policy,
  month: string,
  resume: boolean,
): Promise<IssuanceRun> => {
  checkMonth(month);
  const at = deps.clock.now().toISOString();
  const run = await deps.runs.get(month);
  let next: IssuanceRun;
  if (!run) next = firstRun(policy, month, at);
  else if (!resume) throw new AppError(run.status === 'completed' ? 'ISSUANCE_COMPLETED' : 'ISSUANCE_RUNNING');
  else if (run.status === 'completed') next = nextPass(run, at);
  else next = { ...run, updated_at: at, version: run.version + 1 };
  await deps.runs.put(next, run?.version ?? 0);
  return next;
};

/** Runs (or resumes) the month's issuance. Safe to call again at any time: an interrupted run
 * continues from its saved place; a live one is refused. A completed month returns its run, or
 * with `resume`, walks again as a newcomer pass: it pays whoever has no allowance entry for the
 * month yet (elders registered since, under the policy's newcomer rule), and nobody twice. */
export const commitIssuance = async (
  deps: IssuanceDeps,
  policy: Policy,
  month: string,
  opts: { maxPages?: number; resume?: boolean } = {},
): Promise<IssuanceRun> => {
  checkMonth(month);
  const now = () => deps.clock.now().toISOString();
  let run = await deps.runs.get(month);
  if (run?.status === 'completed') {
    if (!opts.resume) return run;
    const next = nextPass(run, now());
    await deps.runs.put(next, run.version); // two resumes at once: one starts the pass, the other gets ISSUANCE_RUNNING
    run = next;
  } else if (run && !opts.resume && !isStalled(run, deps.clock.now())) {
    // Probably live elsewhere. Racing it would be safe (credits are idempotent and the run record
    // is versioned) but wasteful; `resume` is for a run known to have died.
    throw new AppError('ISSUANCE_RUNNING');
  }
  if (!run) {
    run = firstRun(policy, month, now());
    await deps.runs.put(run, 0);
  }
  const communities = await communitiesUnder(deps.areas, null);
  let pages = 0;
  // Where the walk has got to; saved into the run record every PROGRESS_EVERY_PAGES pages.
  let pending = {
    issued: run.issued,
    already: run.already,
    skipped: run.skipped,
    points: run.points,
    newcomers: run.newcomers,
    cursor: run.cursor,
    community_index: run.community_index,
  };
  while (pending.community_index < communities.length) {
    const c = communities[pending.community_index];
    if (!c) break;
    const page = await deps.elders.listByCommunity(c.code, ISSUANCE_PAGE, pending.cursor ?? undefined);
    const counts = { issued: 0, already: 0, skipped: 0, points: 0, newcomers: 0 };
    const current = run;
    await pool(page.items, ISSUANCE_CONCURRENCY, async (e) => {
      const o = await creditElder(deps, policy, month, e, current);
      // a newcomer pass counts only what it pays: the rest was counted by the first pass
      if (o.r === 'present' || (current.pass > 1 && o.r === 'skipped')) return;
      counts[o.r]++;
      counts.points += o.points;
      if (o.newcomer && o.r !== 'skipped') counts.newcomers++;
    });
    pending = {
      issued: pending.issued + counts.issued,
      already: pending.already + counts.already,
      skipped: pending.skipped + counts.skipped,
      points: pending.points + counts.points,
      newcomers: pending.newcomers + counts.newcomers,
      cursor: page.cursor,
      community_index: page.cursor ? pending.community_index : pending.community_index + 1,
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
