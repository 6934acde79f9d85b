// The local notifier: messages land in the table under one dev-only partition and the
// /dev/outbox page shows them (codes included), so sign-in works with no SMS gateway.
// Never wired in production (see app/deps.ts).
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { maskPhone } from '@tmc/core/elders/id-card';
import type { Clock } from '@tmc/core/kernel/clock';
import type { Notice, Notifier } from '@tmc/core/notices/ports';
import type { Db } from '@tmc/store/table';
import { keys } from '@tmc/store/keys';

export const OUTBOX_SHOW_MAX = 50;
const OUTBOX_TTL_S = 24 * 3600; // dev messages vanish after a day

export type OutboxEntry = { at: string; to_phone: string; to_masked: string; template: string; text_zh: string };
export type Outbox = Notifier & { recent: (limit?: number) => Promise<OutboxEntry[]>; latestFor: (phone: string) => Promise<OutboxEntry | null> };

export const createOutbox = (db: Db, clock: Clock): Outbox => {
  let seq = 0; // orders messages written within the same millisecond (or a frozen test clock)
  const recent = async (limit = OUTBOX_SHOW_MAX): Promise<OutboxEntry[]> => {
    const r = await db.doc.send(new QueryCommand({
      TableName: db.table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': keys.outboxPk() },
      ScanIndexForward: false, Limit: Math.min(limit, OUTBOX_SHOW_MAX),
    }));
    return (r.Items ?? []).map((it) => ({ at: String(it.at), to_phone: String(it.to_phone), to_masked: String(it.to_masked), template: String(it.template), text_zh: String(it.text_zh) }));
  };
  return {
    async send(n: Notice) {
      const at = clock.now().toISOString();
      await db.doc.send(new PutCommand({
        TableName: db.table,
        Item: { ...keys.outbox(at, `${String(seq++).padStart(8, '0')}${randomBytes(3).toString('hex')}`), at, to_phone: n.to_phone, to_masked: maskPhone(n.to_phone), template: n.template, text_zh: n.text_zh, ttl: Math.floor(Date.now() / 1000) + OUTBOX_TTL_S },
      }));
    },
    recent,
    async latestFor(phone) {
      return (await recent()).find((e) => e.to_phone === phone) ?? null;
    },
  };
};
