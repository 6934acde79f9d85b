// CSV import batches (importById = sha256 of the importer's area and the file bytes, importErrors).
// Uploading the same file again from the same area finds the same batch (core/elders/roster/import.ts).
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ImportMeta } from '@tmc/core/elders/roster/import';
import { transact, TRANSACT_MAX_ITEMS, type TxItem } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';

export const importKeys = {
  importMeta: (importId: string) => ({ pk: `IMPORT#${importId}`, sk: 'META' }),
  // sk ordered by row
  importError: (importId: string, row: number, col: string) => ({
    pk: `IMPORT#${importId}`,
    sk: `ERR#${String(row).padStart(7, '0')}#${col}`,
  }),
  importErrorSkPrefix: () => 'ERR#',
  importPk: (importId: string) => `IMPORT#${importId}`,
  /** Whether a pk is an import batch's (its meta and error items). */
  isImport: (pk: string) => pk.startsWith('IMPORT#'),
} as const;

export const importPatterns = (): AccessPattern[] => [
  {
    name: 'importById',
    index: 'table',
    operation: ['GetItem'],
    pk: 'IMPORT#{import_id}',
    sk: 'META',
    used_by: 'elders (CSV import)',
    about: "= hash of the importer's area and the file; meta keeps `scope`",
  },
  {
    name: 'importErrors',
    index: 'table',
    operation: ['Query'],
    pk: 'IMPORT#{import_id}',
    sk: 'ERR#{row, 7 digits}#{n}',
    used_by: 'elders (CSV import)',
    about: 'begins_with `ERR#` (row order)',
  },
];
const keys = importKeys; // this entity's own keys, by their short names

export const IMPORT_ERRORS_KEPT_MAX = 5_000; // enough to fix a file; beyond it the count still tells the size

export type ImportError = { row: number; column: string; code: string; message: string; message_en: string };

export type ImportStore = {
  get: (import_id: string) => Promise<ImportMeta | null>;
  put: (m: ImportMeta) => Promise<void>;
  putErrors: (import_id: string, errors: ImportError[]) => Promise<void>;
  errors: (import_id: string, limit: number) => Promise<ImportError[]>;
};

export const createImportStore = (db: Db): ImportStore => ({
  async get(import_id) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.importMeta(import_id), ConsistentRead: true }),
    );
    return r.Item ? fromItem<ImportMeta>(r.Item) : null;
  },
  async put(m) {
    await db.doc.send(
      new PutCommand({ TableName: db.table, Item: { ...keys.importMeta(m.import_id), type: 'import', ...m } }),
    );
  },
  async putErrors(import_id, errors) {
    const kept = errors.slice(0, IMPORT_ERRORS_KEPT_MAX);
    // Error items are facts about a file; rewriting the same ones on a retry is harmless.
    for (let i = 0; i < kept.length; i += TRANSACT_MAX_ITEMS) {
      const items: TxItem[] = kept.slice(i, i + TRANSACT_MAX_ITEMS).map((e, j) => ({
        Put: {
          TableName: db.table,
          Item: { ...keys.importError(import_id, e.row, `${String(i + j).padStart(5, '0')}`), ...e },
        },
      }));
      await transact(db, items, () => 'CONFLICT');
    }
  },
  async errors(import_id, limit) {
    const out: ImportError[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)',
          ExpressionAttributeValues: { ':p': keys.importPk(import_id), ':e': keys.importErrorSkPrefix() },
          ExclusiveStartKey: start,
          Limit: Math.min(1000, limit - out.length),
        }),
      );
      for (const it of r.Items ?? [])
        out.push({
          row: Number(it.row),
          column: String(it.column),
          code: String(it.code),
          message: String(it.message),
          message_en: String(it.message_en),
        });
      start = r.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out;
  },
});
