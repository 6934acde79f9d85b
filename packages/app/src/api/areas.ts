// Areas: the district -> street -> community tree every elder and merchant hangs from.
import * as z from 'zod/mini';
import { AppError } from '@tmc/core/kernel/errors';
import { Area, AreaCode, AreaInput } from '@tmc/core/areas/model';
import { defineRoute } from '../http/route';
import { assertAreaInScope } from '@tmc/core/elders/access';

const STAFF = ['admin', 'district', 'street', 'finance'] as const;

export const areaRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/areas',
    access: { roles: STAFF },
    tags: ['areas'],
    summary: 'Child areas of `parent` (districts when omitted)',
    query: z.object({ parent: z.optional(AreaCode) }),
    response: z.object({ items: z.array(Area) }),
    async handler(c, { query }) {
      return c.json({ items: await c.get('deps').areas.children(query.parent ?? null) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/areas/:code',
    access: { roles: STAFF },
    tags: ['areas'],
    summary: 'One area by code',
    params: z.object({ code: AreaCode }),
    response: Area,
    errors: ['AREA_NOT_FOUND'],
    async handler(c, { params }) {
      const a = await c.get('deps').areas.get(params.code);
      if (!a) throw new AppError('AREA_NOT_FOUND');
      return c.json(a);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/areas',
    access: { roles: ['admin', 'district'] },
    tags: ['areas'],
    summary: 'Add a district, street or community (its parent must exist)',
    body: AreaInput,
    response: Area,
    successStatus: 201,
    errors: ['AREA_EXISTS', 'AREA_NOT_FOUND', 'OUT_OF_SCOPE'],
    async handler(c, { body, principal }) {
      const deps = c.get('deps');
      assertAreaInScope(principal, body.code);
      const a = await deps.areas.put(body);
      await deps.audit.write({
        actor: principal.sub,
        action: 'area.create',
        subject: `area:${a.code}`,
        request_id: c.get('requestId'),
      });
      return c.json(a, 201);
    },
  }),
];
