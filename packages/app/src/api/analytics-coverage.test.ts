// Coverage through HTTP, by role and scope, on the demo district: the job stores a snapshot that agrees
// with brute force over the same elders and services; admin sees the city, a district officer their
// district, a street officer their street (another street is refused); finance, elders and merchants are
// refused; the gaps export as CSV (UTF-8 BOM and GBK); a recompute is audited and replaces the snapshot.
import { beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { bearer, json, makeTestApp, staffToken } from '../../../../tests/support/app';
import { runJob } from '../compose/jobs';
import {
  computeCoverageBrute,
  coverageElders,
  coverageServices,
  type CoverageElder,
  type CoverageService,
} from '@tmc/core/analytics/coverage';
import { communitiesUnder } from '@tmc/core/areas/tree';
import { policyNow } from '../compose/policy-now';
import { coverageReactor } from '@tmc/core/analytics/coverage-reactor';
import type { SourceChange } from '@tmc/core/analytics/model';
import { JobSchema } from '@tmc/core/jobs/model';
import { createTimerStore } from '@tmc/store/entities/timers';

let t: Awaited<ReturnType<typeof makeTestApp>>;
const tok: Record<string, string> = {};
type View = {
  summary: { run_id: string; computed_at: string; inputs: { elders: number; services: number } } | null;
  categories: string[];
  rows: { community_code: string; elders: number; unlocated: number; covered: Record<string, number> }[];
  gaps: { community_code: string; category: string; uncovered: number }[];
};
const get = async (path: string, who: string) => {
  const r = await t.app.request(path, bearer(tok[who] ?? ''));
  return { status: r.status, body: (await r.json()) as View & { error?: { code: string } } };
};

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 40, merchants: true });
  for (const u of ['admin', 'zengdu', 'xicheng', 'finance']) tok[u] = await staffToken(t.app, u);
  await runJob(t.deps, { job: 'coverage' });
}, 120_000);

/** Every active elder and matchable service, read directly, for the brute-force reference. */
const reference = async () => {
  const elders: CoverageElder[] = [];
  for (const c of await communitiesUnder(t.deps.areas, null)) {
    let cursor: string | undefined;
    do {
      const p = await t.deps.elders.listByCommunity(c.code, 100, cursor);
      elders.push(...coverageElders(p.items));
      cursor = p.cursor ?? undefined;
    } while (cursor);
  }
  const services: CoverageService[] = [];
  const page = await t.deps.merchants.byStatus('approved', 100);
  for (const m of page.items) services.push(...coverageServices(m, await t.deps.merchants.services(m.merchant_id)));
  return { elders, services };
};

describe('GET /api/analytics/coverage', () => {
  it('admin: every community, counts equal to brute force over the same elders and services', async () => {
    const r = await get('/api/analytics/coverage', 'admin');
    expect(r.status).toBe(200);
    const ref = await reference();
    expect(ref.services.length).toBeGreaterThan(0);
    const policy = await policyNow(t.deps);
    const brute = computeCoverageBrute(ref.elders, ref.services, r.body.categories, policy.circle);
    const withElders = r.body.rows.filter((row) => row.elders > 0);
    expect(
      withElders.map(({ community_code, elders, unlocated, covered }) => ({
        community_code,
        elders,
        unlocated,
        covered,
      })),
    ).toEqual(brute);
    expect(r.body.summary?.inputs.elders).toBe(ref.elders.length);
    expect(r.body.summary?.inputs.services).toBe(ref.services.length);
  });

  it('a street officer sees only their street (another is refused); a district officer their district', async () => {
    const own = await get('/api/analytics/coverage', 'xicheng');
    expect(own.status).toBe(200);
    expect(own.body.rows.length).toBeGreaterThan(0);
    for (const row of own.body.rows) expect(row.community_code.startsWith('zengdu.xicheng.')).toBe(true);
    for (const g of own.body.gaps) expect(g.community_code.startsWith('zengdu.xicheng.')).toBe(true);
    const all = await get('/api/analytics/coverage', 'admin');
    const other = all.body.rows.find((row) => !row.community_code.startsWith('zengdu.xicheng.'));
    expect(other).toBeDefined();
    const street = other?.community_code.split('.').slice(0, 2).join('.') ?? '';
    const refused = await get(`/api/analytics/coverage?street=${street}`, 'xicheng');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('OUT_OF_SCOPE');
    // asking for the district, a street officer still sees their street
    const wide = await get('/api/analytics/coverage?street=zengdu', 'xicheng');
    expect(wide.body.rows).toEqual(own.body.rows);
    const district = await get(`/api/analytics/coverage?street=${street}`, 'zengdu');
    expect(district.status).toBe(200);
    for (const row of district.body.rows) expect(row.community_code.startsWith(`${street}.`)).toBe(true);
  });

  it('filters by category and community', async () => {
    const all = await get('/api/analytics/coverage', 'admin');
    const c = all.body.rows[0]?.community_code ?? '';
    const r = await get(`/api/analytics/coverage?community=${c}&category=barber`, 'admin');
    expect(r.body.categories).toEqual(['barber']);
    expect(r.body.rows.map((row) => row.community_code)).toEqual([c]);
    for (const g of r.body.gaps) expect(g.category).toBe('barber');
  });

  it('finance, elders and anonymous callers are refused', async () => {
    expect((await get('/api/analytics/coverage', 'finance')).status).toBe(403);
    expect((await t.app.request('/api/analytics/coverage')).status).toBe(401);
  });
});

