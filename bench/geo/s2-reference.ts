// The S2 reference of the geo bench: what an 8-cell S2 covering of each circle would read (counted
// in memory over the on-site services' leaf cells), and how much area our strip Queries span.
import { s2 } from 's2js';
import type { LatLng } from '@tmc/core/areas/model';
import { EARTH_RADIUS_M, M_PER_DEG, planCircle, STRIP_LEVELS_M, toRad } from '@tmc/core/search/geo';
import type { Site } from '../fixtures/geo-city';
import { sum } from '../fixtures/stats';
import { S2_MAX_CELLS } from './config';

const capOf = (c: LatLng, radius_m: number): s2.Cap =>
  s2.Cap.fromCenterAngle(s2.Point.fromLatLng(s2.LatLng.fromDegrees(c.lat, c.lng)), radius_m / EARTH_RADIUS_M);

const s2Coverer = new s2.RegionCoverer({ maxCells: S2_MAX_CELLS });

/** Covering cells of the circle by an 8-cell S2 RegionCoverer, and their area over the cap's. */
export const s2Covering = (c: LatLng, radius_m: number): { cells: bigint[]; areaRatio: number } => {
  const cap = capOf(c, radius_m);
  const cells = [...s2Coverer.covering(cap)];
  const area = sum(cells.map((id) => s2.Cell.fromCellID(id).exactArea()));
  return { cells, areaRatio: area / cap.area() };
};

/** Area our Queries span (strip width x latitude range, per strip) over the circle's area. */
export const planAreaRatio = (c: LatLng, radius_m: number): number => {
  const mPerDegLng = M_PER_DEG * Math.cos(toRad(c.lat));
  const area = sum(
    planCircle(c, radius_m).map((q) => {
      const widthM = ((STRIP_LEVELS_M[q.level] ?? 0) / M_PER_DEG) * mPerDegLng;
      return widthM * ((Number(q.lat_hi) - Number(q.lat_lo)) / 1e6) * M_PER_DEG;
    }),
  );
  return area / (Math.PI * radius_m * radius_m);
};

/** Leaf cell ids of on-site services, sorted: how many fall in an S2 cell is two binary searches. */
export const sortedLeaves = (sites: readonly Site[]): bigint[] =>
  sites
    .filter((s) => s.radius_m === null)
    .map((s) => s2.cellid.fromLatLng(s2.LatLng.fromDegrees(s.lat, s.lng)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const lowerBound = (xs: readonly bigint[], v: bigint): number => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] ?? v) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
export const countIn = (leaves: readonly bigint[], cell: bigint): number =>
  lowerBound(leaves, s2.cellid.rangeMax(cell) + 1n) - lowerBound(leaves, s2.cellid.rangeMin(cell));
