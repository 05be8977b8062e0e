import { sql } from 'kysely';
import { getServerDeps } from '@/server/deps';

export const dynamic = 'force-dynamic';

export async function GET() {
  try {
    await sql`select 1`.execute(getServerDeps().db);
    return Response.json({ ok: true });
  } catch (e) {
    return Response.json({ ok: false, error: (e as Error).message }, { status: 503 });
  }
}
