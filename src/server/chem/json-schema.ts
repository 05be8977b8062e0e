import { Ajv, type ValidateFunction } from 'ajv';
import { jsonProblem } from '../../shared/input-hygiene';
import { inputLimits, LIMIT_ENV } from '../limits';
import { LruCache } from '../lru-cache';

/**
 * The gateway's JSON Schemas: one Ajv setup for checking inputs and outputs, a bounded cache of
 * compiled schemas, and the whole check a version's schemas pass at registration.
 */

type JsonSchema = Record<string, unknown>;

function withChemFormats(ajv: Ajv): Ajv {
  // Chemistry formats are checked by RDKit after the structural check, not by a regex.
  ajv.addFormat('smiles', true);
  ajv.addFormat('molblock', true);
  return ajv;
}

const runtimeAjv = withChemFormats(new Ajv({ allErrors: true, strict: false, logger: false }));
const compiled = new LruCache<string, ValidateFunction>(200);

/** A compiled schema, cached by its JSON text (at most 200 kept). Throws what Ajv throws. */
export function validatorFor(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    // Ajv keeps every schema it compiled, keyed by the object: remove it again, the cache above is ours.
    try {
      validate = runtimeAjv.compile(schema);
    } finally {
      runtimeAjv.removeSchema(schema);
    }
    compiled.set(key, validate);
  }
  return validate;
}

/** Annotations seen in real manifests that are not JSON Schema keywords; `x-…` keys are allowed too. */
const ANNOTATIONS = ['units', 'unit'];

function strictAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    validateFormats: false,
    logger: false,
  });
  ajv.addVocabulary(ANNOTATIONS);
  return withChemFormats(ajv);
}

const SAME_INSTANCE_ONE = ['not', 'if', 'then', 'else'];
const SAME_INSTANCE_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SAME_INSTANCE_MAPS = ['dependentSchemas', 'dependencies'];
const CHILD_ONE = ['additionalProperties', 'items', 'additionalItems', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const CHILD_LISTS = ['items', 'prefixItems'];
const CHILD_MAPS = ['properties', 'patternProperties'];
const DEFS = ['definitions', '$defs'];

const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

interface SchemaGraph {
  nodes: Map<string, Record<string, unknown>>;
  /** Edges that validate the same place of the input: $ref, allOf, not, if/then/else, … */
  sameInstance: Map<string, string[]>;
  anchors: Map<string, string>;
  patterns: { pointer: string; pattern: string }[];
}

/** Every subschema of `root` by JSON pointer, without recursion. */
function schemaGraph(root: JsonSchema): SchemaGraph {
  const g: SchemaGraph = { nodes: new Map(), sameInstance: new Map(), anchors: new Map(), patterns: [] };
  const refs: { from: string; ref: string }[] = [];
  const stack: { node: unknown; pointer: string }[] = [{ node: root, pointer: '' }];
  while (stack.length) {
    const { node, pointer } = stack.pop()!;
    if (!node || typeof node !== 'object' || Array.isArray(node)) continue;
    const s = node as Record<string, unknown>;
    g.nodes.set(pointer, s);
    const same: string[] = [];
    const visit = (child: unknown, p: string, sameInstance: boolean) => {
      stack.push({ node: child, pointer: p });
      if (sameInstance) same.push(p);
    };
    if (typeof s.$ref === 'string') refs.push({ from: pointer, ref: s.$ref });
    if (typeof s.$anchor === 'string') g.anchors.set(s.$anchor, pointer);
    if (typeof s.$id === 'string' && s.$id.startsWith('#')) g.anchors.set(s.$id.slice(1), pointer);
    if (typeof s.pattern === 'string') g.patterns.push({ pointer: `${pointer}/pattern`, pattern: s.pattern });
    if (s.patternProperties && typeof s.patternProperties === 'object') {
      for (const k of Object.keys(s.patternProperties)) g.patterns.push({ pointer: `${pointer}/patternProperties`, pattern: k });
    }
    for (const k of SAME_INSTANCE_ONE) if (k in s) visit(s[k], `${pointer}/${k}`, true);
    for (const k of SAME_INSTANCE_LISTS) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach((c, i) => visit(c, `${pointer}/${k}/${i}`, true));
    for (const k of SAME_INSTANCE_MAPS) {
      if (s[k] && typeof s[k] === 'object') for (const [n, c] of Object.entries(s[k] as object)) visit(c, `${pointer}/${k}/${escapePointer(n)}`, true);
    }
    for (const k of CHILD_ONE) if (k in s && !Array.isArray(s[k])) visit(s[k], `${pointer}/${k}`, false);
    for (const k of CHILD_LISTS) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach((c, i) => visit(c, `${pointer}/${k}/${i}`, false));
    for (const k of [...CHILD_MAPS, ...DEFS]) {
      if (s[k] && typeof s[k] === 'object') for (const [n, c] of Object.entries(s[k] as object)) visit(c, `${pointer}/${k}/${escapePointer(n)}`, false);
    }
    g.sameInstance.set(pointer, same);
  }
  for (const { from, ref } of refs) {
    const target = localTarget(ref, g.anchors);
    if (target !== null && g.nodes.has(target)) g.sameInstance.get(from)!.push(target);
  }
  return g;
}

/** The JSON pointer a local `$ref` names, or null for a reference elsewhere. */
function localTarget(ref: string, anchors: Map<string, string>): string | null {
  if (!ref.startsWith('#')) return null;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return null;
  }
  if (fragment === '' || fragment.startsWith('/')) return fragment.replace(/\/$/, '');
  return anchors.get(fragment) ?? null;
}

