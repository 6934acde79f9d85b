// The demo seed's once-only marker (seedMarker, local only): packages/local seeds a demo district
// once per table and marks it here, so a restart does not seed twice.
import type { AccessPattern } from '../access-pattern';

export const seedKeys = {
  seedMarker: (name: string) => ({ pk: `SEED#${name}`, sk: 'SEED' }),
} as const;

export const seedPatterns = (): AccessPattern[] => [
  {
    name: 'seedMarker',
    index: 'table',
    operation: ['GetItem', 'PutItem'],
    pk: 'SEED#{name}',
    sk: 'SEED',
    used_by: 'local (demo seed)',
    about: 'local only',
  },
];
