import { parseSmiles, type ChemCallOptions } from '../chem/rdkit';

type JsonSchema = Record<string, unknown>;

const title = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());

/** A string field is proposed as SMILES when its name says so, or when RDKit reads it and it has no spaces. */
async function looksLikeSmiles(key: string, value: string, o: ChemCallOptions): Promise<boolean> {
  if (/smiles/i.test(key)) return true;
  if (/\s/.test(value) || value.length < 2) return false;
  return (await parseSmiles(value, o)) !== null && /[A-Z]/i.test(value) && /[()=#\[\]@0-9]|^[BCNOPSFIcnops]/.test(value);
}

async function schemaOf(key: string, value: unknown, o: ChemCallOptions): Promise<JsonSchema> {
  if (typeof value === 'string') {
    return (await looksLikeSmiles(key, value, o)) ? { type: 'string', format: 'smiles', title: title(key) } : { type: 'string', title: title(key) };
  }
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number', title: title(key) };
  if (typeof value === 'boolean') return { type: 'boolean', title: title(key) };
  if (Array.isArray(value)) {
    return { type: 'array', title: title(key), ...(value.length ? { items: await schemaOf(key, value[0], o) } : {}) };
  }
  if (value && typeof value === 'object') return { ...(await inferObjectSchema(value as Record<string, unknown>, o)), title: title(key) };
  return { title: title(key) };
}

/** An object schema from one example: every field typed and required, in the example's order. */
export async function inferObjectSchema(example: Record<string, unknown>, o: ChemCallOptions = {}): Promise<JsonSchema> {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, value] of Object.entries(example)) properties[key] = await schemaOf(key, value, o);
  return { type: 'object', properties, required: Object.keys(example) };
}

/**
 * Proposes input and output schemas from one example input and the output the model gave
 * for it. The owner edits and confirms them; nothing here is final.
 */
export async function inferSchemas(
  input: Record<string, unknown>,
  output: Record<string, unknown>,
  o: ChemCallOptions = {},
): Promise<{ inputSchema: JsonSchema; outputSchema: JsonSchema }> {
  const inputSchema = await inferObjectSchema(input, o);
  const outputSchema = await inferObjectSchema(output, o);
  // Integers in one example are often floats in general (a logS of -2): propose "number".
  for (const p of Object.values(outputSchema.properties as Record<string, JsonSchema>)) if (p.type === 'integer') p.type = 'number';
  return { inputSchema: { ...inputSchema, additionalProperties: false }, outputSchema };
}
