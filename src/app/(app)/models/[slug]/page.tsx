import { ModelDetailView } from '@/components/model-detail-view';

export default async function ModelPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <ModelDetailView slug={decodeURIComponent(slug)} />;
}
