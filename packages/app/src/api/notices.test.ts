// Declared notices are sent, once per change and recipient, even when the change is raced:
// binding confirmed/removed (to the elder and the family member), merchant approved, rejected and
// suspended, refund paid; expiry warnings reach bound family and survive a missed day.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Notice } from '@tmc/core/notices/ports';
import { isFakeGateway } from '@tmc/payments/fake';
import { usccCheckChar } from '@tmc/core/merchants/model';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';
import { runJob } from '../compose/jobs';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let sent: Notice[];
let admin: string;
let elder: { elder_id: string; card_number: string; phone: string };
const FAMILY_PHONE = '17000009301';

beforeEach(async () => {
  t = await makeTestApp({ seedElders: 4 });
  const real = t.deps.notifier;
  sent = [];
  // every send goes through here, so a notice counted is a notice sent
  t.deps.notifier = {
    send: async (n) => {
      sent.push(n);
      await real.send(n);
    },
  };
  admin = await staffToken(t.app, 'admin');
  const phone = t.seed?.elderPhones[0] ?? '';
  const rec = await t.deps.elders.get(
    (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone)))[0] ?? '',
  );
  elder = { elder_id: rec?.elder_id ?? '', card_number: rec?.card_number ?? '', phone };
});

const of = (template: string, to?: string) =>
  sent.filter((n) => n.template === template && (to === undefined || n.to_phone === to));
const param = (n: Notice | undefined, name: string): string | undefined =>
  n ? (n.params as Record<string, string>)[name] : undefined;
const familyIdOf = async (token: string) =>
  ((await (await t.app.request('/api/me', bearer(token))).json()) as { sub: string }).sub.split(':')[1] ?? '';

const requestBinding = async (phone: string, relation = '女儿') => {
  const token = await phoneToken(t.app, t.deps, phone, 'family');
  const res = await t.app.request(
    '/api/family/bindings',
    bearer(token, json({ card_number: elder.card_number, relation })),
  );
  expect(res.status).toBe(201);
  return { token, family_id: await familyIdOf(token) };
};

const bindByCode = async (phone: string) => {
  const f = await requestBinding(phone);
  const code = (await t.deps.outbox?.latestFor(elder.phone))?.text_zh.match(/(\d{6})/)?.[1] ?? '';
  expect(
    (await t.app.request(`/api/family/bindings/${elder.elder_id}/confirm`, bearer(f.token, json({ code })))).status,
  ).toBe(200);
  return f;
};

describe('binding notices', () => {
  it('30 staff confirmations at once: one winner; the elder and the family member are each told once', async () => {
    const f = await requestBinding(FAMILY_PHONE);
    const res = await Promise.all(
      Array.from({ length: 30 }, () =>
        t.app.request(
          `/api/elders/${elder.elder_id}/bindings/${f.family_id}/confirm`,
          bearer(admin, { method: 'POST' }),
        ),
      ),
    );
    expect(res.filter((r) => r.status === 200)).toHaveLength(1);
    expect(of('binding_confirmed', elder.phone)).toHaveLength(1);
    expect(of('binding_confirmed', elder.phone)[0]?.params).toEqual({
      family_phone_masked: '170****9301',
      relation: '女儿',
    });
    expect(of('binding_confirmed_family', FAMILY_PHONE)).toHaveLength(1);
    expect(of('binding_removed')).toHaveLength(0);
  });

  it(
    'confirmed by code, then 30 removals at once (elder and family racing): ' + 'each side told of the removal once',
    async () => {
      const f = await bindByCode(FAMILY_PHONE);
      expect(of('binding_confirmed', elder.phone)).toHaveLength(1);
      const elderToken = await phoneToken(t.app, t.deps, elder.phone, 'elder');
      const res = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 2
            ? t.app.request(
                `/api/elders/${elder.elder_id}/bindings/${f.family_id}`,
                bearer(elderToken, { method: 'DELETE' }),
              )
            : t.app.request(`/api/family/bindings/${elder.elder_id}`, bearer(f.token, { method: 'DELETE' })),
        ),
      );
      expect(res.filter((r) => r.status === 200)).toHaveLength(1);
      expect(of('binding_removed', elder.phone)).toHaveLength(1);
      expect(of('binding_removed_family', FAMILY_PHONE)).toHaveLength(1);
      // binding again is a new change, told again
      await bindByCode(FAMILY_PHONE);
      expect(of('binding_confirmed', elder.phone)).toHaveLength(2);
    },
  );
});

