import { getServerDeps } from '@/server/deps';
import { handleTaskRequest } from '@/server/tasks/task-http';

export const dynamic = 'force-dynamic';

/** GET /api/tasks/{id}/inputs: a pod's runner fetches its task's items (task token only). */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleTaskRequest(getServerDeps, req, (await params).id, 'inputs');
}
