// The staff issuance page shows the stored preview with when it was computed, and asking for a
// new one starts the job (not a read of every elder on the request).
import { beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '@tmc/app/harness';
import { Client, makeSite, signInStaff, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
const started: unknown[] = [];
beforeAll(async () => {
  site = await makeSite({ elders: 12, at: '2026-11-23T08:00:00Z' });
  site.deps.jobs = {
    start: async (j) => {
      started.push(j);
    },
  };
  admin = await signInStaff(site, 'admin');
});

describe('staff issuance page', () => {
  it('not computed -> ask (starts the job, back to the page) -> the job stores it -> shown with its time', async () => {
    const before = await admin.get('/staff/issuance?month=2026-11');
    expect(before.status).toBe(200);
    expect(before.text).toContain('尚未计算');
    const ask = await admin.post('/staff/issuance/preview', { month: '2026-11' });
    expect(ask.status).toBe(303);
    expect(ask.location).toBe('/staff/issuance?month=2026-11');
    expect(started).toEqual([{ job: 'issuance-preview', month: '2026-11', scope: null }]);
    expect((await admin.get('/staff/issuance?month=2026-11')).text).toContain('正在重新计算');
    await runJob(site.deps, { job: 'issuance-preview', month: '2026-11', scope: null });
    const after = await admin.get('/staff/issuance?month=2026-11');
    expect(after.text).toContain('计算于');
    expect(after.text).toContain('2026-11-23 16:00'); // China time of the fake clock
    expect(after.text).toContain('<td>西城街道</td>'); // streets by name
  });

  it('the console links to it', async () => {
    expect((await admin.get('/staff')).text).toContain('href="/staff/issuance"');
  });
});
