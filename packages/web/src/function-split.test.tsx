// In AWS the API and the pages are two functions behind one HTTP API (infra/lib/api.ts): the API
// paths go to one, the default route to the other. A route on the wrong side would be a 404 in
// production only, so check both lists against the path patterns API Gateway is given.
import { describe, expect, it } from 'vitest';
import { buildDeps } from '@tmc/app/harness';
import { createApp } from '@tmc/app/public';
import { servedByApi } from '@tmc/app/harness';
import { testEnv } from '../../../tests/support/app';
import { pageRoutes, renderErrorPage } from './pages';

const deps = buildDeps(testEnv()); // builds clients only: nothing here talks to DynamoDB
const apiOnly = createApp(deps).routes;
const pagesOnly = createApp(deps, { api: false, extraRoutes: pageRoutes(deps), renderErrorPage }).routes;
const devOnly = (path: string) => path.startsWith('/dev/'); // not mounted in production

describe('API function and pages function', () => {
  it('every API route is on a path API Gateway sends to the API function', () => {
    const stray = apiOnly.filter((r) => !devOnly(r.path) && !servedByApi(r.path)).map((r) => `${r.method} ${r.path}`);
    expect(stray).toEqual([]);
  });

  it('no page is on such a path, and the pages app carries no API route', () => {
    expect(pagesOnly.filter((r) => servedByApi(r.path)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(pagesOnly.length).toBe(pageRoutes(deps).length);
  });
});
