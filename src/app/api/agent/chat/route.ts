import type { NextRequest } from 'next/server';
import { resolveViewer } from '@/server/api/context';
import { getServerDeps } from '@/server/deps';
import { AppError } from '@/server/errors';
import { handleChat } from '@/server/agent/chat.service';
import { errorResponse, readJsonBody } from '@/server/agent/http';
import { agentModel } from '@/server/agent/provider';

export const dynamic = 'force-dynamic';

/** One turn of the chat agent, streamed as an AI SDK UI message stream. */
export async function POST(req: NextRequest) {
  try {
    const deps = await getServerDeps();
    const viewer = await resolveViewer(deps, req);
    if (!viewer) throw new AppError('UNAUTHORIZED', 'sign in, or send an API token as "Authorization: Bearer mgw_…"');
    const { model, status } = agentModel();
    if (!model) throw new AppError('UNAVAILABLE', status.problem ?? 'no language model is configured');
    const body = await readJsonBody(req, 2 * 1024 * 1024);
    return await handleChat(deps, viewer, body, { model, signal: req.signal, maxSteps: Number(process.env.AGENT_MAX_STEPS) || 12 });
  } catch (e) {
    return errorResponse(e);
  }
}
