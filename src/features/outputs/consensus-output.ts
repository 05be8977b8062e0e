import { formatMetric } from '@/lib/format';

/** How much a consensus's members disagree: σ and range for numbers, the agreement for labels. */
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

/** σ and range for numbers, the agreement for labels. */
export function formatSpread(s: Spread): string {
  if (typeof s.agreement === 'number') return `agreement ${Math.round(s.agreement * 100)}%`;
  return `σ ${formatMetric(s.std)} · range ${formatMetric(s.range)}`;
}
