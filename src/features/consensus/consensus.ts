import type { ConsensusRuntime, JsonSchema, RuntimeSpec } from '@/lib/types';

/** What a consensus member contributes: a number, or a class label. */
export type ValueKind = 'number' | 'label';

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
