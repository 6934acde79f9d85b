// Saving policy versions through the API: the save and its audit record are one write, so racing
// saves from one version give one new version and one record; a date before this month is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '@tmc/core/policy/model';
import { bearer, json, makeTestApp, staffToken } from '../../../../tests/support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 2 });
  admin = await staffToken(t.app, 'admin'); // the fake clock stands at 2026-11-23
}, 120_000);

const save = (body: object, token = admin) =>
  t.app.request('/api/policies', bearer(token, json({ ...DEFAULT_POLICY, effective_from: '2026-12-01', ...body })));

describe('POST /api/policies', () => {
  it('20 parallel saves after the same version: one new version, one audit record, the rest CONFLICT', async () => {
    // Prepare
    const before = (await t.deps.policies.versions())[0]?.version ?? 0;
    // Act
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => save({ after_version: before, hold_ttl_hours: 10 + i })),
    );
    // Assess
    const statuses = rs.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const after = await t.deps.policies.versions();
    expect(after[0]?.version).toBe(before + 1);
    expect(after[0]).not.toHaveProperty('after_version');
    const audit = await t.deps.audit.listBySubject(`policy:${before + 1}`, 10);
    expect(audit.items.map((a) => a.action)).toEqual(['policy.create']);
    expect(audit.items[0]?.actor).toBe('staff:admin');
  });

  it('refuses an effective date before the first of this month (China time), and non-admins', async () => {
    const r = await save({ effective_from: '2026-10-01' });
    expect(r.status).toBe(422);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('POLICY_EFFECTIVE_PAST');
    expect((await save({ effective_from: '2026-11-01' })).status).toBe(201);
    expect((await save({}, await staffToken(t.app, 'finance'))).status).toBe(403);
    const newest = (await t.deps.policies.versions())[0]?.version ?? 0;
    expect((await save({ after_version: newest + 5 })).status).toBe(409); // no gap in the numbers
    expect((await t.deps.policies.versions())[0]?.version).toBe(newest);
  });
});
