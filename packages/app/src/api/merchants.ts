// The merchant alliance over HTTP: categories; a merchant applies and edits its services; staff
// review, approve, reject, suspend and reinstate (audited); search in the ten-minute circle.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { LatLng, QueryCoordinate } from '@tmc/core/areas/model';
import { ElderIdParam } from './elders';
import { CategoryCode, MerchantApplication, ServiceInput } from '@tmc/core/merchants/model';
import { applyAsMerchant, deactivateService, decideMerchant, saveService } from '@tmc/core/merchants/service';
import { SearchAnswerOut, searchServices, SEARCH_LIMIT_MAX } from '@tmc/core/search/search';
import { defineRoute, queryInt } from '../http/route';
import { loadElderFor } from '@tmc/core/elders/access';
import { policyNow } from '../compose/policy-now';
import { FreeText } from '@tmc/core/kernel/text';
import { MerchantId, ServiceId } from '@tmc/core/kernel/ids';

const MerchantIdP = z.object({ merchant_id: MerchantId });
const ServiceIdP = z.object({ service_id: ServiceId });
/** A decision's reason: what the shop is told and the audit keeps. */
export const DECISION_REASON_MIN = 2;
export const DECISION_REASON_MAX = 200;
const Reason = z.object({ reason: FreeText(DECISION_REASON_MIN, DECISION_REASON_MAX) });
import {
  MERCHANT_DECISIONS,
  MERCHANT_ORDERS_PAGE,
  MERCHANT_STAFF,
  MerchantListQuery,
  MerchantOrdersQuery,
  merchantForStaff,
  merchantDetail,
  merchantOrders,
  merchantsFor,
} from './merchant-review';
/** Who may search the circle around an elder's home: the elder, bound family, and officers (to book on behalf). */
export const SEARCHERS = ['elder', 'family', 'admin', 'district', 'street'] as const;

