// Points through HTTP and jobs: issuance preview and commit (idempotent, resumable), balances
// and history, awards with caps, reversal once, freeze, expiry with notices; verify after each.
import { beforeEach, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, staffToken, phoneToken } from '../../../../tests/support/app';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { commitIssuance, previewIssuance } from '@tmc/core/policy/issuance';
import { createIssuanceRunStore } from '@tmc/store/entities/issuance-runs';
import { capture, hold } from '@tmc/core/ledger/service';
import { runJob } from '../compose/jobs';
import { policyNow } from '../compose/policy-now';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp({ seedElders: 24 });
  admin = await staffToken(t.app, 'admin');
});

const firstElderId = async () => {
  const phone = t.seed?.elderPhones[0] ?? '';
  return (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone)))[0] ?? '';
};
const idem = (k: string) => ({ 'idempotency-key': `test-key-${k}` });
const verifyOk = async () => expect((await verifyLedger(t.db)).problems).toEqual([]);

describe('monthly issuance', () => {
  it('the stored preview (computed by its job) writes no points and matches what the commit issues', async () => {
    expect((await t.app.request('/api/issuance/2026-11/preview', bearer(admin, { method: 'POST' }))).status).toBe(202);
    await runJob(t.deps, { job: 'issuance-preview', month: '2026-11', scope: null }); // what the started job does
    const res = await t.app.request('/api/issuance/2026-11/preview', bearer(admin));
    expect(res.status).toBe(200);
    const stored = (await res.json()) as {
      status: string;
      computed_at: string;
      preview: { elders: number; points: number; by_street: Record<string, { points: number }> };
    };
    expect(stored).toMatchObject({ status: 'ready', computed_at: t.clock.now().toISOString() });
    const preview = stored.preview;
    expect(preview.elders).toBeGreaterThan(10);
    expect(Object.values(preview.by_street).reduce((s, x) => s + x.points, 0)).toBe(preview.points);
    expect((await verifyLedger(t.db)).counts.entries).toBe(0);
    const out = await runJob(t.deps, { job: 'issuance', month: '2026-11' });
    expect(out).toMatchObject({ status: 'completed', issued: preview.elders, points: preview.points });
    await verifyOk();
  });

  it('a crash half way then a resume issues each elder exactly once', async () => {
    const policy = await policyNow(t.deps);
    const deps = { ...t.deps, runs: createIssuanceRunStore(t.db) };
    const expected = await previewIssuance(t.deps, policy, '2026-11', null);
    const partial = await commitIssuance(deps, policy, '2026-11', { maxPages: 2 });
    expect(partial.status).toBe('running');
    await expect(commitIssuance(deps, policy, '2026-11')).rejects.toMatchObject({ code: 'ISSUANCE_RUNNING' });
    const done = await commitIssuance(deps, policy, '2026-11', { resume: true });
    expect(done).toMatchObject({ status: 'completed', points: expected.points });
    expect(done.issued + done.already).toBe(expected.elders);
    const again = await commitIssuance(deps, policy, '2026-11', { resume: true });
    expect(again).toMatchObject({
      status: 'completed',
      pass: 2,
      issued: done.issued,
      already: done.already,
      points: done.points,
    }); // a newcomer pass: nobody new, nothing more
    // completed, not resumed: nothing at all
    expect(await commitIssuance(deps, policy, '2026-11')).toMatchObject({ version: again.version });
    const report = await verifyLedger(t.db);
    expect(report.problems).toEqual([]);
    expect(report.counts.entries).toBe(expected.elders);
  });

  it('the commit route starts a background job; staff below admin may not', async () => {
    const started: unknown[] = [];
    t.deps.jobs = {
      start: async (j) => {
        started.push(j);
      },
    };
    const xicheng = await staffToken(t.app, 'xicheng');
    expect((await t.app.request('/api/issuance/2026-11/commit', bearer(xicheng, json({})))).status).toBe(403);
    expect((await t.app.request('/api/issuance/2026-11/commit', bearer(admin, json({})))).status).toBe(202);
    // the job walks the run the start claimed
    expect(started).toEqual([{ job: 'issuance', month: '2026-11', resume: true }]);
  });
});

