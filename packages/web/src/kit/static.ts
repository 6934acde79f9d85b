// Static assets (stylesheet and script islands) compiled into the bundle, so the Lambda needs no
// file system. Each URL carries the content hash (`?v=`); a request with the current hash may be
// cached for a year, anything else only briefly, so a deploy is seen at once.
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { defineRoute, type RouteDef } from '@tmc/app/public';
import { APP_CSS } from './styles';
import { READ_ALOUD_JS } from './islands';

export const STATIC_IMMUTABLE_MAX_AGE_S = 365 * 24 * 3600; // hashed URL: the content never changes
export const STATIC_UNVERSIONED_MAX_AGE_S = 300; // bare or stale URL: short, so a deploy shows soon

type Asset = { path: string; type: string; body: string; hash: string };

const asset = (path: string, type: string, body: string): Asset => ({
  path,
  type,
  body,
  hash: createHash('sha256').update(body).digest('base64url').slice(0, 12),
});

export const ASSETS = {
  css: asset('/static/app.css', 'text/css; charset=utf-8', APP_CSS),
  readAloud: asset('/static/read-aloud.js', 'text/javascript; charset=utf-8', READ_ALOUD_JS),
} as const;

/** The URL pages link to: path plus content hash. */
export const assetUrl = (a: keyof typeof ASSETS): string => `${ASSETS[a].path}?v=${ASSETS[a].hash}`;

export const staticRoutes = (): RouteDef[] =>
  Object.values(ASSETS).map((a) =>
    defineRoute({
      method: 'get',
      path: a.path,
      access: { public: true },
      tags: ['static'],
      page: true,
      summary: `Static asset ${a.path} (cache for a year when ?v= is the current hash)`,
      query: z.object({ v: z.optional(z.string().check(z.maxLength(40))) }),
      handler(c, { query }) {
        const etag = `"${a.hash}"`;
        const cache =
          query.v === a.hash
            ? `public, max-age=${STATIC_IMMUTABLE_MAX_AGE_S}, immutable`
            : `public, max-age=${STATIC_UNVERSIONED_MAX_AGE_S}`;
        if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag, 'cache-control': cache });
        return c.body(a.body, 200, { 'content-type': a.type, etag, 'cache-control': cache });
      },
    }),
  );
