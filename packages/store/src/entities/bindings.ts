// Family bindings (bindingsOfFamily, bindingsOfElder). One item per family-elder pair whose
// status moves pending -> active -> removed under conditions on the expected status.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { Binding } from '@tmc/core/elders/family/bindings';
import { atVersion, isConditionFailed } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';

export const bindingKeys = {
  binding: (familyId: string, elderId: string) => ({ pk: `FAMILY#${familyId}`, sk: `BIND#${elderId}` }),
  bindingsOfFamilyPk: (familyId: string) => `FAMILY#${familyId}`,
  /** begins_with on the family's partition: its bindings, not other items kept there. */
  bindingSkPrefix: () => 'BIND#',
  bindingElderIndex: (elderId: string, familyId: string) => ({ gsi1pk: `ELDER_FAMILY#${elderId}`, gsi1sk: familyId }),
  bindingsOfElderPk: (elderId: string) => `ELDER_FAMILY#${elderId}`,
} as const;

export const bindingPatterns = (): AccessPattern[] => [
  {
    name: 'bindingsOfFamily',
    index: 'table',
    operation: ['Query', 'GetItem'],
    pk: 'FAMILY#{family_id}',
    sk: 'BIND#{elder_id}',
    used_by: 'elders/family (BindingStore.ofFamily, get)',
    about: 'begins_with `BIND#`; GetItem for one pair',
  },
  {
    name: 'bindingsOfElder',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'ELDER_FAMILY#{elder_id}',
    sk: '{family_id}',
    used_by: 'elders/family (BindingStore.ofElder)',
    about: '',
  },
];
const keys = bindingKeys; // this entity's own keys, by their short names

export const BINDINGS_PER_ELDER_MAX = 10; // a family is rarely more than a handful of people

export type { Binding } from '@tmc/core/elders/family/bindings';

export type BindingStore = {
  get: (family_id: string, elder_id: string) => Promise<Binding | null>;
  /** Writes `next` only if the stored binding is at `expectVersion` (0 = must not exist). */
  put: (next: Binding, expectVersion: number) => Promise<void>;
  ofFamily: (family_id: string) => Promise<Binding[]>;
  ofElder: (elder_id: string) => Promise<Binding[]>;
};

const fromItem = (it: Record<string, unknown>): Binding => ({
  family_id: String(it.family_id),
  elder_id: String(it.elder_id),
  status: it.status as Binding['status'],
  family_phone_masked: String(it.family_phone_masked),
  relation: String(it.relation ?? ''),
  requested_at: String(it.requested_at),
  decided_at: (it.decided_at as string | null) ?? null,
  decided_by: (it.decided_by as string | null) ?? null,
  version: Number(it.version),
});

export const createBindingStore = (db: Db): BindingStore => ({
  async get(family_id, elder_id) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.binding(family_id, elder_id), ConsistentRead: true }),
    );
    return r.Item ? fromItem(r.Item) : null;
  },
  async put(next, expectVersion) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...keys.binding(next.family_id, next.elder_id),
            ...keys.bindingElderIndex(next.elder_id, next.family_id),
            type: 'binding',
            ...next,
          },
          ...atVersion(expectVersion),
        }),
      );
    } catch (e) {
      if (isConditionFailed(e)) throw new AppError('CONFLICT', { cause: e });
      throw e;
    }
  },
  async ofFamily(family_id) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :b)',
        ExpressionAttributeValues: { ':p': keys.bindingsOfFamilyPk(family_id), ':b': keys.bindingSkPrefix() },
        Limit: BINDINGS_PER_ELDER_MAX * 2,
      }),
    );
    return (r.Items ?? []).map(fromItem);
  },
  async ofElder(elder_id) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': keys.bindingsOfElderPk(elder_id) },
        Limit: BINDINGS_PER_ELDER_MAX * 2,
      }),
    );
    return (r.Items ?? []).map(fromItem);
  },
});
