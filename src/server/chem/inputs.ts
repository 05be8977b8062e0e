import type { ErrorObject, ValidateFunction } from 'ajv';
import { jsonProblem, jsonProblemText, type JsonProblem } from '../../shared/input-hygiene';
import { AppError } from '../errors';
import { inputLimits, LIMIT_ENV } from '../limits';
import { newBudget, type ChemBudget } from './chem-pool';
import { validatorFor } from './json-schema';
import { canonicalizeMany, type MoleculeOutcome } from './rdkit';

/** An input item after validation: either canonical input for the model, or why it was refused. */
export interface PreparedItem {
  index: number;
  submitted: Record<string, unknown>;
  input?: Record<string, unknown>;
  error?: { code: 'INVALID_INPUT'; message: string };
}

export interface PrepareOptions {
  /** Who asks (a user id, or `ip:…`): chemistry is shared fairly between requesters. */
  requester?: string;
  /** Chemistry time the whole request may use (CHEM_BUDGET_MS by default). */
  budget?: ChemBudget;
  /**
   * The canonical inputs already known for some valid items (by index), asked once for all of
   * them after validation and before RDKit: those items take it as they are, unparsed (the
   * result cache's entries keyed by what was sent, src/server/jobs/result-cache.ts).
   */
  known?: (items: { index: number; submitted: Record<string, unknown> }[]) => Promise<Map<number, Record<string, unknown>>>;
}

type ChemFormat = 'smiles' | 'molblock';

/** Top-level fields the schema marks as molecules, with their format. */
export function moleculeFields(schema: Record<string, unknown>): { name: string; format: ChemFormat }[] {
  const props = (schema.properties ?? {}) as Record<string, { format?: string }>;
  return Object.entries(props)
    .filter(([, p]) => p?.format === 'smiles' || p?.format === 'molblock')
    .map(([name, p]) => ({ name, format: p.format as ChemFormat }));
}

const HINTS = {
  smiles: (value: string) =>
    `is not a valid SMILES (RDKit cannot parse "${truncate(value, 80)}"); check ring closures, brackets and atom symbols`,
  molblock: () => 'is not a valid MOL block (RDKit cannot read it); send one SDF record with its counts line and "M  END"',
};

export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const field = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '';
      if (e.keyword === 'required') return `missing required field "${(e.params as { missingProperty: string }).missingProperty}"`;
      if (e.keyword === 'additionalProperties') {
        return `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
      }
      return `field "${field || '(root)'}" ${e.message}`;
    })
    .join('; ');
}

function compiledInputSchema(schema: Record<string, unknown>): ValidateFunction {
  try {
    return validatorFor(schema);
  } catch (e) {
    throw new AppError('INVALID_INPUT', `the model's input schema cannot be compiled (${(e as Error).message}); its owner must register a fixed version`);
  }
}

function hygieneMessage(index: number, p: JsonProblem): string {
  const env = p.message.startsWith('is nested') ? LIMIT_ENV.jsonDepth : p.message.startsWith('is larger') ? LIMIT_ENV.inputBytes : null;
  return `item ${index}: ${p.path ? jsonProblemText('', p) : `the input ${p.message}`}${env ? ` (${env})` : ''}`;
}

