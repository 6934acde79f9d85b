// The pages function's app: server-rendered pages and their static assets, errors as pages.
// The API lives in its own function (@tmc/app/production); locally one server has both (site.tsx).
import { createApp } from '@tmc/app/public';
import { deps } from '@tmc/app/compose/production-deps';
import { pageRoutes, renderErrorPage } from './pages';

export const { app } = createApp(deps, { api: false, extraRoutes: pageRoutes(deps), renderErrorPage });
