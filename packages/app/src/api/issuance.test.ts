// Newcomers get the month's allowance by the policy's rule from a resume run (raced, once);
// per-category monthly caps hold under parallel spends.
import { beforeEach, describe, expect, it } from 'vitest';
import { commitIssuance } from '@tmc/core/policy/issuance';
import { credit, hold, release } from '@tmc/core/ledger/service';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { categoryMonthMax, DEFAULT_POLICY, type PolicyInput } from '@tmc/core/policy/model';
import { idCheckChar } from '@tmc/core/elders/id-card';
import { createIssuanceRunStore } from '@tmc/store/entities/issuance-runs';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { bearer, json, makeTestApp, staffToken } from '../../../../tests/support/app';
import { runJob } from '../compose/jobs';
import { policyNow } from '../compose/policy-now';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp({ seedElders: 12 });
  admin = await staffToken(t.app, 'admin');
});

const addPolicy = async (over: Partial<PolicyInput>) => {
  const res = await t.app.request(
    '/api/policies',
    bearer(admin, json({ ...DEFAULT_POLICY, effective_from: '2026-11-01', ...over })),
  );
  expect(res.status).toBe(201);
};

let seq = 0;
const registerElder = async (phone: string): Promise<string> => {
  const body = `42130319450312${String(seq++ % 50).padStart(2, '0')}1`;
  admin = await staffToken(t.app, 'admin'); // the clock has moved past the first token's life
  const res = await t.app.request(
    '/api/elders',
    bearer(
      admin,
      json({
        name: '新来',
        gender: 'M',
        birth_date: '1945-03-12',
        id_number: body + idCheckChar(body),
        phone,
        community_code: 'zengdu.xicheng.shengli',
        address: '胜利社区1栋101',
        location: { lat: 31.7, lng: 113.35 },
        care_level: 'semi_disabled',
        special_categories: ['living_alone'],
        emergency_contact: { name: '张小明', phone: '17000005002' },
      }),
    ),
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { elder: { elder_id: string } }).elder.elder_id;
};

describe('newcomers', () => {
  it(
    "an elder registered after the month's issuance is paid by remaining " +
      'days on resume, once, however many resumes race',
    async () => {
      await addPolicy({ newcomer_allowance: 'by_remaining_days' });
      const first = await runJob(t.deps, { job: 'issuance', month: '2026-11' });
      t.clock.set('2026-11-24T02:00:00Z'); // 10:00 on the 24th in Suizhou: 7 of November's 30 days left
      const id = await registerElder('17000005101');
      const policy = await policyNow(t.deps, '2026-11-01');
      const deps = { ...t.deps, runs: createIssuanceRunStore(t.db) };
      const outs = await Promise.allSettled(
        Array.from({ length: 20 }, () => commitIssuance(deps, policy, '2026-11', { resume: true })),
      );
      expect(outs.some((o) => o.status === 'fulfilled')).toBe(true);
      for (const o of outs) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'ISSUANCE_RUNNING' });
      // 80+ band 80, semi-disabled 40, living alone 20 = 140 a month; 7/30 of it, rounded down
      const entry = await t.deps.ledger.entry(`allowance:${id}:2026-11`);
      expect(entry?.postings.find((p) => p.account === `wallet:${id}`)?.amount_points).toBe(32);
      expect(entry?.ref.rules).toContain('newcomer:by_remaining_days=-108');
      expect((await t.deps.ledger.account(`wallet:${id}`)).balance_points).toBe(32);
      // a clean resume later finds nobody left to pay and pays nobody twice
      const run = await commitIssuance(deps, policy, '2026-11', { resume: true });
      expect(run).toMatchObject({
        status: 'completed',
        newcomers: 1,
        issued: Number(first.issued) + 1,
        points: Number(first.points) + 32,
      });
      const report = await verifyLedger(t.db);
      expect(report.problems).toEqual([]);
      expect(report.counts.entries).toBe(Number(first.issued) + 1);
    },
  );

  it('the policy may give newcomers nothing, or the full allowance', async () => {
    await runJob(t.deps, { job: 'issuance', month: '2026-11' });
    t.clock.advance(3_600_000);
    const none = await registerElder('17000005102');
    admin = await staffToken(t.app, 'admin');
    await addPolicy({ newcomer_allowance: 'none' });
    await runJob(t.deps, { job: 'issuance', month: '2026-11', resume: true });
    expect(await t.deps.ledger.entry(`allowance:${none}:2026-11`)).toBeNull();
    await addPolicy({ newcomer_allowance: 'full' });
    await runJob(t.deps, { job: 'issuance', month: '2026-11', resume: true });
    expect((await t.deps.ledger.account(`wallet:${none}`)).balance_points).toBe(140);
  });
});

