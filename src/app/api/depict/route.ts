import type { NextRequest } from 'next/server';
import { errorResponse } from '@/server/api/http-errors';
import { clientAddress } from '@/server/api/client-address';
import { depictForClient, drawingSize } from '@/server/chem/depict.service';
import { isAppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

/** GET /api/depict?smiles=…&w=250&h=200 → an RDKit SVG drawing; `{ error: { message, appCode } }` otherwise. */
export async function GET(req: NextRequest) {
  const params = req.nextUrl.searchParams;
  try {
    const svg = await depictForClient(clientAddress(req.headers), { smiles: params.get('smiles') ?? '', ...drawingSize(params.get('w'), params.get('h')) });
    return new Response(svg, { headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400, immutable' } });
  } catch (e) {
    const retry = isAppError(e) && e.code === 'RATE_LIMITED' ? { 'retry-after': String(e.details?.retryAfterSeconds ?? 1) } : undefined;
    return errorResponse(e, retry);
  }
}
