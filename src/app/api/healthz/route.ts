import { getDbDeps } from '@/server/deps';
import { checkHealth } from '@/server/health/health.service';

export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await checkHealth(getDbDeps());
  return Response.json(health, { status: health.ok ? 200 : 503 });
}
