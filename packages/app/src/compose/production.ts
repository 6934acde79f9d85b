// The API function's app: the JSON API, /openapi.json, /docs and /health. API Gateway sends these
// paths here and everything else (the pages) to the pages function, so neither carries the other.
import { createApp } from './app';
import { deps } from './production-deps';

export const { app } = createApp(deps);
