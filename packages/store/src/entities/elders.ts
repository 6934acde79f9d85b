// Elder profiles and their lookup items: elderById, eldersInCommunity (gsi1), eldersByName (gsi2),
// elderByIdHash / elderByCard (unique guards), eldersByPhoneHash. A profile and its guard items
// are always written in one transaction so a lookup never points at a missing elder.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../batch-get';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { ElderStore, ElderWrite } from '@tmc/core/kernel/ports';
import { keys } from '../keys';
import { clampLimit, decodeCursor, encodeCursor, transact, type TxItem } from '../tx';
import type { Db } from '../table';


export const profileItem = (r: ElderRecord) => ({
  ...keys.elder(r.elder_id),
  ...keys.elderCommunityIndex(r.community_code, r.elder_id),
  ...(r.status === 'active' ? keys.elderNameIndex(r.name, r.community_code, r.elder_id) : {}),
  type: 'elder',
  ...r,
});

const fromItem = (it: Record<string, unknown>): ElderRecord => {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, type: _t, ...rest } = it;
  return rest as unknown as ElderRecord;
};

export const createElderStore = (db: Db): ElderStore => ({
  async create({ record, id_hash, phone_hash }: ElderWrite) {
    const items: TxItem[] = [
      { Put: { TableName: db.table, Item: { ...keys.elderIdHash(id_hash), elder_id: record.elder_id }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: db.table, Item: profileItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: db.table, Item: { ...keys.elderCard(record.card_number), elder_id: record.elder_id }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ];
    if (phone_hash) items.push({ Put: { TableName: db.table, Item: { ...keys.elderPhone(phone_hash, record.elder_id), elder_id: record.elder_id } } });
    // item 0 failing = the ID number is registered; item 2 = card number collision (caller retries)
    await transact(db, items, (i) => (i === 0 ? 'ELDER_EXISTS' : i === 2 ? 'CONFLICT' : 'CONFLICT'));
  },

  async get(elder_id) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.elder(elder_id) }));
    return r.Item ? fromItem(r.Item) : null;
  },

  async getMany(elder_ids) {
    const items = await batchGet(db, [...new Set(elder_ids)].map((id) => keys.elder(id)));
    return items.map(fromItem);
  },

  async update(next, prev, phone_hash_prev, phone_hash_next) {
    const items: TxItem[] = [{
      Put: {
        TableName: db.table, Item: profileItem(next),
        ConditionExpression: 'version = :v AND #s = :active',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':v': prev.version, ':active': 'active' },
      },
    }];
    if (phone_hash_prev !== phone_hash_next) {
      if (phone_hash_prev) items.push({ Delete: { TableName: db.table, Key: keys.elderPhone(phone_hash_prev, prev.elder_id) } });
      if (phone_hash_next) items.push({ Put: { TableName: db.table, Item: { ...keys.elderPhone(phone_hash_next, next.elder_id), elder_id: next.elder_id } } });
    }
    await transact(db, items, () => 'CONFLICT');
  },

  async findIdByIdHash(id_hash) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.elderIdHash(id_hash) }));
    return (r.Item?.elder_id as string | undefined) ?? null;
  },

  async findIdsByIdHashes(id_hashes) {
    const items = await batchGet(db, [...new Set(id_hashes)].map((h) => keys.elderIdHash(h)));
    return new Map(items.map((it) => [String(it.pk).slice('ELDER_IDHASH#'.length), String(it.elder_id)]));
  },

  async findIdByCard(card) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.elderCard(card) }));
    return (r.Item?.elder_id as string | undefined) ?? null;
  },

  async findIdsByPhoneHash(phone_hash) {
    const r = await db.doc.send(new QueryCommand({
      TableName: db.table, KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': keys.elderPhonePk(phone_hash) }, Limit: 10, // a household shares at most a few
    }));
    return (r.Items ?? []).map((it) => String(it.elder_id));
  },

  async listByCommunity(community_code, limit, cursor) {
    const pk = keys.elderCommunityPk(community_code);
    const r = await db.doc.send(new QueryCommand({
      TableName: db.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': pk }, Limit: clampLimit(limit),
      ExclusiveStartKey: decodeCursor(cursor, { gsi1pk: pk }),
    }));
    return { items: (r.Items ?? []).map(fromItem), cursor: encodeCursor(r.LastEvaluatedKey) };
  },

  async findByName(name, scope_prefix, limit) {
    const r = await db.doc.send(new QueryCommand({
      TableName: db.table, IndexName: 'gsi2',
      KeyConditionExpression: scope_prefix ? 'gsi2pk = :p AND begins_with(gsi2sk, :s)' : 'gsi2pk = :p',
      ExpressionAttributeValues: { ':p': keys.elderNamePk(name), ...(scope_prefix ? { ':s': scope_prefix } : {}) },
      Limit: clampLimit(limit),
    }));
    return (r.Items ?? []).map(fromItem);
  },

  async erase(next, prev, id_hash, phone_hash) {
    const items: TxItem[] = [
      {
        Put: {
          TableName: db.table, Item: profileItem(next),
          ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': prev.version },
        },
      },
      // Dropping the guards lets the person rejoin later as a new elder; history stays under the old id.
      { Delete: { TableName: db.table, Key: keys.elderIdHash(id_hash) } },
      { Delete: { TableName: db.table, Key: keys.elderCard(prev.card_number) } },
    ];
    if (phone_hash) items.push({ Delete: { TableName: db.table, Key: keys.elderPhone(phone_hash, prev.elder_id) } });
    await transact(db, items, () => 'CONFLICT');
  },
});
