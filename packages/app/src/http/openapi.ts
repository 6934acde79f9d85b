// OpenAPI 3.1 built from the same route declarations that serve requests: schemas come from
// zod (JSON Schema 2020-12, which 3.1 uses as is), error codes from the one error table.
import type * as z from 'zod/mini';
// from core, not off the `z` namespace, so the converter stays in the lazily loaded docs chunk
import { toJSONSchema } from 'zod/v4/core';
import { ERRORS, type ErrorCode } from '@tmc/core/kernel/errors';
import { declaredErrors, type RouteDef } from './route';

const jsonSchema = (s: z.ZodMiniType, io: 'input' | 'output') =>
  toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });

const ErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'message_en', 'request_id'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERRORS) },
        message: { type: 'string', description: '中文说明' },
        message_en: { type: 'string' },
        request_id: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
          },
        },
        details: { type: 'object' },
      },
    },
  },
};

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}');

export const buildOpenApi = (routes: readonly RouteDef[], serverUrl: string) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (r.page) continue;
    const responses: Record<string, unknown> = {
      [String(r.successStatus ?? 200)]: {
        description: 'OK',
        ...(r.response ? { content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } } : {}),
      },
    };
    // the same list the route mount holds answers to under tests (route.ts)
    const codes = declaredErrors(r);
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of codes) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
    for (const [status, list] of byStatus) {
      responses[String(status)] = {
        description: list.map((c) => `\`${c}\`: ${ERRORS[c].zh} / ${ERRORS[c].en}`).join('\n\n'),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: s,
        });
      }
    }
    const requestBody =
      r.bodyKind === 'csv'
        ? { required: true, content: { 'text/csv': { schema: { type: 'string', format: 'binary' } } } }
        : r.body
          ? { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } }
          : undefined;
    const op = {
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: r.tags,
      'x-access': r.access.public ? 'public' : r.access.roles,
      ...(r.access.public ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
    const path = toOpenApiPath(r.path);
    paths[path] = { ...(paths[path] ?? {}), [r.method]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '十分钟服务圈 Ten-minute service circle API',
      version: '0.1.0',
      description:
        'Errors share one shape; codes are stable and listed per operation. ' +
        'Point-moving requests take an Idempotency-Key header.',
    },
    servers: [{ url: serverUrl }],
    components: {
      schemas: { Error: ErrorSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'tmc_at' },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
};
