import { describe, expect, it } from 'vitest';
import type { Strategy } from '@/lib/types';
import { buildConsensusRuntime, emptyConsensusForm, emptyMember, formOutputField, formQuorum, membersKind, type ConsensusForm } from './consensus-form-state';

const STRATEGIES: Strategy[] = [
  { name: 'mean', kind: 'number', description: '' },
  { name: 'median', kind: 'number', description: '' },
  { name: 'trimmed-mean', kind: 'number', description: '' },
  { name: 'stacking', kind: 'number', description: '' },
  { name: 'majority-vote', kind: 'label', description: '' },
];

function form(patch: Partial<ConsensusForm> = {}): ConsensusForm {
  return {
    ...emptyConsensusForm(),
    members: [
      { ...emptyMember(), slug: 'ocl-properties', ref: '1', field: 'logS' },
      { ...emptyMember(), slug: 'esol-solubility', ref: 'production', field: 'logS' },
    ],
    ...patch,
  };
}

describe('buildConsensusRuntime', () => {
  it('builds members as slug@ref with only the options that were typed', () => {
    const built = buildConsensusRuntime(form({ strategy: 'median', quorum: '2' }), STRATEGIES);
    expect(built).toEqual({
      runtime: {
        kind: 'consensus',
        members: [
          { ref: 'ocl-properties@1', field: 'logS' },
          { ref: 'esol-solubility@production', field: 'logS' },
        ],
        strategy: 'median',
        params: { highSpread: 1 },
        quorum: 2,
        outputField: 'logS',
      },
    });
  });

  it('says what to fix: duplicate keys, bad numbers, fitted strategies, an unreachable quorum', () => {
    const f = form({ strategy: 'stacking', quorum: '3' });
    f.members[1] = { ...f.members[1], slug: 'ocl-properties', weight: 'x' };
    const built = buildConsensusRuntime(f, STRATEGIES);
    expect('problems' in built && built.problems).toEqual([
      'two members are called "ocl-properties"; give one a name',
      'member 2 (ocl-properties) weight: "x" is not a number',
      'member 2 (ocl-properties): the weight must be above 0',
      'stacking is fitted from an evaluation; choose another strategy here',
      'the quorum is a whole number from 1 to 2 (the members)',
    ]);
  });

  it('passes trim only to trimmed-mean, and refuses one outside [0, 0.5)', () => {
    const built = buildConsensusRuntime(form({ strategy: 'trimmed-mean', trim: '0.5' }), STRATEGIES);
    expect('problems' in built && built.problems[0]).toMatch(/trim is the fraction cut from each end/);
  });
});

describe('defaults', () => {
  it('names the output after the members’ common field, else value', () => {
    expect(formOutputField(form())).toBe('logS');
    const mixed = form();
    mixed.members[1] = { ...mixed.members[1], field: 'tpsa' };
    expect(formOutputField(mixed)).toBe('value');
    expect(formOutputField(form({ outputField: 'y' }))).toBe('y');
  });

  it('asks a majority of the members for the quorum', () => {
    expect(formQuorum(form())).toBe('2');
    expect(formQuorum(form({ members: [emptyMember(), emptyMember(), emptyMember()] }))).toBe('2');
  });

  it('reads the members’ kind, or mixed', () => {
    expect(membersKind([null, null])).toBeNull();
    expect(membersKind(['number', null])).toBe('number');
    expect(membersKind(['number', 'label'])).toBe('mixed');
  });
});