/** What is kept of a refused item's input: enough to recognise it, and always storable in jsonb. */
function storable(raw: unknown, p: JsonProblem): Record<string, unknown> {
  if (p.message.startsWith('is nested') || p.message.startsWith('is larger') || p.message.startsWith('has a key')) {
    return { notStored: `the input ${p.message}` };
  }
  const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  const copy = JSON.parse(JSON.stringify(raw), (_k, v) => (typeof v === 'string' ? clean(v) : v));
  return typeof copy === 'object' && copy !== null && !Array.isArray(copy) ? copy : { value: copy };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Validates each item against the version's input schema and canonicalises its molecule fields
 * (`format: smiles` or `molblock`) through the chemistry pool. Bad items come back with an error
 * naming the item, the field and the limit; good ones with the canonical input the model will
 * see. Items are checked for depth, size and storable text before anything else reads them.
 * Throws PAYLOAD_TOO_LARGE when the chemistry would exceed the request's budget.
 */
export async function prepareInputs(schema: Record<string, unknown>, items: unknown[], o: PrepareOptions = {}): Promise<PreparedItem[]> {
  const limits = inputLimits();
  const validate = compiledInputSchema(schema);
  const fields = moleculeFields(schema);
  const prepared: PreparedItem[] = new Array(items.length);
  const molecules: Record<ChemFormat, { index: number; name: string; value: string }[]> = { smiles: [], molblock: [] };

  for (let index = 0; index < items.length; index++) {
    // Long lists are checked in slices, so other requests are served in between.
    if (index % 256 === 255) await yieldToLoop();
    const raw = items[index];
    const hygiene = jsonProblem(raw, { maxDepth: limits.jsonDepth, maxBytes: limits.inputBytes });
    if (hygiene) {
      prepared[index] = { index, submitted: storable(raw, hygiene), error: { code: 'INVALID_INPUT', message: hygieneMessage(index, hygiene) } };
      continue;
    }
    const submitted = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : { value: raw }) as Record<string, unknown>;
    let valid: boolean;
    try {
      valid = validate(raw) as boolean;
    } catch (e) {
      prepared[index] = { index, submitted, error: { code: 'INVALID_INPUT', message: `item ${index}: the model's input schema cannot be applied to it (${(e as Error).message})` } };
      continue;
    }
    if (!valid) {
      prepared[index] = { index, submitted, error: { code: 'INVALID_INPUT', message: `item ${index}: ${describeSchemaErrors(validate.errors)}` } };
      continue;
    }
    prepared[index] = { index, submitted, input: { ...submitted } };
    for (const { name, format } of fields) {
      const value = submitted[name];
      if (typeof value === 'string') molecules[format].push({ index, name, value });
    }
  }

  if (o.known) {
    const valid = prepared.filter((p) => p.input);
    const known = valid.length ? await o.known(valid.map((p) => ({ index: p.index, submitted: p.submitted }))) : new Map();
    if (known.size) {
      for (const [index, input] of known) prepared[index].input = { ...input };
      for (const format of ['smiles', 'molblock'] as const) molecules[format] = molecules[format].filter((m) => !known.has(m.index));
    }
  }

  const budget = o.budget ?? newBudget();
  const outcomes = new Map<string, MoleculeOutcome>();
  for (const format of ['smiles', 'molblock'] as const) {
    const list = molecules[format];
    if (!list.length) continue;
    const results = await canonicalizeMany(format, list.map((m) => m.value), { requester: o.requester, budget });
    list.forEach((m, k) => outcomes.set(`${m.index}\u0000${m.name}`, results[k]));
  }

  // Fields in schema order: the first one that fails names the item's error.
  for (let k = 0; k < prepared.length; k++) {
    if (k % 2000 === 1999) await yieldToLoop();
    const item = prepared[k];
    if (!item.input) continue;
    for (const { name, format } of fields) {
      const outcome = outcomes.get(`${item.index}\u0000${name}`);
      if (!outcome) continue;
      if ('canonical' in outcome) {
        item.input[name] = outcome.canonical;
        continue;
      }
      const why =
        outcome.problem === 'limit' ? ` ${outcome.message}` : outcome.problem === 'failed' ? `: ${outcome.message}` : ` ${HINTS[format](String(item.submitted[name]))}`;
      item.error = { code: 'INVALID_INPUT', message: `item ${item.index}: field "${name}"${why}` };
      delete item.input;
      break;
    }
  }
  return prepared;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * Validates a model's output against its output schema; returns a message or null. Throws when
 * the schema cannot be compiled or applied (the worker reports that as the version's fault).
 */
export function checkOutput(schema: Record<string, unknown>, output: unknown): string | null {
  const validate = validatorFor(schema);
  return validate(output) ? null : describeSchemaErrors(validate.errors);
}
