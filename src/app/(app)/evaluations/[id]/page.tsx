import { EvaluationDetailView } from '@/features/evaluations/evaluation-detail-view';

export default async function EvaluationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EvaluationDetailView id={id} />;
}
