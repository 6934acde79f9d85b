// Service categories as staff keep them: add, rename (names and icon) and retire, each audited in
// the same transaction as the change. A category is never deleted: orders, services and statistics
// name it for ever, so retiring only stops it being offered (see `activeCategories`).
import { AppError } from '../kernel/errors';
import { randomId } from '../kernel/secrets';
import type { AuditEvent } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import type { Category, CategoryInput } from './model';

export type CategoryAudit = { event: AuditEvent; at: string; id: string };

export type CategoryPort = {
  categories: () => Promise<Category[]>;
  putCategory: (c: CategoryInput, audit?: CategoryAudit) => Promise<void>;
  retireCategory: (code: string, audit: CategoryAudit) => Promise<'retired' | 'missing' | 'already'>;
};

export type CategoryDeps = { merchants: CategoryPort; clock: Clock };

const auditOf = (deps: CategoryDeps, event: AuditEvent): CategoryAudit => ({
  event,
  at: deps.clock.now().toISOString(),
  id: randomId('a'),
});

/** Adds a category or renames it; a retired category stays retired (renaming does not revive it). */
export const putCategory = async (deps: CategoryDeps, c: CategoryInput, actor: string): Promise<Category> => {
  const before = (await deps.merchants.categories()).find((x) => x.code === c.code);
  await deps.merchants.putCategory(
    c,
    auditOf(deps, {
      actor,
      action: 'category.put',
      subject: `category:${c.code}`,
      detail: { name_zh: c.name_zh, name_en: c.name_en, icon: c.icon, ...(before ? { was: before.name_zh } : {}) },
    }),
  );
  return { ...c, ...(before?.retired ? { retired: true } : {}) };
};

/** Retires a category once: CATEGORY_NOT_FOUND if there is none, CATEGORY_RETIRED if it already is. */
export const retireCategory = async (deps: CategoryDeps, code: string, actor: string): Promise<void> => {
  const r = await deps.merchants.retireCategory(
    code,
    auditOf(deps, { actor, action: 'category.retire', subject: `category:${code}` }),
  );
  if (r === 'missing') throw new AppError('CATEGORY_NOT_FOUND');
  if (r === 'already') throw new AppError('CATEGORY_RETIRED');
};
