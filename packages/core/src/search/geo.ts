// The ten-minute circle. Distances are great-circle (haversine); walking time adds a detour
// factor for the street network and divides by an older person's walking speed.
//
// Index (measured against S2 coverings in docs/BENCHMARKS.md, geo section): on-site services are
// written into longitude strips at several widths, sorted by latitude inside each strip. A circle
// becomes one latitude-range Query per strip it touches, at the narrowest width that keeps that
// to STRIPS_MAX, so reads track the circle's area (about 1.2-1.4x) rather than the city's.
// Home-visit services are written into every cell of a square grid (HV_CELL_DEG, ~500 m) that
// their travel disk touches (exact rectangle-circle test), so one Query on the origin's cell
// finds every home-visit service that can come. (H3 via h3-js did the same with overshooting
// hexagon rings and 220 KB more bundle; S2 coverings read ~2x the circle at 8 cells: see bench.)
import type { LatLng } from '../areas/model';

export const EARTH_RADIUS_M = 6_371_008.8;
export const M_PER_DEG = (Math.PI / 180) * EARTH_RADIUS_M; // ~111,195 m per degree of latitude
/** Strip widths in metres of longitude at the equator; each doubles the last. */
export const STRIP_LEVELS_M = [64, 128, 256, 512, 1024, 2048, 4096, 8192] as const;
export const STRIPS_MAX = 7; // + 1 home-visit Query = 8 Queries per search at most
export const HV_CELL_DEG = 0.005; // ~555 m of latitude, ~470 m of longitude in Hubei
export const HV_RADIUS_MAX_M = 10_000; // a home-visit merchant travels at most 10 km
export const SEARCH_RADIUS_MAX_M = (4 * 8192) / 2; // beyond the widest strips' reach a search is refused
const MARGIN = 1.005; // rectangles are drawn 0.5% wide so no point on the circle's edge is missed

export const toRad = (d: number) => (d * Math.PI) / 180;

export const distanceM = (a: LatLng, b: LatLng): number => {
  const dLat = toRad(b.lat - a.lat);
  const dLng = toRad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
};

export type Walking = { minutes: number; walking_m_per_min: number; detour_factor: number };

/** Straight-line radius reachable in `minutes` on foot. */
export const circleRadiusM = (w: Walking): number => (w.minutes * w.walking_m_per_min) / w.detour_factor;

/** Walking minutes for a straight-line distance, rounded up: "about 6 minutes" must not be 7. */
export const walkingMinutes = (distance_m: number, w: Omit<Walking, 'minutes'>): number =>
  Math.max(1, Math.ceil((distance_m * w.detour_factor) / w.walking_m_per_min));

const stripWidthDeg = (level: number) => (STRIP_LEVELS_M[level] ?? 8192) / M_PER_DEG;
export const stripOf = (lng: number, level: number): number => Math.floor((lng + 180) / stripWidthDeg(level));

/** Fixed-width latitude key: lexical order = numeric order, 1e-6 degree (~0.1 m) resolution. */
export const latKey = (lat: number): string => String(Math.round((lat + 90) * 1e6)).padStart(9, '0');

export type StripQuery = { level: number; strip: number; lat_lo: string; lat_hi: string };

/**
 * The Queries that cover a circle: one latitude range per strip, at the narrowest level that needs <= STRIPS_MAX
 * strips.
 */
export const planCircle = (c: LatLng, radius_m: number): StripQuery[] => {
  if (!(radius_m > 0) || radius_m > SEARCH_RADIUS_MAX_M) throw new Error(`radius ${radius_m} m out of range`);
  const r = radius_m * MARGIN + 1;
  const mPerDegLng = M_PER_DEG * Math.cos(toRad(c.lat));
  const dLng = r / mPerDegLng;
  const dLat = r / M_PER_DEG;
  for (let level = 0; level < STRIP_LEVELS_M.length; level++) {
    const s0 = stripOf(c.lng - dLng, level);
    const s1 = stripOf(c.lng + dLng, level);
    if (s1 - s0 + 1 > STRIPS_MAX && level < STRIP_LEVELS_M.length - 1) continue;
    const w = stripWidthDeg(level);
    const out: StripQuery[] = [];
    for (let s = s0; s <= s1; s++) {
      // The tallest chord of the circle inside this strip is at the strip's point nearest the centre.
      const left = s * w - 180;
      const nearest = Math.min(Math.max(c.lng, left), left + w);
      const dx = (nearest - c.lng) * mPerDegLng;
      const half = Math.sqrt(Math.max(0, r * r - dx * dx)) / M_PER_DEG;
      const lo = Math.max(-90, c.lat - Math.min(half, dLat));
      const hi = Math.min(90, c.lat + Math.min(half, dLat));
      out.push({ level, strip: s, lat_lo: latKey(lo), lat_hi: latKey(hi) });
    }
    return out;
  }
  return [];
};

/** Every (level, strip) an on-site service is written under. */
export const stripsOf = (p: LatLng): { level: number; strip: number }[] =>
  STRIP_LEVELS_M.map((_, level) => ({ level, strip: stripOf(p.lng, level) }));

const cellRow = (lat: number) => Math.floor((lat + 90) / HV_CELL_DEG);
const cellCol = (lng: number) => Math.floor((lng + 180) / HV_CELL_DEG);
export const hvCellOf = (p: LatLng): string => `${cellRow(p.lat)}_${cellCol(p.lng)}`;

export const HV_CELLS_MAX = 2_000; // a 10 km radius touches ~1,400 cells; more means a bug

/** Grid cells a home-visit service is written into: every cell its travel disk touches. */
export const hvCellsFor = (p: LatLng, radius_m: number): string[] => {
  if (!(radius_m > 0) || radius_m > HV_RADIUS_MAX_M) throw new Error(`home-visit radius ${radius_m} m out of range`);
  const r = radius_m * MARGIN + 1;
  const mPerDegLng = M_PER_DEG * Math.cos(toRad(p.lat));
  const out: string[] = [];
  for (let row = cellRow(p.lat - r / M_PER_DEG); row <= cellRow(p.lat + r / M_PER_DEG); row++) {
    for (let col = cellCol(p.lng - r / mPerDegLng); col <= cellCol(p.lng + r / mPerDegLng); col++) {
      // nearest point of the cell rectangle to the centre, in local metres
      const lat0 = row * HV_CELL_DEG - 90;
      const lng0 = col * HV_CELL_DEG - 180;
      const dy = (Math.min(Math.max(p.lat, lat0), lat0 + HV_CELL_DEG) - p.lat) * M_PER_DEG;
      const dx = (Math.min(Math.max(p.lng, lng0), lng0 + HV_CELL_DEG) - p.lng) * mPerDegLng;
      if (dx * dx + dy * dy <= r * r) out.push(`${row}_${col}`);
      if (out.length > HV_CELLS_MAX) throw new Error('too many home-visit cells');
    }
  }
  return out;
};
