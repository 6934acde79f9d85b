// Walks the area tree by key (children per parent) to list the communities under a scope.
import type { Area } from './model';
import type { AreaStore } from './ports';

export const AREA_TREE_MAX = 2_000; // a city has a few hundred communities; a bigger tree is a data error

export const areasUnder = async (areas: AreaStore, scope: string | null): Promise<Area[]> => {
  const roots: Area[] = scope
    ? [await areas.get(scope)].filter((a): a is Area => a !== null)
    : await areas.children(null);
  const all: Area[] = [...roots];
  for (let i = 0; i < all.length; i++) {
    if (all.length > AREA_TREE_MAX) throw new Error(`area tree under ${scope ?? 'city'} exceeds ${AREA_TREE_MAX}`);
    const a = all[i];
    if (a && a.level !== 'community') all.push(...(await areas.children(a.code)));
  }
  return all;
};

export const communitiesUnder = async (areas: AreaStore, scope: string | null): Promise<Area[]> =>
  (await areasUnder(areas, scope)).filter((a) => a.level === 'community').sort((a, b) => a.code.localeCompare(b.code));
