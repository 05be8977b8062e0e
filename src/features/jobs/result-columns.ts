import type { TableHead } from '@/components/ui/table';
import { isConsensusRuntime } from '@/features/consensus/consensus';
import { readConsensusOutput } from '@/features/outputs/consensus-output';
import { schemaFields } from '@/features/outputs/schema';
import type { JobResult, ModelVersion } from '@/lib/types';
import { memberKey } from '@/shared/consensus-member';

/** One output column of the results table. A consensus gets its value, one column per member, σ and a high-spread flag. */
export type ResultColumn =
  | { kind: 'field'; key: string; title: string }
  | { kind: 'member'; key: string; title: string }
  | { kind: 'spread'; key: 'spread'; title: string }
  | { kind: 'flag'; key: 'highSpread'; title: string };

function consensusColumns(version: ModelVersion | undefined, items: JobResult[]): ResultColumn[] | null {
  const runtime = isConsensusRuntime(version?.runtime) ? version.runtime : null;
  const sample = items.map((r) => readConsensusOutput(r.output, runtime?.outputField)).find((c) => c !== null);
  if (!runtime && !sample) return null;
  const field = runtime?.outputField ?? sample!.field;
  const keys = runtime ? runtime.members.map(memberKey) : Object.keys(sample!.members);
  const labels = typeof sample?.spread.agreement === 'number';
  return [
    { kind: 'field', key: field, title: `Consensus ${field}` },
    ...keys.map((k): ResultColumn => ({ kind: 'member', key: k, title: k })),
    { kind: 'spread', key: 'spread', title: labels ? 'Agreement' : 'σ' },
    { kind: 'flag', key: 'highSpread', title: 'High spread' },
  ];
}

/** A result column's heading: numbers right-aligned, the member or field name as its tooltip. */
export function columnHead(c: ResultColumn): TableHead {
  return {
    label: c.title,
    className: c.kind === 'flag' ? '' : c.kind === 'spread' ? 'num no-caps' : 'num',
    title: c.kind === 'member' ? `member ${c.key}` : c.key,
    testId: `results-col-${c.kind}-${c.key}`,
  };
}

export function resultColumns(version: ModelVersion | undefined, items: JobResult[]): ResultColumn[] {
  const consensus = consensusColumns(version, items);
  if (consensus) return consensus;
  const fromSchema = schemaFields(version?.outputSchema).map((f): ResultColumn => ({ kind: 'field', key: f.name, title: f.title ?? f.name }));
  const known = new Set(fromSchema.map((c) => c.key));
  const extra = new Set<string>();
  for (const r of items) for (const k of Object.keys(r.output ?? {})) if (!known.has(k)) extra.add(k);
  return [...fromSchema, ...[...extra].map((k): ResultColumn => ({ kind: 'field', key: k, title: k }))];
}
