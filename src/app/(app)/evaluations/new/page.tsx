import type { Metadata } from 'next';
import { NewEvaluationForm } from '@/features/evaluations/new-evaluation-form';

export const metadata: Metadata = { title: 'New evaluation' };

export default async function NewEvaluationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { model } = await searchParams;
  return (
    <div className="stack narrow">
      <div className="page-head">
        <div>
          <h1>New evaluation</h1>
          <p className="muted">Run a model or a consensus on molecules with measured values, and see how close it comes.</p>
        </div>
      </div>
      <NewEvaluationForm initialModel={typeof model === 'string' ? model : undefined} />
    </div>
  );
}
