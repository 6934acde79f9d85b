// Idempotency for point-moving requests: the client sends `Idempotency-Key`; the key is scoped
// to the caller and stored with a hash of the request, so a retry returns the first result and
// the same key on a different request is refused (IDEMPOTENCY_KEY_REUSED).
import { AppError } from '@tmc/core/kernel/errors';
import { sha256 } from '@tmc/core/kernel/secrets';
import type { Idem } from '@tmc/core/ledger/service';
import type { Ctx } from './context';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_RE = /^[A-Za-z0-9_.:-]{8,100}$/; // UUIDs and similar; long enough to be unique per client

export const idempotencyOf = (c: Ctx, body: unknown): Idem =>
  idemFrom(c, c.req.header(IDEMPOTENCY_HEADER), 'header.idempotency-key', body);

/** The same, for a page form: the key is a hidden field written when the form was rendered, so a
 * double submit of one rendered form is one request. */
export const idempotencyOfForm = (c: Ctx, key: string | undefined, body: unknown): Idem =>
  idemFrom(c, key, 'idempotency_key', body);

const idemFrom = (c: Ctx, key: string | undefined, path: string, body: unknown): Idem => {
  if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
  if (!KEY_RE.test(key))
    throw new AppError('VALIDATION_FAILED', {
      fields: [
        {
          path,
          code: 'INVALID_FORMAT',
          message: '8-100 characters: letters, digits, _ . : -',
        },
      ],
    });
  const p = c.get('principal');
  return {
    scope: p?.sub ?? 'anonymous',
    key,
    request_hash: sha256(`${c.req.method} ${c.req.path} ${JSON.stringify(body ?? null)}`),
  };
};

export const markReplay = (c: Ctx, replayed: boolean) => {
  if (replayed) c.header('Idempotent-Replayed', 'true');
};
