// The attempt limiter on DynamoDB (attemptsBySubject): one item per rule and subject holding
// `tries` and the end of its window. Admission is a single conditional UpdateItem that adds the
// try only while fewer than `max` are counted in an open window, so DynamoDB, not a read in this
// process, decides which of many parallel guesses get compared. TTL only tidies up; the window
// end in the condition is what makes an old count stop counting (TTL deletes late).
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ATTEMPT_RULES, type AttemptLimiter, type Admission, type AttemptRule } from '@tmc/core/auth/attempts';
import type { Clock } from '@tmc/core/kernel/clock';
import { isConditionFailed } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';

export const attemptKeys = {
  attempts: (rule: string, subject: string) => ({ pk: `ATTEMPTS#${rule}#${subject}`, sk: 'ATTEMPTS' }),
} as const;

export const attemptPatterns = (): AccessPattern[] => [
  {
    name: 'attemptsBySubject',
    index: 'table',
    operation: ['UpdateItem', 'GetItem'],
    pk: 'ATTEMPTS#{rule}#{subject}',
    sk: 'ATTEMPTS',
    used_by: 'auth (AttemptLimiter)',
    about:
      'one attempt limiter: `tries`, `window_ends_ms`; rules in `packages/core/src/auth/attempts.ts`. UpdateItem ' +
      '`ADD tries 1` if `tries < max` in the window; GetItem only to say how long a refusal lasts. TTL',
  },
];
const keys = attemptKeys; // this entity's own keys, by their short names

// an hour past the window for support questions
const ttlSeconds = (window_ends_ms: number) => Math.ceil(window_ends_ms / 1000) + 3600;

// A window that ended must be restarted by exactly one writer; the others retry their admission
// against the new window (as does a refused attempt that finds a try given back meanwhile). The
// rounds are bounded so a pathological race answers "try again in a second" instead of spinning.
const ROUNDS = 3;

export const createAttemptLimiter = (db: Db, clock: Clock): AttemptLimiter => {
  const admitted = (rule: AttemptRule, tries: number, window_ends_ms: number, now: number): Admission => ({
    admitted: true,
    tries,
    tries_left: Math.max(0, ATTEMPT_RULES[rule].max - tries),
    window_ends_ms,
    retry_after_s: Math.max(1, Math.ceil((window_ends_ms - now) / 1000)),
  });

  return {
    async admit(rule, subject) {
      const { max, window_ms } = ATTEMPT_RULES[rule];
      const Key = keys.attempts(rule, subject);
      for (let round = 0; round < ROUNDS; round++) {
        const now = clock.now().getTime();
        try {
          const r = await db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key,
              UpdateExpression:
                'ADD tries :one SET window_ends_ms = if_not_exists(window_ends_ms, ' +
                ':end), #ttl = if_not_exists(#ttl, :ttl), #type = :type',
              ConditionExpression: 'attribute_not_exists(pk) OR (tries < :max AND window_ends_ms > :now)',
              ExpressionAttributeNames: { '#ttl': 'ttl', '#type': 'type' },
              ExpressionAttributeValues: {
                ':one': 1,
                ':end': now + window_ms,
                ':ttl': ttlSeconds(now + window_ms),
                ':type': 'attempts',
                ':max': max,
                ':now': now,
              },
              ReturnValues: 'ALL_NEW',
            }),
          );
          return admitted(rule, Number(r.Attributes?.tries), Number(r.Attributes?.window_ends_ms), now);
        } catch (e) {
          if (!isConditionFailed(e)) throw e;
        }
        // Refused: either the window is full (a lock; say until when) or it has ended (restart it).
        // This read only shapes the answer; the decision above was the condition's.
        const cur = await db.doc.send(new GetCommand({ TableName: db.table, Key, ConsistentRead: true }));
        const ends = Number(cur.Item?.window_ends_ms ?? 0);
        // a refund freed a try meanwhile: ask again
        if (cur.Item && ends > now && Number(cur.Item.tries) < max) continue;
        if (cur.Item && ends > now)
          return { admitted: false, retry_after_s: Math.max(1, Math.ceil((ends - now) / 1000)) };
        if (!cur.Item) continue; // removed between the two calls (TTL): admit again
        try {
          await db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key,
              UpdateExpression: 'SET tries = :one, window_ends_ms = :end, #ttl = :ttl',
              // only the writer that saw this very window end restarts it
              ConditionExpression: 'window_ends_ms = :old',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: {
                ':one': 1,
                ':end': now + window_ms,
                ':ttl': ttlSeconds(now + window_ms),
                ':old': ends,
              },
            }),
          );
          return admitted(rule, 1, now + window_ms, now);
        } catch (e) {
          if (!isConditionFailed(e)) throw e;
        }
      }
      return { admitted: false, retry_after_s: 1 };
    },

    async refund(rule, subject, a) {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.attempts(rule, subject),
            UpdateExpression: 'ADD tries :minus',
            // the same window the try was counted in, and never below zero
            ConditionExpression: 'window_ends_ms = :end AND tries > :zero',
            ExpressionAttributeValues: { ':minus': -1, ':end': a.window_ends_ms, ':zero': 0 },
          }),
        );
      } catch (e) {
        if (!isConditionFailed(e)) throw e;
      }
    },
  };
};
