// The anomaly rules on DynamoDB Local, fed the stream changes real order items make: for each rule,
// orders that trip it and orders just under the threshold that do not; the same changes delivered
// twice, shuffled and with later changes (ratings) in between raise each flag once with the same numbers.
import { beforeAll, describe, expect, it } from 'vitest';
import { createFlagReactor } from '@tmc/core/analytics/flag-rules';
import type { SourceChange } from '@tmc/core/analytics/model';
import { DEFAULT_ANOMALY } from '@tmc/core/policy/model';
import type { ServiceInput } from '@tmc/core/merchants/model';
import type { Flag } from '@tmc/core/analytics/flags';
import { makeTestDb } from '../../../../tests/support/db';
import { completionChange, ids, plus, ratingChange, type Completion } from '../../../../tests/support/flags';
import { createFlagStore } from './flags';
import type { Db } from '../table';

let db: Db;
beforeAll(async () => {
  db = await makeTestDb('flags');
});

// Open 08:00-20:00 every day (China time), closed on 11-11.
const HOURS: Pick<ServiceInput, 'hours' | 'closed_dates'> = {
  hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '20:00']]])),
  closed_dates: ['2026-11-11'],
};

const setup = () => {
  const flags = createFlagStore(db);
  const reactor = createFlagReactor({
    flags,
    thresholdsOn: async () => DEFAULT_ANOMALY,
    merchant: async (id) => ({ business_name: `店 ${id}`, community_code: 'zengdu.xicheng.c01' }),
    service: async () => HOURS,
  });
  const run = async (changes: SourceChange[]) => {
    for (const c of changes) if (reactor.wants(c)) await reactor.react(c);
  };
  return { flags, reactor, run };
};

/** Every flag of a merchant, from both status lists (the store is shared by the tests: each uses its own shop). */
const flagsOf = async (merchant_id: string): Promise<Flag[]> => {
  const page = await createFlagStore(db).list('open', null, 100);
  return page.items.filter((f) => f.merchant_id === merchant_id).sort((a, b) => (a.flag_id < b.flag_id ? -1 : 1));
};

// 10:00 China time on Tuesday 10 November 2026: open, far from the issuance of the 1st
const T0 = '2026-11-10T02:00:00.000Z';
/** A completion (by default 15 minutes after T0, accepted 15 minutes before it). */
const at = (c: Partial<Completion> & Pick<Completion, 'order_id' | 'elder_id' | 'merchant_id'>) => {
  const completed_at = c.completed_at ?? plus(T0, 900);
  return completionChange({ accepted_at: plus(completed_at, -900), completed_at, ...c });
};

describe('pair far more often than peers (per pair and month)', () => {
  it('flags the ninth order of one elder at one shop in a month, not the eighth of another pair', async () => {
    const { run } = setup();
    const [over, under] = ['m_pairover', 'm_pairunder'];
    const nine = ids('o', 'pairA', 9).map((order_id, i) =>
      at({ order_id, elder_id: 'e_pairelder1', merchant_id: over, completed_at: plus(T0, i * 3600) }),
    );
    const eight = ids('o', 'pairB', 8).map((order_id, i) =>
      at({ order_id, elder_id: 'e_pairelder2', merchant_id: under, completed_at: plus(T0, i * 3600) }),
    );
    await run([...nine, ...eight]);
    const [f, ...rest] = await flagsOf(over);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      flag_id: `pair_often.2026-11.${over}.e_pairelder1`,
      rule: 'pair_often',
      observed: 9,
      threshold: 8,
      street: 'zengdu.xicheng',
      status: 'open',
    });
    expect(f?.order_ids.sort()).toEqual(ids('o', 'pairA', 9));
    expect(await flagsOf(under)).toEqual([]);
  });
});

