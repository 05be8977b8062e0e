import type { ConsensusMember, ConsensusRuntime, Strategy } from '@/lib/types';
import { slugify, slugProblem } from '@/shared/model-ref';
import type { ValueKind } from './consensus';

/** One row of the members table, as typed. */
export interface MemberRow {
  key: number;
  slug: string;
  /** The part after `slug@`: an alias or a version number. */
  ref: string;
  field: string;
  name: string;
  weight: string;
  scale: string;
  offset: string;
}

export interface ConsensusForm {
  name: string;
  /** null: derived from the name. */
  slug: string | null;
  task: string;
  description: string;
  tags: string;
  members: MemberRow[];
  strategy: string;
  trim: string;
  highSpread: string;
  minAgreement: string;
  /** null: the default (a majority of the members). */
  quorum: string | null;
  /** null: the default (the members' common field, or `value`). */
  outputField: string | null;
  exampleSmiles: string;
}

let nextKey = 1;
export const emptyMember = (): MemberRow => ({ key: nextKey++, slug: '', ref: '', field: '', name: '', weight: '', scale: '', offset: '' });

export const emptyConsensusForm = (): ConsensusForm => ({
  name: '',
  slug: null,
  task: 'property/consensus',
  description: '',
  tags: 'consensus',
  members: [emptyMember(), emptyMember()],
  strategy: 'mean',
  trim: '0.2',
  highSpread: '1',
  minAgreement: '0.5',
  quorum: null,
  outputField: null,
  exampleSmiles: 'CCO',
});

/** Weights and errors are fitted from an evaluation, never typed here. */
export const FITTED_STRATEGIES = new Set(['inverse-error', 'stacking']);
const OUTPUT_FIELD = /^[a-zA-Z_][a-zA-Z0-9_]{0,40}$/;
const MEMBER_NAME = /^[a-zA-Z0-9_-]{1,40}$/;

export const formSlug = (f: ConsensusForm) => f.slug ?? slugify(f.name);
export const defaultQuorum = (members: number) => Math.max(1, Math.floor(members / 2) + 1);
export const formQuorum = (f: ConsensusForm) => f.quorum ?? String(defaultQuorum(f.members.length));

/** The members' common field when they all use the same one, else `value`. */
export function formOutputField(f: ConsensusForm): string {
  if (f.outputField !== null) return f.outputField;
  const fields = new Set(f.members.map((m) => m.field).filter(Boolean));
  const [only] = fields;
  return fields.size === 1 && f.members.every((m) => m.field) && OUTPUT_FIELD.test(only) ? only : 'value';
}

/** The kind every chosen field agrees on, 'mixed' when they do not, null before any is chosen. */
export function membersKind(kinds: (ValueKind | null)[]): ValueKind | 'mixed' | null {
  const known = [...new Set(kinds.filter((k): k is ValueKind => k !== null))];
  return known.length === 0 ? null : known.length === 1 ? known[0] : 'mixed';
}

export const rowKey = (m: MemberRow) => m.name.trim() || m.slug;

function optionalNumber(raw: string, what: string, problems: string[]): number | undefined {
  if (!raw.trim()) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) problems.push(`${what}: "${raw}" is not a number`);
  return n;
}

/** The runtime the form describes, or what to fix first, one message per problem. */
export function buildConsensusRuntime(f: ConsensusForm, strategies: Strategy[]): { runtime: ConsensusRuntime } | { problems: string[] } {
  const problems: string[] = [];
  const members: ConsensusMember[] = [];
  if (f.members.length < 2) problems.push('a consensus needs at least two members');
  const seen = new Set<string>();
  f.members.forEach((m, i) => {
    const label = `member ${i + 1}${m.slug ? ` (${m.slug})` : ''}`;
    if (!m.slug) return problems.push(`${label}: choose a model`);
    if (!m.ref) return problems.push(`${label}: choose a version or alias`);
    if (!m.field) return problems.push(`${label}: choose the output field it contributes`);
    const name = m.name.trim();
    if (name && !MEMBER_NAME.test(name)) problems.push(`${label}: a name is 1–40 letters, digits, _ or -`);
    const key = rowKey(m);
    if (seen.has(key)) problems.push(`two members are called "${key}"; give one a name`);
    seen.add(key);
    const weight = optionalNumber(m.weight, `${label} weight`, problems);
    if (weight !== undefined && !(weight > 0)) problems.push(`${label}: the weight must be above 0`);
    const scale = optionalNumber(m.scale, `${label} scale`, problems);
    const offset = optionalNumber(m.offset, `${label} offset`, problems);
    members.push({
      ref: `${m.slug}@${m.ref}`,
      field: m.field,
      ...(name ? { name } : {}),
      ...(weight !== undefined ? { weight } : {}),
      ...(scale !== undefined ? { scale } : {}),
      ...(offset !== undefined ? { offset } : {}),
    });
  });

  const strategy = strategies.find((s) => s.name === f.strategy);
  if (!strategy) problems.push('choose a strategy');
  else if (FITTED_STRATEGIES.has(strategy.name)) problems.push(`${strategy.name} is fitted from an evaluation; choose another strategy here`);
  const params: Record<string, number> = {};
  if (strategy?.name === 'trimmed-mean') {
    const trim = optionalNumber(f.trim, 'trim', problems);
    if (trim !== undefined && !(trim >= 0 && trim < 0.5)) problems.push('trim is the fraction cut from each end, from 0 up to (not including) 0.5');
    if (trim !== undefined) params.trim = trim;
  }
  if (strategy?.kind === 'number') {
    const high = optionalNumber(f.highSpread, 'high-spread threshold', problems);
    if (high !== undefined && !(high >= 0)) problems.push('the high-spread threshold is a σ ≥ 0, in output units');
    if (high !== undefined) params.highSpread = high;
  }
  if (strategy?.kind === 'label') {
    const min = optionalNumber(f.minAgreement, 'minimum agreement', problems);
    if (min !== undefined && !(min >= 0 && min <= 1)) problems.push('the minimum agreement is a fraction from 0 to 1');
    if (min !== undefined) params.minAgreement = min;
  }

  const quorum = Number(formQuorum(f));
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > Math.max(1, f.members.length)) {
    problems.push(`the quorum is a whole number from 1 to ${f.members.length} (the members)`);
  }
  const outputField = formOutputField(f);
  if (!OUTPUT_FIELD.test(outputField)) problems.push('the output field is a name of letters, digits and _, e.g. logS');
  if (problems.length || !strategy) return { problems };
  return { runtime: { kind: 'consensus', members, strategy: strategy.name, params, quorum, outputField } };
}

/** What is wrong with the name, slug, task and example, per field. */
export function basicsProblems(f: ConsensusForm) {
  const smiles = f.exampleSmiles.trim();
  return {
    name: f.name.trim() ? null : 'give the consensus a name',
    slug: slugProblem(formSlug(f)),
    task: f.task.trim() ? null : 'say what it predicts, e.g. property/logS',
    example: !smiles ? 'type a SMILES every member can answer, e.g. CCO' : /\s/.test(smiles) ? 'one SMILES, without spaces' : null,
  };
}

