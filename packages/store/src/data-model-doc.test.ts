// docs/DATA_MODEL.md is generated from the entities' access patterns; this fails when they drift,
// and when a declared key template names a partition prefix no key builder writes.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dataModelDoc } from './data-model-doc';
import { ENTITY_PATTERNS } from './data-model';
import { keys } from './keys';

const PARTITION_ATTR = { table: 'pk', gsi1: 'gsi1pk', gsi2: 'gsi2pk' } as const;

/** Every partition key the builders write, with each argument a placeholder. */
const builtPartitions = (attr: string): string[] =>
  Object.values(keys).flatMap((build) => {
    let out: unknown;
    try {
      out = (build as (...a: string[]) => unknown)(...Array.from({ length: build.length }, () => 'X'));
    } catch {
      return []; // a parser or predicate that wants a key, not a builder
    }
    if (typeof out === 'string') return [out];
    const v = typeof out === 'object' && out !== null ? (out as Record<string, unknown>)[attr] : undefined;
    return typeof v === 'string' ? [v] : [];
  });

describe('data model', () => {
  it('docs/DATA_MODEL.md is the generated doc (run npx tsx scripts/gen-docs.ts after changing an entity)', () => {
    expect(readFileSync(new URL('../../../docs/DATA_MODEL.md', import.meta.url), 'utf8')).toBe(dataModelDoc());
  });
  it('access pattern names are unique', () => {
    const names = ENTITY_PATTERNS.flatMap((e) => e.patterns.map((p) => p.name));
    expect(new Set(names).size).toBe(names.length);
  });
  it("every pattern's partition prefix is one a key builder writes in that index", () => {
    for (const p of ENTITY_PATTERNS.flatMap((e) => e.patterns)) {
      const constant = p.pk.split('{')[0] ?? '';
      const prefix = constant.includes('#') ? constant.slice(0, constant.indexOf('#') + 1) : constant;
      const built = builtPartitions(PARTITION_ATTR[p.index]);
      expect(
        built.some((k) => k.startsWith(prefix)),
        `${p.name}: ${p.pk}`,
      ).toBe(true);
    }
  });
});
