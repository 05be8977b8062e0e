import type { Metadata } from 'next';
import { NewJobForm } from '@/features/jobs/new-job-form';

export const metadata: Metadata = { title: 'New job' };

export default async function NewJobPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { model } = await searchParams;
  return (
    <div className="stack narrow">
      <div className="page-head">
        <div>
          <h1>New job</h1>
          <p className="muted">Run one model on a list of molecules. Invalid SMILES fail on their own; the rest still run.</p>
        </div>
      </div>
      <NewJobForm initialModel={typeof model === 'string' ? model : undefined} />
    </div>
  );
}
