// One-time codes and the per-phone send log (otpByPhone, otpSendLog). Items carry a TTL so
// DynamoDB removes them; conditions, not reads, decide races.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OtpRecord } from '@tmc/core/auth/service';
import type { OtpStore } from '@tmc/core/auth/ports';
import { atVersion, isConditionFailed } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';

export const otpKeys = {
  otp: (purpose: string, phoneHash: string) => ({ pk: `OTP#${phoneHash}`, sk: `CODE#${purpose}` }),
  otpSends: (phoneHash: string) => ({ pk: `OTP#${phoneHash}`, sk: 'SENDS' }),
} as const;

export const otpPatterns = (): AccessPattern[] => [
  {
    name: 'otpByPhone',
    index: 'table',
    operation: ['GetItem'],
    pk: 'OTP#{hmac(phone)}',
    sk: 'CODE#{purpose}',
    used_by: 'auth (OtpStore)',
    about: 'TTL',
  },
  {
    name: 'otpSendLog',
    index: 'table',
    operation: ['GetItem'],
    pk: 'OTP#{hmac(phone)}',
    sk: 'SENDS',
    used_by: 'auth (OtpStore.recordSend)',
    about: 'sliding hour; TTL',
  },
];
const keys = otpKeys; // this entity's own keys, by their short names

const ttlSeconds = (ms: number) => Math.ceil(ms / 1000) + 3600; // keep an hour past expiry for support questions

export const createOtpStore = (db: Db): OtpStore => ({
  async recordSend(phone_hash, now_ms, since_ms, limit) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.otpSends(phone_hash), ConsistentRead: true }),
    );
    const version = (r.Item?.version as number | undefined) ?? 0;
    const recent = ((r.Item?.sends_ms as number[] | undefined) ?? []).filter((t) => t > since_ms);
    if (recent.length >= limit) return false;
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...keys.otpSends(phone_hash),
            sends_ms: [...recent, now_ms],
            version: version + 1,
            ttl: ttlSeconds(now_ms),
          },
          // Optimistic lock: two simultaneous sends cannot both slip under the limit.
          ...atVersion(version),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw e;
    }
  },

  async putCode(purpose, phone_hash, rec) {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.otp(purpose, phone_hash), ...rec, ttl: ttlSeconds(rec.expires_at_ms) },
      }),
    );
  },

  async getCode(purpose, phone_hash) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.otp(purpose, phone_hash), ConsistentRead: true }),
    );
    if (!r.Item) return null;
    // a code written before codes had ids is named by its expiry: unique enough per phone and purpose
    return {
      id: String(r.Item.id ?? `exp${String(r.Item.expires_at_ms)}`),
      code_hash: String(r.Item.code_hash),
      expires_at_ms: Number(r.Item.expires_at_ms),
    } satisfies OtpRecord;
  },

  async consume(purpose, phone_hash, code_hash) {
    try {
      await db.doc.send(
        new DeleteCommand({
          TableName: db.table,
          Key: keys.otp(purpose, phone_hash),
          // tries are counted by the attempt limiter before this; the hash makes the code usable once
          ConditionExpression: 'code_hash = :h',
          ExpressionAttributeValues: { ':h': code_hash },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw e;
    }
  },
});
