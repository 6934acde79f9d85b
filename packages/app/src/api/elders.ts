// The elder information database over HTTP: staff CRUD in their area, key lookups, the audited
// reveal of sensitive fields, PIN reset and leaving the scheme; an elder reads their own profile.
import * as z from 'zod/mini';
import { AreaCode } from '@tmc/core/areas/model';
import { isValidCardNumber } from '@tmc/core/elders/points-card';
import { ElderInput, ElderPatch, ElderView, Phone, toElderView, type ElderRecord } from '@tmc/core/elders/model';
import { leaveScheme, patchElder, registerElder, resetPin, revealSensitive } from '@tmc/core/elders/service';
import { defineRoute, pathElder, queryInt } from '../http/route';
import { assertAreaInScope } from '@tmc/core/elders/access';
import { FreeText } from '@tmc/core/kernel/text';
import { CardNumber, ELDER_ID_RE } from '@tmc/core/kernel/ids';

export const ELDER_OFFICERS = ['admin', 'district', 'street'] as const;
/** Every path elder id, one shape (randomId('e'): e_ + 16 base64url letters, x for - and _). */
export const ElderIdParam = z.string().check(z.regex(ELDER_ID_RE));
const ElderId = z.object({ elder_id: ElderIdParam });
const Reason = z.object({ reason: FreeText(2, 200) });

