import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parseMolblock, parseSmiles } from './rdkit';

/** An input item after validation: either canonical input for the model, or why it was refused. */
export interface PreparedItem {
  index: number;
  submitted: Record<string, unknown>;
  input?: Record<string, unknown>;
  error?: { code: 'INVALID_INPUT'; message: string };
}

const ajv = new Ajv({ allErrors: true, strict: false });
// Chemistry formats are checked by RDKit after the structural check, not by a regex.
ajv.addFormat('smiles', true);
ajv.addFormat('molblock', true);

const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

type ChemFormat = 'smiles' | 'molblock';

/** Top-level fields the schema marks as molecules, with their format. */
export function moleculeFields(schema: Record<string, unknown>): { name: string; format: ChemFormat }[] {
  const props = (schema.properties ?? {}) as Record<string, { format?: string }>;
  return Object.entries(props)
    .filter(([, p]) => p?.format === 'smiles' || p?.format === 'molblock')
    .map(([name, p]) => ({ name, format: p.format as ChemFormat }));
}

const PARSERS = { smiles: parseSmiles, molblock: parseMolblock };
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

/**
 * Validates each item against the version's input schema and canonicalises its molecule fields
 * (`format: smiles` or `molblock`) with RDKit. Bad items come back with an error naming the item and field; good ones with the
 * canonical input the model will see.
 */
export async function prepareInputs(schema: Record<string, unknown>, items: unknown[]): Promise<PreparedItem[]> {
  const validate = validatorFor(schema);
  const fields = moleculeFields(schema);
  const prepared: PreparedItem[] = [];
  for (let index = 0; index < items.length; index++) {
    const raw = items[index];
    const submitted = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : { value: raw }) as Record<
      string,
      unknown
    >;
    if (!validate(raw)) {
      prepared.push({
        index,
        submitted,
        error: { code: 'INVALID_INPUT', message: `item ${index}: ${describeSchemaErrors(validate.errors)}` },
      });
      continue;
    }
    const input = { ...submitted };
    let error: string | undefined;
    for (const { name, format } of fields) {
      const value = input[name];
      if (typeof value !== 'string') continue;
      const parsed = await PARSERS[format](value);
      if (!parsed) {
        error = `item ${index}: field "${name}" ${HINTS[format](value)}`;
        break;
      }
      input[name] = parsed.canonical;
    }
    prepared.push(error ? { index, submitted, error: { code: 'INVALID_INPUT', message: error } } : { index, submitted, input });
  }
  return prepared;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** Validates a model's output against its output schema; returns a message or null. */
export function checkOutput(schema: Record<string, unknown>, output: unknown): string | null {
  const validate = validatorFor(schema);
  return validate(output) ? null : describeSchemaErrors(validate.errors);
}
