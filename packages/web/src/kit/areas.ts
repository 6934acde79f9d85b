// Area names for pages: the tree under a staff member's scope (district -> streets ->
// communities), and "西城街道 胜利社区" labels for a community code.
import type { Area } from '@tmc/core/areas/model';
import { parentOf } from '@tmc/core/areas/model';
import type { Deps } from '@tmc/app/public';

/** A city has a few hundred communities; more than this under one scope is a data error, and
 * the page stops reading rather than loop on a request path. */
export const AREA_TREE_MAX = 2_000;

export type AreaNode = Area & { children: AreaNode[] };

/** The areas a staff member may see: their scope's area and everything below it (the whole city
 * for a null scope). Breadth-first, one Query per non-community area. */
export const loadAreaTree = async (deps: Pick<Deps, 'areas'>, scope: string | null): Promise<AreaNode[]> => {
  const rootAreas = scope
    ? [await deps.areas.get(scope)].filter((a): a is Area => a !== null)
    : await deps.areas.children(null);
  const roots: AreaNode[] = rootAreas.map((a) => ({ ...a, children: [] }));
  const queue = [...roots];
  let seen = roots.length;
  for (let i = 0; i < queue.length && seen < AREA_TREE_MAX; i++) {
    const node = queue[i];
    if (!node || node.level === 'community') continue;
    const kids = (await deps.areas.children(node.code)).map((a) => ({ ...a, children: [] }));
    kids.sort((a, b) => a.code.localeCompare(b.code));
    node.children = kids;
    queue.push(...kids);
    seen += kids.length;
  }
  return roots;
};

/** Every community in the tree with a "street / community" label, for selects and tables. */
export const communitiesOf = (tree: AreaNode[]): { code: string; label: string }[] => {
  const out: { code: string; label: string }[] = [];
  const walk = (n: AreaNode, street: string | null) => {
    if (n.level === 'community') out.push({ code: n.code, label: street ? `${street} ${n.name}` : n.name });
    for (const k of n.children) walk(k, n.level === 'street' ? n.name : street);
  };
  for (const r of tree) walk(r, null);
  return out;
};

/** "西城街道 胜利社区" for a community code (two GetItems); the code itself when unknown. */
export const areaLabel = async (deps: Pick<Deps, 'areas'>, code: string): Promise<string> => {
  const parent = parentOf(code);
  const [a, p] = await Promise.all([deps.areas.get(code), parent ? deps.areas.get(parent) : Promise.resolve(null)]);
  if (!a) return code;
  return p && a.level === 'community' ? `${p.name} ${a.name}` : a.name;
};
