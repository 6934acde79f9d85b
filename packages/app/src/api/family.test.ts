// Family binding: request by card number, consent by the elder's code (or the elder, or staff
// for an elder without a phone), unbinding from either side, and what binding unlocks.
import { beforeEach, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let family: string;
let elderPhone: string;
let elder: { elder_id: string; card_number: string };
beforeEach(async () => {
  t = await makeTestApp({ seedElders: 5 });
  family = await phoneToken(t.app, t.deps, '17000009100', 'family');
  elderPhone = t.seed?.elderPhones[0] ?? '';
  const ids = await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', elderPhone));
  const rec = await t.deps.elders.get(ids[0] ?? '');
  elder = { elder_id: rec?.elder_id ?? '', card_number: rec?.card_number ?? '' };
});

const codeFor = async (p: string) => (await t.deps.outbox?.latestFor(p))?.text_zh.match(/(\d{6})/)?.[1] ?? '';
const errCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('family binding', () => {
  it('binds with the code sent to the elder; then the family member can read the elder', async () => {
    expect((await t.app.request(`/api/elders/${elder.elder_id}`, bearer(family))).status).toBe(403);
    const req = await t.app.request(
      '/api/family/bindings',
      bearer(family, json({ card_number: elder.card_number, relation: '女儿' })),
    );
    expect(req.status).toBe(201);
    expect(((await req.json()) as { code_sent: boolean }).code_sent).toBe(true);
    const msg = await t.deps.outbox?.latestFor(elderPhone);
    expect(msg?.text_zh).toContain('170****9100'); // the elder sees who is asking, masked
    const ok = await t.app.request(
      `/api/family/bindings/${elder.elder_id}/confirm`,
      bearer(family, json({ code: await codeFor(elderPhone) })),
    );
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { status: string }).status).toBe('active');
    expect((await t.app.request(`/api/elders/${elder.elder_id}`, bearer(family))).status).toBe(200);
    // audited
    const admin = await staffToken(t.app, 'admin');
    const audit = (await (await t.app.request(`/api/elders/${elder.elder_id}/audit`, bearer(admin))).json()) as {
      items: { action: string }[];
    };
    expect(audit.items.map((a) => a.action)).toEqual(
      expect.arrayContaining(['binding.request', 'binding.confirm_by_code']),
    );
  });

  it('a wrong code does not bind; a second request while pending is BINDING_EXISTS', async () => {
    await t.app.request(
      '/api/family/bindings',
      bearer(family, json({ card_number: elder.card_number, relation: '儿子' })),
    );
    const right = await codeFor(elderPhone);
    const bad = await t.app.request(
      `/api/family/bindings/${elder.elder_id}/confirm`,
      bearer(family, json({ code: right === '000000' ? '111111' : '000000' })),
    );
    expect(await errCode(bad)).toBe('OTP_INVALID');
    expect((await t.app.request(`/api/elders/${elder.elder_id}`, bearer(family))).status).toBe(403);
    const again = await t.app.request(
      '/api/family/bindings',
      bearer(family, json({ card_number: elder.card_number, relation: '儿子' })),
    );
    expect(await errCode(again)).toBe('BINDING_EXISTS');
  });

  it('the elder confirms on their own page, then unbinds; access ends', async () => {
    const famId = ((await (await t.app.request('/api/me', bearer(family))).json()) as { sub: string }).sub.split(
      ':',
    )[1];
    await t.app.request(
      '/api/family/bindings',
      bearer(family, json({ card_number: elder.card_number, relation: '孙女' })),
    );
    const elderToken = await phoneToken(t.app, t.deps, elderPhone, 'elder');
    const list = (await (await t.app.request(`/api/elders/${elder.elder_id}/bindings`, bearer(elderToken))).json()) as {
      items: { status: string }[];
    };
    expect(list.items).toHaveLength(1);
    expect(
      (
        await t.app.request(
          `/api/elders/${elder.elder_id}/bindings/${famId}/confirm`,
          bearer(elderToken, { method: 'POST' }),
        )
      ).status,
    ).toBe(200);
    expect((await t.app.request(`/api/elders/${elder.elder_id}`, bearer(family))).status).toBe(200);
    expect(
      (await t.app.request(`/api/elders/${elder.elder_id}/bindings/${famId}`, bearer(elderToken, { method: 'DELETE' })))
        .status,
    ).toBe(200);
    expect((await t.app.request(`/api/elders/${elder.elder_id}`, bearer(family))).status).toBe(403);
  });

  it('an elder cannot confirm bindings of another elder', async () => {
    const famId = ((await (await t.app.request('/api/me', bearer(family))).json()) as { sub: string }).sub.split(
      ':',
    )[1];
    await t.app.request(
      '/api/family/bindings',
      bearer(family, json({ card_number: elder.card_number, relation: '孙女' })),
    );
    const other = t.seed?.elderPhones[1] ?? '';
    const otherToken = await phoneToken(t.app, t.deps, other, 'elder');
    expect(
      (
        await t.app.request(
          `/api/elders/${elder.elder_id}/bindings/${famId}/confirm`,
          bearer(otherToken, { method: 'POST' }),
        )
      ).status,
    ).toBe(403);
  });

  it('an unknown or mistyped card number is refused without a lookup leak', async () => {
    expect(
      (
        await t.app.request(
          '/api/family/bindings',
          bearer(family, json({ card_number: '812345678901', relation: '女儿' })),
        )
      ).status,
    ).toBe(400);
  });
});
