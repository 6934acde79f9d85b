// Staff import of the elder roster from CSV. Every row is validated before anything is
// written; one bad row and nothing is written. A valid file is written row by row, each row
// idempotently (the ID-number guard), so a crash half way followed by a re-run converges, and
// the same file uploaded again changes nothing.
import { AppError } from '../../kernel/errors';
import { decodeCsv } from '../../csv/decode';
import { parseElderCsv } from './parse';
import type { RowError } from './report';
import { buildElderRecord, inputHash, CARD_ALLOCATION_TRIES } from '../service';
import { sha256, type BlindIndex, type FieldCipher } from '../../kernel/secrets';
import { areasUnder } from '../../areas/tree';
import type { AreaStore } from '../../areas/ports';
import type { AuditLog } from '../../kernel/audit';
import type { Clock } from '../../kernel/clock';
import type { ElderStore } from '../ports';

export const IMPORT_WRITE_CONCURRENCY = 16; // parallel row transactions: fast, yet far below table throttling
export const IMPORT_PROGRESS_EVERY = 500; // rows between progress saves

export type ImportMeta = {
  import_id: string;
  file_name: string;
  encoding: string;
  status: 'rejected' | 'writing' | 'completed';
  total_rows: number;
  error_count: number;
  created: number;
  unchanged: number;
  by: string;
  started_at: string;
  finished_at: string | null;
  /** The importing officer's area (null: city-wide). Only staff whose area holds it see the
   * import; absent on imports made before it was kept, which count as city-wide. */
  scope?: string | null;
};

/** The batch id: the file's hash within the importer's area. The same file from another street
 * is another batch (checked against that street's communities), never a look at this one. */
export const importIdOf = (bytes: Uint8Array, scope: string | null): string =>
  `imp_${sha256(Buffer.concat([Buffer.from(`${scope ?? '*'}\n`), Buffer.from(bytes)])).slice(0, 24)}`;

export type ImportDeps = {
  elders: ElderStore;
  areas: AreaStore;
  imports: {
    get: (id: string) => Promise<ImportMeta | null>;
    put: (m: ImportMeta) => Promise<void>;
    putErrors: (id: string, errors: RowError[]) => Promise<void>;
  };
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  clock: Clock;
  audit: AuditLog;
};

/** Loads the communities under `scope` (or the whole city) so rows can name them in Chinese. */
export const loadCommunityResolver = async (areas: AreaStore, scope: string | null) => {
  const all = await areasUnder(areas, scope);
  const byName = new Map<string, string>();
  const streetName = new Map(all.filter((a) => a.level === 'street').map((a) => [a.code, a.name]));
  for (const a of all) {
    if (a.level !== 'community' || !a.parent_code) continue;
    byName.set(`${streetName.get(a.parent_code) ?? ''}/${a.name}`, a.code);
  }
  return (street: string, community: string): string | null => byName.get(`${street}/${community}`) ?? null;
};

const pool = async <T>(items: readonly T[], width: number, fn: (t: T, i: number) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
};

export type ImportOutcome = { meta: ImportMeta; errors: RowError[] };

export const importEldersCsv = async (
  deps: ImportDeps,
  args: { bytes: Uint8Array; file_name: string; actor: string; scope: string | null },
): Promise<ImportOutcome> => {
  const import_id = importIdOf(args.bytes, args.scope);
  const previous = await deps.imports.get(import_id);
  // Same file again: nothing to do, and the answer says so (every row unchanged, none created);
  // the stored batch keeps what its first run did.
  if (previous?.status === 'completed')
    return { meta: { ...previous, created: 0, unchanged: previous.created + previous.unchanged }, errors: [] };

  const { text, encoding } = decodeCsv(args.bytes);
  const resolveCommunity = await loadCommunityResolver(deps.areas, args.scope);
  const { rows, errors } = parseElderCsv(text, { resolveCommunity, today: deps.clock.now() });

  // Against the database: an ID number already registered is fine when the row is the same
  // (a re-run after a crash); with different data it is an error for staff to resolve.
  const hashes = rows.map((r) => deps.blindIndex('id', r.input.id_number));
  const existingIds = await deps.elders.findIdsByIdHashes(hashes);
  const existing = new Map((await deps.elders.getMany([...existingIds.values()])).map((e) => [e.elder_id, e]));
  const toWrite: typeof rows = [];
  let unchanged = 0;
  rows.forEach((r, i) => {
    const elderId = existingIds.get(hashes[i] ?? '');
    if (!elderId) return void toWrite.push(r);
    if (existing.get(elderId)?.input_hash === inputHash(deps.blindIndex, r.input)) return void unchanged++;
    errors.push({
      row: r.row,
      column: '身份证号',
      code: 'ALREADY_REGISTERED',
      message: '该身份证号已登记且资料不同，请在系统中直接修改',
      message_en: 'ID number already registered with different data; edit the existing record instead',
    });
  });
  errors.sort((a, b) => a.row - b.row);

  const started_at = deps.clock.now().toISOString();
  const meta: ImportMeta = {
    import_id,
    file_name: args.file_name.slice(0, 120),
    encoding,
    status: 'writing',
    total_rows: rows.length + new Set(errors.map((e) => e.row)).size,
    error_count: errors.length,
    created: 0,
    unchanged,
    by: args.actor,
    started_at,
    finished_at: null,
    scope: args.scope,
  };
  if (errors.length > 0) {
    const rejected = { ...meta, status: 'rejected' as const, finished_at: started_at };
    await deps.imports.put(rejected);
    await deps.imports.putErrors(import_id, errors);
    await deps.audit.write({
      actor: args.actor,
      action: 'elders.import_rejected',
      subject: `import:${import_id}`,
      detail: { errors: errors.length },
    });
    return { meta: rejected, errors };
  }

  await deps.imports.put(meta);
  let created = 0;
  await pool(toWrite, IMPORT_WRITE_CONCURRENCY, async (r, i) => {
    const id_hash = deps.blindIndex('id', r.input.id_number);
    const phone_hash = r.input.phone ? deps.blindIndex('phone', r.input.phone) : null;
    for (let attempt = 1; ; attempt++) {
      const { record } = await buildElderRecord(deps, r.input);
      try {
        await deps.elders.create({ record, id_hash, phone_hash });
        created++;
        break;
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        if (e.code === 'ELDER_EXISTS') {
          unchanged++;
          break;
        } // written by an earlier, interrupted run
        if (e.code === 'CONFLICT' && attempt < CARD_ALLOCATION_TRIES) continue; // card number collision
        throw e;
      }
    }
    if ((i + 1) % IMPORT_PROGRESS_EVERY === 0) await deps.imports.put({ ...meta, created, unchanged });
  });
  const done: ImportMeta = {
    ...meta,
    status: 'completed',
    created,
    unchanged,
    finished_at: deps.clock.now().toISOString(),
  };
  await deps.imports.put(done);
  await deps.audit.write({
    actor: args.actor,
    action: 'elders.import',
    subject: `import:${import_id}`,
    detail: { created, unchanged },
  });
  return { meta: done, errors: [] };
};
