// Builds the Hono app from its dependencies: request id, principal, CSRF guard, all declared
// routes, one error mapper, 404 and 405 in the same error shape.
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { compress } from 'hono/compress';
import { AppError } from '@tmc/core/kernel/errors';
import type { AppEnv } from '../http/context';
import type { Deps } from './deps';
import { onError } from '../http/http-error';
import { errorBody } from '../http/error-body';
import { mountRoutes, type RouteDef } from '../http/route';
import { readPrincipal } from '../http/session';
import { apiRoutes } from '../api/index';
import { servedByApi } from '../http/api-paths';
import { auditWithRole } from './audit-role';

export type AppOptions = {
  /** false for the pages function in AWS, which API Gateway sends everything but the API to. */
  api?: boolean;
  extraRoutes?: readonly RouteDef[];
  renderErrorPage?: AppEnv['Variables']['renderErrorPage'];
};

export const createApp = (deps: Deps, opts: AppOptions = {}) => {
  // docs need the final list, which includes themselves: hand them a getter
  const routes: RouteDef[] = [];
  routes.push(...(opts.api === false ? [] : apiRoutes(deps, () => routes)), ...(opts.extraRoutes ?? []));
  const app = new Hono<AppEnv>();
  // API Gateway's HTTP API does not compress, so the app does: gzip (or deflate) when the client
  // asks by Accept-Encoding, for text bodies of 1 KB and more (hono's compress, CompressionStream,
  // Node 20 and Lambda alike; the Lambda adapter sends the encoded body base64). Outermost, so
  // error pages and JSON errors are compressed too.
  app.use(compress());
  app.use(requestId({ headerName: 'x-request-id', limitLength: 64 }));
  app.use(async (c, next) => {
    c.set('deps', deps);
    c.set('isPage', false);
    c.set('renderErrorPage', opts.renderErrorPage);
    c.set('principal', null);
    c.set('authError', null);
    c.set('sessionPending', null);
    try {
      const { principal: p, pending } = await readPrincipal(c);
      c.set('principal', p);
      c.set('sessionPending', pending);
      // Handlers that take the bag from the request (c.get('deps')) write staff records with the role.
      if (p?.kind === 'staff') c.set('deps', { ...deps, audit: auditWithRole(deps.audit, p) });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      c.set('authError', e);
    }
    const started = Date.now();
    await next();
    deps.logger.log('info', 'request', {
      request_id: c.get('requestId'),
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Date.now() - started,
    });
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    }),
  );
  // Cookie-authenticated form posts from another origin are refused (JSON needs CORS, which we
  // never grant). Requests without cookies cannot ride on a victim's session, so they skip it.
  const csrfGuard = csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || origin === deps.publicUrl });
  app.use((c, next) => (c.req.header('cookie') ? csrfGuard(c, next) : next()));
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        c.json(errorBody('METHOD_NOT_ALLOWED', c.get('requestId')), 405, { Allow: methods.join(', ') }),
    }),
  );
  mountRoutes(app, routes);
  app.notFound((c) => {
    // An unknown URL outside the API is a page a person typed or followed: answer with a page.
    if (!servedByApi(c.req.path)) c.set('isPage', true);
    return onError(new AppError('NOT_FOUND'), c);
  });
  app.onError(onError);
  return { app, routes };
};
