// The staff coverage page: before a run it says so; after the job it shows the table, the ranked gaps, the
// map (SVG with title, description, legend; every community with its share as text), the CSV links; a
// street officer sees only their street; the recompute button sets the coverage timer and is audited.
import { beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '@tmc/app/harness';
import { Client, makeSite, signInStaff, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let street: Client;
const started: unknown[] = [];
beforeAll(async () => {
  site = await makeSite({ elders: 24, at: '2026-11-23T08:00:00Z' });
  site.deps.scheduler = {
    at: async (_at, j) => {
      started.push(j);
    },
  };
  admin = await signInStaff(site, 'admin');
  street = await signInStaff(site, 'xicheng');
});

describe('staff coverage page', () => {
  it('before the first run it says so; after it, the table, gaps, map and CSV links', async () => {
    expect((await admin.get('/staff/coverage')).text).toContain('尚未计算覆盖率');
    await runJob(site.deps, { job: 'coverage' });
    const page = (await admin.get('/staff/coverage')).text;
    expect(page).toContain('计算于');
    expect(page).toContain('2026-11-23 16:00');
    expect(page).toContain('没有登记住址坐标的老人按“未覆盖”计算');
    expect(page).toMatch(/<th scope="col">理发<\/th>/);
    expect(page).toContain('data-community="zengdu.xicheng.');
    expect(page).toContain('data-community="zengdu.dongcheng.');
    expect(page).toMatch(/<svg[^>]*role="img"/);
    expect(page).toContain('<title id="coverage-map-title">');
    expect(page).toContain('<desc id="coverage-map-desc">');
    expect(page).toContain('&lt; 25%'); // the legend
    expect(page).toContain('href="/api/analytics/coverage/gaps.csv?encoding=gbk"');
    expect(page).not.toContain('<script'); // no script needed for the map
  });

  it('a street officer sees their street only, and a filter outside it is refused', async () => {
    const page = (await street.get('/staff/coverage')).text;
    expect(page).toContain('data-community="zengdu.xicheng.');
    expect(page).not.toContain('data-community="zengdu.dongcheng.');
    expect((await street.get('/staff/coverage?street=zengdu.dongcheng')).status).toBe(403);
    const one = (await admin.get('/staff/coverage?community=zengdu.xicheng.shengli&category=barber')).text;
    expect(one).toContain('data-community="zengdu.xicheng.shengli"');
    expect(one).not.toContain('data-community="zengdu.dongcheng.');
  });

  it('recompute sets the coverage timer, back to the page, and is audited', async () => {
    const r = await street.post('/staff/coverage/recompute', {});
    expect(r.status).toBe(303);
    expect(r.location).toBe('/staff/coverage?done=started');
    expect(started).toContainEqual(expect.objectContaining({ job: 'coverage' }));
    const audit = await site.deps.audit.listBySubject('coverage:all', 10);
    expect(audit.items.map((a) => a.action)).toEqual(['coverage.recompute']);
  });

  it('the console links to it for officers', async () => {
    expect((await admin.get('/staff')).text).toContain('href="/staff/coverage"');
    expect((await signInStaff(site, 'finance').then((f) => f.get('/staff'))).text).not.toContain('/staff/coverage');
  });
});
