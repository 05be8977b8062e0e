import { ERROR_CODES } from '../../errors';
import { fieldOfParam, inputJsonSchema, pathParams, procedureOf, type JsonSchema } from './procedures';
import { REST_ROUTES, type RestRoute } from './routes';

/** Where the REST API lives; the document's one server is this path on whatever host serves it. */
export const REST_BASE = '/api/v1';

/** Moves zod's local refs (`#`, `#/$defs/X`) under components, where they resolve inside the document. */
function hoistRefs(schema: JsonSchema, name: string, components: Record<string, JsonSchema>): JsonSchema {
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
  delete schema.$defs;
  const text = JSON.stringify(schema);
  const selfRef = text.includes('"$ref":"#"');
  const rewrite = (s: JsonSchema) =>
    JSON.parse(
      JSON.stringify(s)
        .replaceAll('"$ref":"#"', `"$ref":"#/components/schemas/${name}"`)
        .replace(/"\$ref":"#\/\$defs\/([^"]+)"/g, (_m, d: string) => `"$ref":"#/components/schemas/${name}_${d}"`),
    ) as JsonSchema;
  for (const [d, s] of Object.entries(defs)) components[`${name}_${d}`] = rewrite(s);
  const out = rewrite(schema);
  if (selfRef) components[name] = out;
  return out;
}

export function operationId(route: RestRoute): string {
  return route.procedure.replace(/\.(\w)/g, (_m, c: string) => c.toUpperCase());
}

const PROBLEM_RESPONSES: Record<string, string> = {
  '400': 'The input was refused (`INVALID_INPUT`): `detail` names the field and the limit',
  '401': 'No valid API token (`UNAUTHORIZED`)',
  '403': "The token's scopes or the account's role do not allow this (`FORBIDDEN`)",
  '404': 'No such resource, or one you may not see (`NOT_FOUND`)',
  '429': 'Rate limit or quota (`RATE_LIMITED`, `QUOTA_EXCEEDED`): `Retry-After` says when to try again',
};

function operation(route: RestRoute, components: Record<string, JsonSchema>) {
  const def = procedureOf(route);
  const id = operationId(route);
  const input = inputJsonSchema(def);
  const inputHoisted = input ? hoistRefs(input, `${id[0].toUpperCase()}${id.slice(1)}Input`, components) : null;
  const props = (inputHoisted?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((inputHoisted?.required ?? []) as string[]);
  const inPath = new Set<string>();
  const parameters: unknown[] = pathParams(route).map((p) => {
    const field = fieldOfParam(route, p);
    inPath.add(field);
    const { description, ...schema } = props[field] ?? { type: 'string' };
    return { name: p, in: 'path', required: true, schema, ...(description ? { description } : {}) };
  });
  let requestBody: unknown;
  if (route.method === 'GET' || route.method === 'DELETE') {
    for (const [name, prop] of Object.entries(props)) {
      if (inPath.has(name)) continue;
      const { description, ...schema } = prop;
      const isArray = schemaTypes(prop).includes('array');
      parameters.push({ name, in: 'query', required: required.has(name), schema, ...(isArray ? { style: 'form', explode: true } : {}), ...(description ? { description } : {}) });
    }
  } else if (inputHoisted) {
    const bodyProps = Object.fromEntries(Object.entries(props).filter(([k]) => !inPath.has(k)));
    const bodyRequired = [...required].filter((k) => !inPath.has(k));
    const body: JsonSchema = { ...inputHoisted, properties: bodyProps, ...(bodyRequired.length ? { required: bodyRequired } : {}) };
    if (!bodyRequired.length) delete body.required;
    requestBody = { required: bodyRequired.length > 0, content: { 'application/json': { schema: body } } };
  }
  const ok = route.noContent
    ? { '204': { description: 'Done; no content' } }
    : { '200': { description: `What \`${route.procedure}\` answers`, content: { 'application/json': { schema: {} } } } };
  return {
    operationId: id,
    summary: route.summary,
    description: `The \`${route.procedure}\` procedure: the same input, permissions and errors as over tRPC.`,
    tags: [route.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      ...ok,
      ...Object.fromEntries(Object.keys(PROBLEM_RESPONSES).map((s) => [s, { $ref: `#/components/responses/Problem${s}` }])),
      default: { $ref: '#/components/responses/ProblemDefault' },
    },
  };
}

function schemaTypes(s: JsonSchema): string[] {
  if (typeof s.type === 'string') return [s.type];
  return Array.isArray(s.type) ? (s.type as string[]) : [];
}

const TAGS = [
  { name: 'models', description: 'The catalog: models, aliases, predictions and registration' },
  { name: 'versions', description: 'Model versions: drafts, smoke tests, publishing' },
  { name: 'jobs', description: 'Jobs over many inputs, their progress and results' },
  { name: 'evaluations', description: 'Evaluations of models on datasets, and consensus fitting' },
  { name: 'datasets', description: 'Datasets with measured values' },
  { name: 'account', description: 'Who you are, and your API tokens' },
  { name: 'sharing', description: "Who may see and run a model: its access, grants, and approvals of alias moves" },
  { name: 'meta', description: 'This document' },
];

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details, with the gateway error code in `appCode`',
  required: ['type', 'title', 'status', 'detail', 'appCode'],
  properties: {
    type: { type: 'string', format: 'uri-reference', description: "The problem type: this API reference's section on the code" },
    title: { type: 'string', description: 'A short summary of the problem type' },
    status: { type: 'integer', description: 'The HTTP status code' },
    detail: { type: 'string', description: 'What went wrong and what to fix' },
    instance: { type: 'string', description: 'The request path' },
    appCode: { type: 'string', enum: [...ERROR_CODES], description: 'The gateway error code, as every surface (tRPC, SDK, CLI, agent) reports it' },
    details: { type: 'object', additionalProperties: true, description: 'Facts about the refusal (a limit, a retry delay)' },
  },
};

/** The OpenAPI 3.1 document of /api/v1, generated from REST_ROUTES and the procedures' zod inputs. */
export function buildOpenApiDocument(o: { version?: string } = {}) {
  const components: Record<string, JsonSchema> = { Problem: problemSchema };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of REST_ROUTES) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, components);
  }
  paths['/openapi.json'] = {
    get: {
      operationId: 'openApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tags: ['meta'],
      security: [],
      responses: {
        '200': { description: 'The document', content: { 'application/json': { schema: { type: 'object' } } } },
        '405': { $ref: '#/components/responses/ProblemDefault' },
      },
    },
  };
  const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Model Gateway API',
      version: o.version ?? '1',
      description:
        'Every operation here is a procedure of the gateway, with the same validation, permissions, errors and audit as the web UI, the SDK and the agent. ' +
        'Authenticate with an API token from the settings page: `Authorization: Bearer mgw_…`. Errors are `application/problem+json` (RFC 9457) carrying `appCode`.',
    },
    servers: [{ url: REST_BASE, description: 'This gateway' }],
    security: [{ bearerAuth: [] }],
    tags: TAGS,
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (`mgw_…`) made on the settings page' } },
      schemas: components,
      responses: {
        ...Object.fromEntries(Object.entries(PROBLEM_RESPONSES).map(([s, d]) => [`Problem${s}`, problem(d)])),
        ProblemDefault: problem('Any other failure, with its `appCode` (e.g. `MODEL_TIMEOUT`, `UNAVAILABLE`)'),
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