describe('completion seconds after acceptance', () => {
  const after = (s: number) => ({ accepted_at: T0, completed_at: plus(T0, s) });
  it('flags a completion 59 s after acceptance (also for an order without accepted_at), not one at 60 s', async () => {
    const { run } = setup();
    await run([
      at({ order_id: 'o_fastone0001', elder_id: 'e_fastelder1', merchant_id: 'm_fast1', ...after(59) }),
      at({ order_id: 'o_fastfive001', elder_id: 'e_fastelder2', merchant_id: 'm_fast2', ...after(5) }),
      at({ order_id: 'o_fastslow001', elder_id: 'e_fastelder3', merchant_id: 'm_fast3', ...after(60) }),
    ]);
    expect(await flagsOf('m_fast1')).toMatchObject([
      { flag_id: 'fast_complete.2026-11-10.m_fast1', observed: 1, limit: 60, order_ids: ['o_fastone0001'] },
    ]);
    expect((await flagsOf('m_fast2')).map((f) => f.rule)).toEqual(['fast_complete']);
    expect(await flagsOf('m_fast3')).toEqual([]);
    const legacy = setup();
    await legacy.run([
      completionChange({
        order_id: 'o_fastlegacy2',
        elder_id: 'e_fastelder4',
        merchant_id: 'm_fast4',
        accepted_at: T0,
        completed_at: plus(T0, 3),
        legacy: true,
      }),
    ]);
    expect((await flagsOf('m_fast4')).map((f) => f.rule)).toEqual(['fast_complete']);
  });
});

describe('many different cards at one shop in an hour', () => {
  const cards = (merchant_id: string, elders: string[], w: 'code' | 'card_pin' = 'card_pin', tag = merchant_id) =>
    elders.map((elder_id, i) =>
      at({ order_id: `o_${tag.slice(2)}card${i}x`, elder_id, merchant_id, with: w, completed_at: plus(T0, 60 * i) }),
    );
  it('flags 5 cards in one China hour; 4 cards, 5 codes, or one card 5 times do not', async () => {
    const { run } = setup();
    await run([
      ...cards('m_cards5', ids('e', 'cardA', 5)),
      ...cards('m_cards4', ids('e', 'cardB', 4)),
      ...cards('m_codes5', ids('e', 'cardC', 5), 'code'),
      ...cards('m_onecard', Array(5).fill('e_cardsame0001') as string[]),
    ]);
    expect(await flagsOf('m_cards5')).toMatchObject([
      { flag_id: 'many_cards.2026-11-10T10.m_cards5', observed: 5, threshold: 5 },
    ]);
    for (const m of ['m_cards4', 'm_codes5', 'm_onecard']) expect(await flagsOf(m)).toEqual([]);
  });
  it('counts per hour: 3 cards at 10:5x and 2 at 11:0x are two hours under the threshold', async () => {
    const { run } = setup();
    const elders = ids('e', 'cardD', 5);
    await run(
      elders.map((elder_id, i) =>
        at({
          order_id: `o_cardhour${i}xx`,
          elder_id,
          merchant_id: 'm_cardhours',
          with: 'card_pin',
          completed_at: plus(T0, 3_000 + 240 * i), // 10:50, 10:54, 10:58, 11:02, 11:06
        }),
      ),
    );
    expect(await flagsOf('m_cardhours')).toEqual([]);
  });
});

describe('spending at one shop right after issuance', () => {
  const ISSUANCE = '2026-11-30T16:00:00.000Z'; // 00:00 on 1 December, China time
  const spend = (merchant_id: string, n: number, after_s: number, tag: string) =>
    ids('e', tag, n).map((elder_id, i) =>
      at({
        order_id: `o_${tag}iss${i}x`,
        elder_id,
        merchant_id,
        accepted_at: plus(ISSUANCE, after_s + i * 60 - 900),
        completed_at: plus(ISSUANCE, after_s + i * 60),
      }),
    );
  it('flags 20 elders within 24 hours of the 1st; 19 elders, or 20 from the 25th hour, do not', async () => {
    const { run } = setup();
    // 09:00 China time on the 1st onwards: opening hours, so only this rule applies
    await run([
      ...spend('m_issue20', 20, 9 * 3600, 'issA'),
      ...spend('m_issue19', 19, 9 * 3600, 'issB'),
      ...spend('m_issuelate', 20, 33 * 3600, 'issC'), // 09:00 on the 2nd
    ]);
    expect(await flagsOf('m_issue20')).toMatchObject([
      { flag_id: 'after_issuance.2026-12.m_issue20', observed: 20, threshold: 20, limit: 24 },
    ]);
    expect(await flagsOf('m_issue19')).toEqual([]);
    expect(await flagsOf('m_issuelate')).toEqual([]);
  });
});

