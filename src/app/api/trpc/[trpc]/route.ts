import type { NextRequest } from 'next/server';
import { handleTrpcRequest } from '@/server/api/trpc-handler';

export const dynamic = 'force-dynamic';

function handler(req: NextRequest) {
  return handleTrpcRequest(req);
}

// Other methods reach tRPC too, which refuses them as a typed 405 rather than Next's bare one.
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
