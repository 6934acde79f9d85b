// Issue 8 §1: every guessable secret holds its limit when guesses arrive together. For each of
// the five (sign-in code, binding code, order code, card PIN, staff password) 20-40 guesses go
// out at once through the HTTP API: at most the limit are compared (a compared guess answers
// with `tries_left` or succeeds; a refused one only says when to retry), nothing succeeds once
// locked, and the right secret is refused after the lock. Plus the per-address limits (429 with
// Retry-After) on code sends and failed staff sign-ins.
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTEMPT_RULES } from '@tmc/core/auth/attempts';
import { DEMO_PIN } from '@tmc/local/seed';
import { bearer, json, makeTestApp, phoneToken } from '../../../../tests/support/app';
import { clientAddress } from '../http/client-address';
import { runJob } from '../compose/jobs';
import type { Ctx } from '../http/context';

let t: Awaited<ReturnType<typeof makeTestApp>>;
beforeAll(async () => {
  t = await makeTestApp({ seedElders: 16, merchants: true });
  if ((t.seed?.elderPhones.length ?? 0) < 6) throw new Error('the demo needs 6 elders with phones');
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  t.deps.scheduler = { at: async () => undefined };
}, 300_000);

type Outcome = { status: number; code: string | null; tries_left: number | undefined; retry_after: string | null };
const outcome = async (res: Response): Promise<Outcome> => {
  const body = (await res.json()) as { error?: { code: string; details?: { tries_left?: number } } };
  return {
    status: res.status,
    code: body.error?.code ?? null,
    tries_left: body.error?.details?.tries_left,
    retry_after: res.headers.get('retry-after'),
  };
};
/** Guesses that reached the comparison: a success, or a wrong answer that reports tries left. */
const compared = (xs: Outcome[]) => xs.filter((x) => x.status === 200 || x.tries_left !== undefined).length;
const wrongOnes = (right: string, n: number) =>
  Array.from({ length: n + 1 }, (_, i) => String(100000 + i * 7919))
    .filter((c) => c !== right)
    .slice(0, n);
