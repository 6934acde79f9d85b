// Sign-in limits and session lifecycle, through the HTTP API with a fake clock.
import { beforeEach, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken } from '../../../../tests/support/app';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let phone: string;
beforeEach(async () => {
  t = await makeTestApp({ seedElders: 3 });
  phone = t.seed?.elderPhones[0] ?? '';
});

const codeFor = async (p: string) => (await t.deps.outbox?.latestFor(p))?.text_zh.match(/(\d{6})/)?.[1] ?? '';
const errCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('phone + one-time code', () => {
  it('signs an elder in and /api/me says who', async () => {
    const token = await phoneToken(t.app, t.deps, phone, 'elder');
    const me = await t.app.request('/api/me', bearer(token));
    expect(me.status).toBe(200);
    expect(((await me.json()) as { role: string }).role).toBe('elder');
  });

  it('answers "sent" for an unregistered elder phone but sends nothing (no enumeration)', async () => {
    const res = await t.app.request('/api/auth/otp', json({ phone: '13912345678', role: 'elder' }));
    expect(res.status).toBe(202);
    expect(await t.deps.outbox?.latestFor('13912345678')).toBeNull();
  });

  it('allows 5 sends per phone per hour, then OTP_RATE_LIMITED, and again after the hour', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await t.app.request('/api/auth/otp', json({ phone, role: 'elder' }))).status).toBe(202);
      t.clock.advance(60_000);
    }
    const sixth = await t.app.request('/api/auth/otp', json({ phone, role: 'elder' }));
    expect(sixth.status).toBe(429);
    expect(await errCode(sixth)).toBe('OTP_RATE_LIMITED');
    t.clock.advance(56 * 60_000); // the first send leaves the sliding window
    expect((await t.app.request('/api/auth/otp', json({ phone, role: 'elder' }))).status).toBe(202);
  });

  it('locks the code after 5 wrong tries, even for the right code afterwards', async () => {
    await t.app.request('/api/auth/otp', json({ phone, role: 'elder' }));
    const right = await codeFor(phone);
    const wrong = right === '000000' ? '111111' : '000000';
    const codes: string[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        await errCode(await t.app.request('/api/auth/otp/verify', json({ phone, role: 'elder', code: wrong }))),
      );
    expect(codes).toEqual(['OTP_INVALID', 'OTP_INVALID', 'OTP_INVALID', 'OTP_INVALID', 'OTP_LOCKED']);
    const after = await t.app.request('/api/auth/otp/verify', json({ phone, role: 'elder', code: right }));
    expect(after.status).toBe(429);
    expect(await errCode(after)).toBe('OTP_LOCKED');
  });

  it('expires a code after 5 minutes and accepts a code only once', async () => {
    await t.app.request('/api/auth/otp', json({ phone, role: 'elder' }));
    const code = await codeFor(phone);
    t.clock.advance(5 * 60_000 + 1);
    expect(await errCode(await t.app.request('/api/auth/otp/verify', json({ phone, role: 'elder', code })))).toBe(
      'OTP_EXPIRED',
    );
    await t.app.request('/api/auth/otp', json({ phone, role: 'elder' }));
    const fresh = await codeFor(phone);
    expect((await t.app.request('/api/auth/otp/verify', json({ phone, role: 'elder', code: fresh }))).status).toBe(200);
    expect(
      await errCode(await t.app.request('/api/auth/otp/verify', json({ phone, role: 'elder', code: fresh }))),
    ).toBe('OTP_EXPIRED');
  });

  it('creates one family account per phone, even on repeated sign-ins', async () => {
    const a = await phoneToken(t.app, t.deps, '17000009001', 'family');
    const b = await phoneToken(t.app, t.deps, '17000009001', 'family');
    const subA = ((await (await t.app.request('/api/me', bearer(a))).json()) as { sub: string }).sub;
    const subB = ((await (await t.app.request('/api/me', bearer(b))).json()) as { sub: string }).sub;
    expect(subA).toBe(subB);
  });
});

describe('staff password sign-in', () => {
  it('locks the account after 5 wrong passwords for 15 minutes', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        await errCode(await t.app.request('/api/auth/staff/login', json({ username: 'admin', password: 'wrong' }))),
      );
    expect(codes).toEqual(['LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'ACCOUNT_LOCKED']);
    expect(
      await errCode(await t.app.request('/api/auth/staff/login', json({ username: 'admin', password: 'demo-2026' }))),
    ).toBe('ACCOUNT_LOCKED');
    t.clock.advance(15 * 60_000 + 1);
    expect(
      (await t.app.request('/api/auth/staff/login', json({ username: 'admin', password: 'demo-2026' }))).status,
    ).toBe(200);
  });

  it('does not tell unknown usernames from wrong passwords', async () => {
    expect(
      await errCode(await t.app.request('/api/auth/staff/login', json({ username: 'nobody', password: 'x' }))),
    ).toBe('LOGIN_FAILED');
  });
});

describe('sessions', () => {
  it('expires the access token after 15 minutes; refresh rotates and the old refresh token is dead', async () => {
    const login = await t.app.request('/api/auth/staff/login', json({ username: 'admin', password: 'demo-2026' }));
    const { access_token, refresh_token } = (await login.json()) as { access_token: string; refresh_token: string };
    t.clock.advance(16 * 60_000);
    const expired = await t.app.request('/api/me', bearer(access_token));
    expect(expired.status).toBe(401);
    expect(await errCode(expired)).toBe('SESSION_EXPIRED');
    const r1 = await t.app.request('/api/auth/refresh', json({ refresh_token }));
    expect(r1.status).toBe(200);
    const next = (await r1.json()) as { access_token: string };
    expect((await t.app.request('/api/me', bearer(next.access_token))).status).toBe(200);
    // replaying the used refresh token kills the session (theft signal)
    expect((await t.app.request('/api/auth/refresh', json({ refresh_token }))).status).toBe(401);
    expect((await t.app.request('/api/me', bearer(next.access_token))).status).toBe(401);
  });

  it('logout revokes the access token at once', async () => {
    const token = await staffToken(t.app, 'admin');
    expect((await t.app.request('/api/auth/logout', bearer(token, { method: 'POST' }))).status).toBe(200);
    expect((await t.app.request('/api/me', bearer(token))).status).toBe(401);
  });

  it('sets HttpOnly SameSite cookies for pages', async () => {
    const res = await t.app.request('/api/auth/staff/login', json({ username: 'admin', password: 'demo-2026' }));
    const cookies = res.headers.getSetCookie().join('\n');
    expect(cookies).toMatch(/tmc_at=.*HttpOnly/);
    expect(cookies).toMatch(/SameSite=Lax/);
  });

  it('a forged token is refused', async () => {
    const res = await t.app.request('/api/me', bearer('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdGFmZjphZG1pbiJ9.x'));
    expect(res.status).toBe(401);
  });
});
