// The dev outbox (outboxRecent, local only): messages of the local notifier under one dev-only
// partition, newest first, gone after a day. Never wired in production (see app/compose/deps.ts).
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import type { OutboxStore } from '@tmc/core/notices/outbox-port';
import type { AccessPattern } from '../access-pattern';
import type { Db } from '../table';

const OUTBOX_TTL_S = 24 * 3600; // dev messages vanish after a day

export const outboxKeys = {
  outbox: (at: string, id: string) => ({ pk: 'DEV_OUTBOX', sk: `${at}#${id}` }),
  outboxPk: () => 'DEV_OUTBOX',
} as const;

export const outboxPatterns = (): AccessPattern[] => [
  {
    name: 'outboxRecent',
    index: 'table',
    operation: ['Query', 'PutItem'],
    pk: 'DEV_OUTBOX',
    sk: '{at}#{seq}',
    used_by: 'notify (dev outbox page; local only)',
    about: 'local only; newest first; TTL',
  },
];

export const createOutboxStore = (db: Db): OutboxStore => {
  let seq = 0; // orders messages written within the same millisecond (or a frozen test clock)
  return {
    async append(e) {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...outboxKeys.outbox(e.at, `${String(seq++).padStart(8, '0')}${randomBytes(3).toString('hex')}`),
            at: e.at,
            to_phone: e.to_phone,
            to_masked: e.to_masked,
            template: e.template,
            text_zh: e.text_zh,
            ttl: Math.floor(Date.now() / 1000) + OUTBOX_TTL_S,
          },
        }),
      );
    },
    async recent(limit) {
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': outboxKeys.outboxPk() },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (r.Items ?? []).map((it) => ({
        at: String(it.at),
        to_phone: String(it.to_phone),
        to_masked: String(it.to_masked),
        template: String(it.template),
        text_zh: String(it.text_zh),
      }));
    },
  };
};
