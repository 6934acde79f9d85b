// An elder's booking reads the caller's session in its one BatchGet (http/session-gate.ts) instead of the
// mount's own GetItem. What the door promised still holds: a session signed out, revoked or expired books
// nothing and learns nothing (not even an earlier order under the same key), by bearer token or by cookie;
// family and staff are still checked at the door; and bookings raced with a sign-out each either book and
// hold once or change nothing.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken, staffToken, tableSnapshot } from '../../../../tests/support/app';
import { verifyLedger } from '@tmc/store/ledger-verify';
import { sessionKeys } from '@tmc/store/entities/sessions';
import { runJob } from '../compose/jobs';
import { startSession } from '../http/session';
import { recordCommands } from '../../../../tests/support/record-commands';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let phone: string;
let elderId: string;
type Hit = { merchant_id: string; service_id: string; home_visit: boolean };
let barber: Hit;

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 4, merchants: true });
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  t.deps.scheduler = { at: async () => undefined };
  await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  phone = t.seed?.elderPhones[0] ?? '';
  elderId = (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', phone)))[0] ?? '';
  const token = await phoneToken(t.app, t.deps, phone, 'elder'); // the real sign-in once; then signIn() below
  const res = await t.app.request('/api/search?category=barber&minutes=60', bearer(token));
  const hit = ((await res.json()) as { items: Hit[] }).items.find((h) => !h.home_visit);
  if (!hit) throw new Error('no barber near the demo elder');
  barber = hit;
}, 180_000);

/** A new session of the elder, as the code sign-in starts it (five codes an hour would not be enough). */
const signIn = async () =>
  (await startSession(t.deps, { kind: 'elder', role: 'elder', sub: `elder:${elderId}`, elder_id: elderId }))
    .access_token;
let seq = 0;
const key = () => `gate-key-${String(++seq).padStart(6, '0')}`;
const body = () => ({ merchant_id: barber.merchant_id, service_id: barber.service_id, slot_start: null });
const book = (token: string, k = key()) =>
  t.app.request('/api/orders', bearer(token, json(body(), { 'idempotency-key': k })));
const codeOf = async (r: Response) => ((await r.json()) as { error?: { code: string } }).error?.code;
const logout = async (token: string) =>
  expect((await t.app.request('/api/auth/logout', bearer(token, { method: 'POST' }))).status).toBe(200);
const wallet = async () => (await t.deps.ledger.account(`wallet:${elderId}`)).balance_points;
const sidOf = (token: string) =>
  String((JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid);

const recorded = (fn: () => Promise<unknown>) => recordCommands(t.deps.db, fn);
const namesSession = (input: unknown, sid: string) => JSON.stringify(input).includes(`"SESSION#${sid}"`);

describe('an elder booking reads their session in the booking BatchGet', () => {
  it('a live session books with the session in that BatchGet, and no read of its own', async () => {
    const token = await signIn();
    let res: Response | undefined;
    const sent = await recorded(async () => (res = await book(token)));
    expect(res?.status).toBe(201);
    const reads = sent.filter((s) => namesSession(s.input, sidOf(token)));
    expect(reads.map((s) => s.command)).toEqual(['BatchGetItemCommand']);
    expect(sent.filter((s) => s.command === 'GetItemCommand')).toEqual([]);
  });

  it('a signed-out bearer token: 401 SESSION_EXPIRED and nothing changes', async () => {
    const token = await signIn();
    await logout(token);
    const before = await tableSnapshot(t.deps);
    const res = await book(token);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('SESSION_EXPIRED');
    expect(await tableSnapshot(t.deps)).toEqual(before);
  });

  it('the same key after signing out is not replayed: no order, no completion code', async () => {
    const token = await signIn();
    const k = key();
    const first = await book(token, k);
    expect(first.status).toBe(201);
    await logout(token);
    const again = await book(token, k);
    expect(again.status).toBe(401);
    const text = await again.text();
    expect(text).toContain('SESSION_EXPIRED');
    expect(text).not.toContain('order_id');
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a revoked session (the elder left) and a session past its end are refused alike', async () => {
    const left = await signIn();
    await t.deps.sessions.revokeAllOf(`elder:${elderId}`);
    const ended = await signIn();
    await t.deps.db.doc.send(
      new UpdateCommand({
        TableName: t.deps.db.table,
        Key: sessionKeys.session(sidOf(ended)),
        UpdateExpression: 'SET expires_at_ms = :past',
        ExpressionAttributeValues: { ':past': t.clock.now().getTime() - 1 },
      }),
    );
    const held = await wallet();
    for (const token of [left, ended]) {
      const res = await book(token);
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe('SESSION_EXPIRED');
    }
    expect(await wallet()).toBe(held);
  });

  it('by cookie: signed out is 401 UNAUTHENTICATED and the cookies are cleared', async () => {
    const token = await signIn();
    await logout(token);
    const res = await t.app.request(
      '/api/orders',
      json(body(), { 'idempotency-key': key(), cookie: `tmc_at=${token}`, origin: 'http://localhost' }),
    );
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('UNAUTHENTICATED');
    expect(res.headers.get('set-cookie')).toMatch(/tmc_at=;/);
  });

  it('staff booking on behalf is still checked at the door, before the elder is read', async () => {
    const token = await staffToken(t.app, 'admin');
    await logout(token);
    let res: Response | undefined;
    const sent = await recorded(
      async () =>
        (res = await t.app.request(
          '/api/orders',
          bearer(token, json({ ...body(), elder_id: elderId }, { 'idempotency-key': key() })),
        )),
    );
    expect(res?.status).toBe(401);
    expect(sent.map((s) => s.command)).toEqual(['GetItemCommand']); // the session, and nothing after it
  });

  it('30 bookings raced with a sign-out: each books and holds once, or is refused and changes nothing', async () => {
    const token = await signIn();
    const before = await wallet();
    // which bookings the sign-out overtakes is up to the race; what each answer leaves behind is not
    const signOut = t.app.request('/api/auth/logout', bearer(token, { method: 'POST' }));
    const bookings = await Promise.all(Array.from({ length: 30 }, () => book(token)));
    expect((await signOut).status).toBe(200);
    // a wallet or a month's cap may run out first: those are refused too, and change nothing either
    expect(bookings.every((r) => [201, 401, 402, 409, 422].includes(r.status))).toBe(true);
    const booked = bookings.filter((r) => r.status === 201);
    expect(booked.every((r) => r.headers.get('idempotent-replayed') === null)).toBe(true); // each a booking of its own
    const orders = await Promise.all(
      booked.map(async (r) => (await r.json()) as { order_id: string; held_points: number }),
    );
    const held = orders.reduce((sum, o) => sum + o.held_points, 0);
    expect(await wallet()).toBe(before - held);
    for (const o of orders) expect(await t.deps.orders.get(o.order_id)).not.toBeNull();
    expect((await book(token)).status).toBe(401); // and after it, none
    expect((await verifyLedger(t.db)).problems).toEqual([]);
  });
});
