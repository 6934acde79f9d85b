// Due timers kept in the table (the Scheduler port outside AWS): what EventBridge Scheduler keeps
// for us in AWS, kept here so a restart of the local server loses nothing. `at` writes one item per
// timer, keyed by shard and due time, so a poller finds what is due with one Query per shard and
// never a Scan. A poller claims a timer with a conditional lease before running it, so of several
// pollers (or a poller and its restarted successor) only one runs it at a time; a crash between
// the claim and the delete only delays it until the lease runs out (at least once, as in AWS; the
// jobs are idempotent).
import { createHash } from 'node:crypto';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SchedulerPort } from '@tmc/core/jobs/ports';
import { isConditionFailed } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';

export const timerKeys = {
  timer: (shard: number, at: string, name: string) => ({ pk: `TIMERS_DUE#${shard}`, sk: `${at}#${name}` }),
  timersDuePk: (shard: number) => `TIMERS_DUE#${shard}`,
  // '~' sorts after every name character, so a timer due exactly now is included.
  dueUpTo: (now: string) => `${now}#~`,
} as const;

export const timerPatterns = (): AccessPattern[] => [
  {
    name: 'timersDue',
    index: 'table',
    operation: ['Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
    pk: 'TIMERS_DUE#{shard 0-3}',
    sk: '{due at}#{timer name}',
    used_by: 'orders (Scheduler port outside AWS: 帮我找 offer timers; local poller)',
    about:
      'Query `sk <= {now}#~` per shard; the local poller claims one with a conditional lease, ' +
      'runs its job, deletes it; conditional Put / Update / Delete',
  },
];
const keys = timerKeys; // this entity's own keys, by their short names

export const TIMER_SHARDS = 4; // spreads a busy minute's timers; each poll reads every shard once
export const TIMER_LEASE_MS = 60_000; // a job that has not finished by then is presumed dead and retried
export const TIMER_TRIES_MAX = 5; // then the timer is dropped and logged (EventBridge: retries, then the DLQ)

export type TimerJob = Parameters<SchedulerPort['at']>[1];

export type DueTimer = { pk: string; sk: string; name: string; at: string; job: string; tries: number };

/** The same job always has the same name: scheduling it twice writes the same item. */
export const timerName = (job: TimerJob): string =>
  Object.entries(job)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('&');

const shardOf = (name: string): number => (createHash('sha256').update(name).digest()[0] ?? 0) % TIMER_SHARDS;

export type TimerStore = ReturnType<typeof createTimerStore>;

export const createTimerStore = (db: Db) => ({
  /** The Scheduler port: keep `job` until `at`. Idempotent by the job's name and due time. */
  scheduler: {
    async at(at: Date, job: TimerJob): Promise<void> {
      const name = timerName(job);
      const iso = at.toISOString();
      await db.doc
        .send(
          new PutCommand({
            TableName: db.table,
            Item: {
              ...keys.timer(shardOf(name), iso, name),
              type: 'timer',
              name,
              at: iso,
              job: JSON.stringify(job),
              tries: 0,
            },
            // A second schedule of the same timer must not reset a claim or the tries already made.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch((e: unknown) => {
          if (!isConditionFailed(e)) throw e;
        });
    },
  } satisfies SchedulerPort,

  /** Timers due at `now` (oldest first), at most `limit` per shard. */
  async due(now: Date, limit = 25): Promise<DueTimer[]> {
    const out: DueTimer[] = [];
    for (let shard = 0; shard < TIMER_SHARDS; shard++) {
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :p AND sk <= :s',
          ExpressionAttributeValues: { ':p': keys.timersDuePk(shard), ':s': keys.dueUpTo(now.toISOString()) },
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      for (const it of r.Items ?? []) {
        out.push({
          pk: String(it.pk),
          sk: String(it.sk),
          name: String(it.name),
          at: String(it.at),
          job: String(it.job),
          tries: Number(it.tries ?? 0),
        });
      }
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  },

  /** Takes the timer for `TIMER_LEASE_MS` unless another poller holds it; false when it lost
   * (or the timer is already gone). The returned lease identifies this claim for `done`. */
  async claim(t: DueTimer, now: Date): Promise<{ lease_until: number; tries: number } | null> {
    const lease_until = now.getTime() + TIMER_LEASE_MS;
    try {
      const r = await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: { pk: t.pk, sk: t.sk },
          UpdateExpression: 'SET lease_until = :l ADD tries :one',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lease_until) OR lease_until < :now)',
          ExpressionAttributeValues: { ':l': lease_until, ':one': 1, ':now': now.getTime() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { lease_until, tries: Number(r.Attributes?.tries ?? 1) };
    } catch (e) {
      if (isConditionFailed(e)) return null;
      throw e;
    }
  },

  /** Removes a timer whose job ran (only under our own lease: a late poller does not remove a
   * timer that another has since claimed again). */
  async done(t: DueTimer, lease_until: number): Promise<void> {
    await db.doc
      .send(
        new DeleteCommand({
          TableName: db.table,
          Key: { pk: t.pk, sk: t.sk },
          ConditionExpression: 'lease_until = :l',
          ExpressionAttributeValues: { ':l': lease_until },
        }),
      )
      .catch((e: unknown) => {
        if (!isConditionFailed(e)) throw e;
      });
  },
});
