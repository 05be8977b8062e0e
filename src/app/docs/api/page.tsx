import type { Metadata } from 'next';
import { ApiReference } from '@/features/api-docs/api-reference';
import { openApiDocument } from '@/server/api/rest/handler';

export const metadata: Metadata = { title: 'API reference' };
export const dynamic = 'force-dynamic';

export default function ApiReferencePage() {
  return (
    <main>
      <ApiReference doc={openApiDocument()} />
    </main>
  );
}