/** The right one in the middle of 39 wrong ones, all sent at once. */
const withRight = (right: string) => {
  const g = wrongOnes(right, 39);
  g.splice(17, 0, right);
  return g;
};
const codeFor = async (p: string) => (await t.deps.outbox?.latestFor(p))?.text_zh.match(/(\d{6})/)?.[1] ?? '';
const from = (ip: string) => ({ requestContext: { http: { sourceIp: ip } } }); // what API Gateway hands the Lambda
const elderPhone = (i: number) => t.seed?.elderPhones[i] ?? '';
const elderIdOf = async (i: number) =>
  (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', elderPhone(i))))[0] ?? '';

describe('sign-in code (POST /api/auth/otp/verify)', () => {
  const verify = (phone: string, code: string) =>
    t.app.request('/api/auth/otp/verify', json({ phone, role: 'elder', code }));

  it(
    '40 at once, the right code among them: at most 5 compared, at most one ' +
      'sign-in; after the lock the right code is refused',
    async () => {
      const phone = elderPhone(0);
      await t.app.request('/api/auth/otp', json({ phone, role: 'elder' }));
      const right = await codeFor(phone);
      const outs = await Promise.all((await Promise.all(withRight(right).map((c) => verify(phone, c)))).map(outcome));
      expect(compared(outs)).toBeLessThanOrEqual(ATTEMPT_RULES.otp_code.max);
      const signedIn = outs.filter((o) => o.status === 200).length;
      expect(signedIn).toBeLessThanOrEqual(1);
      expect(outs.filter((o) => o.code === 'OTP_LOCKED').length).toBeGreaterThanOrEqual(
        40 - ATTEMPT_RULES.otp_code.max,
      );
      const after = await outcome(await verify(phone, right));
      expect(after.status).not.toBe(200); // locked, or already used by the one admitted right guess
      expect(after.code).toBe(signedIn ? 'OTP_EXPIRED' : 'OTP_LOCKED');
    },
  );

  it('40 wrong at once lock the code; then the right one is refused with OTP_LOCKED and Retry-After', async () => {
    const phone = elderPhone(1);
    await t.app.request('/api/auth/otp', json({ phone, role: 'elder' }));
    const right = await codeFor(phone);
    const outs = await Promise.all((await Promise.all(wrongOnes(right, 40).map((c) => verify(phone, c)))).map(outcome));
    expect(compared(outs)).toBe(ATTEMPT_RULES.otp_code.max);
    expect(outs.filter((o) => o.code === 'OTP_INVALID')).toHaveLength(ATTEMPT_RULES.otp_code.max - 1);
    const after = await outcome(await verify(phone, right));
    expect(after).toMatchObject({ status: 429, code: 'OTP_LOCKED', tries_left: undefined });
    expect(Number(after.retry_after)).toBeGreaterThan(0);
    // a new code gets its own tries
    t.clock.advance(60_000);
    await t.app.request('/api/auth/otp', json({ phone, role: 'elder' }));
    expect((await verify(phone, await codeFor(phone))).status).toBe(200);
  });
});

describe('family-binding code (POST /api/family/bindings/:elder_id/confirm)', () => {
  const setup = async (familyPhone: string, i: number) => {
    const family = await phoneToken(t.app, t.deps, familyPhone, 'family');
    const elder = await t.deps.elders.get(await elderIdOf(i));
    if (!elder) throw new Error('no elder');
    const req = await t.app.request(
      '/api/family/bindings',
      bearer(family, json({ card_number: elder.card_number, relation: '儿子' })),
    );
    expect(req.status).toBe(201);
    const confirm = (code: string) =>
      t.app.request(`/api/family/bindings/${elder.elder_id}/confirm`, bearer(family, json({ code })));
    const canRead = async () => (await t.app.request(`/api/elders/${elder.elder_id}`, bearer(family))).status === 200;
    return { confirm, canRead, right: await codeFor(elderPhone(i)) };
  };

  it(
    '40 confirmations at once, the right code among them: at most 5 ' + 'compared; a stranger is not bound once locked',
    async () => {
      const s = await setup('17000009100', 2);
      const outs = await Promise.all((await Promise.all(withRight(s.right).map(s.confirm))).map(outcome));
      expect(compared(outs)).toBeLessThanOrEqual(ATTEMPT_RULES.binding_code.max);
      const bound = outs.filter((o) => o.status === 200).length;
      expect(bound).toBeLessThanOrEqual(1);
      expect(await s.canRead()).toBe(bound === 1);
    },
  );

  it('40 wrong confirmations at once lock the code; the right code afterwards does not bind', async () => {
    const s = await setup('17000009101', 3);
    const outs = await Promise.all((await Promise.all(wrongOnes(s.right, 40).map(s.confirm))).map(outcome));
    expect(compared(outs)).toBe(ATTEMPT_RULES.binding_code.max);
    const after = await outcome(await s.confirm(s.right));
    expect(after).toMatchObject({ status: 429, code: 'OTP_LOCKED' });
    expect(after.retry_after).not.toBeNull();
    expect(await s.canRead()).toBe(false);
  });
});

describe('staff password (POST /api/auth/staff/login)', () => {
  const login = (username: string, password: string, init: object = {}) =>
    t.app.request('/api/auth/staff/login', json({ username, password }), init);

  it(
    '20 wrong passwords at once lock finance after exactly 5 compared; the ' + 'right password is then refused',
    async () => {
      const outs = await Promise.all(
        (await Promise.all(Array.from({ length: 20 }, (_, i) => login('finance', `wrong-${i}`)))).map(outcome),
      );
      expect(compared(outs)).toBe(ATTEMPT_RULES.staff_password.max);
      expect(outs.filter((o) => o.code === 'LOGIN_FAILED')).toHaveLength(4);
      expect(outs.filter((o) => o.code === 'ACCOUNT_LOCKED')).toHaveLength(16);
      const after = await outcome(await login('finance', 'demo-2026'));
      expect(after).toMatchObject({ status: 423, code: 'ACCOUNT_LOCKED' });
      expect(Number(after.retry_after)).toBeGreaterThan(0);
      t.clock.advance(ATTEMPT_RULES.staff_password.window_ms);
      expect((await login('finance', 'demo-2026')).status).toBe(200);
    },
  );

  it('40 at once, the right password among them: at most 5 wrong ones compared, at most one sign-in', async () => {
    const guesses = withRight('demo-2026').map((g) => (g === 'demo-2026' ? g : `pw-${g}`));
    const outs = await Promise.all((await Promise.all(guesses.map((p) => login('xicheng', p)))).map(outcome));
    // a wrong password that was compared answers LOGIN_FAILED, or ACCOUNT_LOCKED with tries_left 0
    expect(outs.filter((o) => o.code === 'LOGIN_FAILED' || o.tries_left !== undefined).length).toBeLessThanOrEqual(
      ATTEMPT_RULES.staff_password.max,
    );
    const signedIn = outs.filter((o) => o.status === 200).length;
    expect(signedIn).toBeLessThanOrEqual(1);
    if (!signedIn) expect((await outcome(await login('xicheng', 'demo-2026'))).code).toBe('ACCOUNT_LOCKED');
  });

  it(
    'a right password gives its try back: 4 wrong, then right ones sign in ' + 'and do not count; the 5th wrong locks',
    async () => {
      for (let i = 0; i < 4; i++) expect((await outcome(await login('zengdu', 'nope'))).code).toBe('LOGIN_FAILED');
      for (let i = 0; i < 3; i++) expect((await login('zengdu', 'demo-2026')).status).toBe(200);
      expect(await outcome(await login('zengdu', 'nope'))).toMatchObject({ code: 'ACCOUNT_LOCKED', tries_left: 0 });
      expect((await outcome(await login('zengdu', 'demo-2026'))).code).toBe('ACCOUNT_LOCKED');
    },
  );

  it(
    'failed sign-ins across accounts from one address: 20, then 429 with ' +
      'Retry-After even for a right password; another address is not affected',
    async () => {
      const a = from('198.51.100.20');
      const outs = await Promise.all(
        (await Promise.all(Array.from({ length: 20 }, (_, i) => login(`nobody${i}`, 'x', a)))).map(outcome),
      );
      expect(outs.every((o) => o.code === 'LOGIN_FAILED')).toBe(true);
      const blocked = await outcome(await login('admin', 'demo-2026', a));
      expect(blocked).toMatchObject({ status: 429, code: 'ADDRESS_RATE_LIMITED' });
      expect(Number(blocked.retry_after)).toBe(ATTEMPT_RULES.staff_login_per_address.window_ms / 1000);
      expect((await login('admin', 'demo-2026', from('198.51.100.21'))).status).toBe(200);
    },
  );

  it('successful sign-ins do not use up the address', async () => {
    const a = from('198.51.100.30');
    for (let i = 0; i < ATTEMPT_RULES.staff_login_per_address.max + 2; i++)
      expect((await login('admin', 'demo-2026', a)).status).toBe(200);
  });
});

describe('codes sent per client address (POST /api/auth/otp)', () => {
  const send = (phone: string, init: object, headers: Record<string, string> = {}) =>
    t.app.request('/api/auth/otp', json({ phone, role: 'family' }, headers), init);

  it(
    '25 sends at once to different phones from one address: 20 go out, 5 ' +
      'get 429 with Retry-After; X-Forwarded-For does not help',
    async () => {
      const a = from('203.0.113.9');
      const res = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          send(`1390000${String(i).padStart(4, '0')}`, a, { 'x-forwarded-for': `10.0.0.${i}` }),
        ),
      );
      const outs = await Promise.all(
        res.map((r) =>
          r.status === 202 ? { status: 202, code: null, tries_left: undefined, retry_after: null } : outcome(r),
        ),
      );
      expect(outs.filter((o) => o.status === 202)).toHaveLength(ATTEMPT_RULES.otp_send_per_address.max);
      const refused = outs.filter((o) => o.status === 429);
      expect(refused).toHaveLength(5);
      for (const r of refused) {
        expect(r.code).toBe('ADDRESS_RATE_LIMITED');
        expect(Number(r.retry_after)).toBe(ATTEMPT_RULES.otp_send_per_address.window_ms / 1000);
      }
      expect(await t.deps.outbox?.latestFor('13900000030')).toBeNull();
      expect((await send('13900000030', from('203.0.113.10'))).status).toBe(202);
    },
  );

  it('binding requests count as sends from the address too', async () => {
    const a = from('203.0.113.50');
    for (let i = 0; i < ATTEMPT_RULES.otp_send_per_address.max; i++)
      expect((await send(`1390001${String(i).padStart(4, '0')}`, a)).status).toBe(202);
    const family = await phoneToken(t.app, t.deps, '17000009102', 'family');
    const elder = await t.deps.elders.get(await elderIdOf(5));
    const req = await t.app.request(
      '/api/family/bindings',
      bearer(family, json({ card_number: elder?.card_number ?? '', relation: '女儿' })),
      a,
    );
    expect((await outcome(req)).code).toBe('ADDRESS_RATE_LIMITED');
  });

  it('reads the address API Gateway saw, or the socket locally; never a header', () => {
    const ctx = (env: unknown, xff = '1.2.3.4') => ({ env, req: { header: () => xff } }) as unknown as Ctx;
    expect(clientAddress(ctx({ requestContext: { http: { sourceIp: '203.0.113.1' } } }))).toBe('203.0.113.1');
    expect(clientAddress(ctx({ requestContext: { identity: { sourceIp: '203.0.113.2' } } }))).toBe('203.0.113.2');
    expect(clientAddress(ctx({ incoming: { socket: { remoteAddress: '127.0.0.1' } } }))).toBe('127.0.0.1');
    expect(clientAddress(ctx(undefined))).toBeNull();
  });
});