describe('merchant decision notices', () => {
  const apply = async (phone: string, ussc: string) => {
    const m = await phoneToken(t.app, t.deps, phone, 'merchant');
    const res = await t.app.request(
      '/api/merchant/application',
      bearer(
        m,
        json({
          business_name: '通知测试店',
          uscc: ussc + (usccCheckChar(ussc) ?? ''),
          licence_number: 'JY1',
          contact_name: '李',
          contact_phone: '17000030099',
          address: '胜利社区 1号',
          location: { lat: 31.7045, lng: 113.3495 },
          community_code: 'zengdu.xicheng.shengli',
          categories: ['barber'],
        }),
      ),
    );
    expect(res.status).toBe(201);
    return ((await res.json()) as { merchant_id: string }).merchant_id;
  };
  const decide = (id: string, d: string, reason: string) =>
    t.app.request(`/api/merchants/${id}/${d}`, bearer(admin, json({ reason })));

  it(
    "approve and suspend, each raced 25 times: the shop's sign-in phone " + 'hears each once, with the reason',
    async () => {
      const id = await apply('17000030011', '91421303MA9999981');
      expect(
        (await Promise.all(Array.from({ length: 25 }, () => decide(id, 'approve', '资料齐全')))).filter(
          (r) => r.status === 200,
        ),
      ).toHaveLength(1);
      expect(of('merchant_approved', '17000030011')).toHaveLength(1);
      expect(
        (await Promise.all(Array.from({ length: 25 }, () => decide(id, 'suspend', '投诉核查')))).filter(
          (r) => r.status === 200,
        ),
      ).toHaveLength(1);
      expect(of('merchant_suspended', '17000030011').map((n) => n.params)).toEqual([
        { merchant_name: '通知测试店', reason: '投诉核查' },
      ]);
      expect(of('merchant_approved', '17000030099')).toHaveLength(0); // not the unverified contact phone
    },
  );

  it('reject: told once with the reason', async () => {
    const id = await apply('17000030012', '91421303MA9999982');
    expect(
      (await Promise.all(Array.from({ length: 20 }, () => decide(id, 'reject', '执照过期')))).filter(
        (r) => r.status === 200,
      ),
    ).toHaveLength(1);
    expect(of('merchant_rejected', '17000030012').map((n) => n.params)).toEqual([
      { merchant_name: '通知测试店', reason: '执照过期' },
    ]);
  });
});

describe('refund paid notice', () => {
  it('the payer is told once when the provider confirms the refund, however often it says so', async () => {
    const g = t.deps.payments;
    if (!isFakeGateway(g)) throw new Error('tests expect the fake gateway');
    const f = await bindByCode(FAMILY_PHONE);
    const start = await t.app.request(
      '/api/topups',
      bearer(
        f.token,
        json({ elder_id: elder.elder_id, amount_fen: 5_000 }, { 'idempotency-key': 'notice-topup-0001' }),
      ),
    );
    const topup_id = ((await start.json()) as { topup_id: string }).topup_id;
    const deliver = async (type: 'payment.succeeded' | 'refund.succeeded', event_id?: string) => {
      const s = g.signEvent({ type, topup_id, amount_fen: 5_000, ...(event_id ? { event_id } : {}) }, t.clock.now());
      return t.app.request('/api/payments/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-signature': s.header },
        body: s.body,
      });
    };
    expect((await deliver('payment.succeeded')).status).toBe(200);
    const finance = await staffToken(t.app, 'finance');
    expect(
      (
        await t.app.request(
          `/api/topups/${topup_id}/refund`,
          bearer(finance, json({ reason: '家属申请退款' }, { 'idempotency-key': 'notice-refund-01' })),
        )
      ).status,
    ).toBe(200);
    expect(of('refund_paid')).toHaveLength(0); // asked for, not yet paid back
    await Promise.all(Array.from({ length: 20 }, (_, i) => deliver('refund.succeeded', `evt_refund_${i}`)));
    expect(of('refund_paid', FAMILY_PHONE).map((n) => n.params)).toEqual([
      { elder_name_masked: expect.stringMatching(/\*/), amount_yuan: '50.00', points: '50' },
    ]);
  });
});

describe('expiry warnings', () => {
  it(
    'a run that missed the 30-day mark still warns inside the window, the ' + 'elder and bound family, once each',
    async () => {
      await runJob(t.deps, { job: 'issuance', month: '2026-11' }); // expires 2026-12-31
      await bindByCode(FAMILY_PHONE);
      t.clock.set('2026-12-11T08:00:00Z'); // 20 days ahead: the job did not run on 12-01
      const first = await runJob(t.deps, { job: 'daily' });
      expect(first.notified).toBeGreaterThan(1);
      expect(of('points_expiring', elder.phone).map((n) => param(n, 'day'))).toEqual(['2026-12-31']);
      const fam = of('points_expiring_family', FAMILY_PHONE);
      expect(fam).toHaveLength(1);
      expect(param(fam[0], 'points')).toBe(param(of('points_expiring', elder.phone)[0], 'points'));
      expect((await runJob(t.deps, { job: 'daily' })).notified).toBe(0);
      // a family member bound since is told on the next run; nobody else again
      await bindByCode('17000009302');
      t.clock.set('2026-12-12T08:00:00Z');
      expect((await runJob(t.deps, { job: 'daily' })).notified).toBe(1);
      expect(of('points_expiring_family', '17000009302')).toHaveLength(1);
      expect(of('points_expiring', elder.phone)).toHaveLength(1);
    },
  );
});
