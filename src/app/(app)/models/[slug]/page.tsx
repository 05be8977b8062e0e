import { ModelDetailView } from '@/features/models/model-detail-view';

export default async function ModelPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const { published } = await searchParams;
  // Set by the wizard after publishing, to show a success banner once.
  const publishedVersion = typeof published === 'string' && /^\d+$/.test(published) ? Number(published) : undefined;
  return <ModelDetailView slug={decodeURIComponent(slug)} publishedVersion={publishedVersion} />;
}
