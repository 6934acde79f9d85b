// Server-rendered pages: every page route of the site in one list (site.tsx mounts it after the
// API routes) and the error page renderer. Elder pages follow 适老化 rules: large text, big
// targets, high contrast, Chinese first, no pop-ups, little script.
import type { RouteDef } from '@tmc/app/route';
import type { Deps } from '@tmc/app/deps';
import { staticRoutes } from './static';
import { homePageRoutes } from './home-pages';
import { authPageRoutes } from './auth-pages';
import { elderPageRoutes } from './elder-pages';
import { familyPageRoutes } from './family-pages';
import { topupPageRoutes } from './topup-pages';
import { servicePageRoutes } from './service-pages';
import { merchantPageRoutes } from './merchant-pages';
import { staffPageRoutes } from './staff-pages';
import { staffElderPageRoutes } from './staff-elder-pages';
import { staffImportPageRoutes } from './staff-import-pages';
import { staffIssuancePageRoutes } from './staff-issuance-pages';
import { cardSheetPageRoutes } from './card-sheet-pages';
import { wechatPageRoutes } from '@tmc/app/routes/wechat';

export { renderErrorPage } from './error-page';

export const pageRoutes = (deps: Deps): RouteDef[] => [
  ...staticRoutes(),
  ...homePageRoutes(),
  ...wechatPageRoutes(), // the WeChat link round trip and switch-off: pages, so errors render as pages
  ...authPageRoutes(deps),
  ...elderPageRoutes(deps),
  ...familyPageRoutes(deps),
  ...topupPageRoutes(deps),
  ...servicePageRoutes(deps),
  ...merchantPageRoutes(deps),
  ...staffPageRoutes(deps),
  // '/staff/elders/new' is declared before '/staff/elders/:elder_id' inside this list
  ...staffElderPageRoutes(deps),
  ...staffImportPageRoutes(deps),
  ...staffIssuancePageRoutes(deps),
  ...cardSheetPageRoutes(deps),
];
