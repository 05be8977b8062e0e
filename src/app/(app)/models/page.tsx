import type { Metadata } from 'next';
import { ModelsCatalog } from '@/features/catalog/models-catalog';

export const metadata: Metadata = { title: 'Models' };

export default function ModelsPage() {
  return <ModelsCatalog />;
}
