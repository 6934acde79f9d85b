// Points over HTTP: an elder's balance, what expires when, and history (the elder, bound family,
// staff in scope); point-in-time balances for statements; reversal and wallet freeze by staff.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { REVERSED_BY_FLOW } from '@tmc/core/ledger/entry';
import { NEVER_EXPIRES } from '@tmc/core/ledger/lots';
import { walletAccount } from '@tmc/core/ledger/accounts';
import { reversalEntryId, reverse, setWalletFrozen, type Idem } from '@tmc/core/ledger/service';
import type { Deps } from '../compose/deps';
import { describeEntry } from '@tmc/core/ledger/describe';
import { defineRoute, queryInt } from '../http/route';
import { idempotencyOf, markReplay } from '../http/idempotency';
import { ElderIdParam } from './elders';
import { FreeText } from '@tmc/core/kernel/text';

// The elder-access rule runs at mount for every route here with :elder_id (finance staff are
// city-wide, so they read any balance for statements through the same rule).
const ElderIdP = z.object({ elder_id: ElderIdParam });
/** Staff who read an elder's points (the staff points page declares these too). */
export const STAFF_POINTS_READERS = ['admin', 'district', 'street', 'finance'] as const;
const READERS = ['elder', 'family', ...STAFF_POINTS_READERS] as const;
/** Who may freeze or unfreeze a wallet (API and staff page). */
export const WALLET_FREEZERS = ['admin', 'district', 'street'] as const;
/** Who may reverse a ledger entry by hand (API and staff page): the city only. */
export const REVERSERS = ['admin'] as const;
export const HISTORY_PAGE_DEFAULT = 20;

const Points = z.object({
  elder_id: z.string(),
  balance_points: z.number(),
  frozen: z.boolean(),
  expiring: z.array(z.object({ expires_on: z.nullable(z.string()), points: z.number(), subsidy: z.boolean() })),
});

/** An entry id in a path (API and staff page). */
export const EntryIdParam = z.string().check(z.minLength(3), z.maxLength(120), z.regex(/^[A-Za-z0-9_:.-]+$/));

export type PointsView = z.infer<typeof Points>;

/** Balance, frozen state and what expires when, by lot group: GET /api/elders/:id/points and the staff page. */
export const pointsOf = async (deps: Deps, elder_id: string): Promise<PointsView> => {
  const w = walletAccount(elder_id);
  const [acct, lots] = await Promise.all([deps.ledger.account(w), deps.ledger.lots(w)]);
  const groups = new Map<string, { expires_on: string | null; points: number; subsidy: boolean }>();
  for (const l of lots.filter((x) => x.remaining_points > 0)) {
    const k = `${l.expires_on}|${l.subsidy}`;
    const g = groups.get(k) ?? {
      expires_on: l.expires_on === NEVER_EXPIRES ? null : l.expires_on,
      points: 0,
      subsidy: l.subsidy,
    };
    g.points += l.remaining_points;
    groups.set(k, g);
  }
  return {
    elder_id,
    balance_points: acct.balance_points,
    frozen: acct.frozen,
    expiring: [...groups.values()].sort((a, b) => (a.expires_on ?? '9').localeCompare(b.expires_on ?? '9')),
  };
};

/** One page of a wallet's history, newest first, each line described in Chinese. */
export const historyOf = async (deps: Deps, elder_id: string, limit: number, cursor?: string) => {
  const h = await deps.ledger.history(walletAccount(elder_id), limit, cursor);
  return {
    items: h.items.map((l) => ({
      entry_id: l.entry_id,
      kind: l.kind,
      description: describeEntry(l.kind, l.reason),
      amount_points: l.amount_points,
      balance_after: l.balance_after,
      created_at: l.created_at,
    })),
    cursor: h.cursor,
  };
};

/** Reverse one entry by hand, audited in the reversal's own transaction; a capture is refused (it goes
 * back by upholding its dispute). POST /api/ledger/entries/:id/reverse and the staff page call this. */
export const reverseEntryAudited = async (
  deps: Deps,
  a: { entry_id: string; reason: string; actor: string; request_id: string },
  idem: Idem,
) => {
  // The kind of an entry never changes, so this read cannot race: a capture goes back only with its order.
  const kind = (await deps.ledger.entry(a.entry_id))?.kind;
  const flow = kind ? REVERSED_BY_FLOW[kind] : undefined;
  if (kind && flow) throw new AppError('ENTRY_NOT_REVERSIBLE', { details: { kind, why: flow } });
  // The audit record rides in the reversal's transaction: one reversal, one record, however many race.
  const audit = {
    actor: a.actor,
    action: 'ledger.reverse',
    subject: `entry:${a.entry_id}`,
    detail: { reason: a.reason, reversal: reversalEntryId(a.entry_id) },
    request_id: a.request_id,
  };
  return reverse(deps, { entry_id: a.entry_id, reason: a.reason, actor: a.actor, audit }, idem);
};

