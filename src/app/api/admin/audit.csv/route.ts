import type { NextRequest } from 'next/server';
import { resolveViewer } from '@/server/api/context';
import { errorResponse } from '@/server/api/http-errors';
import { exportAuditCsv, ZAuditFilter } from '@/server/audit/audit-viewer.service';
import { getDbDeps } from '@/server/deps';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

/**
 * GET /api/admin/audit.csv?actor=&action=&channel=&outcome=&from=YYYY-MM-DD&to=YYYY-MM-DD: the
 * audit log's entries matching the filters as CSV (admins; a session cookie or an admin-scoped token).
 */
export async function GET(req: NextRequest) {
  try {
    const deps = getDbDeps();
    const viewer = await resolveViewer(deps, req);
    if (!viewer) throw new AppError('UNAUTHORIZED', 'sign in, or send an API token as "Authorization: Bearer mgw_…"');
    if (!viewer.scopes.includes('admin')) throw new AppError('FORBIDDEN', 'only administrators may export the audit log');
    const params = Object.fromEntries([...req.nextUrl.searchParams.entries()].filter(([, v]) => v !== ''));
    const parsed = ZAuditFilter.safeParse(params);
    if (!parsed.success) throw new AppError('INVALID_INPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { csv, rows, truncated } = await exportAuditCsv(deps, viewer, parsed.data);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return new Response(csv, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="audit-${stamp}.csv"`,
        'x-audit-rows': String(rows),
        'x-audit-truncated': String(truncated),
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
