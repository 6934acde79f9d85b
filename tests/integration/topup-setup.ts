// The family top-up world both top-up test files share: a fresh app on DynamoDB Local with the fake
// gateway, an elder bound to a family member, a finance officer, and the webhook / refund / spend
// helpers. useTopupApp() sets it up before each test and verifies the ledger after each.
import { afterEach, beforeEach, expect } from 'vitest';
import { hold } from '@tmc/core/ledger/service';
import { isFakeGateway, type FakeEventType, type FakeGateway } from '@tmc/payments/fake';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../support/app';

export let t: Awaited<ReturnType<typeof makeTestApp>>;
export let g: FakeGateway;
export let family: string;
export let finance: string;
export let elder: { elder_id: string; card_number: string; phone: string };
export const FAMILY_PHONE = '17000007701';

export const errCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
export const wallet = async () => (await t.deps.ledger.account(`wallet:${elder.elder_id}`)).balance_points;
export type TopupView = {
  topup_id: string;
  status: string;
  amount_points: number;
  refunded_points: number;
  refunded_fen: number;
  refund_confirmed: boolean;
};

export const startTopup = async (amount_fen: number, key: string): Promise<string> => {
  const res = await t.app.request(
    '/api/topups',
    bearer(family, json({ elder_id: elder.elder_id, amount_fen }, { 'idempotency-key': key })),
  );
  if (res.status !== 201) throw new Error(`start: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { topup_id: string }).topup_id;
};

export const postWebhook = (body: string, header?: string) =>
  t.app.request('/api/payments/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header ? { 'x-fake-signature': header } : {}) },
    body,
  });

export const deliver = async (
  type: FakeEventType,
  topup_id: string,
  amount_fen: number,
  opts: { event_id?: string; at?: Date } = {},
) => {
  const s = g.signEvent(
    { type, topup_id, amount_fen, ...(opts.event_id ? { event_id: opts.event_id } : {}) },
    opts.at ?? t.clock.now(),
  );
  const res = await postWebhook(s.body, s.header);
  return { status: res.status, body: (await res.json()) as { duplicate: boolean; outcome: string }, signed: s };
};

export const refund = (topup_id: string, key: string | null, reason = '家属申请退款', token = finance) =>
  t.app.request(
    `/api/topups/${topup_id}/refund`,
    bearer(token, json({ reason }, key ? { 'idempotency-key': key } : {})),
  );

export const spend = (hold_id: string, amount_points: number) =>
  hold(t.deps, {
    hold_id,
    elder_id: elder.elder_id,
    amount_points,
    category: 'barber',
    subsidy_allowed: false,
    per_order_max: null,
    per_month_max: null,
    expires_at: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
    actor: 'test',
    reason: '理发',
  });
export const useTopupApp = () => {
  beforeEach(async () => {
    t = await makeTestApp({ seedElders: 3 });
    if (!isFakeGateway(t.deps.payments)) throw new Error('tests expect the fake gateway');
    g = t.deps.payments;
    const phone = t.seed?.elderPhones[0] ?? '';
    const rec = await t.deps.elders.get(
      (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone)))[0] ?? '',
    );
    elder = { elder_id: rec?.elder_id ?? '', card_number: rec?.card_number ?? '', phone };
    family = await phoneToken(t.app, t.deps, FAMILY_PHONE, 'family');
    await t.app.request(
      '/api/family/bindings',
      bearer(family, json({ card_number: elder.card_number, relation: '儿子' })),
    );
    const code = (await t.deps.outbox?.latestFor(phone))?.text_zh.match(/(\d{6})/)?.[1] ?? '';
    expect(
      (await t.app.request(`/api/family/bindings/${elder.elder_id}/confirm`, bearer(family, json({ code })))).status,
    ).toBe(200);
    finance = await staffToken(t.app, 'finance');
  });

  afterEach(async () => {
    expect((await verifyLedger(t.db)).problems).toEqual([]);
  });
};
