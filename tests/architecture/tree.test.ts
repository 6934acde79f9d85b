// docs/ARCHITECTURE.md shows the folders as they are: every folder of packages/*/src, bench/ and
// tests/ is named in its tree, so a new capability cannot appear without the page saying where it is.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEPTH_MAX = 6; // a bound on the walk: the deepest folder today is packages/core/src/elders/roster

/** Folders that hold files (git keeps no empty folder, so an empty one left behind by a move is not the tree). */
const folders = (dir: string, depth = 0): string[] =>
  depth > DEPTH_MAX
    ? []
    : readdirSync(dir)
        .filter((n) => n !== 'node_modules' && statSync(join(dir, n)).isDirectory())
        .flatMap((n) => {
          const inner = folders(join(dir, n), depth + 1);
          const hasFiles = readdirSync(join(dir, n)).some((m) => statSync(join(dir, n, m)).isFile());
          return hasFiles || inner.length > 0 ? [join(dir, n), ...inner] : [];
        });

describe('docs/ARCHITECTURE.md', () => {
  it('names every folder of the packages, bench and tests in its tree', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
    const tree = /## Folders[\s\S]*?```([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const named = new Set([...tree.matchAll(/([A-Za-z0-9_.-]+)\//g)].map((m) => m[1]));
    const roots = [
      ...readdirSync(join(ROOT, 'packages')).map((p) => join(ROOT, 'packages', p, 'src')),
      join(ROOT, 'bench'),
      join(ROOT, 'tests'),
    ];
    const missing = roots.flatMap((r) => folders(r)).filter((f) => !named.has(f.split('/').pop() ?? ''));
    expect(missing.map((f) => relative(ROOT, f))).toEqual([]);
    for (const p of readdirSync(join(ROOT, 'packages'))) expect(named.has(p), `packages/${p}`).toBe(true);
  });
});
