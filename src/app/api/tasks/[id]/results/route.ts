import { getServerDeps } from '@/server/deps';
import { handleTaskRequest } from '@/server/tasks/task-http';

export const dynamic = 'force-dynamic';

/** POST /api/tasks/{id}/results: a pod's runner posts answers for its task's items (task token only). */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleTaskRequest(getServerDeps, req, (await params).id, 'results');
}
