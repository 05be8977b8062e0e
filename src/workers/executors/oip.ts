/**
 * Mapping between gateway items (JSON objects) and Open Inference Protocol v2 tensors: each input
 * field becomes one tensor with a row per item; each output tensor's row i becomes a field of
 * item i's output.
 */

export type OipDatatype = 'BYTES' | 'FP64' | 'INT64' | 'BOOL';

export interface OipTensor {
  name: string;
  shape: number[];
  datatype: OipDatatype;
  data: unknown[];
}

export interface OipInferRequest {
  id: string;
  inputs: OipTensor[];
}

type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);

const BY_SCHEMA_TYPE: Record<string, OipDatatype> = { string: 'BYTES', number: 'FP64', integer: 'INT64', boolean: 'BOOL' };

/** The JSON Schema `type` of a property (the first non-null one of a list). */
function schemaType(prop: unknown): string | undefined {
  const t = isObject(prop) ? prop.type : undefined;
  return Array.isArray(t) ? t.find((x) => x !== 'null') : typeof t === 'string' ? t : undefined;
}

/** The datatype the schema declares for scalars, else the one the values need. */
function datatypeOf(declared: string | undefined, values: unknown[]): OipDatatype {
  if (declared && BY_SCHEMA_TYPE[declared]) return BY_SCHEMA_TYPE[declared];
  if (values.every((v) => typeof v === 'boolean')) return 'BOOL';
  if (values.every((v) => typeof v === 'number')) return values.every(Number.isInteger) ? 'INT64' : 'FP64';
  return 'BYTES';
}

/** One input field as a tensor of `values.length` rows. */
function tensorFor(name: string, prop: unknown, values: unknown[]): OipTensor {
  const n = values.length;
  // Equal-length arrays of scalars (a feature vector per item) are a [n, k] tensor.
  const k = Array.isArray(values[0]) ? values[0].length : -1;
  if (k > 0 && values.every((v) => Array.isArray(v) && v.length === k && v.every(isScalar))) {
    const items = isObject(prop) ? prop.items : undefined;
    const flat = (values as unknown[][]).flat();
    return { name, shape: [n, k], datatype: datatypeOf(schemaType(items), flat), data: flat };
  }
  const datatype = datatypeOf(schemaType(prop), values);
  // Anything a tensor cannot hold (objects, ragged arrays) travels as JSON text.
  const data = datatype === 'BYTES' ? values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) : values;
  return { name, shape: [n], datatype, data };
}

/**
 * Tensors need a value in every row, so items are sent in groups that share the same set of
 * present fields (usually one group: every item has every field).
 */
export function groupByFields<T extends { input: Json }>(items: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = presentFields(item.input).join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()];
}

function presentFields(input: Json): string[] {
  return Object.keys(input)
    .filter((k) => input[k] !== undefined && input[k] !== null)
    .sort();
}

/** The infer request for items that all have the same fields present. */
export function encodeInferRequest(id: string, inputs: Json[], inputSchema: Json): OipInferRequest {
  const props = isObject(inputSchema.properties) ? inputSchema.properties : {};
  const fields = inputs.length ? presentFields(inputs[0]) : [];
  return { id, inputs: fields.map((f) => tensorFor(f, props[f], inputs.map((i) => i[f]))) };
}

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Row-major flat values back into nested arrays of shape `dims`. */
function reshape(flat: unknown[], dims: number[]): unknown {
  if (dims.length <= 1) return flat;
  const step = product(dims.slice(1));
  return Array.from({ length: dims[0] }, (_, i) => reshape(flat.slice(i * step, (i + 1) * step), dims.slice(1)));
}

/** Splits one output tensor into `n` rows: a scalar per row for [n] and [n,1], else the row's sub-array. */
function rowsOf(t: Json, n: number): unknown[] | string {
  if (typeof t.name !== 'string' || !Array.isArray(t.data)) return 'an output tensor has no "name" or no "data" array';
  // The spec sends data flat in row-major order; some servers nest it, which flattening undoes.
  const flat = (t.data as unknown[]).flat(Infinity);
  const shape = Array.isArray(t.shape) && t.shape.every((d) => Number.isInteger(d) && d >= 0) ? (t.shape as number[]) : [flat.length];
  if (shape[0] !== n) return `output "${t.name}" has shape [${shape.join(',')}], whose first dimension should be ${n}, one row per input`;
  if (product(shape) !== flat.length) return `output "${t.name}" has shape [${shape.join(',')}] but ${flat.length} values`;
  const dims = shape.slice(1);
  const size = product(dims);
  return Array.from({ length: n }, (_, i) => (size === 1 ? flat[i] : reshape(flat.slice(i * size, (i + 1) * size), dims)));
}

/** Each item's output object, or what is wrong with the response. */
export function decodeInferResponse(body: unknown, n: number): { outputs: Json[] } | { problem: string } {
  if (!isObject(body) || !Array.isArray(body.outputs)) return { problem: 'the body has no "outputs" array' };
  const outputs: Json[] = Array.from({ length: n }, () => ({}));
  for (const t of body.outputs) {
    if (!isObject(t)) return { problem: 'an entry of "outputs" is not an object' };
    const rows = rowsOf(t, n);
    if (typeof rows === 'string') return { problem: rows };
    rows.forEach((v, i) => (outputs[i][t.name as string] = v));
  }
  return { outputs };
}
