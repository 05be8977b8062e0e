import type { NextRequest } from 'next/server';
import { resolveViewer } from '@/server/api/context';
import { errorResponse } from '@/server/api/http-errors';
import { handleResultsDownload } from '@/server/api/results-download';
import { getDbDeps } from '@/server/deps';

export const dynamic = 'force-dynamic';

/** GET /api/jobs/{jobId}/results?format=csv|sdf plus the results filters: the job's results as a file (see handleResultsDownload). */
export async function GET(req: NextRequest, { params }: { params: Promise<{ jobId: string }> }) {
  try {
    const deps = getDbDeps();
    return await handleResultsDownload(deps, await resolveViewer(deps, req), req.nextUrl, (await params).jobId);
  } catch (e) {
    return errorResponse(e);
  }
}