describe('balances, history, awards, reversal, freeze', () => {
  beforeEach(async () => {
    await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  });

  it('the elder sees balance, expiry and readable history', async () => {
    const token = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
    const id = await firstElderId();
    const pts = (await (await t.app.request(`/api/elders/${id}/points`, bearer(token))).json()) as {
      balance_points: number;
      expiring: { expires_on: string; points: number }[];
    };
    expect(pts.balance_points).toBeGreaterThan(0);
    expect(pts.expiring[0]?.expires_on).toBe('2026-12-31');
    const hist = (await (await t.app.request(`/api/elders/${id}/points/history`, bearer(token))).json()) as {
      items: { description: string; amount_points: number; balance_after: number }[];
    };
    expect(hist.items[0]?.description).toContain('每月补贴积分');
    expect(hist.items[0]?.balance_after).toBe(pts.balance_points);
    const stranger = await phoneToken(t.app, t.deps, '17000009555', 'family');
    expect((await t.app.request(`/api/elders/${id}/points`, bearer(stranger))).status).toBe(403);
  });

  it('awards respect the monthly cap and replay by Idempotency-Key', async () => {
    const id = await firstElderId();
    const award = (k: string) =>
      t.app.request(
        `/api/elders/${id}/awards`,
        bearer(admin, json({ kind: 'community_event', reason: '社区重阳活动' }, idem(k))),
      );
    expect((await award('a1')).status).toBe(201);
    const replay = await award('a1');
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await award('a2')).status).toBe(201);
    expect((await award('a3')).status).toBe(201);
    const fourth = await award('a4');
    expect(fourth.status).toBe(422);
    expect(((await fourth.json()) as { error: { code: string } }).error.code).toBe('CAP_EXCEEDED');
    expect(
      (await t.app.request(`/api/elders/${id}/awards`, bearer(admin, json({ kind: 'community_event', reason: 'x' }))))
        .status,
    ).toBe(400); // no key
    await verifyOk();
  });

  it('reverses an entry once; the same key replays; a different reason with the same key is refused', async () => {
    const id = await firstElderId();
    const entry = `allowance:${id}:2026-11`;
    const r1 = await t.app.request(
      `/api/ledger/entries/${encodeURIComponent(entry)}/reverse`,
      bearer(admin, json({ reason: '重复发放' }, idem('rev1'))),
    );
    expect(r1.status).toBe(201);
    expect(
      (
        await t.app.request(
          `/api/ledger/entries/${encodeURIComponent(entry)}/reverse`,
          bearer(admin, json({ reason: '重复发放' }, idem('rev1'))),
        )
      ).headers.get('idempotent-replayed'),
    ).toBe('true');
    const reused = await t.app.request(
      `/api/ledger/entries/${encodeURIComponent(entry)}/reverse`,
      bearer(admin, json({ reason: '别的原因' }, idem('rev1'))),
    );
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const twice = await t.app.request(
      `/api/ledger/entries/${encodeURIComponent(entry)}/reverse`,
      bearer(admin, json({ reason: '重复发放' }, idem('rev2'))),
    );
    expect(((await twice.json()) as { error: { code: string } }).error.code).toBe('ALREADY_REVERSED');
    expect(
      ((await (await t.app.request(`/api/elders/${id}/points`, bearer(admin))).json()) as { balance_points: number })
        .balance_points,
    ).toBe(0);
    await verifyOk();
  });

  it(
    '30 parallel reversals with different keys: one 201, every other 409 ' +
      'ALREADY_REVERSED naming the winner; one audit record',
    async () => {
      const id = await firstElderId();
      const entry = `allowance:${id}:2026-11`;
      const path = `/api/ledger/entries/${encodeURIComponent(entry)}/reverse`;
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          t.app.request(path, bearer(admin, json({ reason: '重复发放' }, idem(`par-rev-${i}`)))),
        ),
      );
      const bodies = await Promise.all(
        answers.map(async (r) => ({
          status: r.status,
          body: (await r.json()) as { error?: { code: string; details?: { reversed_by?: string } } },
        })),
      );
      expect(bodies.filter((b) => b.status === 201)).toHaveLength(1);
      const losers = bodies.filter((b) => b.status !== 201);
      expect(losers.map((b) => `${b.status} ${b.body.error?.code}`)).toEqual(
        Array.from({ length: 29 }, () => '409 ALREADY_REVERSED'),
      );
      expect(losers.every((b) => b.body.error?.details?.reversed_by === `reversal:${entry}`)).toBe(true);
      expect(
        (await t.deps.audit.listBySubject(`entry:${entry}`, 100)).items.filter((a) => a.action === 'ledger.reverse'),
      ).toHaveLength(1);
      expect((await t.deps.ledger.account(`wallet:${id}`)).balance_points).toBe(0);
      await verifyOk();
    },
  );

  it(
    '30 parallel reversals with one key: all 201 with the same reversal, 29 ' +
      'of them marked as replays; one audit record',
    async () => {
      const id = await firstElderId();
      const entry = `allowance:${id}:2026-11`;
      const path = `/api/ledger/entries/${encodeURIComponent(entry)}/reverse`;
      const answers = await Promise.all(
        Array.from({ length: 30 }, () =>
          t.app.request(path, bearer(admin, json({ reason: '重复发放' }, idem('same-rev-key')))),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 201));
      expect(answers.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
      expect(
        new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as { entry_id: string }).entry_id))),
      ).toEqual(new Set([`reversal:${entry}`]));
      expect(
        (await t.deps.audit.listBySubject(`entry:${entry}`, 100)).items.filter((a) => a.action === 'ledger.reverse'),
      ).toHaveLength(1);
      await verifyOk();
    },
  );

  it(
    'a capture is not reversed through the ledger route (its order would ' + 'stay behind): 422, nothing moves',
    async () => {
      const id = await firstElderId();
      await hold(t.deps, {
        hold_id: 'o_caprev0001',
        elder_id: id,
        amount_points: 5,
        category: 'barber',
        subsidy_allowed: true,
        per_order_max: null,
        per_month_max: null,
        expires_at: '2026-11-30T00:00:00Z',
        actor: 't',
        reason: 't',
      });
      await capture(t.deps, {
        hold_id: 'o_caprev0001',
        amount_points: 5,
        merchant_id: 'm_caprev',
        actor: 't',
        reason: 't',
        policy_version: null,
      });
      const res = await t.app.request(
        `/api/ledger/entries/${encodeURIComponent('capture:o_caprev0001')}/reverse`,
        bearer(admin, json({ reason: '误扣' }, idem('caprev1'))),
      );
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ error: { code: 'ENTRY_NOT_REVERSIBLE', details: { kind: 'capture' } } });
      expect((await t.deps.ledger.account('merchant:m_caprev')).balance_points).toBe(5);
      expect(await t.deps.ledger.isReversed('capture:o_caprev0001')).toBe(false);
      await verifyOk();
    },
  );

  it('a frozen wallet cannot spend; unfreezing lets it spend again', async () => {
    const id = await firstElderId();
    expect(
      (await t.app.request(`/api/elders/${id}/wallet/freeze`, bearer(admin, json({ reason: '疑似冒用' })))).status,
    ).toBe(200);
    const spend = (hold_id: string) =>
      hold(t.deps, {
        hold_id,
        elder_id: id,
        amount_points: 5,
        category: 'barber',
        subsidy_allowed: true,
        per_order_max: null,
        per_month_max: null,
        expires_at: '2026-11-30T00:00:00Z',
        actor: 't',
        reason: 't',
      });
    await expect(spend('f1')).rejects.toMatchObject({ code: 'WALLET_FROZEN' });
    // the record is written with the change, in one transaction
    const freezes = (await t.deps.audit.listBySubject(`elder:${id}`, 50)).items.filter(
      (a) => a.action === 'wallet.freeze',
    );
    expect(freezes.map((a) => a.detail?.reason)).toEqual(['疑似冒用']);
    expect(
      (await t.app.request(`/api/elders/${id}/wallet/unfreeze`, bearer(admin, json({ reason: '核实无误' })))).status,
    ).toBe(200);
    await expect(spend('f2')).resolves.toMatchObject({ replayed: false });
    await verifyOk();
  });

  it('daily job: lots past their date expire once, and elders are told 30 days ahead once', async () => {
    t.clock.set('2026-12-01T08:00:00Z');
    const notice = await runJob(t.deps, { job: 'daily' });
    expect(notice.notified).toBeGreaterThan(0);
    expect((await runJob(t.deps, { job: 'daily' })).notified).toBe(0);
    t.clock.set('2027-01-01T08:00:00Z');
    const first = await runJob(t.deps, { job: 'daily' });
    expect(first.entries).toBeGreaterThan(0);
    const second = await runJob(t.deps, { job: 'daily' });
    expect(second.entries).toBe(0);
    const id = await firstElderId();
    expect((await t.deps.ledger.account(`wallet:${id}`)).balance_points).toBe(0);
    await verifyOk();
  });

  it('as-of balance for statements', async () => {
    const id = await firstElderId();
    const res = await t.app.request(
      `/api/ledger/balance?account=wallet:${id}&as_of=2026-11-22T00:00:00Z`,
      bearer(admin),
    );
    expect(((await res.json()) as { balance_points: number }).balance_points).toBe(0);
    const now = await t.app.request(
      `/api/ledger/balance?account=wallet:${id}&as_of=2026-11-30T00:00:00Z`,
      bearer(admin),
    );
    expect(((await now.json()) as { balance_points: number }).balance_points).toBeGreaterThan(0);
  });
});