describe('orders while the shop is closed', () => {
  it('flags a completion at 21:00 and one on a closed date; 20:20 (within the grace) does not', async () => {
    const { run } = setup();
    const nine_pm = '2026-11-10T13:00:00.000Z';
    await run([
      at({ order_id: 'o_closed2100', elder_id: 'e_closedelder1', merchant_id: 'm_closed1', completed_at: nine_pm }),
      at({
        order_id: 'o_closeddate1',
        elder_id: 'e_closedelder2',
        merchant_id: 'm_closed2',
        accepted_at: '2026-11-11T03:00:00.000Z',
        completed_at: '2026-11-11T04:00:00.000Z', // noon on 11-11, a closed date
      }),
      at({
        order_id: 'o_closedgrace',
        elder_id: 'e_closedelder3',
        merchant_id: 'm_closed3',
        completed_at: '2026-11-10T12:20:00.000Z', // 20:20: a haircut begun before 20:00
      }),
    ]);
    expect(await flagsOf('m_closed1')).toMatchObject([
      { flag_id: 'closed_hours.2026-11-10.m_closed1', order_ids: ['o_closed2100'], limit: 30 },
    ]);
    expect((await flagsOf('m_closed2')).map((f) => f.flag_id)).toEqual(['closed_hours.2026-11-11.m_closed2']);
    expect(await flagsOf('m_closed3')).toEqual([]);
  });
});

describe('exactly once', () => {
  it('changes run twice, reversed, ratings between, raise each flag once with the same numbers', async () => {
    const shop = 'm_twice';
    const changes = [
      ...ids('o', 'twiceP', 10).map((order_id, i) =>
        at({ order_id, elder_id: 'e_twiceelder1', merchant_id: shop, completed_at: plus(T0, 600 + i * 3600) }),
      ),
      ...ids('e', 'twiceC', 6).map((elder_id, i) =>
        at({
          order_id: `o_twicecard${i}`,
          elder_id,
          merchant_id: shop,
          with: 'card_pin',
          accepted_at: T0,
          completed_at: plus(T0, 30),
        }),
      ),
    ];
    const once = setup();
    await once.run(changes);
    const first = await flagsOf(shop);
    expect(first.map((f) => [f.rule, f.observed])).toEqual([
      ['fast_complete', 6],
      ['many_cards', 6],
      ['pair_often', 10],
    ]);
    // a second delivery, reversed, interleaved with later changes of the same orders, on a fresh reactor
    const again = setup();
    const raised: string[] = [];
    const spy = { ...again.flags, raise: async (f: Flag) => (raised.push(f.flag_id), again.flags.raise(f)) };
    const replay = createFlagReactor({
      flags: spy,
      thresholdsOn: async () => DEFAULT_ANOMALY,
      merchant: async (id) => ({ business_name: `店 ${id}`, community_code: 'zengdu.xicheng.c01' }),
      service: async () => HOURS,
    });
    for (const c of [...changes].reverse().flatMap((c) => [ratingChange(c), c]))
      if (replay.wants(c)) await replay.react(c);
    const second = await flagsOf(shop);
    expect(second).toEqual(first);
    // raise is called again (it cannot know), but no flag is created twice: the store answers unchanged
    expect(await Promise.all(first.map((f) => again.flags.raise(f)))).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(new Set(raised)).toEqual(new Set(first.map((f) => f.flag_id)));
  });

  it('counts a mark once when the same order is delivered by 30 parallel invocations', async () => {
    const { flags } = setup();
    const counts = await Promise.all(
      Array.from({ length: 30 }, () =>
        flags.countOnce('pair_often.2026-11.m_para.e_paraelder1', 'o_para0001', 'o_para0001'),
      ),
    );
    expect(counts.every((n) => n === 1)).toBe(true);
    expect(await flags.ordersCounted('pair_often.2026-11.m_para.e_paraelder1', 20)).toEqual(['o_para0001']);
  });

  it('counts 30 different orders counted in parallel under one counter as 30', async () => {
    const { flags } = setup();
    const id = 'many_cards.2026-11-10T10.m_parallel';
    await Promise.all(ids('e', 'par', 30).map((e, i) => flags.countOnce(id, e, `o_par${i}`)));
    expect(await flags.countOnce(id, 'e_par00000000', 'o_par0')).toBe(30);
  });
});
