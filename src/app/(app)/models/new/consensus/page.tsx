import type { Metadata } from 'next';
import Link from 'next/link';
import { ConsensusForm } from '@/features/consensus/consensus-form';

export const metadata: Metadata = { title: 'Build a consensus' };

export default function NewConsensusPage() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <div className="breadcrumbs muted">
            <Link href="/models">Models</Link> / <Link href="/models/new">Register a model</Link> / <span>Consensus</span>
          </div>
          <h1>Build a consensus</h1>
          <p className="muted">
            Combine published models into one: callers run it like any model and get the consensus value, each member’s value and how much
            they disagree.
          </p>
        </div>
      </div>
      <ConsensusForm />
    </div>
  );
}
