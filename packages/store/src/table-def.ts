// Key schema of the one table, free of SDK imports so infra/ can build the same table from it.
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    // gsi2: eldersByName (search by exact name, optionally within an area prefix), merchant orders,
    // statements by status within a street, auditByActor
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  ttl: 'ttl',
} as const;

/** Item types the streams function reacts to (counters: orders, ledger entries, elders; anomaly flags:
 * orders; coverage: merchants, services, elders). The event source filters on them, so the function is
 * not invoked for its own counter, marker, flag and audit writes (about ten per real change). */
export const STREAM_ITEM_TYPES = ['order', 'entry', 'elder', 'merchant', 'service'] as const;
