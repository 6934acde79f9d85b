// The staff issuance page shows the stored preview (by street and by rule) with when it was computed,
// and asking for a new one starts the job (not a read of every elder on the request). An admin starts
// the month after ticking a confirmation: 20 simultaneous starts make one run, one job and one audit
// record; finance and street officers read but may not start.
import { beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '@tmc/app/harness';
import { Client, makeSite, signInStaff, textOf, type Site } from '../../../../tests/support/site';

let site: Site;
let admin: Client;
let finance: Client;
let street: Client;
const started: { job: string }[] = [];
beforeAll(async () => {
  site = await makeSite({ elders: 12, at: '2026-11-23T08:00:00Z' });
  site.deps.jobs = {
    start: async (j) => {
      started.push(j);
    },
  };
  [admin, finance, street] = (await Promise.all(['admin', 'finance', 'xicheng'].map((u) => signInStaff(site, u)))) as [
    Client,
    Client,
    Client,
  ];
}, 400_000);

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

  it('by rule too: the rules in words with their elders and points', async () => {
    const r = await admin.get('/staff/issuance?month=2026-11');
    expect(r.text).toContain('id="by-rule"');
    expect(textOf(r.text)).toMatch(/年龄 \d+/);
  });
});

describe('starting the month', () => {
  const form = { month: '2026-11', resume: '0', confirm: '2026-11' };
  const issuanceJobs = () => started.filter((j) => j.job === 'issuance');

  it('finance and street officers see the figures but no start form, and are refused the post', async () => {
    for (const c of [finance, street]) {
      const r = await c.get('/staff/issuance?month=2026-11');
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('action="/staff/issuance/commit"');
      expect((await c.post('/staff/issuance/commit', form)).status).toBe(403);
    }
    expect(issuanceJobs()).toEqual([]);
  });

  it('refuses without the confirmation (inline, 400) and without a preview (409)', async () => {
    const page = await admin.get('/staff/issuance?month=2026-11');
    expect(page.text).toContain('action="/staff/issuance/commit"');
    expect(textOf(page.text)).toMatch(/我确认发放 2026-11 月积分：\d+ 位老人，共 \d+ 积分/);
    const unticked = await admin.post('/staff/issuance/commit', { month: '2026-11', resume: '0' });
    expect(unticked.status).toBe(400);
    expect(unticked.text).toContain('id="f-confirm-err"');
    const noPreview = await admin.post('/staff/issuance/commit', { month: '2026-10', resume: '0', confirm: '2026-10' });
    expect(noPreview.status).toBe(409);
    expect(textOf(noPreview.text)).toContain('请先计算本月预览');
    expect(issuanceJobs()).toEqual([]);
  });

  it('20 simultaneous confirmed starts: one run, one job, one audit record; the rest told it is running', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, () => admin.post('/staff/issuance/commit', form)));
    const won = rs.filter((r) => r.status === 303);
    expect(won).toHaveLength(1);
    expect(won[0]?.location).toBe('/staff/issuance?month=2026-11&done=started');
    for (const r of rs.filter((x) => x.status !== 303)) {
      expect(r.status).toBe(409);
      expect(textOf(r.text)).toContain('本月积分发放正在进行中');
    }
    expect(issuanceJobs()).toEqual([{ job: 'issuance', month: '2026-11', resume: true }]);
    const audits = (await site.deps.audit.listBySubject('issuance:2026-11', 50)).items;
    expect(audits.map((a) => a.action)).toEqual(['issuance.start']);
    const running = await admin.get('/staff/issuance?month=2026-11&done=started');
    expect(running.text).toContain('data-run-status="running"');
    expect(running.text).toContain('刷新进度');
    expect(running.text).not.toContain('action="/staff/issuance/commit"');
    expect(running.text).toContain('data-last-change="issuance.start"');
  });

  it('the job walks the claimed run; the result is shown and a resume (newcomers) is offered', async () => {
    await runJob(site.deps, { job: 'issuance', month: '2026-11', resume: true });
    const r = await admin.get('/staff/issuance?month=2026-11');
    expect(r.text).toContain('data-run-status="completed"');
    const elders = r.text.match(/id="preview-elders">(\d+)</)?.[1];
    expect(textOf(r.text)).toContain(`已发放 Issued ${elders}`);
    expect(r.text).toContain('name="resume" value="1"');
    const plain = await admin.post('/staff/issuance/commit', form); // a stale "start" form of a finished month
    expect(plain.status).toBe(409);
    expect(textOf(plain.text)).toContain('本月积分已发放完毕');
    const resumed = await admin.post('/staff/issuance/commit', { ...form, resume: '1' });
    expect(resumed.status).toBe(303);
    expect(issuanceJobs()).toHaveLength(2);
  });
});
