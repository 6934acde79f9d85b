// A booking keeps its shop (profile, service, sign-in account) for SHOP_STALE_MS in this function
// (store shop-copy.ts): the next booking of that shop reads only the elder and the session. A save of the
// shop in this process is seen by the very next booking: a suspended shop or a paused service takes none.
// A slot's capacity, taken from the copy, still holds under 30 bookings at once: the slot's counter is a
// conditional write.
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, json, makeTestApp, phoneToken } from '../../../../tests/support/app';
import { runJob } from '../compose/jobs';
import { recordCommands } from '../../../../tests/support/record-commands';
import { verifyLedger } from '@tmc/store/ledger-verify';

let t: Awaited<ReturnType<typeof makeTestApp>>;
let token: string;
type Hit = { merchant_id: string; service_id: string; home_visit: boolean };
let hits: Hit[];

beforeAll(async () => {
  t = await makeTestApp({ seedElders: 4, merchants: true });
  t.clock.set('2026-11-23T02:00:00Z'); // Monday 10:00 in Suizhou: shops are open
  t.deps.scheduler = { at: async () => undefined };
  await runJob(t.deps, { job: 'issuance', month: '2026-11' });
  token = await phoneToken(t.app, t.deps, t.seed?.elderPhones[0] ?? '', 'elder');
  const res = await t.app.request('/api/search?category=barber&minutes=60', bearer(token));
  hits = ((await res.json()) as { items: Hit[] }).items.filter((h) => !h.home_visit);
  if (hits.length < 2) throw new Error('fewer than two barbers near the demo elder');
}, 180_000);

let seq = 0;
const book = (h: Hit, slot_start: string | null = null, as = token) =>
  t.app.request(
    '/api/orders',
    bearer(
      as,
      json(
        { merchant_id: h.merchant_id, service_id: h.service_id, slot_start },
        { 'idempotency-key': `copy-key-${String(++seq).padStart(6, '0')}` },
      ),
    ),
  );
const codeOf = async (r: Response) => ((await r.json()) as { error?: { code: string } }).error?.code;

/** The keys each BatchGetItem asked for while `fn` ran, by their partition key's kind (ELDER, SESSION, …). */
const batchKeys = async (fn: () => Promise<unknown>): Promise<string[][]> =>
  (await recordCommands(t.deps.db, fn))
    .filter((s) => s.command === 'BatchGetItemCommand')
    .map((s) =>
      Object.values(s.input.RequestItems as Record<string, { Keys: { pk: string }[] }>).flatMap((r) =>
        r.Keys.map((k) => k.pk.split('#')[0] ?? ''),
      ),
    );

const saveMerchant = async (merchant_id: string, change: (m: NonNullable<Awaited<ReturnType<typeof get>>>) => void) => {
  const m = await get(merchant_id);
  if (!m) throw new Error(`no merchant ${merchant_id}`);
  const services = await t.deps.merchants.services(merchant_id);
  const next = structuredClone(m);
  change(next);
  await t.deps.merchants.save({ ...next, version: m.version + 1 }, services, m, services);
};
const get = (merchant_id: string) => t.deps.merchants.getMerchant(merchant_id);

describe("a booking uses this function's copy of the shop", () => {
  it('the second booking of a shop reads the elder and the session only', async () => {
    const h = hits[0]!;
    const first = await batchKeys(async () => expect((await book(h)).status).toBe(201));
    expect(first.map((k) => k.sort())).toEqual([['ACCOUNT_ID', 'ELDER', 'MERCHANT', 'MERCHANT', 'SESSION']]);
    const second = await batchKeys(async () => expect((await book(h)).status).toBe(201));
    expect(second.map((k) => k.sort())).toEqual([['ELDER', 'SESSION']]);
  });

  it('a shop suspended in this process takes no booking, at once; approved again, it does', async () => {
    const h = hits[1]!;
    expect((await book(h)).status).toBe(201); // its copy is now kept
    await saveMerchant(h.merchant_id, (m) => {
      m.status = 'suspended';
    });
    const refused = await book(h);
    expect(refused.status).toBe(422);
    expect(await codeOf(refused)).toBe('SERVICE_UNAVAILABLE');
    await saveMerchant(h.merchant_id, (m) => {
      m.status = 'approved';
    });
    expect((await book(h)).status).toBe(201);
  });

  it('30 bookings at once for a slot whose capacity comes from the copy: exactly the capacity gets it', async () => {
    const racer = await phoneToken(t.app, t.deps, t.seed?.elderPhones[1] ?? '', 'elder');
    const res = await t.app.request('/api/search?category=clinic&minutes=60', bearer(racer));
    type Slotted = Hit & { capacity_per_slot: number; next_slot: string | null };
    const h = ((await res.json()) as { items: Slotted[] }).items.find((x) => x.capacity_per_slot === 1 && x.next_slot);
    if (!h?.next_slot) throw new Error('need a clinic with capacity 1');
    // a refused booking (a slot already past) still reads the shop: the copy is warm before the race
    expect((await book(h, '2026-11-22T02:00:00.000Z', racer)).status).toBe(422);
    const wallet = async () => {
      const id = (await t.deps.elders.findIdsByPhoneHash(t.deps.blindIndex('phone', t.seed?.elderPhones[1] ?? '')))[0];
      return (await t.deps.ledger.account(`wallet:${id}`)).balance_points;
    };
    const before = await wallet();
    const answers = await Promise.all(Array.from({ length: 30 }, () => book(h, h.next_slot, racer)));
    const won = answers.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    const lost = answers.filter((r) => r.status !== 201);
    expect(lost.every((r) => r.status === 409)).toBe(true);
    expect(new Set(await Promise.all(lost.map(codeOf)))).toEqual(new Set(['SLOT_FULL']));
    const order = (await won[0]!.json()) as { held_points: number };
    expect(await wallet()).toBe(before - order.held_points);
    expect((await verifyLedger(t.db)).problems).toEqual([]);
  });
});
