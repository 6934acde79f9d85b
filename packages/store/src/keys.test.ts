// keys.ts merges the entities' key tables by spreading them: a name two entities both used would
// silently keep only the last one, so the merge must keep every name.
import { describe, expect, it } from 'vitest';
import { KEY_TABLES, keys } from './keys';

describe('keys', () => {
  it('no two entities name a key builder alike', () => {
    const names = KEY_TABLES.flatMap((t) => Object.keys(t));
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(keys).sort()).toEqual([...names].sort());
  });
});
