export interface SchemaField {
  name: string;
  type: string;
  format?: string;
  title?: string;
  description?: string;
  required: boolean;
}

interface JsonSchemaProperty {
  type?: string | string[];
  format?: string;
  title?: string;
  description?: string;
}

/**
 * The top-level properties of a JSON Schema object. Schemas come back from jsonb, which does not
 * keep key order, so the author's order is recovered from `required` (an array) where it can be.
 */
export function schemaFields(schema: Record<string, unknown> | null | undefined): SchemaField[] {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchemaProperty>;
  const requiredList = Array.isArray(schema?.required) ? (schema.required as string[]) : [];
  const required = new Set(requiredList);
  const rank = (name: string) => (required.has(name) ? requiredList.indexOf(name) : requiredList.length);
  const entries = Object.entries(props).sort(([a], [b]) => rank(a) - rank(b));
  return entries.map(([name, p]) => ({
    name,
    type: Array.isArray(p?.type) ? p.type.join(' | ') : (p?.type ?? 'any'),
    format: p?.format,
    title: p?.title,
    description: p?.description,
    required: required.has(name),
  }));
}

/** Turns the try-it form's strings into the types the schema asks for. */
export function coerceField(field: SchemaField, raw: string): unknown {
  if (field.type === 'number' || field.type === 'integer') {
    const n = Number(raw);
    return raw.trim() === '' || Number.isNaN(n) ? raw : n;
  }
  if (field.type === 'boolean') return raw === 'true';
  if (field.type === 'object' || field.type === 'array') {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}
