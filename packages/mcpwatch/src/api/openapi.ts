import { createRequire } from 'node:module';
import { z } from 'zod';
import type { RouteDoc } from './route.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * The OpenAPI 3.1 document, built from the same route declarations and zod schemas that serve and
 * validate the requests. OpenAPI 3.1 uses JSON Schema 2020-12, which is what zod writes.
 */
export function openApiDocument(routes: readonly RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...[...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: m[1] === 'id' ? 'integer' : 'string' },
      })),
      ...queryParameters(route.query),
    ];
    const [success] = Object.keys(route.responses);
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, '')}`,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(route.body) } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, description]) => [
          status,
          status === success || status === '204'
            ? { description }
            : {
                description,
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
              },
        ]),
      ),
      ...(route.role === null ? { security: [] } : { 'x-mcpwatch-role': route.role }),
    };
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'mcpwatch API',
      version,
      description:
        'Monitors, results, uptime, events, incidents and heartbeat tokens. Every route needs a session cookie (POST /api/v1/auth/login) or an API token (Authorization: Bearer mcpw_...); x-mcpwatch-role names the least role allowed. Errors are { error: { code, message, field? } }.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token, mcpw_...' },
        session: { type: 'apiKey', in: 'cookie', name: 'mcpwatch_session' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                field: { type: 'string' },
              },
            },
          },
        },
      },
    },
  };
}

function schemaOf(schema: z.ZodType): Record<string, unknown> {
  // The input side: what a caller sends, defaults optional. Transforms describe their input.
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

function queryParameters(query: z.ZodType | undefined): Record<string, unknown>[] {
  if (!query) return [];
  const json = schemaOf(query) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
  }));
}