describe('gaps CSV and recompute', () => {
  it('exports the gaps as UTF-8 with BOM and as GBK', async () => {
    const utf = await t.app.request('/api/analytics/coverage/gaps.csv', bearer(tok.admin ?? ''));
    expect(utf.status).toBe(200);
    const bytes = new Uint8Array(await utf.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('社区');
    const gbk = await t.app.request('/api/analytics/coverage/gaps.csv?encoding=gbk', bearer(tok.xicheng ?? ''));
    const g = iconv.decode(Buffer.from(await gbk.arrayBuffer()), 'gbk');
    expect(g.split('\r\n')[0]).toBe('排名,社区,社区代码,服务类别,老人数,未覆盖,覆盖率');
    for (const line of g.trim().split('\r\n').slice(1)) expect(line).toContain('zengdu.xicheng.');
  });

  it('a recompute is audited and makes a newer snapshot current', async () => {
    const before = (await get('/api/analytics/coverage', 'admin')).body.summary?.computed_at;
    t.clock.advance(60_000);
    const r = await t.app.request('/api/analytics/coverage/recompute', bearer(tok.xicheng ?? '', json({})));
    expect(r.status).toBe(202);
    // the request sets the window's timer; the timer poller would run it at the window's end: run it here
    await runJob(t.deps, { job: 'coverage', by: 'staff:test' });
    const after = (await get('/api/analytics/coverage', 'admin')).body.summary?.computed_at;
    expect(after).not.toBe(before);
    const audit = await t.deps.audit.listBySubject('coverage:all', 10);
    expect(audit.items.filter((a) => a.action === 'coverage.recompute')).toHaveLength(1);
  });
});

describe('the coverage reactor on the real timer table', () => {
  it('50 changes reacted to at once leave one coverage timer, which runs the job', async () => {
    const reactor = coverageReactor({ scheduler: t.deps.scheduler, clock: t.deps.clock });
    const change: SourceChange = {
      event: 'MODIFY',
      keys: { pk: 'MERCHANT#m', sk: 'PROFILE' },
      old: { type: 'merchant', status: 'approved' },
      new: { type: 'merchant', status: 'suspended' },
    };
    const later = new Date(t.deps.clock.now().getTime() + 3_600_000);
    const coverageTimers = async () =>
      (await createTimerStore(t.db).due(later)).filter((d) => d.name.startsWith('job=coverage'));
    const before = new Set((await coverageTimers()).map((d) => d.name)); // e.g. the staff recompute's above
    await Promise.all(Array.from({ length: 50 }, () => reactor.react(change)));
    const due = (await coverageTimers()).filter((d) => !before.has(d.name));
    expect(due).toHaveLength(1);
    const job = JobSchema.parse(JSON.parse(due[0]?.job ?? 'null'));
    expect(job.job).toBe('coverage');
    expect((await runJob(t.deps, job)).job).toBe('coverage');
  });
});