describe('order redemption code and card PIN (POST /api/orders/:order_id/complete)', () => {
  let elder = '';
  let elderId = '';
  let merchant = '';
  let merchantPhone = '';
  let h: { merchant_id: string; service_id: string; price_points: number } = {
    merchant_id: '',
    service_id: '',
    price_points: 0,
  };
  let n = 0;
  beforeAll(async () => {
    await runJob(t.deps, { job: 'issuance', month: '2026-11' });
    elder = await phoneToken(t.app, t.deps, elderPhone(4), 'elder');
    elderId = await elderIdOf(4);
    const hits = (
      (await (await t.app.request('/api/search?category=barber&minutes=60', bearer(elder))).json()) as {
        items: (typeof h & { home_visit: boolean })[];
      }
    ).items.filter((x) => !x.home_visit);
    const hit = hits[0];
    if (!hit) throw new Error('no barber near the elder');
    h = hit;
    for (let i = 0; i < 36 && !merchant; i++) {
      const phone = `1700002${String(i).padStart(4, '0')}`;
      if ((await t.deps.accounts.get('merchant', t.deps.blindIndex('phone', phone)))?.account_id === h.merchant_id) {
        merchantPhone = phone;
        merchant = await phoneToken(t.app, t.deps, phone, 'merchant');
      }
    }
    if (!merchant) throw new Error('no merchant account');
  }, 300_000);

  const accepted = async () => {
    const res = await t.app.request(
      '/api/orders',
      bearer(
        elder,
        json(
          { merchant_id: h.merchant_id, service_id: h.service_id, slot_start: null },
          { 'idempotency-key': `attempts-${n++}` },
        ),
      ),
    );
    const o = (await res.json()) as { order_id: string; code: string };
    expect(res.status).toBe(201);
    expect((await t.app.request(`/api/orders/${o.order_id}/accept`, bearer(merchant, json({})))).status).toBe(200);
    return o;
  };
  const complete = (order_id: string, body: object) =>
    t.app.request(`/api/orders/${order_id}/complete`, bearer(merchant, json(body)));
  const status = async (order_id: string) => (await t.deps.orders.get(order_id))?.status;
  const shopBalance = async () => (await t.deps.ledger.account(`merchant:${h.merchant_id}`)).balance_points;

  it(
    '40 codes at once, the right one among them: at most 5 compared, ' +
      'completed at most once; after the lock the right code is refused',
    async () => {
      const o = await accepted();
      const before = await shopBalance();
      const outs = await Promise.all(
        (await Promise.all(withRight(o.code).map((code) => complete(o.order_id, { code })))).map(outcome),
      );
      expect(compared(outs)).toBeLessThanOrEqual(ATTEMPT_RULES.order_code.max);
      const done = outs.filter((x) => x.status === 200).length;
      expect(done).toBeLessThanOrEqual(1);
      expect(await shopBalance()).toBe(before + done * h.price_points);
      if (!done)
        expect(await outcome(await complete(o.order_id, { code: o.code }))).toMatchObject({
          status: 423,
          code: 'CODE_LOCKED',
        });
    },
  );

  it('40 wrong codes at once lock the order; the right code then does not complete it', async () => {
    const o = await accepted();
    const outs = await Promise.all(
      (await Promise.all(wrongOnes(o.code, 40).map((code) => complete(o.order_id, { code })))).map(outcome),
    );
    expect(compared(outs)).toBe(ATTEMPT_RULES.order_code.max);
    const after = await outcome(await complete(o.order_id, { code: o.code }));
    expect(after).toMatchObject({ status: 423, code: 'CODE_LOCKED' });
    expect(after.retry_after).not.toBeNull();
    expect(await status(o.order_id)).toBe('accepted');
  });

  it('40 PIN tries at once, then the right PIN: at most 5 compared, the order is not completed', async () => {
    const card = (await t.deps.elders.get(elderId))?.card_number ?? '';
    const o = await accepted();
    const before = await shopBalance();
    const outs = await Promise.all(
      (await Promise.all(wrongOnes(DEMO_PIN, 40).map((pin) => complete(o.order_id, { card_number: card, pin })))).map(
        outcome,
      ),
    );
    expect(compared(outs)).toBe(ATTEMPT_RULES.card_pin.max);
    expect(await outcome(await complete(o.order_id, { card_number: card, pin: DEMO_PIN }))).toMatchObject({
      status: 423,
      code: 'CODE_LOCKED',
    });
    expect(await status(o.order_id)).toBe('accepted');
    expect(await shopBalance()).toBe(before);
    // the PIN is the card's: another order of the same elder gets no fresh guesses
    const o2 = await accepted();
    expect((await outcome(await complete(o2.order_id, { card_number: card, pin: DEMO_PIN }))).code).toBe('CODE_LOCKED');
    // the elder's own code still works, and the PIN opens again when its window ends
    expect((await complete(o2.order_id, { code: o2.code })).status).toBe(200);
    t.clock.advance(ATTEMPT_RULES.card_pin.window_ms);
    merchant = await phoneToken(t.app, t.deps, merchantPhone, 'merchant'); // the access token expired meanwhile
    expect((await complete(o.order_id, { card_number: card, pin: DEMO_PIN })).status).toBe(200);
  });
});

