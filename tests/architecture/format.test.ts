// Code looks one way: Prettier (.prettierrc.json, width 120) has formatted every source file, and no
// line is longer than 120 characters, including the strings and comments Prettier does not wrap.
// `npm run format` fixes the first; the second is fixed by hand (split the string or the sentence).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIRS = ['packages', 'functions', 'infra', 'bench', 'scripts', 'tests'];
const SKIP = new Set(['node_modules', 'dist', 'cdk.out', '.data']);
const SOURCE = /\.(ts|tsx|cjs|mjs)$/;
const MAX_LINE_CHARS = 120;
const FILES_MAX = 2000; // a bound on the walk; the tree holds a few hundred

const sources = (): string[] => {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIP.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name)) out.push(path);
      if (out.length > FILES_MAX) throw new Error(`more than ${FILES_MAX} source files: raise FILES_MAX`);
    }
  };
  for (const d of DIRS) walk(join(ROOT, d));
  for (const name of readdirSync(ROOT))
    if (SOURCE.test(name) || name === '.dependency-cruiser.cjs') out.push(join(ROOT, name));
  return out;
};

describe('formatting', () => {
  const files = sources();

  it('every source file is as Prettier writes it', async () => {
    const unformatted: string[] = [];
    for (const file of files) {
      const options = await prettier.resolveConfig(file);
      if (!(await prettier.check(readFileSync(file, 'utf8'), { ...options, filepath: file })))
        unformatted.push(relative(ROOT, file));
    }
    expect(files.length).toBeGreaterThan(100);
    expect(unformatted, 'run `npm run format`').toEqual([]);
  });

  it(`no line is longer than ${MAX_LINE_CHARS} characters`, () => {
    const long: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const chars = [...line].length; // characters, not UTF-16 units: 中文 counts one each
          if (chars > MAX_LINE_CHARS) long.push(`${relative(ROOT, file)}:${i + 1} (${chars})`);
        });
    }
    expect(long).toEqual([]);
  });
});
