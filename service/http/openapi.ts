import { z } from 'zod';

import { apiRoutes, type ApiRoute } from '../../common/api/routes';
import { ErrorBodySchema } from '../../common/api/schemas';
import { errorCatalogue } from '../../common/errors';

type JsonSchema = Record<string, unknown>;

/**
 * Converts a zod schema and moves every named definition (a schema with `.meta({ id })`) into
 * `components`, so the document names each request and response type once.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _dialect, $defs: definitions = {}, ...rest } = converted as JsonSchema & { $defs?: Record<string, JsonSchema> };

  const rewrite = (value: JsonSchema): JsonSchema =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  for (const [name, definition] of Object.entries(definitions)) components[name] = rewrite(definition);
  return rewrite(rest);
}

/** Lists the properties of a params or query object schema as OpenAPI parameters. */
function schemaParameters(schema: z.ZodType | undefined, location: 'path' | 'query', components: Record<string, JsonSchema>): JsonSchema[] {
  if (!schema) return [];
  const converted = jsonSchema(schema, 'input', components) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (converted.required ?? []).includes(name),
    schema: property,
  }));
}

/**
 * Generates the OpenAPI 3.1 document from the route table and its zod schemas, the same ones the
 * service validates with, so the document cannot describe another API than the one served.
 */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, JsonSchema> = {};
  const errorResponse = {
    description: 'Error; `error.code` is one of the catalogue codes',
    content: { 'application/json': { schema: jsonSchema(ErrorBodySchema, 'output', schemas) } },
  };

  for (const [name, route] of Object.entries(apiRoutes) as Array<[string, ApiRoute]>) {
    const operation: Record<string, unknown> = {
      operationId: name,
      summary: route.summary,
      security: route.authenticated ? [{ bearer: [] }, { cookie: [] }] : [],
      responses: {
        [String(route.successStatus)]:
          route.response === null
            ? { description: 'Done' }
            : route.response === 'binary'
              ? { description: 'The file, with its content type and a Content-Disposition file name' }
              : { description: 'Success', content: { 'application/json': { schema: jsonSchema(route.response, 'output', schemas) } } },
        '4XX': errorResponse,
        '5XX': errorResponse,
      },
    };
    const parameters = [
      ...schemaParameters(route.params, 'path', schemas),
      ...schemaParameters(route.query, 'query', schemas),
    ];
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input', schemas) } } };

    const openApiPath = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[openApiPath] ??= {};
    paths[openApiPath]![route.method.toLowerCase()] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'eID Self-Service portal API',
      version,
      description: `Error codes: ${Object.entries(errorCatalogue)
        .map(([code, entry]) => `${code} (${entry.status})`)
        .join(', ')}.`,
    },
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/v1/sessions with client "desktop"' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'eid_session' },
      },
    },
    paths,
  };
}
