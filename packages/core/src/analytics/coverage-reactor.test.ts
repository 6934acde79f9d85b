// The coverage reactor: which changes ask for a run, and that a burst of changes (seen twice, in any
// order) asks for one timer per debounce window, named by the window, which the timer table keeps once.
import { describe, expect, it } from 'vitest';
import { coverageReactor, coverageWindow, movesCoverage } from './coverage-reactor';
import type { SourceChange } from './model';
import type { TimedJob } from '../jobs/ports';

const mod = (type: string, old: Record<string, unknown>, neu: Record<string, unknown>): SourceChange => ({
  event: 'MODIFY',
  keys: { pk: 'X', sk: 'Y' },
  old: { type, ...old },
  new: { type, ...neu },
});
const ins = (type: string, item: Record<string, unknown>): SourceChange => ({
  event: 'INSERT',
  keys: { pk: 'X', sk: 'Y' },
  old: null,
  new: { type, ...item },
});
const here = { lat: 31.7, lng: 113.3 };

describe('movesCoverage', () => {
  it('merchants: approval, suspension, a move or new categories; not a pending edit or a phone change', () => {
    expect(movesCoverage(mod('merchant', { status: 'pending' }, { status: 'approved' }))).toBe(true);
    expect(movesCoverage(mod('merchant', { status: 'approved' }, { status: 'suspended' }))).toBe(true);
    const moved = mod(
      'merchant',
      { status: 'approved', location: here },
      { status: 'approved', location: { ...here, lat: 31.71 } },
    );
    expect(movesCoverage(moved)).toBe(true);
    expect(
      movesCoverage(
        mod('merchant', { status: 'approved', contact_phone: '1' }, { status: 'approved', contact_phone: '2' }),
      ),
    ).toBe(false);
    expect(
      movesCoverage(mod('merchant', { status: 'pending', location: here }, { status: 'pending', location: null })),
    ).toBe(false);
    expect(movesCoverage(ins('merchant', { status: 'pending' }))).toBe(false);
  });

  it('services: on/off, category, mode, radius; not a price', () => {
    expect(movesCoverage(mod('service', { active: true }, { active: false }))).toBe(true);
    expect(movesCoverage(mod('service', { radius_m: 1000 }, { radius_m: 2000 }))).toBe(true);
    expect(movesCoverage(mod('service', { price_points: 10 }, { price_points: 12 }))).toBe(false);
    expect(movesCoverage(ins('service', { active: true }))).toBe(true);
  });

  it('elders: join, move, location, leave; not a phone; other item types never', () => {
    expect(movesCoverage(ins('elder', { status: 'active' }))).toBe(true);
    expect(movesCoverage(mod('elder', { community_code: 'a.b.c' }, { community_code: 'a.b.d' }))).toBe(true);
    expect(movesCoverage(mod('elder', { location: null }, { location: here }))).toBe(true);
    expect(movesCoverage(mod('elder', { status: 'active' }, { status: 'left' }))).toBe(true);
    expect(movesCoverage(mod('elder', { phone: 'x' }, { phone: 'y' }))).toBe(false);
    expect(movesCoverage(ins('order', { status: 'requested' }))).toBe(false);
    expect(movesCoverage(ins('geo', { category: 'barber' }))).toBe(false);
  });
});

describe('coverageReactor', () => {
  it('1,000 changes, each delivered twice and shuffled, make one timer per window', async () => {
    let now = new Date('2026-12-02T14:21:00Z');
    const timers = new Map<string, TimedJob>(); // as the timer table: one item per (due, name)
    const reactor = coverageReactor({
      clock: { now: () => now },
      scheduler: {
        async at(at, job) {
          const key = `${at.toISOString()}#${JSON.stringify(job)}`;
          if (!timers.has(key)) timers.set(key, job);
        },
      },
    });
    const changes = Array.from({ length: 1000 }, (_, i) =>
      mod('service', { active: i % 2 === 0 }, { active: i % 2 !== 0 }),
    );
    const twice = [...changes, ...changes].sort((a, b) => Number(a.old?.active) - Number(b.old?.active));
    for (const c of twice) if (reactor.wants(c)) await reactor.react(c);
    expect([...timers.values()]).toEqual([{ job: 'coverage', window: '2026-12-02T14:30Z' }]);
    expect([...timers.keys()][0]?.startsWith('2026-12-02T14:30:00.000Z#')).toBe(true);
    now = new Date('2026-12-02T14:30:00Z'); // the window's end starts the next window
    await reactor.react(changes[0] as SourceChange);
    expect(timers.size).toBe(2);
  });

  it('names windows by their end, to the minute', () => {
    expect(coverageWindow(new Date('2026-12-02T23:59:59Z'))).toBe('2026-12-03T00:00Z');
    expect(coverageWindow(new Date('2026-12-02T10:00:00Z'), 15)).toBe('2026-12-02T10:15Z');
  });
});
