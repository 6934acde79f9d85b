// The elder store port; packages/store implements it over DynamoDB.
import type { ElderRecord } from './model';
import type { Page } from '../kernel/page';

export type ElderWrite = {
  record: ElderRecord;
  id_hash: string;
  phone_hash: string | null;
};

export type ElderStore = {
  // ELDER_EXISTS when the ID hash is taken; CARD_TAKEN internally retried by caller
  create: (w: ElderWrite) => Promise<void>;
  get: (elder_id: string) => Promise<ElderRecord | null>;
  getMany: (elder_ids: string[]) => Promise<ElderRecord[]>;
  update: (
    next: ElderRecord,
    prev: ElderRecord,
    phone_hash_prev: string | null,
    phone_hash_next: string | null,
  ) => Promise<void>;
  findIdByIdHash: (id_hash: string) => Promise<string | null>;
  findIdsByIdHashes: (id_hashes: string[]) => Promise<Map<string, string>>;
  findIdByCard: (card: string) => Promise<string | null>;
  findIdsByPhoneHash: (phone_hash: string) => Promise<string[]>;
  listByCommunity: (community_code: string, limit: number, cursor?: string) => Promise<Page<ElderRecord>>;
  findByName: (name: string, scope_prefix: string | null, limit: number) => Promise<ElderRecord[]>;
  erase: (next: ElderRecord, prev: ElderRecord, id_hash: string, phone_hash: string | null) => Promise<void>;
};
