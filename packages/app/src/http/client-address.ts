// The client's network address, for the per-address limits on sign-in (codes sent, failed staff
// sign-ins). Only addresses a client cannot choose are trusted:
// - AWS: API Gateway's `requestContext.http.sourceIp` (HTTP API; `identity.sourceIp` for a REST
//   API), the peer of API Gateway's own TCP connection. Nothing sits in front of the HTTP API
//   (infra/lib/api.ts), so it is the caller. X-Forwarded-For is never read: API Gateway appends
//   the real address to whatever the client sent, and the left part is the client's to invent.
// - Locally (`npm start`, @hono/node-server): the socket's remote address, since no proxy runs in
//   front of it and any header would be the client's word.
// - Neither (in-process `app.request` in tests): null, and the per-address limits do not apply;
//   the per-secret limits still do. Through API Gateway or a socket there is always an address.
import type { BlindIndex } from '@tmc/core/kernel/secrets';
import type { ClientKey } from '@tmc/core/auth/service';
import type { Ctx } from './context';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The address from the runtime's connection data; null when there is none. */
export const clientAddress = (c: Ctx): string | null => {
  const env: unknown = c.env;
  if (!isRecord(env)) return null;
  const rc = env.requestContext;
  if (isRecord(rc)) {
    if (isRecord(rc.http)) return str(rc.http.sourceIp);
    if (isRecord(rc.identity)) return str(rc.identity.sourceIp);
  }
  const incoming = env.incoming;
  if (isRecord(incoming) && isRecord(incoming.socket)) return str(incoming.socket.remoteAddress);
  return null;
};

/** The key the limiter counts under: a blind index, so the table never holds client addresses. */
export const clientKey = (c: Ctx, blindIndex: BlindIndex): ClientKey => {
  const a = clientAddress(c);
  return a ? blindIndex('address', a) : null;
};