export const merchantRoutes = () => [
  defineRoute({
    method: 'post',
    path: '/api/merchant/application',
    access: { roles: ['merchant'] },
    tags: ['merchants'],
    summary: 'Apply to join the alliance (or re-apply after a rejection); staff review it',
    body: MerchantApplication,
    response: z.object({ merchant_id: z.string(), status: z.string() }),
    successStatus: 201,
    errors: ['MERCHANT_EXISTS'],
    async handler(c, { body, principal }) {
      const m = await applyAsMerchant(c.get('deps'), principal.merchant_id, body);
      return c.json({ merchant_id: m.merchant_id, status: m.status }, 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/merchant',
    access: { roles: ['merchant'] },
    tags: ['merchants'],
    summary: 'My merchant profile, status and services',
    errors: ['MERCHANT_NOT_FOUND'],
    async handler(c, { principal }) {
      const deps = c.get('deps');
      const id = principal.merchant_id;
      const m = await deps.merchants.getMerchant(id);
      if (!m) throw new AppError('MERCHANT_NOT_FOUND');
      return c.json({ merchant: m, services: await deps.merchants.services(id) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/merchant/services',
    access: { roles: ['merchant'] },
    tags: ['merchants'],
    summary: 'Add a service (points price, reference cash price, duration, on-site or home visit, hours, capacity)',
    body: ServiceInput,
    response: z.looseObject({ service_id: z.string(), version: z.number() }),
    successStatus: 201,
    errors: ['MERCHANT_NOT_FOUND'],
    async handler(c, { body, principal }) {
      return c.json(await saveService(c.get('deps'), principal.merchant_id, body, null, null), 201);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/merchant/services/:service_id',
    access: { roles: ['merchant'] },
    tags: ['merchants'],
    summary: 'Replace a service (send the version you read); orders already made keep their terms',
    params: ServiceIdP,
    body: z.object({ service: ServiceInput, version: z.int().check(z.gte(1)) }),
    response: z.looseObject({ service_id: z.string(), version: z.number() }),
    errors: ['SERVICE_NOT_FOUND', 'CONFLICT', 'MERCHANT_NOT_FOUND'],
    async handler(c, { params, body, principal }) {
      return c.json(
        await saveService(c.get('deps'), principal.merchant_id, body.service, params.service_id, body.version),
      );
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/merchant/services/:service_id',
    access: { roles: ['merchant'] },
    tags: ['merchants'],
    summary: 'Withdraw a service (it stops being matched at once)',
    params: ServiceIdP,
    response: z.looseObject({ service_id: z.string(), active: z.boolean() }),
    errors: ['SERVICE_NOT_FOUND', 'MERCHANT_NOT_FOUND'],
    async handler(c, { params, principal }) {
      return c.json(await deactivateService(c.get('deps'), principal.merchant_id, params.service_id));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/merchants',
    access: { roles: MERCHANT_STAFF },
    tags: ['merchants'],
    summary:
      'Merchants by status (the review queue is status=pending), in my area or a street / community of it, ' +
      'oldest change first, paged (a page may hold fewer than asked and still have a cursor)',
    query: MerchantListQuery,
    errors: ['OUT_OF_SCOPE'],
    async handler(c, { query, principal }) {
      return c.json(await merchantsFor(c.get('deps'), principal, query));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/merchants/:merchant_id',
    access: { roles: MERCHANT_STAFF },
    tags: ['merchants'],
    summary: 'One merchant for staff: the application, status, services and rating',
    params: MerchantIdP,
    errors: ['MERCHANT_NOT_FOUND', 'OUT_OF_SCOPE'],
    async handler(c, { params, principal }) {
      return c.json(await merchantDetail(c.get('deps'), principal, params.merchant_id));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/merchants/:merchant_id/orders',
    access: { roles: MERCHANT_STAFF },
    tags: ['merchants'],
    summary: `A merchant's orders for staff, newest first, ${MERCHANT_ORDERS_PAGE} a page`,
    params: MerchantIdP,
    query: MerchantOrdersQuery,
    errors: ['MERCHANT_NOT_FOUND', 'OUT_OF_SCOPE'],
    async handler(c, { params, query, principal }) {
      const deps = c.get('deps');
      const m = await merchantForStaff(deps, principal, params.merchant_id);
      return c.json(await merchantOrders(deps, m.merchant_id, query.cursor));
    },
  }),
  ...MERCHANT_DECISIONS.map((decision) =>
    defineRoute({
      method: 'post',
      path: `/api/merchants/:merchant_id/${decision}`,
      access: { roles: MERCHANT_STAFF },
      tags: ['merchants'],
      summary: `Staff decision: ${decision} (with a reason; audited; the geo index follows at once)`,
      params: MerchantIdP,
      body: Reason,
      response: z.object({ merchant_id: z.string(), status: z.string() }),
      errors: ['MERCHANT_NOT_FOUND', 'MERCHANT_STATE', 'OUT_OF_SCOPE', 'CONFLICT'],
      async handler(c, { params, body, principal }) {
        const deps = c.get('deps');
        await merchantForStaff(deps, principal, params.merchant_id);
        const next = await decideMerchant(deps, params.merchant_id, decision, body.reason, principal.sub);
        return c.json({ merchant_id: next.merchant_id, status: next.status });
      },
    }),
  ),
  defineRoute({
    method: 'get',
    path: '/api/search',
    access: { roles: SEARCHERS },
    tags: ['search'],
    summary:
      'Services of a category in the ten-minute circle around a point or an ' +
      "elder's home, ordered by walking time; home visits that reach the " +
      'origin included and marked. truncated: true when the per-search read ' +
      'bound cut the answer (nearer services may be missing; total is then a ' +
      'lower bound)',
    query: z
      .object({
        category: CategoryCode,
        lat: z.optional(QueryCoordinate(-90, 90)),
        lng: z.optional(QueryCoordinate(-180, 180)),
        elder_id: z.optional(ElderIdParam),
        minutes: z.optional(queryInt(1, 60)),
        limit: z.optional(queryInt(1, SEARCH_LIMIT_MAX)),
        offset: z.optional(queryInt(0, 500)),
      })
      .check(z.refine((q) => (q.lat === undefined) === (q.lng === undefined), 'give both lat and lng, or neither')),
    response: SearchAnswerOut,
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE', 'POLICY_MISSING', 'AREA_NOT_FOUND'],
    async handler(c, { query, principal }) {
      const deps = c.get('deps');
      let origin: LatLng | null =
        query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : null;
      if (!origin) {
        const elder_id = principal.kind === 'elder' ? principal.elder_id : query.elder_id;
        if (!elder_id)
          throw new AppError('VALIDATION_FAILED', {
            fields: [{ path: 'query.elder_id', code: 'REQUIRED', message: 'give lat/lng or elder_id' }],
          });
        const e = await loadElderFor(deps, principal, elder_id);
        origin = e.location ?? (await deps.areas.get(e.community_code))?.centroid ?? null;
        if (!origin) throw new AppError('AREA_NOT_FOUND');
      }
      const policy = await policyNow(deps);
      const r = await searchServices(deps.merchants, {
        category: query.category,
        origin,
        now: deps.clock.now(),
        limit: query.limit ?? 20,
        offset: query.offset ?? 0,
        walking: {
          minutes: query.minutes ?? policy.circle.minutes,
          walking_m_per_min: policy.circle.walking_m_per_min,
          detour_factor: policy.circle.detour_factor,
        },
      });
      return c.json(r);
    },
  }),
];
