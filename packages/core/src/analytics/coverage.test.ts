// Coverage by the grid index equals coverage by brute force (property), and the edges are read like search.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  computeCoverage,
  computeCoverageBrute,
  rankGaps,
  sharePermille,
  type CoverageElder,
  type CoverageService,
} from './coverage';
import { circleRadiusM, M_PER_DEG } from '../search/geo';

const WALK = { minutes: 10, walking_m_per_min: 48, detour_factor: 1.3 };
const CATS = ['barber', 'canteen', 'clinic'];
// a small town (about 3 x 3 km) so circles overlap services often and miss them often
const point = fc.record({
  lat: fc.double({ min: 31.7, max: 31.73, noNaN: true }),
  lng: fc.double({ min: 113.3, max: 113.33, noNaN: true }),
});
const elder = fc.record({
  elder_id: fc.uuid(),
  community_code: fc.constantFrom('d.s1.c1', 'd.s1.c2', 'd.s2.c3'),
  location: fc.option(point, { freq: 8 }),
});
const service = fc.oneof(
  fc.record({
    service_id: fc.uuid(),
    merchant_id: fc.constant('m'),
    category: fc.constantFrom(...CATS, 'other'),
    mode: fc.constant('onsite' as const),
    radius_m: fc.constant(null),
    location: point,
  }),
  fc.record({
    service_id: fc.uuid(),
    merchant_id: fc.constant('m'),
    category: fc.constantFrom(...CATS),
    mode: fc.constant('home_visit' as const),
    radius_m: fc.integer({ min: 100, max: 10_000 }),
    location: point,
  }),
);

describe('coverage', () => {
  it('the grid index finds exactly what brute force finds (property)', () => {
    fc.assert(
      fc.property(
        fc.array(elder, { maxLength: 60 }),
        fc.array(service, { maxLength: 40 }),
        fc.integer({ min: 3, max: 20 }),
        (elders, services, minutes) => {
          const w = { ...WALK, minutes };
          expect(computeCoverage(elders, services, CATS, w)).toEqual(computeCoverageBrute(elders, services, CATS, w));
        },
      ),
      { numRuns: 300 },
    );
  });

  const home = { lat: 31.7, lng: 113.3 };
  const north = (m: number) => ({ lat: home.lat + m / M_PER_DEG, lng: home.lng });
  const onsite = (id: string, category: string, m: number): CoverageService => ({
    service_id: id,
    merchant_id: 'm',
    category,
    mode: 'onsite',
    radius_m: null,
    location: north(m),
  });
  const e = (id: string, community_code: string, location: CoverageElder['location']): CoverageElder => ({
    elder_id: id,
    community_code,
    location,
  });

  it('counts on-site services inside the walking radius and home visits whose radius reaches home', () => {
    const r = circleRadiusM(WALK); // ~369 m
    const services: CoverageService[] = [
      onsite('a', 'barber', r - 2),
      onsite('b', 'canteen', r + 2),
      { ...onsite('c', 'clinic', 2000), mode: 'home_visit', radius_m: 2010 },
    ];
    const [row] = computeCoverage([e('1', 'd.s.c', home), e('2', 'd.s.c', null)], services, CATS, WALK);
    expect(row).toEqual({
      community_code: 'd.s.c',
      elders: 2,
      unlocated: 1,
      covered: { barber: 1, canteen: 0, clinic: 1 },
    });
  });

  it('ranks gaps by uncovered elders, then share, and keeps the top N', () => {
    const rows = [
      { community_code: 'd.s.a', elders: 10, unlocated: 0, covered: { barber: 10, canteen: 2 } },
      { community_code: 'd.s.b', elders: 40, unlocated: 0, covered: { barber: 32, canteen: 0 } },
    ];
    expect(rankGaps(rows, 2)).toEqual([
      { community_code: 'd.s.b', category: 'canteen', elders: 40, uncovered: 40, share_permille: 0 },
      { community_code: 'd.s.a', category: 'canteen', elders: 10, uncovered: 8, share_permille: 200 },
    ]);
    expect(rankGaps(rows, 10)).toHaveLength(3);
    expect(sharePermille(2, 3)).toBe(666);
    expect(sharePermille(0, 0)).toBe(1000);
  });
});
