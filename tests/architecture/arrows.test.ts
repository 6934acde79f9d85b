// The arrows between packages hold for the whole tree: a change that makes core import an adapter,
// an adapter import the app, or two modules import each other fails here, with the offending import
// named (rules and reasons: .dependency-cruiser.cjs; `npm run arrows` prints the same list). And each
// workspace package declares in its own package.json every package it imports, so what a package
// needs is written where it lives.
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as IConfiguration;
const ROOTS = ['packages', 'functions', 'infra', 'bench', 'scripts', 'tests'];
const TEST_FILE = /\.test\.tsx?$/;

let result: ICruiseResult;
beforeAll(async () => {
  const { output } = await cruise(ROOTS, { validate: true, ruleSet: config, ...config.options }, undefined, {
    tsConfig: require('../../tsconfig.json'),
  });
  result = output as ICruiseResult;
});

type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
const manifest = (path: string): Manifest =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Manifest;

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`; relative paths and node builtins -> null. */
const packageName = (specifier: string): string | null => {
  if (
    specifier.startsWith('.') ||
    specifier.startsWith('node:') ||
    builtinModules.includes(specifier.split('/')[0] ?? '')
  )
    return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? null);
};

describe('package arrows', () => {
  it('no import breaks a rule of .dependency-cruiser.cjs', () => {
    expect(result.summary.totalCruised).toBeGreaterThan(200); // the tree was read, not skipped
    const broken = result.summary.violations.map(
      (v) =>
        `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`,
    );
    expect(broken).toEqual([]);
  });

  it('every workspace package declares the packages its code imports (tests may use dev dependencies)', () => {
    const root = manifest('package.json');
    const undeclared: string[] = [];
    for (const m of result.modules) {
      const own = /^packages\/([^/]+)\/src\//.exec(m.source)?.[1];
      if (!own) continue;
      const pkg = manifest(`packages/${own}/package.json`);
      const allowed = new Set([`@tmc/${own}`, ...Object.keys(pkg.dependencies ?? {})]);
      if (TEST_FILE.test(m.source))
        for (const k of [...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(root.devDependencies ?? {})])
          allowed.add(k);
      for (const d of m.dependencies) {
        const name = packageName(d.module);
        if (name && !allowed.has(name))
          undeclared.push(`${m.source} imports ${name}, not in packages/${own}/package.json`);
      }
    }
    expect([...new Set(undeclared)]).toEqual([]);
  });
});