export const pointsRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/elders/:elder_id/points',
    access: { roles: READERS },
    tags: ['points'],
    summary: 'Balance and what expires when (by lot: soonest first; paid points never expire)',
    params: ElderIdP,
    response: Points,
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE'],
    async handler(c, { params }) {
      return c.json(await pointsOf(c.get('deps'), params.elder_id));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/elders/:elder_id/points/history',
    access: { roles: READERS },
    tags: ['points'],
    summary: 'Points history, newest first, each line with a readable Chinese description',
    params: ElderIdP,
    query: z.object({ cursor: z.optional(z.string().check(z.maxLength(500))), limit: z.optional(queryInt(1, 100)) }),
    response: z.object({
      items: z.array(
        z.object({
          entry_id: z.string(),
          kind: z.string(),
          description: z.string(),
          amount_points: z.number(),
          balance_after: z.nullable(z.number()),
          created_at: z.string(),
        }),
      ),
      cursor: z.nullable(z.string()),
    }),
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE'],
    async handler(c, { params, query }) {
      return c.json(await historyOf(c.get('deps'), params.elder_id, query.limit ?? HISTORY_PAGE_DEFAULT, query.cursor));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/ledger/balance',
    access: { roles: ['admin', 'finance'] },
    tags: ['points'],
    summary: 'Balance of a wallet or merchant account as of a moment (for statements)',
    query: z.object({
      account: z.string().check(z.regex(/^(wallet|merchant):[A-Za-z0-9_]{3,60}$/)),
      as_of: z.iso.datetime(),
    }),
    response: z.object({ account: z.string(), as_of: z.string(), balance_points: z.number() }),
    async handler(c, { query }) {
      const b = await c.get('deps').ledger.balanceAsOf(query.account, query.as_of);
      return c.json({ account: query.account, as_of: query.as_of, balance_points: b ?? 0 });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/ledger/entries/:entry_id/reverse',
    access: { roles: REVERSERS },
    tags: ['points'],
    summary:
      'Reverse an entry with a reason (a new entry with opposite postings; ' +
      'once per entry; never below zero). Only allowances, awards and ' +
      'adjustments are reversible here (ENTRY_NOT_REVERSIBLE otherwise: ' +
      'refunds, top-ups and the order flow have their own paths; a capture ' +
      'goes back by upholding its dispute). Parallel requests: one 201, ' +
      'others 409 ALREADY_REVERSED naming the reversal. Idempotency-Key ' +
      'required.',
    params: z.object({ entry_id: EntryIdParam }),
    body: z.object({ reason: FreeText(2, 200) }),
    response: z.object({ entry_id: z.string(), reverses: z.string() }),
    successStatus: 201,
    errors: [
      'ENTRY_NOT_FOUND',
      'ENTRY_NOT_REVERSIBLE',
      'ALREADY_REVERSED',
      'INSUFFICIENT_POINTS',
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
      'CONFLICT',
    ],
    async handler(c, { params, body, principal }) {
      const r = await reverseEntryAudited(
        c.get('deps'),
        { entry_id: params.entry_id, reason: body.reason, actor: principal.sub, request_id: c.get('requestId') },
        idempotencyOf(c, { ...params, ...body }),
      );
      markReplay(c, r.replayed);
      return c.json({ entry_id: r.entry_id, reverses: params.entry_id }, 201);
    },
  }),
  ...(['freeze', 'unfreeze'] as const).map((what) =>
    defineRoute({
      method: 'post',
      path: `/api/elders/:elder_id/wallet/${what}`,
      access: { roles: WALLET_FREEZERS },
      tags: ['points'],
      summary:
        what === 'freeze'
          ? "Freeze an elder's wallet: no spending until unfrozen (credits still arrive); audited"
          : "Unfreeze an elder's wallet; audited",
      params: ElderIdP,
      body: z.object({ reason: FreeText(2, 200) }),
      response: z.object({ elder_id: z.string(), frozen: z.boolean() }),
      errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE', 'CONFLICT'],
      async handler(c, { params, body, principal }) {
        // the change and its audit record in one write (core setWalletFrozen), as the staff page does
        await setWalletFrozen(c.get('deps'), params.elder_id, what === 'freeze', {
          actor: principal.sub,
          reason: body.reason,
          request_id: c.get('requestId'),
        });
        return c.json({ elder_id: params.elder_id, frozen: what === 'freeze' });
      },
    }),
  ),
];
