import { describe, expect, it } from 'vitest';
import type { Hold } from '@tmc/core/ledger/ports';
import { HoldPlaces } from './ledger-holds';

const h = (hold_id: string, version: number) => ({ hold_id, version }) as Hold;

describe('HoldPlaces', () => {
  it('remembers where a hold was read, per version', () => {
    const p = new HoldPlaces();
    p.note(h('o1', 1), 'legacy');
    p.note(h('o2', 3), 'balance');
    expect([p.of('o1', 1), p.of('o1', 2), p.of('o2', 3)]).toEqual(['legacy', undefined, 'balance']);
  });

  it('is bounded: the oldest read is forgotten first, a read again counts as new', () => {
    const p = new HoldPlaces(2);
    p.note(h('a', 1), 'legacy');
    p.note(h('b', 1), 'legacy');
    p.note(h('a', 1), 'legacy'); // read again: now the newest
    p.note(h('c', 1), 'balance');
    expect([p.of('a', 1), p.of('b', 1), p.of('c', 1)]).toEqual(['legacy', undefined, 'balance']);
    const none = new HoldPlaces(0);
    none.note(h('a', 1), 'legacy');
    expect(none.of('a', 1)).toBeUndefined();
  });
});
