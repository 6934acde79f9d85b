// Elder profiles and their lookup items: elderById, eldersInCommunity (gsi1), eldersByName (gsi2),
// elderByIdHash / elderByCard (unique guards), eldersByPhoneHash. A profile and its guard items
// are always written in one transaction so a lookup never points at a missing elder.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../batch-get';
import type { ElderRecord } from '@tmc/core/elders/model';
import type { ElderStore, ElderWrite } from '@tmc/core/elders/ports';
import { clampLimit, transact, type TxItem } from '../tx';
import { queryIndexPage } from '../page-query';
import type { Db } from '../table';
import type { AccessPattern } from '../access-pattern';
import { fromItem } from '../item';

export const elderKeys = {
  elder: (elderId: string) => ({ pk: `ELDER#${elderId}`, sk: 'PROFILE' }),
  elderCommunityIndex: (community: string, elderId: string) => ({
    gsi1pk: `COMMUNITY_ELDERS#${community}`,
    gsi1sk: elderId,
  }),
  elderCommunityPk: (community: string) => `COMMUNITY_ELDERS#${community}`,
  // sk = community#id so an officer's scope is a begins_with
  elderNameIndex: (name: string, community: string, elderId: string) => ({
    gsi2pk: `ELDER_NAME#${name}`,
    gsi2sk: `${community}#${elderId}`,
  }),
  elderNamePk: (name: string) => `ELDER_NAME#${name}`,
  elderIdHash: (idHash: string) => ({ pk: `ELDER_IDHASH#${idHash}`, sk: 'ELDER' }),
  /** The ID hash an elderByIdHash guard item is keyed by. */
  idHashOfGuard: (pk: string) => pk.slice('ELDER_IDHASH#'.length),
  elderCard: (card: string) => ({ pk: `CARD#${card}`, sk: 'ELDER' }),
  // a couple may share one phone
  elderPhone: (phoneHash: string, elderId: string) => ({ pk: `ELDER_PHONE#${phoneHash}`, sk: elderId }),
  elderPhonePk: (phoneHash: string) => `ELDER_PHONE#${phoneHash}`,
  /** Whether a pk is an elder's: the profile or one of its guard items (ID hash, card, phone). */
  isElderItem: (pk: string) => /^(ELDER#|ELDER_IDHASH#|CARD#|ELDER_PHONE#)/.test(pk),
} as const;

export const elderPatterns = (): AccessPattern[] => [
  {
    name: 'elderById',
    index: 'table',
    operation: ['GetItem', 'BatchGetItem'],
    pk: 'ELDER#{elder_id}',
    sk: 'PROFILE',
    used_by: 'elders (ElderStore.get, getMany)',
    about: '',
  },
  {
    name: 'eldersInCommunity',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'COMMUNITY_ELDERS#{community}',
    sk: '{elder_id}',
    used_by: 'elders (ElderStore.listByCommunity)',
    about: 'paged',
  },
  {
    name: 'eldersByName',
    index: 'gsi2',
    operation: ['Query'],
    pk: 'ELDER_NAME#{name}',
    sk: '{community}#{elder_id}',
    used_by: 'elders (ElderStore.findByName)',
    about: 'scoped: begins_with `{area prefix}.` on the sk; active elders only',
  },
  {
    name: 'elderByIdHash',
    index: 'table',
    operation: ['GetItem', 'BatchGetItem'],
    pk: 'ELDER_IDHASH#{hmac(id number)}',
    sk: 'ELDER',
    used_by: 'elders (register, CSV import)',
    about: 'unique guard',
  },
  {
    name: 'elderByCard',
    index: 'table',
    operation: ['GetItem'],
    pk: 'CARD#{card number}',
    sk: 'ELDER',
    used_by: 'elders, auth (card sign-in)',
    about: 'unique guard',
  },
  {
    name: 'eldersByPhoneHash',
    index: 'table',
    operation: ['Query'],
    pk: 'ELDER_PHONE#{hmac(phone)}',
    sk: '{elder_id}',
    used_by: 'auth (elder sign-in by phone)',
    about: 'a couple may share one phone; at most 10 read',
  },
];
const keys = elderKeys; // this entity's own keys, by their short names

export const profileItem = (r: ElderRecord) => ({
  ...keys.elder(r.elder_id),
  ...keys.elderCommunityIndex(r.community_code, r.elder_id),
  ...(r.status === 'active' ? keys.elderNameIndex(r.name, r.community_code, r.elder_id) : {}),
  type: 'elder',
  ...r,
});

const toElder = (it: Record<string, unknown>): ElderRecord => fromItem<ElderRecord>(it);

export const createElderStore = (db: Db): ElderStore => ({
  async create({ record, id_hash, phone_hash }: ElderWrite) {
    const items: TxItem[] = [
      {
        Put: {
          TableName: db.table,
          Item: { ...keys.elderIdHash(id_hash), elder_id: record.elder_id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: db.table, Item: profileItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: db.table,
          Item: { ...keys.elderCard(record.card_number), elder_id: record.elder_id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    if (phone_hash)
      items.push({
        Put: {
          TableName: db.table,
          Item: { ...keys.elderPhone(phone_hash, record.elder_id), elder_id: record.elder_id },
        },
      });
    // item 0 failing = the ID number is registered; item 2 = card number collision (caller retries)
    await transact(db, items, (i) => (i === 0 ? 'ELDER_EXISTS' : i === 2 ? 'CONFLICT' : 'CONFLICT'));
  },

  async get(elder_id) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.elder(elder_id) }));
    return r.Item ? toElder(r.Item) : null;
  },

  async getMany(elder_ids) {
    const items = await batchGet(
      db,
      [...new Set(elder_ids)].map((id) => keys.elder(id)),
    );
    return items.map(toElder);
  },

  async update(next, prev, phone_hash_prev, phone_hash_next) {
    const items: TxItem[] = [
      {
        Put: {
          TableName: db.table,
          Item: profileItem(next),
          ConditionExpression: 'version = :v AND #s = :active',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':v': prev.version, ':active': 'active' },
        },
      },
    ];
    if (phone_hash_prev !== phone_hash_next) {
      if (phone_hash_prev)
        items.push({ Delete: { TableName: db.table, Key: keys.elderPhone(phone_hash_prev, prev.elder_id) } });
      if (phone_hash_next)
        items.push({
          Put: {
            TableName: db.table,
            Item: { ...keys.elderPhone(phone_hash_next, next.elder_id), elder_id: next.elder_id },
          },
        });
    }
    await transact(db, items, () => 'CONFLICT');
  },

  async findIdByIdHash(id_hash) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.elderIdHash(id_hash) }));
    return (r.Item?.elder_id as string | undefined) ?? null;
  },

  async findIdsByIdHashes(id_hashes) {
    const items = await batchGet(
      db,
      [...new Set(id_hashes)].map((h) => keys.elderIdHash(h)),
    );
    return new Map(items.map((it) => [keys.idHashOfGuard(String(it.pk)), String(it.elder_id)]));
  },

  async findIdByCard(card) {
    const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.elderCard(card) }));
    return (r.Item?.elder_id as string | undefined) ?? null;
  },

  async findIdsByPhoneHash(phone_hash) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': keys.elderPhonePk(phone_hash) },
        Limit: 10, // a household shares at most a few
      }),
    );
    return (r.Items ?? []).map((it) => String(it.elder_id));
  },

  async listByCommunity(community_code, limit, cursor) {
    const pk = keys.elderCommunityPk(community_code);
    const r = await queryIndexPage(db, { index: 'gsi1', pk, newest_first: false, limit, cursor });
    return { items: r.items.map(toElder), cursor: r.cursor };
  },

  async findByName(name, scope_prefix, limit) {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: 'gsi2',
        KeyConditionExpression: scope_prefix ? 'gsi2pk = :p AND begins_with(gsi2sk, :s)' : 'gsi2pk = :p',
        ExpressionAttributeValues: { ':p': keys.elderNamePk(name), ...(scope_prefix ? { ':s': scope_prefix } : {}) },
        Limit: clampLimit(limit),
      }),
    );
    return (r.Items ?? []).map(toElder);
  },

  async erase(next, prev, id_hash, phone_hash) {
    const items: TxItem[] = [
      {
        Put: {
          TableName: db.table,
          Item: profileItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': prev.version },
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
