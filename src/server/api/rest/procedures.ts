import { z } from 'zod';
import { appRouter } from '../root';
import type { RestRoute } from './routes';

/** A JSON Schema object as zod writes it (draft 2020-12, which OpenAPI 3.1 speaks). */
export type JsonSchema = Record<string, unknown>;

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: z.ZodType[];
}

/** Every procedure of the app router by its dotted path (tRPC keeps them flat on `_def.procedures`). */
export function allProcedures(): Map<string, ProcedureDef> {
  const flat = (appRouter._def as unknown as { procedures: Record<string, { _def: ProcedureDef }> }).procedures;
  return new Map(Object.entries(flat).map(([path, p]) => [path, p._def]));
}

export function procedureOf(route: RestRoute): ProcedureDef {
  const def = allProcedures().get(route.procedure);
  if (!def) throw new Error(`REST route ${route.method} ${route.path} names ${route.procedure}, which appRouter does not have`);
  return def;
}

/** The procedure's input as JSON Schema (what a caller sends, before defaults and transforms), or null without input. */
export function inputJsonSchema(def: ProcedureDef): JsonSchema | null {
  if (def.inputs.length === 0) return null;
  const schema = def.inputs.length === 1 ? def.inputs[0] : def.inputs.reduce((a, b) => z.intersection(a, b));
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** Path segments become input fields under the route's own names or the `params` map. */
export function fieldOfParam(route: RestRoute, param: string): string {
  return route.params?.[param] ?? param;
}

export function pathParams(route: RestRoute): string[] {
  return [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/** The JSON Schema types a property accepts (looking through nullable/optional unions). */
export function schemaTypes(s: JsonSchema | undefined): string[] {
  if (!s) return [];
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type as string[];
  const union = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  return union ? union.flatMap(schemaTypes) : [];
}
