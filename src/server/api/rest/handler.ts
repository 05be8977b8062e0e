import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Deps } from '../../deps';
import { AppError, isAppError, toAppError } from '../../errors';
import type { Viewer } from '../../users/viewer';
import { requestInfo } from '../request-info';
import { limitRequestBody, MAX_BODY_BYTES } from '../request-limits';
import { createCaller } from '../root';
import { describeTRPCError, toTRPCError, type Context } from '../trpc';
import { buildOpenApiDocument, REST_BASE, type OpenApiDocument } from './openapi';
import { fieldOfParam, inputJsonSchema, pathParams, procedureOf, schemaTypes, type JsonSchema } from './procedures';
import { REST_ROUTES, type RestRoute } from './routes';

export interface RestEnv {
  deps: () => Promise<Deps>;
  /** Bearer token (or session cookie) to viewer; the route handler passes the app's own resolver. */
  resolveViewer: (deps: Deps, req: Request) => Promise<Viewer | null>;
}

/** An RFC 9457 problem, with the gateway's error code in `appCode`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  appCode: string;
  instance?: string;
  details?: Record<string, unknown>;
}

const INTERNAL_MESSAGE = 'something went wrong on the gateway; try again, and tell its operators if it persists';

/** Any failure as problem+json, through the one AppError → tRPC → HTTP mapping every surface uses. */
export function problemResponse(e: unknown, instance?: string, headers: Record<string, string> = {}, statusOverride?: number): Response {
  const trpc = e instanceof TRPCError ? e : toTRPCError(toAppError(e));
  const { code, message } = describeTRPCError(trpc);
  if (code === 'INTERNAL') console.error('[rest]', instance, trpc.cause ?? trpc);
  const status = statusOverride ?? getHTTPStatusCodeFromError(trpc);
  const cause = isAppError(trpc.cause) ? trpc.cause : null;
  const details = code !== 'INTERNAL' ? cause?.details : undefined;
  const body: Problem = {
    type: `/docs/api#problem-${code.toLowerCase().replaceAll('_', '-')}`,
    title: code.charAt(0) + code.slice(1).toLowerCase().replaceAll('_', ' '),
    status,
    detail: code === 'INTERNAL' ? INTERNAL_MESSAGE : message,
    appCode: code,
    ...(instance ? { instance } : {}),
    ...(details ? { details } : {}),
  };
  const retry: Record<string, string> = typeof details?.retryAfterSeconds === 'number' ? { 'retry-after': String(Math.ceil(details.retryAfterSeconds)) } : {};
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...retry, ...headers } });
}

interface Match {
  route: RestRoute;
  params: Record<string, string>;
}

const segmentsOf = (p: string) => p.split('/').filter(Boolean);
const literalCount = (r: RestRoute) => segmentsOf(r.path).filter((s) => !s.startsWith('{')).length;

/** The routes whose path matches, most literal segments first (`/jobs/estimate` before `/jobs/{id}`). */
export function matchPath(path: string): Match[] {
  const got = segmentsOf(path);
  const out: Match[] = [];
  for (const route of REST_ROUTES) {
    const want = segmentsOf(route.path);
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      if (want[i].startsWith('{')) {
        try {
          params[want[i].slice(1, -1)] = decodeURIComponent(got[i]);
        } catch {
          ok = false;
        }
      } else ok = want[i] === got[i];
    }
    if (ok) out.push({ route, params });
  }
  return out.sort((a, b) => literalCount(b.route) - literalCount(a.route));
}

const schemaCache = new Map<string, JsonSchema | null>();
function inputSchemaOf(route: RestRoute): JsonSchema | null {
  if (!schemaCache.has(route.procedure)) schemaCache.set(route.procedure, inputJsonSchema(procedureOf(route)));
  return schemaCache.get(route.procedure)!;
}

/** A query-string value as the property's JSON type says; what does not convert is left for zod to name. */
function coerce(raw: string, schema: JsonSchema | undefined): unknown {
  const types = schemaTypes(schema);
  if ((types.includes('integer') || types.includes('number')) && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (types.includes('null') && raw === 'null') return null;
  if ((types.includes('object') || (types.includes('array') && raw.startsWith('['))) && !types.includes('string')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

function queryInput(url: URL, schema: JsonSchema | null): Record<string, unknown> {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const input: Record<string, unknown> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const prop = props[name];
    if (schemaTypes(prop).includes('array') && !url.searchParams.get(name)!.startsWith('[')) {
      input[name] = url.searchParams.getAll(name).map((v) => coerce(v, prop?.items as JsonSchema | undefined));
    } else input[name] = coerce(url.searchParams.get(name)!, prop);
  }
  return input;
}

async function bodyInput(req: Request): Promise<Record<string, unknown>> {
  const text = await limitRequestBody(req, MAX_BODY_BYTES)
    .text()
    .catch((e: unknown) => {
      throw e instanceof TRPCError ? e : new AppError('INVALID_INPUT', 'the request body could not be read');
    });
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError('INVALID_INPUT', 'the request body is not JSON; send a JSON object with Content-Type: application/json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new AppError('INVALID_INPUT', 'the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

let documentCache: OpenApiDocument | null = null;
export function openApiDocument(): OpenApiDocument {
  return (documentCache ??= buildOpenApiDocument());
}

type Callable = (input: unknown) => Promise<unknown>;

/** Answers one request under /api/v1: finds the route, builds the procedure's input, calls it as the token's viewer. */
export async function handleRest(req: Request, env: RestEnv): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.startsWith(REST_BASE) ? url.pathname.slice(REST_BASE.length) || '/' : url.pathname;
  const instance = url.pathname;
  try {
    if (path === '/openapi.json') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(['GET'], instance);
      return Response.json(openApiDocument(), { headers: { 'cache-control': 'no-cache' } });
    }
    const matches = matchPath(path);
    if (matches.length === 0) throw new AppError('NOT_FOUND', `no REST route ${path}; the routes are listed in ${REST_BASE}/openapi.json`);
    const match = matches.find((m) => m.route.method === req.method);
    if (!match) return methodNotAllowed([...new Set(matches.map((m) => m.route.method))], instance);
    const { route, params } = match;

    const deps = await env.deps();
    const viewer = await env.resolveViewer(deps, req);
    const ctx: Context = { ...deps, viewer, request: requestInfo(req.headers), channel: 'api' };
    const schema = inputSchemaOf(route);
    let input: Record<string, unknown> | undefined;
    if (schema) {
      input = route.method === 'GET' || route.method === 'DELETE' ? queryInput(url, schema) : await bodyInput(req);
      // The address wins over the body: `POST /jobs/{id}/cancel` cancels that job whatever the body says.
      for (const p of pathParams(route)) input[fieldOfParam(route, p)] = params[p];
    }
    const fn = route.procedure.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], createCaller(ctx)) as Callable;
    const result = await fn(input);
    if (route.noContent || result === undefined) return new Response(null, { status: 204 });
    return Response.json(result);
  } catch (e) {
    return problemResponse(e, instance);
  }
}

function methodNotAllowed(allow: string[], instance: string): Response {
  const e = new AppError('INVALID_INPUT', `${instance} answers ${allow.join(', ')}`);
  return problemResponse(e, instance, { allow: allow.join(', ') }, 405);
}
