// What the table adds to a stored object (its keys, index keys, item type and TTL) is storage, not
// domain: entities hand their domain objects back through `fromItem`, the one place that drops it.

/** Attributes of the table itself, never of a domain object (see table-def.ts). */
export const STORAGE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type', 'ttl'] as const;

/** The item without the table's attributes (and without `also`, fields an entity no longer reads). */
export const fromItem = <T>(it: Record<string, unknown>, also: readonly string[] = []): T => {
  const out: Record<string, unknown> = { ...it };
  for (const a of STORAGE_ATTRIBUTES) delete out[a];
  for (const a of also) delete out[a];
  return out as T;
};
