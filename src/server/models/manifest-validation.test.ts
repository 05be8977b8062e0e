import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasNestedQuantifier, schemaProblem } from '../chem/json-schema';
import { loadManifest, projectRoot } from './manifest';
import { ZModelManifest } from './models.schema';
import { ZCreateModelInput, ZVersionSpec } from './versions.schema';

const base = {
  slug: 'my-model',
  name: 'My model',
  version: 1,
  task: 'property/logS',
  runtime: { kind: 'process', command: ['python3', 'main.py'] },
  inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
  outputSchema: { type: 'object', properties: { logS: { type: 'number' } }, required: ['logS'] },
};

/** The refusal text as the API shows it: `path: message` per issue. */
function refusal(schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): string {
  const r = schema.safeParse(value);
  expect(r.success, 'expected a refusal').toBe(false);
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

afterEach(() => {
  delete process.env.GATEWAY_MAX_TIMEOUT_MS;
});

describe('a manifest is validated whole', () => {
  it('accepts a plain one', () => {
    expect(ZModelManifest.safeParse(base).success).toBe(true);
  });

  it('accepts every built-in model’s manifest', async () => {
    const root = path.join(projectRoot, 'models');
    const dirs = (await fs.readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('_'));
    for (const d of dirs) await expect(loadManifest(path.join(root, d.name)), d.name).resolves.toBeDefined();
  });

  it('bounds lengths and counts', () => {
    expect(refusal(ZModelManifest, { ...base, name: 'x'.repeat(1_000_000) })).toBe('name: at most 120 characters');
    expect(refusal(ZModelManifest, { ...base, description: 'x'.repeat(4001) })).toBe('description: at most 4000 characters');
    expect(refusal(ZModelManifest, { ...base, tags: Array.from({ length: 10_000 }, (_, i) => `t${i}`) })).toBe('tags: at most 20 tags');
    expect(refusal(ZModelManifest, { ...base, tags: ['x'.repeat(41)] })).toBe('tags.0: at most 40 characters');
    expect(refusal(ZModelManifest, { ...base, runtime: { kind: 'process', command: Array.from({ length: 65 }, () => 'a') } })).toBe('runtime.command: at most 64 arguments');
    const env = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`V${i}`, 'x']));
    expect(refusal(ZModelManifest, { ...base, runtime: { kind: 'process', command: ['a'], env } })).toBe('runtime.env: at most 64 environment variables');
    expect(refusal(ZModelManifest, { ...base, version: 2_147_483_648 })).toMatch(/^version: /);
  });

  it('keeps timeouts between 100 ms and GATEWAY_MAX_TIMEOUT_MS (10 minutes by default)', () => {
    expect(refusal(ZModelManifest, { ...base, timeoutMs: 24 * 24 * 3600_000 })).toBe(
      'timeoutMs: 2073600000 ms is longer than the limit of 600000 ms (GATEWAY_MAX_TIMEOUT_MS)',
    );
    expect(refusal(ZModelManifest, { ...base, timeoutMs: 2 ** 31 })).toMatch(/^timeoutMs: 2147483648 ms is longer than the limit/);
    expect(refusal(ZModelManifest, { ...base, timeoutMs: 10 })).toBe('timeoutMs: at least 100 ms');
    expect(refusal(ZVersionSpec, { ...base, timeoutMs: 3_600_000 })).toMatch(/^timeoutMs: 3600000 ms is longer/);
    process.env.GATEWAY_MAX_TIMEOUT_MS = String(3_600_000);
    expect(ZVersionSpec.safeParse({ ...base, timeoutMs: 3_600_000 }).success).toBe(true);
  });

  it('refuses the reserved slug and control characters in text', () => {
    expect(refusal(ZModelManifest, { ...base, slug: 'new' })).toMatch(/^slug: this slug is reserved \(new\)/);
    expect(refusal(ZCreateModelInput, { slug: 'NEW', name: 'n', task: 't' })).toMatch(/reserved/);
    expect(refusal(ZModelManifest, { ...base, name: 'My\u0000model' })).toBe('name: contains a NUL byte (U+0000); remove it');
    expect(refusal(ZModelManifest, { ...base, example: { smiles: 'C\u0000' } })).toBe('example: smiles contains a NUL byte (U+0000); remove it');
  });
});