describe('the limits are documented where they apply', () => {
  it('each route that takes a guessable secret states its limit in the OpenAPI description', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown> }>>;
    };
    const d = (path: string) => doc.paths[path]?.post?.description ?? '';
    expect(d('/api/auth/otp/verify')).toContain(`at most ${ATTEMPT_RULES.otp_code.max} tries per sign-in code`);
    expect(d('/api/family/bindings/{elder_id}/confirm')).toContain(
      `at most ${ATTEMPT_RULES.binding_code.max} tries per binding code`,
    );
    expect(d('/api/orders/{order_id}/complete')).toContain(`at most ${ATTEMPT_RULES.order_code.max} tries per order`);
    expect(d('/api/orders/{order_id}/complete')).toContain(
      `at most ${ATTEMPT_RULES.card_pin.max} wrong tries per card PIN`,
    );
    expect(d('/api/auth/staff/login')).toContain(
      `at most ${ATTEMPT_RULES.staff_password.max} wrong passwords per staff account per 15 minutes`,
    );
    expect(d('/api/auth/staff/login')).toContain(
      `at most ${ATTEMPT_RULES.staff_login_per_address.max} failed staff sign-ins from one client address`,
    );
    expect(d('/api/auth/otp')).toContain(
      `at most ${ATTEMPT_RULES.otp_send_per_address.max} codes sent from one client address per 60 minutes`,
    );
    expect(doc.paths['/api/auth/otp']?.post?.responses['429']).toBeDefined();
  });
});
