// Which paths API Gateway sends to the API function; everything else goes to the pages function.
// infra/lib/api.ts declares one route per entry, and a test checks every declared API route is
// covered and no page is (routes.test.ts), so the two functions never fall out of step.
export const API_GATEWAY_PATHS = ['/api/{proxy+}', '/openapi.json', '/docs', '/health'] as const;

/** Whether `path` (a Hono route path such as `/api/orders/:order_id`) is served by the API function. */
export const servedByApi = (path: string): boolean =>
  API_GATEWAY_PATHS.some((p) =>
    p.endsWith('/{proxy+}') ? path.startsWith(p.slice(0, -'{proxy+}'.length)) : path === p,
  );