describe('JSON Schemas are compiled at registration', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown type', { type: 'object', properties: { a: { type: 'strin' } } }, /^inputSchema cannot be compiled: it does not follow JSON Schema \(draft-07\): #\/properties\/a\/type must be equal to one of the allowed values/],
    ['an unresolvable $ref', { type: 'object', properties: { a: { $ref: '#/definitions/nope' } } }, /^inputSchema cannot be compiled: \$ref "#\/definitions\/nope" does not resolve/],
    ['a remote $ref', { $ref: 'http://example.com/schema.json' }, /\$ref "http:\/\/example.com\/schema.json" does not resolve .*not fetched/],
    ['a bad regex', { type: 'object', properties: { a: { type: 'string', pattern: '(' } } }, /^inputSchema at #\/properties\/a\/pattern: "\(" is not a valid regular expression/],
    ['an exponential regex', { type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' } } }, /repeats a group that itself repeats/],
    ['a schema that is only a $ref to itself', { $ref: '#' }, /^inputSchema is recursive without end: # → #/],
    ['a $ref cycle', { definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, $ref: '#/definitions/a' }, /recursive without end: #\/definitions\/a → #\/definitions\/b → #\/definitions\/a/],
    ['a cycle through allOf', { type: 'object', allOf: [{ $ref: '#' }] }, /recursive without end/],
    ['something that is not JSON Schema', { logS: 'number' }, /"logS" is not a JSON Schema keyword; describe fields under "properties"/],
    ['properties that are not schemas', { type: 'object', properties: { logS: 'number' } }, /#\/properties\/logS must be object,boolean/],
    ['a root that is not an object', { type: 'array', items: { type: 'number' } }, /must describe a JSON object \("type": "object"\).*"type": "array"/],
    ['an unsupported $schema', { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' }, /"\$schema" is not supported/],
  ];

  it.each(cases)('refuses %s, saying which schema and why', (_name, schema, message) => {
    expect(schemaProblem(schema, 'inputSchema')).toMatch(message);
  });

  it('admits recursion that reads deeper into the input, annotations and x- extensions', () => {
    expect(schemaProblem({ type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } } }, 'outputSchema')).toBeNull();
    expect(schemaProblem({ type: 'object', properties: { logS: { type: 'number', units: 'log10(mol/L)', 'x-display': 'bar', examples: [-2] } } }, 'outputSchema')).toBeNull();
    expect(schemaProblem({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', definitions: { n: { type: 'number' } }, properties: { a: { $ref: '#/definitions/n' } } }, 'inputSchema')).toBeNull();
  });

  it('bounds the size and depth of a schema', () => {
    let deep: Record<string, unknown> = { type: 'number' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep } };
    expect(schemaProblem(deep, 'inputSchema')).toMatch(/is nested deeper than 32 levels \(GATEWAY_MAX_JSON_DEPTH\)$/);
    const wide = { type: 'object', properties: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`field${i}`, { type: 'number', description: 'x'.repeat(20) }])) };
    expect(schemaProblem(wide, 'inputSchema')).toMatch(/is larger than 262144 bytes as JSON \(GATEWAY_MAX_SCHEMA_BYTES\)$/);
  });

  it('through the manifest and version schemas, naming the field', () => {
    expect(refusal(ZModelManifest, { ...base, outputSchema: { logS: 'number' } })).toMatch(/^outputSchema: outputSchema cannot be compiled: "logS" is not a JSON Schema keyword/);
    expect(refusal(ZVersionSpec, { ...base, inputSchema: { $ref: '#' } })).toMatch(/^inputSchema: inputSchema is recursive without end/);
  });

  it('tells nested quantifiers from harmless ones', () => {
    expect(hasNestedQuantifier('^(a+)+$')).toBe(true);
    expect(hasNestedQuantifier('(\\w*)*')).toBe(true);
    expect(hasNestedQuantifier('^(?:[a-z]+\\d){1,}$')).toBe(true);
    expect(hasNestedQuantifier('^[A-Z][a-z]+(-[0-9]+)?$')).toBe(false);
    expect(hasNestedQuantifier('^(ab)+$')).toBe(false);
    expect(hasNestedQuantifier('[(+)]+')).toBe(false);
  });
});
