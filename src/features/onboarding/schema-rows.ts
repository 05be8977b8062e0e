import { schemaFields } from '@/features/outputs/schema';
import type { JsonSchema } from '@/lib/types';

export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object'] as const;
export const FIELD_FORMATS = ['smiles', 'molblock'] as const;

/** One property of an object schema, as the editable table shows it. */
export interface SchemaRow {
  key: number;
  name: string;
  /** A JSON Schema type, '' for any, or a JSON list of types (e.g. ["number","null"]) kept as written. */
  type: string;
  /** '' for none. */
  format: string;
  title: string;
  description: string;
  required: boolean;
  /** Keywords the table does not edit (items, enum, minimum, …), kept as they were. */
  rest: Record<string, unknown>;
}

let nextKey = 1;

export function emptyRow(): SchemaRow {
  return { key: nextKey++, name: '', type: 'string', format: '', title: '', description: '', required: true, rest: {} };
}

/** The table's rows and the schema's other top-level keywords (additionalProperties, …). */
export function rowsFromSchema(schema: JsonSchema): { rows: SchemaRow[]; base: JsonSchema } {
  const { properties, required: _required, ...base } = schema;
  const props = (properties ?? {}) as Record<string, Record<string, unknown>>;
  const rows = schemaFields(schema).map((f) => {
    const { type, format, title, description, ...rest } = props[f.name] ?? {};
    return {
      key: nextKey++,
      name: f.name,
      type: typeof type === 'string' ? type : Array.isArray(type) ? JSON.stringify(type) : '',
      format: typeof format === 'string' ? format : '',
      title: typeof title === 'string' ? title : '',
      description: typeof description === 'string' ? description : '',
      required: f.required,
      rest,
    };
  });
  return { rows, base };
}

export function schemaFromRows(base: JsonSchema, rows: SchemaRow[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const r of rows) {
    const p: JsonSchema = { ...r.rest };
    if (r.type) p.type = r.type.startsWith('[') ? JSON.parse(r.type) : r.type;
    if (r.format) p.format = r.format;
    if (r.title.trim()) p.title = r.title.trim();
    if (r.description.trim()) p.description = r.description.trim();
    properties[r.name.trim()] = p;
  }
  const required = rows.filter((r) => r.required).map((r) => r.name.trim());
  return { ...base, type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** What stops the rows from making a valid schema, one message per problem. */
export function rowProblems(rows: SchemaRow[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const name = r.name.trim();
    if (!name) problems.push(`row ${i + 1}: give the field a name`);
    else if (seen.has(name)) problems.push(`"${name}" is listed twice; field names must be unique`);
    seen.add(name);
    if (r.format && r.type !== 'string') problems.push(`"${name || `row ${i + 1}`}": a ${r.format} field must be of type string`);
  });
  return problems;
}

/** A raw JSON schema as typed in the editor, or what is wrong with it. */
export function parseRawSchema(text: string): { schema: JsonSchema } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `not valid JSON: ${(e as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'a schema is a JSON object, e.g. {"type": "object", "properties": {…}}' };
  const schema = value as JsonSchema;
  if (schema.type !== undefined && schema.type !== 'object') return { error: 'inputs and outputs are objects: use "type": "object"' };
  if (schema.properties !== undefined && (typeof schema.properties !== 'object' || Array.isArray(schema.properties))) {
    return { error: '"properties" must be an object of field schemas' };
  }
  return { schema };
}
