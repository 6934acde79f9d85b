// Sessions (sessionById): the server-side half of a signed token, so logout and refresh
// rotation revoke at once. Expired sessions are removed by TTL.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';

export const sessionKeys = {
  session: (sid: string) => ({ pk: `SESSION#${sid}`, sk: 'SESSION' }),
  // every session of one person, to end them all when an elder leaves or a staff account is changed
  sessionSubIndex: (sub: string, sid: string) => ({ gsi1pk: `SESSIONS_OF#${sub}`, gsi1sk: sid }),
  sessionsOfSubPk: (sub: string) => `SESSIONS_OF#${sub}`,
} as const;

export const sessionPatterns = (): AccessPattern[] => [
  {
    name: 'sessionById',
    index: 'table',
    operation: ['GetItem'],
    pk: 'SESSION#{sid}',
    sk: 'SESSION',
    used_by: 'http sessions (SessionStore)',
    about: 'TTL',
  },
  {
    name: 'sessionsOfSub',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'SESSIONS_OF#{sub}',
    sk: '{sid}',
    used_by: 'elders (leaving), staff accounts (disable, new role or area, reset password): SessionStore.revokeAllOf',
    about: 'an elder leaving or a staff change ends them all',
  },
];
const keys = sessionKeys; // this entity's own keys, by their short names

export type SessionRecord = {
  sid: string;
  sub: string; // 'elder:e_x', 'staff:alice', ...
  refresh_hash: string;
  expires_at_ms: number;
  revoked: boolean;
};

/** A session item as read (by GetItem here, or in a batch a handler sends anyway: http/session-gate.ts). */
export const sessionOfItem = (sid: string, it: Record<string, unknown>): SessionRecord => ({
  sid,
  sub: String(it.sub),
  refresh_hash: String(it.refresh_hash),
  expires_at_ms: Number(it.expires_at_ms),
  revoked: Boolean(it.revoked),
});

export type SessionStore = {
  create: (s: SessionRecord) => Promise<void>;
  get: (sid: string) => Promise<SessionRecord | null>;
  /** Swaps the refresh token only if the presented one is current: a stolen, already-used refresh fails. */
  rotate: (sid: string, from_hash: string, to_hash: string, expires_at_ms: number) => Promise<boolean>;
  revoke: (sid: string) => Promise<void>;
  /** Revokes every live session of `sub` (an elder leaving, a staff account disabled or changed);
   * answers how many it revoked. */
  revokeAllOf: (sub: string) => Promise<number>;
};

const SESSIONS_PAGE = 100;
const SESSIONS_PAGES_MAX = 10; // a person signs in from a few devices; sessions expire by TTL

export const createSessionStore = (db: Db): SessionStore => ({
  async create(s) {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: {
          ...keys.session(s.sid),
          ...keys.sessionSubIndex(s.sub, s.sid),
          ...s,
          ttl: Math.ceil(s.expires_at_ms / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },
  async get(sid) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.session(sid) }));
    return r.Item ? sessionOfItem(sid, r.Item) : null;
  },
  async rotate(sid, from_hash, to_hash, expires_at_ms) {
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.session(sid),
          UpdateExpression: 'SET refresh_hash = :to, expires_at_ms = :e, #ttl = :ttl',
          ConditionExpression: 'refresh_hash = :from AND revoked = :f',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':to': to_hash,
            ':from': from_hash,
            ':f': false,
            ':e': expires_at_ms,
            ':ttl': Math.ceil(expires_at_ms / 1000),
          },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw e;
    }
  },
  async revoke(sid) {
    await db.doc
      .send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.session(sid),
          UpdateExpression: 'SET revoked = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': true },
        }),
      )
      .catch((e: unknown) => {
        if (!isConditionFailed(e)) throw e;
      });
  },
  async revokeAllOf(sub) {
    let n = 0;
    let start: Record<string, unknown> | undefined;
    for (let page = 0; page < SESSIONS_PAGES_MAX; page++) {
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': keys.sessionsOfSubPk(sub) },
          Limit: SESSIONS_PAGE,
          ExclusiveStartKey: start,
        }),
      );
      for (const it of r.Items ?? []) {
        if (it.revoked === true) continue;
        await db.doc
          .send(
            new UpdateCommand({
              TableName: db.table,
              Key: keys.session(String(it.sid)),
              UpdateExpression: 'SET revoked = :t',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':t': true },
            }),
          )
          .catch((e: unknown) => {
            if (!isConditionFailed(e)) throw e;
          });
        n++;
      }
      start = r.LastEvaluatedKey;
      if (!start) break;
    }
    return n;
  },
});
