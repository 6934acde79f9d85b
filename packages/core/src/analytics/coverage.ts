// Coverage (issue 11, part 3): for every community and category, how many of its elders have at least one
// matchable service of that category in their ten-minute circle: an on-site service within the walking
// radius of home, or a home-visit service whose travel radius reaches home (the same test as search,
// `inCircle`). Elders without a recorded home cannot be placed in any circle: they count as uncovered and
// are reported apart (`unlocated`), so the page can say how much of a gap is a data gap.
//
// Cost: services are bucketed once into the home-visit grid of geo.ts (HV_CELL_DEG, ~500 m): an on-site
// service into the cell of its door, a home-visit service into every cell its travel disk touches. Each
// elder then looks at the cells of its own walking disk (about 4-9 cells) for on-site services and its
// home's one cell for home visits, so the work is elders x nearby services, not elders x all services.
import type { LatLng } from '../areas/model';
import type { ElderRecord } from '../elders/model';
import { isMatchable, type Merchant, type Service } from '../merchants/model';
import { circleRadiusM, hvCellOf, hvCellsFor, HV_RADIUS_MAX_M, type Walking } from '../search/geo';
import { inCircle } from '../search/search';

export type CoverageElder = { elder_id: string; community_code: string; location: LatLng | null };
export type CoverageService = {
  service_id: string;
  merchant_id: string;
  category: string;
  mode: 'onsite' | 'home_visit';
  radius_m: number | null;
  location: LatLng;
};

/** One community's counts: elders (active), of them without a home location, and covered per category. */
export type CommunityCoverage = {
  community_code: string;
  elders: number;
  unlocated: number;
  covered: Record<string, number>; // category code -> elders covered
};

/** A gap: elders of a community without a service of a category in reach. */
export type CoverageGap = {
  community_code: string;
  category: string;
  elders: number;
  uncovered: number;
  share_permille: number; // covered / elders in 1/1000 (integers: a share stored and compared exactly)
};

/** Shares are kept in per mille: integers, and 0.1% is finer than any decision made on them. */
export const sharePermille = (covered: number, elders: number): number =>
  elders === 0 ? 1000 : Math.floor((covered * 1000) / elders);

/** Active elders and matchable services (approved, unsuspended merchant; active service of a listed category). */
export const coverageElders = (elders: readonly ElderRecord[]): CoverageElder[] =>
  elders
    .filter((e) => e.status === 'active')
    .map((e) => ({ elder_id: e.elder_id, community_code: e.community_code, location: e.location }));

export const coverageServices = (m: Merchant, services: readonly Service[]): CoverageService[] =>
  services
    .filter((s) => isMatchable(m, s))
    .map((s) => ({
      service_id: s.service_id,
      merchant_id: m.merchant_id,
      category: s.category,
      mode: s.mode,
      radius_m: s.radius_m,
      location: m.location,
    }));

/** Whether `s` reaches an elder at `home` (the search's own test). */
export const reaches = (s: CoverageService, home: LatLng, walk_radius_m: number): boolean =>
  inCircle(s, home, walk_radius_m).ok;

type Bucket = Map<string, CoverageService[]>;
const put = (b: Bucket, cell: string, s: CoverageService) => {
  const list = b.get(cell);
  if (list) list.push(s);
  else b.set(cell, [s]);
};

/** The grid index of the services: on-site by the cell of their door, home visits by every cell they reach. */
export const indexServices = (services: readonly CoverageService[]) => {
  const onsite: Bucket = new Map();
  const homeVisit: Bucket = new Map();
  for (const s of services) {
    if (s.mode === 'onsite') put(onsite, hvCellOf(s.location), s);
    else if (s.radius_m !== null && s.radius_m > 0)
      // the model caps radius_m at HV_RADIUS_MAX_M; a larger stored value is read as the cap, not a crash
      for (const c of hvCellsFor(s.location, Math.min(s.radius_m, HV_RADIUS_MAX_M))) put(homeVisit, c, s);
  }
  return { onsite, homeVisit };
};

/** The categories (of `wanted`) that have a service in reach of `home`. */
export const categoriesInReach = (
  index: ReturnType<typeof indexServices>,
  home: LatLng,
  walk_radius_m: number,
  wanted: ReadonlySet<string>,
): Set<string> => {
  const found = new Set<string>();
  const look = (list: CoverageService[] | undefined) => {
    for (const s of list ?? []) {
      if (found.size === wanted.size) return;
      if (!found.has(s.category) && wanted.has(s.category) && reaches(s, home, walk_radius_m)) found.add(s.category);
    }
  };
  look(index.homeVisit.get(hvCellOf(home)));
  for (const cell of hvCellsFor(home, walk_radius_m)) look(index.onsite.get(cell));
  return found;
};

const tally = (
  elders: readonly CoverageElder[],
  categories: readonly string[],
  inReach: (home: LatLng) => Set<string>,
): CommunityCoverage[] => {
  const by = new Map<string, CommunityCoverage>();
  for (const e of elders) {
    let c = by.get(e.community_code);
    if (!c) {
      c = { community_code: e.community_code, elders: 0, unlocated: 0, covered: {} };
      for (const cat of categories) c.covered[cat] = 0;
      by.set(e.community_code, c);
    }
    c.elders += 1;
    if (e.location === null) {
      c.unlocated += 1;
      continue;
    }
    for (const cat of inReach(e.location)) c.covered[cat] = (c.covered[cat] ?? 0) + 1;
  }
  return [...by.values()].sort((a, b) => a.community_code.localeCompare(b.community_code));
};

/** Coverage per community (sorted by code), every category listed even where nothing covers it. */
export const computeCoverage = (
  elders: readonly CoverageElder[],
  services: readonly CoverageService[],
  categories: readonly string[],
  walking: Walking,
): CommunityCoverage[] => {
  const r = circleRadiusM(walking);
  const index = indexServices(services);
  const wanted = new Set(categories);
  return tally(elders, categories, (home) => categoriesInReach(index, home, r, wanted));
};

/** The same by comparing every elder with every service: the reference for tests, too slow for a city. */
export const computeCoverageBrute = (
  elders: readonly CoverageElder[],
  services: readonly CoverageService[],
  categories: readonly string[],
  walking: Walking,
): CommunityCoverage[] => {
  const r = circleRadiusM(walking);
  const wanted = new Set(categories);
  return tally(elders, categories, (home) => {
    const found = new Set<string>();
    for (const s of services) if (wanted.has(s.category) && reaches(s, home, r)) found.add(s.category);
    return found;
  });
};

/** Gaps, the most uncovered elders first (then the lower share, then by code: a stable order). */
export const rankGaps = (rows: readonly CommunityCoverage[], limit: number): CoverageGap[] => {
  const gaps: CoverageGap[] = [];
  for (const r of rows)
    for (const [category, covered] of Object.entries(r.covered))
      if (covered < r.elders)
        gaps.push({
          community_code: r.community_code,
          category,
          elders: r.elders,
          uncovered: r.elders - covered,
          share_permille: sharePermille(covered, r.elders),
        });
  gaps.sort(
    (a, b) =>
      b.uncovered - a.uncovered ||
      a.share_permille - b.share_permille ||
      a.community_code.localeCompare(b.community_code) ||
      a.category.localeCompare(b.category),
  );
  return gaps.slice(0, limit);
};
