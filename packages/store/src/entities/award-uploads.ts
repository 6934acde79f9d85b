// Pending award uploads (awardUploadById): a CSV sign-in sheet an officer has checked on the staff awards
// page and not yet confirmed. The file is kept with what the check found, keyed by the hash of the
// uploader's area and the bytes, so "confirm" awards exactly the file that was checked, and the error
// report can be downloaded. A day's TTL tidies up; a confirmed file is never awarded twice (core).
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AwardRowError } from '@tmc/core/policy/award-csv';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';

export const awardUploadKeys = {
  awardUpload: (upload_id: string) => ({ pk: `AWARDCSV#${upload_id}`, sk: 'FILE' }),
} as const;

export const awardUploadPatterns = (): AccessPattern[] => [
  {
    name: 'awardUploadById',
    index: 'table',
    operation: ['GetItem', 'PutItem'],
    pk: 'AWARDCSV#{upload_id}',
    sk: 'FILE',
    used_by: 'awards (staff CSV upload: check, then confirm)',
    about: "= hash of the uploader's area and the file; holds the bytes and the check's errors; TTL a day",
  },
];
const keys = awardUploadKeys;

/** One DynamoDB item holds the file: 256 KB is well over a month's sheet of 2,000 rows (about 120 KB)
 * and leaves room under the 400 KB item limit for the errors kept beside it. */
export const AWARD_UPLOAD_MAX_BYTES = 256 * 1024;
/** Errors kept with the file for the report: enough to fix a sheet; the count still tells the size. */
export const AWARD_UPLOAD_ERRORS_KEPT = 300;
const TTL_S = 24 * 3600; // a check is confirmed within minutes; the next day it is checked again

export type AwardUpload = {
  upload_id: string;
  scope: string | null;
  actor: string;
  file_name: string;
  bytes: Uint8Array;
  checked_at: string;
  row_count: number;
  elders: number;
  points: number;
  error_count: number;
  errors: AwardRowError[]; // the first AWARD_UPLOAD_ERRORS_KEPT
};

export type AwardUploadStore = {
  get: (upload_id: string) => Promise<AwardUpload | null>;
  /** Puts (or replaces: the same file checked again) the upload. */
  put: (u: AwardUpload) => Promise<void>;
};

export const createAwardUploadStore = (db: Db): AwardUploadStore => ({
  async get(upload_id) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.awardUpload(upload_id), ConsistentRead: true }),
    );
    const it = r.Item;
    if (!it) return null;
    return {
      upload_id: String(it.upload_id),
      scope: typeof it.scope === 'string' ? it.scope : null,
      actor: String(it.actor),
      file_name: String(it.file_name),
      bytes: it.bytes instanceof Uint8Array ? it.bytes : new Uint8Array(),
      checked_at: String(it.checked_at),
      row_count: Number(it.row_count),
      elders: Number(it.elders),
      points: Number(it.points),
      error_count: Number(it.error_count),
      errors: Array.isArray(it.errors) ? (it.errors as AwardRowError[]) : [],
    };
  },
  async put(u) {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: {
          ...keys.awardUpload(u.upload_id),
          type: 'award_upload',
          ...u,
          errors: u.errors.slice(0, AWARD_UPLOAD_ERRORS_KEPT),
          ttl: Math.floor(Date.parse(u.checked_at) / 1000) + TTL_S,
        },
      }),
    );
  },
});
