// Access patterns as data: each entity file declares the reads and writes it serves (name, index,
// key templates, operation, who uses it), and docs/DATA_MODEL.md is generated from these
// declarations (data-model-doc.ts), so the doc cannot drift from the entities.

export type Operation =
  'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'TransactWriteItems';

export type AccessPattern = {
  /** The name code and docs use for it, e.g. `orderById`. */
  name: string;
  /** `table` for the base table's pk/sk, else the GSI whose keys the templates fill. */
  index: 'table' | 'gsi1' | 'gsi2';
  operation: readonly Operation[];
  /** Key templates: constant text as stored, `{field}` for a value (as the entity's builder writes them). */
  pk: string;
  sk: string;
  /** The capability (and port or job) that runs it. */
  used_by: string;
  /** What the doc must say beyond the key: conditions, order, limits, TTL. */
  about: string;
};