describe('awards by CSV', () => {
  it('checks every row (caps summed over the file) before awarding; a re-upload awards nothing twice', async () => {
    const id = await firstElderId();
    const card = (await t.deps.elders.get(id))?.card_number ?? '';
    const upload = (csv: string) =>
      t.app.request(
        '/api/awards/csv',
        bearer(admin, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv }),
      );
    const tooMuch = `卡号,类型,数量,说明\n${card},社区活动,1,重阳节\n${card},社区活动,1,读书会\n${card},社区活动,1,合唱\n${card},社区活动,1,第四次\n`;
    const rejected = await upload(tooMuch);
    expect(rejected.status).toBe(422);
    expect(JSON.stringify(await rejected.json())).toContain('CAP_EXCEEDED');
    expect(
      await t.deps.ledger.counter({
        kind: 'award_month',
        elder_id: id,
        month: '2026-11',
        award_kind: 'community_event',
      }),
    ).toBe(0);
    const ok = `卡号,类型,数量,说明\n${card},社区活动,1,重阳节\n${card},志愿服务,3,助老志愿\n`;
    expect(await (await upload(ok)).json()).toEqual({ awarded: 2, already: 0 });
    expect(await (await upload(ok)).json()).toEqual({ awarded: 0, already: 2 });
    const bad = await upload(`卡号,类型,数量,说明\n812345678900,跳舞,x,\n`);
    expect(bad.status).toBe(422);
    await verifyOk();
  });
});
