// The index plan never misses a point that brute force finds, and stays within its budgets.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  distanceM,
  hvCellOf,
  hvCellsFor,
  latKey,
  planCircle,
  stripsOf,
  STRIPS_MAX,
  walkingMinutes,
  circleRadiusM,
} from './geo';

const point = fc.record({
  lat: fc.double({ min: 31.6, max: 31.8, noNaN: true }),
  lng: fc.double({ min: 113.25, max: 113.5, noNaN: true }),
});

const covered = (plan: ReturnType<typeof planCircle>, p: { lat: number; lng: number }) => {
  const mine = new Map(stripsOf(p).map((s) => [s.level, s.strip]));
  const k = latKey(p.lat);
  return plan.some((q) => mine.get(q.level) === q.strip && k >= q.lat_lo && k <= q.lat_hi);
};

describe('circle plan', () => {
  it('covers every point within the radius (property, vs brute force)', () => {
    fc.assert(
      fc.property(
        point,
        fc.integer({ min: 30, max: 5000 }),
        fc.array(point, { minLength: 50, maxLength: 50 }),
        (o, r, pts) => {
          const plan = planCircle(o, r);
          expect(plan.length).toBeLessThanOrEqual(STRIPS_MAX);
          for (const p of pts) if (distanceM(o, p) <= r) expect(covered(plan, p)).toBe(true);
          // and points just inside the edge
          for (let a = 0; a < 360; a += 15) {
            const d = r * 0.999;
            const q = {
              lat: o.lat + (d * Math.cos((a * Math.PI) / 180)) / 111_195,
              lng: o.lng + (d * Math.sin((a * Math.PI) / 180)) / (111_195 * Math.cos((o.lat * Math.PI) / 180)),
            };
            if (distanceM(o, q) <= r) expect(covered(plan, q)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('home-visit cells: an origin within the travel radius is always in one of the cells', () => {
    fc.assert(
      fc.property(point, fc.integer({ min: 100, max: 8000 }), point, (svc, radius, origin) => {
        if (distanceM(svc, origin) > radius) return;
        expect(hvCellsFor(svc, radius)).toContain(hvCellOf(origin));
      }),
      { numRuns: 500 },
    );
  });

  it('ten minutes at 48 m/min with detour 1.3 is about 370 m; minutes round up', () => {
    expect(Math.round(circleRadiusM({ minutes: 10, walking_m_per_min: 48, detour_factor: 1.3 }))).toBe(369);
    expect(walkingMinutes(369, { walking_m_per_min: 48, detour_factor: 1.3 })).toBe(10);
    expect(walkingMinutes(10, { walking_m_per_min: 48, detour_factor: 1.3 })).toBe(1);
  });
});
