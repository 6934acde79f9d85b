// Liveness with the one dependency that matters: can we reach the table.
import * as z from 'zod/mini';
import { pingTable } from '@tmc/store/table';
import { defineRoute } from '../http/route';

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  store: z.enum(['reachable', 'unreachable']),
  stage: z.string(),
  reason: z.optional(z.string()),
});

export const healthRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/health',
    access: { public: true },
    tags: ['ops'],
    summary: 'Service health: 200 when the store is reachable, 503 with the reason otherwise',
    response: Health,
    errors: ['STORE_UNAVAILABLE'],
    async handler(c) {
      const deps = c.get('deps');
      try {
        await pingTable(deps.db);
        return c.json({ status: 'ok', store: 'reachable', stage: deps.stage });
      } catch (e) {
        deps.logger.log('warn', 'health: store unreachable', {
          request_id: c.get('requestId'),
          error: (e as Error).name,
        });
        return c.json({ status: 'degraded', store: 'unreachable', stage: deps.stage, reason: (e as Error).name }, 503);
      }
    },
  }),
];
