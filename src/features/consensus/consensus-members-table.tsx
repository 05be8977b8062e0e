'use client';

import { Table, type TableHead } from '@/components/ui/table';
import type { ModelDetail, ModelSummary } from '@/lib/types';
import { emptyMember, type MemberRow } from './consensus-form-state';
import { ConsensusMemberRow } from './consensus-member-row';

interface Props {
  members: MemberRow[];
  models: ModelSummary[];
  details: Map<string, ModelDetail>;
  onChange: (members: MemberRow[]) => void;
}

const MAX_MEMBERS = 20;

const HEAD: TableHead[] = [
  'Model',
  'Version or alias',
  'Field',
  'Name',
  { label: 'Weight', title: 'used by weighted strategies' },
  { label: 'Scale', title: 'value × scale + offset, to common units' },
  'Offset',
  '',
];

export function ConsensusMembersTable({ members, models, details, onChange }: Props) {
  const update = (key: number, patch: Partial<MemberRow>) => onChange(members.map((m) => (m.key === key ? { ...m, ...patch } : m)));
  return (
    <div className="stack-sm">
      <Table head={HEAD} className="members-edit-table" testId="consensus-members">
        {members.map((m, i) => (
          <ConsensusMemberRow
            key={m.key}
            index={i}
            row={m}
            models={models}
            detail={details.get(m.slug)}
            onChange={(patch) => update(m.key, patch)}
            onRemove={() => onChange(members.filter((x) => x.key !== m.key))}
            canRemove={members.length > 2}
          />
        ))}
      </Table>
      <div className="row wrap">
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() => onChange([...members, emptyMember()])}
          disabled={members.length >= MAX_MEMBERS}
          data-testid="consensus-add-member"
        >
          + Add a member
        </button>
        <span className="muted small">
          A member’s name is its key in results (default: its slug). Scale and offset convert its value to common units: value × scale + offset.
        </span>
      </div>
    </div>
  );
}
