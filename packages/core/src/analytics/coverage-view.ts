// What the coverage page and API show of a stored snapshot: the rows within the reader's area (and the
// filter asked), shares per category, and the gaps ranked within that view (the CSV is coverage-csv.ts, kept
// apart so pages and the API's cold start do not load the GBK encoder).
import { isWithin } from '../areas/model';
import { rankGaps, sharePermille, type CoverageGap } from './coverage';
import {
  COVERAGE_GAPS_MAX,
  type CoverageRow,
  type CoverageSnapshot,
  type CoverageSummary,
  type MapPoint,
} from './coverage-run';

export type CoverageFilter = { area: string | null; category: string | null };

export type CoverageViewRow = CoverageRow & { share_permille: Record<string, number> };
export type CoverageView = {
  summary: CoverageSummary | null;
  categories: string[];
  rows: CoverageViewRow[];
  gaps: CoverageGap[];
  merchants: MapPoint[]; // within the view's rows' box (the city's for the city)
};

/** Merchant points near the view's communities: inside their centroids' box widened by MAP_MARGIN_DEG. */
const MAP_MARGIN_DEG = 0.01; // ~1 km: a merchant just outside the area still serves its edge
const nearRows = (rows: readonly CoverageRow[], pts: readonly MapPoint[]): MapPoint[] => {
  const cs = rows.flatMap((r) => (r.centroid ? [r.centroid] : []));
  if (cs.length === 0) return [];
  const lat = cs.map((c) => c.lat);
  const lng = cs.map((c) => c.lng);
  const [s, n] = [Math.min(...lat) - MAP_MARGIN_DEG, Math.max(...lat) + MAP_MARGIN_DEG];
  const [w, e] = [Math.min(...lng) - MAP_MARGIN_DEG, Math.max(...lng) + MAP_MARGIN_DEG];
  return pts.filter(([a, o]) => a >= s && a <= n && o >= w && o <= e);
};

/** The snapshot seen through a filter: an area (street or community code; null = the city) and a category. */
export const coverageView = (snap: CoverageSnapshot | null, f: CoverageFilter): CoverageView => {
  if (!snap) return { summary: null, categories: [], rows: [], gaps: [], merchants: [] };
  const categories = snap.summary.categories.filter((c) => f.category === null || c === f.category);
  const rows = snap.rows
    .filter((r) => f.area === null || isWithin(r.community_code, f.area))
    .map((r) => {
      const covered = Object.fromEntries(categories.map((c) => [c, r.covered[c] ?? 0]));
      return {
        ...r,
        covered,
        share_permille: Object.fromEntries(categories.map((c) => [c, sharePermille(covered[c] ?? 0, r.elders)])),
      };
    });
  // the stored ranking is the city's; a narrower view ranks its own rows (the same order, rankGaps)
  const gaps = f.area === null && f.category === null ? snap.gaps : rankGaps(rows, COVERAGE_GAPS_MAX);
  return { summary: snap.summary, categories, rows, gaps, merchants: nearRows(rows, snap.merchants) };
};

/** "12.5%": a per-mille share as people read it. */
export const percentText = (permille: number): string => `${(permille / 10).toFixed(1)}%`;