/** A loop of $refs (or allOf/anyOf/not…) that comes back to the same schema without reading deeper into the input. */
function endlessRecursion(g: SchemaGraph): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  for (const start of g.nodes.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [];
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 'open');
    path.push(start);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const edges = g.sameInstance.get(top.node) ?? [];
      if (top.next >= edges.length) {
        state.set(top.node, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const to = edges[top.next++];
      const seen = state.get(to);
      if (seen === 'open') return [...path.slice(path.indexOf(to)), to];
      if (seen === undefined) {
        state.set(to, 'open');
        path.push(to);
        stack.push({ node: to, next: 0 });
      }
    }
  }
  return null;
}

/** Whether a pattern repeats a group that itself repeats ("(a+)+"), which can backtrack exponentially. */
export function hasNestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      const quantified = groups.pop() ?? false;
      const next = pattern[i + 1];
      const repeats = next === '*' || next === '+' || (next === '{' && /^\{\d*,\d*\}|^\{\d*[2-9]\d*\}/.test(pattern.slice(i + 1)));
      if (quantified && repeats) return true;
      if (quantified && groups.length) groups[groups.length - 1] = true;
    } else if (c === '*' || c === '+' || c === '{') {
      for (let k = 0; k < groups.length; k++) groups[k] = true;
    }
  }
  return false;
}

function withoutExtensions(value: unknown): unknown {
  // Iterative copy without `x-…` keys (the strict compiler refuses unknown keywords).
  const root: { v: unknown } = { v: undefined };
  const stack: { src: unknown; set: (v: unknown) => void }[] = [{ src: value, set: (v) => (root.v = v) }];
  while (stack.length) {
    const { src, set } = stack.pop()!;
    if (Array.isArray(src)) {
      const out: unknown[] = new Array(src.length);
      set(out);
      src.forEach((c, i) => stack.push({ src: c, set: (v) => (out[i] = v) }));
    } else if (src && typeof src === 'object') {
      const out: Record<string, unknown> = {};
      set(out);
      for (const [k, c] of Object.entries(src)) if (!k.startsWith('x-')) stack.push({ src: c, set: (v) => (out[k] = v) });
    } else set(src);
  }
  return root.v;
}

const pointerText = (p: string) => `#${p}`;

function explainAjvError(e: Error): string {
  const m = e.message;
  const unknown = /^strict mode: unknown keyword: "([^"]+)"/.exec(m);
  if (unknown) {
    return `"${unknown[1]}" is not a JSON Schema keyword; describe fields under "properties", e.g. {"type":"object","properties":{"${unknown[1]}":{"type":"number"}}} (annotations may be named "x-…")`;
  }
  const ref = /^can't resolve reference (\S+)/.exec(m);
  if (ref) return `$ref "${ref[1]}" does not resolve to a schema in this document (references to other documents are not fetched)`;
  if (e instanceof SyntaxError && /regular expression/i.test(m)) return `a "pattern" is not a valid regular expression: ${m}`;
  if (/^schema is invalid: /.test(m)) return `it does not follow JSON Schema (draft-07): ${m.replace(/^schema is invalid: /, '').replace(/\bdata\//g, '#/')}`;
  if (/^no schema with key or ref "(.+)"/.test(m)) return `its "$schema" is not supported (${m}); use draft-07 or leave "$schema" out`;
  return m;
}

/**
 * Why a version's input or output schema cannot be used, or null: too large or deep, not JSON
 * Schema (unknown keywords or types, a non-object root), a `$ref` that does not resolve or loops
 * without reading deeper into the input, an invalid or exponential `pattern`. `which` names it.
 */
export function schemaProblem(schema: JsonSchema, which: 'inputSchema' | 'outputSchema'): string | null {
  const limits = inputLimits();
  const hygiene = jsonProblem(schema, { maxDepth: limits.jsonDepth, maxBytes: limits.schemaBytes });
  if (hygiene) {
    const env = hygiene.message.startsWith('is nested') ? LIMIT_ENV.jsonDepth : hygiene.message.startsWith('is larger') ? LIMIT_ENV.schemaBytes : null;
    return `${which}${hygiene.path ? ` at ${hygiene.path}` : ''} ${hygiene.message}${env ? ` (${env})` : ''}`;
  }
  const rootType = schema.type;
  if (rootType !== undefined && !(rootType === 'object' || (Array.isArray(rootType) && rootType.includes('object')))) {
    return `${which} must describe a JSON object ("type": "object"), since ${which === 'inputSchema' ? 'inputs' : 'outputs'} are objects; it says "type": ${JSON.stringify(rootType)}`;
  }
  const graph = schemaGraph(schema);
  const loop = endlessRecursion(graph);
  if (loop) {
    return `${which} is recursive without end: ${loop.map(pointerText).join(' → ')} comes back to itself without reading deeper into the input; recurse only through "properties" or "items"`;
  }
  for (const { pointer, pattern } of graph.patterns) {
    try {
      new RegExp(pattern, 'u');
    } catch (e) {
      return `${which} at ${pointerText(pointer)}: "${pattern.slice(0, 80)}" is not a valid regular expression (${(e as Error).message})`;
    }
    if (hasNestedQuantifier(pattern)) {
      return `${which} at ${pointerText(pointer)}: "${pattern.slice(0, 80)}" repeats a group that itself repeats, which can take exponential time on some inputs; rewrite it without nested quantifiers`;
    }
  }
  let validate: ValidateFunction;
  try {
    validate = strictAjv().compile(withoutExtensions(schema) as JsonSchema);
  } catch (e) {
    return `${which} cannot be compiled: ${explainAjvError(e as Error)}`;
  }
  try {
    validate({});
  } catch (e) {
    return `${which} cannot be applied to an input: ${(e as Error).message}`;
  }
  return null;
}