describe('per-category monthly caps', () => {
  it(
    '20 spends at once in a capped category: exactly the cap is spent; ' + 'other categories and give-backs behave',
    async () => {
      await addPolicy({ category_month_max_points: { barber: 50 } });
      const policy = await policyNow(t.deps);
      const id =
        (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', t.seed?.elderPhones[0] ?? '')))[0] ?? '';
      await credit(t.deps, {
        entry_id: 'test-topup-cap',
        kind: 'top_up',
        elder_id: id,
        amount_points: 1_000,
        from: 'topup_clearing',
        source: 'top_up',
        subsidy: false,
        expires_on: NEVER_EXPIRES,
        reason: 't',
        actor: 't',
        policy_version: null,
      });
      const spend = (hold_id: string, category: string, amount_points = 10) =>
        hold(t.deps, {
          hold_id,
          elder_id: id,
          amount_points,
          category,
          subsidy_allowed: true,
          per_order_max: null,
          per_month_max: null,
          per_category_month_max: categoryMonthMax(policy, category),
          expires_at: '2026-11-30T00:00:00Z',
          actor: 't',
          reason: 't',
        });
      const outs = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => spend(`cap-${i}`, 'barber')));
      expect(outs.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
      for (const o of outs) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'CAP_EXCEEDED' });
      expect(
        await t.deps.ledger.counter({
          kind: 'spent_month_category',
          elder_id: id,
          month: '2026-11',
          category: 'barber',
        }),
      ).toBe(50);
      await expect(spend('cap-repair', 'repair')).resolves.toMatchObject({ replayed: false }); // no cap of its own
      const won = outs.findIndex((o) => o.status === 'fulfilled');
      await release(t.deps, { hold_id: `cap-${won}`, why: 'cancelled', actor: 't' });
      await expect(spend('cap-after-release', 'barber')).resolves.toMatchObject({ replayed: false });
      await expect(spend('cap-again', 'barber')).rejects.toMatchObject({ code: 'CAP_EXCEEDED' });
      expect((await verifyLedger(t.db)).problems).toEqual([]);
    },
  );

  it('one spend larger than the cap is refused even when nothing was spent yet', async () => {
    await addPolicy({ category_month_max_points: { clinic: 50 } });
    const policy = await policyNow(t.deps);
    await runJob(t.deps, { job: 'issuance', month: '2026-11' });
    const id =
      (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', t.seed?.elderPhones[0] ?? '')))[0] ?? '';
    await expect(
      hold(t.deps, {
        hold_id: 'cap-big',
        elder_id: id,
        amount_points: 60,
        category: 'clinic',
        subsidy_allowed: true,
        per_order_max: null,
        per_month_max: null,
        per_category_month_max: categoryMonthMax(policy, 'clinic'),
        expires_at: '2026-11-30T00:00:00Z',
        actor: 't',
        reason: 't',
      }),
    ).rejects.toMatchObject({ code: 'CAP_EXCEEDED' });
    expect(
      await t.deps.ledger.counter({ kind: 'spent_month_category', elder_id: id, month: '2026-11', category: 'clinic' }),
    ).toBe(0);
  });

  it('policy versions stored before these fields read with the defaults', async () => {
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { keys } = await import('@tmc/store/keys');
    const {
      newcomer_allowance: _n,
      category_month_max_points: _c,
      ...older
    } = { ...DEFAULT_POLICY, effective_from: '2026-11-01' };
    const version = ((await t.deps.policies.versions())[0]?.version ?? 0) + 1;
    await t.db.doc.send(
      new PutCommand({
        TableName: t.db.table,
        Item: {
          ...keys.policy(version),
          type: 'policy',
          ...older,
          version,
          created_by: 't',
          created_at: '2026-10-01T00:00:00Z',
        },
      }),
    );
    const p = await policyNow(t.deps);
    expect(p.version).toBe(version);
    expect(p.newcomer_allowance).toBe('full');
    expect(p.category_month_max_points).toEqual({});
  });
});

describe('stored issuance preview', () => {
  it(
    'GET reads the stored figures by key, never the elders; 20 simultaneous ' +
      'asks start one job; the job stores figures with their time',
    async () => {
      let listed = 0;
      const list = t.deps.elders.listByCommunity;
      t.deps.elders.listByCommunity = (...a) => {
        listed++;
        return list(...a);
      };
      const started: unknown[] = [];
      t.deps.jobs = {
        start: async (j) => {
          started.push(j);
        },
      };
      const get = async (token = admin) =>
        (await (await t.app.request('/api/issuance/2026-11/preview', bearer(token))).json()) as {
          status: string;
          computed_at: string | null;
          preview: { elders: number; points: number } | null;
        };
      expect(await get()).toMatchObject({ status: 'not_computed', computed_at: null, preview: null });
      const asks = await Promise.all(
        Array.from({ length: 20 }, () =>
          t.app.request('/api/issuance/2026-11/preview', bearer(admin, { method: 'POST' })),
        ),
      );
      expect(asks.map((r) => r.status)).toEqual(Array(20).fill(202));
      expect(started).toEqual([{ job: 'issuance-preview', month: '2026-11', scope: null }]);
      expect(listed).toBe(0); // neither the reads nor the asks read an elder
      expect(await get()).toMatchObject({ status: 'computing', preview: null });
      await runJob(t.deps, { job: 'issuance-preview', month: '2026-11', scope: null });
      expect(listed).toBeGreaterThan(0);
      const ready = await get();
      expect(ready).toMatchObject({ status: 'ready', computed_at: t.clock.now().toISOString() });
      const run = await runJob(t.deps, { job: 'issuance', month: '2026-11' });
      expect(ready.preview).toMatchObject({ elders: run.issued, points: run.points });
      // a street officer has the preview of their own area, computed on its own
      const xicheng = await staffToken(t.app, 'xicheng');
      expect(await get(xicheng)).toMatchObject({ status: 'not_computed' });
      expect((await t.app.request('/api/issuance/2026-11/preview', bearer(xicheng, { method: 'POST' }))).status).toBe(
        202,
      );
      expect(started).toContainEqual({ job: 'issuance-preview', month: '2026-11', scope: 'zengdu.xicheng' });
      await runJob(t.deps, { job: 'issuance-preview', month: '2026-11', scope: 'zengdu.xicheng' });
      const mine = await get(xicheng);
      expect(mine.preview?.elders).toBeLessThan(ready.preview?.elders ?? 0);
    },
  );
});
