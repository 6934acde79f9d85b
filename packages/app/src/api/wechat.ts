// Switching WeChat notices off over the API; the link round trip itself is pages
// (compose/wechat-link.ts), because a browser comes back to it from WeChat.
import * as z from 'zod/mini';
import { defineRoute } from '../http/route';
import { LINKERS, unlink } from '../compose/wechat-link';

/** Switching off over the API (JSON). */
export const wechatRoutes = () => [
  defineRoute({
    method: 'post',
    path: '/api/wechat/unlink',
    access: { roles: LINKERS },
    tags: ['wechat'],
    summary:
      'Stop WeChat notices for the signed-in phone (they go by SMS again); unlinked is false when nothing was linked',
    response: z.object({ unlinked: z.boolean() }),
    errors: ['PHONE_NOT_REGISTERED'],
    async handler(c, { principal }) {
      const deps = c.get('deps');
      // Works even after WeChat is switched off: withdrawing consent must always be possible (PIPL art. 15).
      return c.json({ unlinked: await unlink(deps, principal, c.get('requestId')) });
    },
  }),
];
