// Staff accounts (staffByUsername; the administrator's list: staffList, staffListInArea). An account
// is created once (attribute_not_exists) and changed by a versioned update, each with its audit
// record in one transaction; sign-in writes only its times, never the version.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import type { StaffAccount } from '@tmc/core/auth/service';
import type { StaffStore } from '@tmc/core/auth/ports';
import { clampLimit, decodeCursor, encodeCursor, isConditionFailed, transact } from '../tx';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';
import { auditItem } from './audit';

export const staffKeys = {
  staff: (username: string) => ({ pk: `STAFF#${username}`, sk: 'STAFF' }),
  staffListPk: () => 'STAFFS',
  staffAreaPk: (scope: string) => `STAFFS_IN#${scope}`,
  /** Every account in the list; an officer's also in its area's list. */
  staffListIndex: (a: Pick<StaffAccount, 'username' | 'scope'>) => ({
    gsi1pk: 'STAFFS',
    gsi1sk: a.username,
    ...(a.scope === null ? {} : { gsi2pk: `STAFFS_IN#${a.scope}`, gsi2sk: a.username }),
  }),
} as const;

export const staffPatterns = (): AccessPattern[] => [
  {
    name: 'staffByUsername',
    index: 'table',
    operation: ['GetItem', 'PutItem', 'UpdateItem', 'TransactWriteItems'],
    pk: 'STAFF#{username}',
    sk: 'STAFF',
    used_by: 'auth (StaffStore: sign-in, staff accounts)',
    about:
      'created once (attribute_not_exists) with its audit record in one transaction; a change is a ' +
      'versioned update with its audit record; sign-in sets last_login_at without the version',
  },
  {
    name: 'staffList',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'STAFFS',
    sk: '{username}',
    used_by: "auth (staff accounts: the administrator's list)",
    about: 'by username; a role filter narrows a page on the server',
  },
  {
    name: 'staffListInArea',
    index: 'gsi2',
    operation: ['Query'],
    pk: 'STAFFS_IN#{area code}',
    sk: '{username}',
    used_by: "auth (staff accounts: the list filtered to one street's or district's officers)",
    about: 'officers only (admin and finance have no area)',
  },
];
const keys = staffKeys; // this entity's own keys, by their short names

const staffItem = (a: StaffAccount) => ({ ...keys.staff(a.username), ...keys.staffListIndex(a), type: 'staff', ...a });

export const createStaffStore = (db: Db): StaffStore => ({
  async get(username) {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.staff(username), ConsistentRead: true }),
    );
    return r.Item ? fromItem<StaffAccount>(r.Item) : null;
  },
  async put(a, opts = {}) {
    try {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: staffItem(a),
          ...(opts.expectVersion === undefined
            ? {}
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': opts.expectVersion } }),
        }),
      );
    } catch (e) {
      if (isConditionFailed(e)) throw new AppError('CONFLICT', { cause: e });
      throw e;
    }
  },
  async create(a, audit) {
    await transact(
      db,
      [
        { Put: { TableName: db.table, Item: staffItem(a), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: db.table,
            Item: auditItem(audit.event, audit.at, `staff:${a.username}:v${a.version}`),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      () => 'STAFF_EXISTS',
    );
  },
  async update(prev, next, audit) {
    // every managed field by name: the sign-in times, written beside this, are left as they are
    const index = keys.staffListIndex(next);
    const set: Record<string, unknown> = {
      display_name: next.display_name,
      role: next.role,
      scope: next.scope,
      status: next.status ?? 'active',
      password_hash: next.password_hash,
      must_change_password: next.must_change_password ?? false,
      version: next.version,
      updated_at: next.updated_at ?? audit.at,
      gsi1pk: index.gsi1pk,
      gsi1sk: index.gsi1sk,
      ...('gsi2pk' in index ? { gsi2pk: index.gsi2pk, gsi2sk: index.gsi2sk } : {}),
    };
    const names = Object.keys(set);
    const remove = 'gsi2pk' in index ? '' : ' REMOVE gsi2pk, gsi2sk';
    try {
      await transact(
        db,
        [
          {
            Update: {
              TableName: db.table,
              Key: keys.staff(prev.username),
              UpdateExpression: `SET ${names.map((n, i) => `#n${i} = :v${i}`).join(', ')}${remove}`,
              ConditionExpression: 'attribute_exists(pk) AND version = :prev',
              ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
              ExpressionAttributeValues: {
                ...Object.fromEntries(names.map((n, i) => [`:v${i}`, set[n]])),
                ':prev': prev.version,
              },
            },
          },
          {
            Put: {
              TableName: db.table,
              Item: auditItem(audit.event, audit.at, `staff:${next.username}:v${next.version}`),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        () => 'CONFLICT',
      );
      return true;
    } catch (e) {
      // the versioned update lost (or its audit record exists, which only a winner of this version wrote)
      if (e instanceof AppError && e.code === 'CONFLICT') return false;
      throw e;
    }
  },
  async list(q, limit, cursor) {
    const index = q.scope ? 'gsi2' : 'gsi1';
    const pk = q.scope ? keys.staffAreaPk(q.scope) : keys.staffListPk();
    const pkName = `${index}pk`;
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: index,
        KeyConditionExpression: `${pkName} = :p`,
        ...(q.role ? { FilterExpression: '#r = :r', ExpressionAttributeNames: { '#r': 'role' } } : {}),
        ExpressionAttributeValues: { ':p': pk, ...(q.role ? { ':r': q.role } : {}) },
        Limit: clampLimit(limit),
        ExclusiveStartKey: decodeCursor(cursor, { [pkName]: pk }, ['pk', 'sk', pkName, `${index}sk`]),
      }),
    );
    return { items: (r.Items ?? []).map((it) => fromItem<StaffAccount>(it)), cursor: encodeCursor(r.LastEvaluatedKey) };
  },
  async recordLogin(username, at) {
    try {
      const r = await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: keys.staff(username),
          UpdateExpression: 'SET prev_login_at = if_not_exists(last_login_at, :none), last_login_at = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':none': null, ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return r.Attributes ? fromItem<StaffAccount>(r.Attributes) : null;
    } catch (e) {
      if (isConditionFailed(e)) return null;
      throw e;
    }
  },
});
