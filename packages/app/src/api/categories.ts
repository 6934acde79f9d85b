// Service categories over HTTP: everyone reads the ones still offered; staff read all of them
// (retired ones marked); an admin adds, renames and retires (audited in the change's transaction).
// The staff categories page (web staff/category-pages.tsx) calls the same core functions under
// the same role lists, exported here.
import * as z from 'zod/mini';
import { activeCategories, Category, CategoryCode, CategoryInput } from '@tmc/core/merchants/model';
import { putCategory, retireCategory } from '@tmc/core/merchants/categories';
import { defineRoute } from '../http/route';

/** Who may add, rename and retire a category. */
export const CATEGORY_ADMINS = ['admin'] as const;
/** Who may read every category, retired ones included: all bureau staff. */
export const CATEGORY_READERS = ['admin', 'district', 'street', 'finance'] as const;

const CodeP = z.object({ code: CategoryCode });

export const categoryRoutes = () => [
  defineRoute({
    method: 'get',
    path: '/api/categories',
    access: { public: true },
    tags: ['merchants'],
    summary:
      'Service categories on offer (理发, 家电水电维修, 家政, 医疗保健, 助餐, and any staff added; not retired ones)',
    response: z.object({ items: z.array(Category) }),
    async handler(c) {
      return c.json({ items: activeCategories(await c.get('deps').merchants.categories()) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/categories/all',
    access: { roles: CATEGORY_READERS },
    tags: ['merchants'],
    summary: 'Every category, retired ones included (retired: true)',
    response: z.object({ items: z.array(Category) }),
    async handler(c) {
      return c.json({ items: await c.get('deps').merchants.categories() });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/categories',
    access: { roles: CATEGORY_ADMINS },
    tags: ['merchants'],
    summary: 'Add or rename a category (a retired one stays retired; audited)',
    body: CategoryInput,
    response: Category,
    successStatus: 201,
    async handler(c, { body, principal }) {
      return c.json(await putCategory(c.get('deps'), body, principal.sub), 201);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/categories/:code/retire',
    access: { roles: CATEGORY_ADMINS },
    tags: ['merchants'],
    summary: 'Retire a category: no new applications or services, gone from elder pages; orders keep it (audited)',
    params: CodeP,
    response: z.object({ code: z.string(), retired: z.boolean() }),
    errors: ['CATEGORY_NOT_FOUND', 'CATEGORY_RETIRED'],
    async handler(c, { params, principal }) {
      await retireCategory(c.get('deps'), params.code, principal.sub);
      return c.json({ code: params.code, retired: true });
    },
  }),
];