export const elderRoutes = () => [
  defineRoute({
    method: 'post',
    path: '/api/elders',
    access: { roles: ELDER_OFFICERS },
    tags: ['elders'],
    summary: 'Register an elder; answers the card number and the PIN (shown once, stored hashed)',
    body: ElderInput,
    response: z.object({ elder: ElderView, pin: z.string() }),
    successStatus: 201,
    errors: ['ELDER_EXISTS', 'OUT_OF_SCOPE', 'ID_NUMBER_INVALID'],
    async handler(c, { body, principal: p }) {
      assertAreaInScope(p, body.community_code);
      const { record, pin } = await registerElder(c.get('deps'), body, p.sub);
      return c.json({ elder: toElderView(record), pin }, 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/elders',
    access: { roles: ELDER_OFFICERS },
    tags: ['elders'],
    summary: 'Elders of one community, paged (cursor)',
    query: z.object({
      community: AreaCode,
      limit: z.optional(queryInt(1, 100)),
      cursor: z.optional(z.string().check(z.maxLength(500))),
    }),
    response: z.object({ items: z.array(ElderView), cursor: z.nullable(z.string()) }),
    errors: ['OUT_OF_SCOPE'],
    async handler(c, { query, principal }) {
      assertAreaInScope(principal, query.community);
      const page = await c.get('deps').elders.listByCommunity(query.community, query.limit ?? 20, query.cursor);
      return c.json({ items: page.items.map(toElderView), cursor: page.cursor });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/elders/search',
    access: { roles: ELDER_OFFICERS },
    tags: ['elders'],
    summary: 'Find elders by exact name, phone or card number (each a key lookup), within your area',
    query: z
      .object({ name: z.optional(FreeText(1, 30)), phone: z.optional(Phone), card: z.optional(CardNumber) })
      .check(
        z.refine(
          (q) => [q.name, q.phone, q.card].filter(Boolean).length === 1,
          'give exactly one of name, phone, card',
        ),
      ),
    response: z.object({ items: z.array(ElderView) }),
    async handler(c, { query, principal: p }) {
      const deps = c.get('deps');
      const scope = p.kind === 'staff' && p.scope ? p.scope : null;
      let found: ElderRecord[];
      if (query.name) {
        found = await deps.elders.findByName(query.name, scope ? `${scope}.` : null, 50);
      } else if (query.phone) {
        found = await deps.elders.getMany(await deps.elders.findIdsByPhoneHash(deps.blindIndex('phone', query.phone)));
      } else {
        const id = query.card && isValidCardNumber(query.card) ? await deps.elders.findIdByCard(query.card) : null;
        found = id ? await deps.elders.getMany([id]) : [];
      }
      const visible = found.filter(
        (e) =>
          e.status === 'active' && (!scope || e.community_code.startsWith(`${scope}.`) || e.community_code === scope),
      );
      return c.json({ items: visible.map(toElderView) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/elders/:elder_id',
    access: { roles: [...ELDER_OFFICERS, 'elder', 'family'] },
    tags: ['elders'],
    summary: 'One elder, masked (staff in scope, the elder, or bound family)',
    params: ElderId,
    response: ElderView,
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE'],
    async handler(c, { elder }) {
      return c.json(toElderView(pathElder(elder)));
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/elders/:elder_id',
    access: { roles: ELDER_OFFICERS },
    tags: ['elders'],
    summary: 'Edit an elder (optimistic: send the version you read); the ID number never changes',
    params: ElderId,
    body: ElderPatch,
    response: ElderView,
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE', 'CONFLICT', 'ELDER_INACTIVE'],
    async handler(c, { body, principal: p, elder }) {
      const prev = pathElder(elder);
      if (body.community_code) assertAreaInScope(p, body.community_code);
      return c.json(toElderView(await patchElder(c.get('deps'), prev, body, p.sub)));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/elders/:elder_id/sensitive',
    access: { roles: ELDER_OFFICERS },
    tags: ['elders'],
    summary: 'Reveal the full ID number and phones, with a reason; every call is audited',
    params: ElderId,
    body: Reason,
    response: z.object({
      id_number: z.string(),
      phone: z.nullable(z.string()),
      emergency_contact_phone: z.nullable(z.string()),
    }),
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE', 'ELDER_INACTIVE'],
    async handler(c, { body, principal: p, elder }) {
      const e = pathElder(elder);
      c.header('cache-control', 'no-store');
      return c.json(await revealSensitive(c.get('deps'), e, p.sub, body.reason, c.get('requestId')));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/elders/:elder_id/pin',
    access: { roles: ELDER_OFFICERS },
    tags: ['elders'],
    summary: 'Issue a new card PIN (the old one stops working); answers the PIN once',
    params: ElderId,
    response: z.object({ card_number: z.string(), pin: z.string() }),
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE', 'CONFLICT', 'ELDER_INACTIVE'],
    async handler(c, { principal: p, elder }) {
      const e = pathElder(elder);
      const r = await resetPin(c.get('deps'), e, p.sub);
      c.header('cache-control', 'no-store');
      return c.json({ card_number: r.record.card_number, pin: r.pin });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/elders/:elder_id/leave',
    access: { roles: ELDER_OFFICERS },
    tags: ['elders'],
    summary:
      "Leave the scheme at the elder's request: paid points refunded to the " +
      'payer, allowance and award points back to the bureau, family bindings ' +
      'and sessions ended, personal and health fields erased (all audited); ' +
      'history kept under the pseudonymous id. Refused while an order or ' +
      'dispute is open; a retry finishes a leave that failed half way.',
    params: ElderId,
    body: Reason,
    response: ElderView,
    errors: [
      'ELDER_NOT_FOUND',
      'OUT_OF_SCOPE',
      'ELDER_INACTIVE',
      'ELDER_HAS_OPEN_ORDERS',
      'PAYMENT_PROVIDER_FAILED',
      'PAYMENTS_UNAVAILABLE',
      'CONFLICT',
    ],
    async handler(c, { body, principal: p, elder }) {
      const e = pathElder(elder);
      return c.json(toElderView(await leaveScheme(c.get('deps'), e, p.sub, body.reason, c.get('requestId'))));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/elders/:elder_id/audit',
    access: { roles: ['admin', 'district', 'street'] },
    tags: ['elders', 'audit'],
    summary: "Who did what to this elder's record, newest first",
    params: ElderId,
    query: z.object({ cursor: z.optional(z.string().check(z.maxLength(500))) }),
    response: z.object({
      items: z.array(z.looseObject({ at: z.string(), actor: z.string(), action: z.string() })),
      cursor: z.nullable(z.string()),
    }),
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE'],
    async handler(c, { params, query }) {
      return c.json(await c.get('deps').audit.listBySubject(`elder:${params.elder_id}`, 50, query.cursor));
    },
  }),
];
