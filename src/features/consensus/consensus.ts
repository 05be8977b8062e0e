import type { ConsensusRuntime, JsonSchema, RuntimeSpec } from '@/lib/types';

/** What a consensus member contributes: a number, or a class label. */
export type ValueKind = 'number' | 'label';

/** A member's key in results; the server's rule: its name, else its slug. */
export const memberKey = (m: { ref: string; name?: string }) => m.name || m.ref.split('@')[0];

export const isConsensusRuntime = (r: RuntimeSpec | undefined): r is ConsensusRuntime => r?.kind === 'consensus';

/** The same rule the server applies to a member's field: numbers (number, integer) or labels (string, boolean). */
export function fieldKind(prop: { type?: unknown } | undefined): ValueKind | null {
  if (!prop) return null;
  const types = (Array.isArray(prop.type) ? prop.type : [prop.type]).filter((t) => t !== 'null');
  if (types.length && types.every((t) => t === 'number' || t === 'integer')) return 'number';
  if (types.length && types.every((t) => t === 'string' || t === 'boolean')) return 'label';
  return null;
}

export interface OutputFieldOption {
  name: string;
  type: string;
  kind: ValueKind | null;
}

/** Every output field of a version, with the kind it would contribute to a consensus (null: neither). */
export function outputFieldOptions(schema: JsonSchema | undefined): OutputFieldOption[] {
  const props = (schema?.properties ?? {}) as Record<string, { type?: unknown }>;
  return Object.entries(props)
    .map(([name, p]) => ({ name, type: Array.isArray(p?.type) ? p.type.join(' | ') : String(p?.type ?? 'any'), kind: fieldKind(p) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface Spread {
  std?: number;
  range?: number;
  agreement?: number;
}

/** A consensus result, read from any output that carries `members` and `spread` objects. */
export interface ConsensusOutput {
  field: string;
  value: unknown;
  members: Record<string, number | string | null>;
  spread: Spread;
  memberCount: number | null;
  highSpread: boolean;
  failedMembers: Record<string, string>;
}

const RESERVED = new Set(['members', 'spread', 'memberCount', 'highSpread', 'failedMembers']);
const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

export function readConsensusOutput(output: Record<string, unknown> | null | undefined, outputField?: string): ConsensusOutput | null {
  if (!output || !isObject(output.members) || !isObject(output.spread)) return null;
  const field = outputField && outputField in output ? outputField : (Object.keys(output).find((k) => !RESERVED.has(k)) ?? 'value');
  return {
    field,
    value: output[field],
    members: output.members as ConsensusOutput['members'],
    spread: output.spread as Spread,
    memberCount: typeof output.memberCount === 'number' ? output.memberCount : null,
    highSpread: output.highSpread === true,
    failedMembers: isObject(output.failedMembers) ? (output.failedMembers as Record<string, string>) : {},
  };
}

const fixed = (x: number | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '—');

/** σ and range for numbers, the agreement for labels. */
export function formatSpread(s: Spread): string {
  if (typeof s.agreement === 'number') return `agreement ${Math.round(s.agreement * 100)}%`;
  return `σ ${fixed(s.std)} · range ${fixed(s.range)}`;
}
