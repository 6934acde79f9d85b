// The whole site: API routes plus server-rendered pages, with errors rendered as pages for
// browsers. Both the Lambda and the local runner serve this.
import { createApp } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { pageRoutes, renderErrorPage } from './pages';

export const createSiteApp = (deps: Deps) => createApp(deps, { extraRoutes: pageRoutes(deps), renderErrorPage });
