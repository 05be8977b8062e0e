import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { z } from 'zod';
import { toTRPCError } from '../api/trpc';
import { MAX_BODY_BYTES } from '../api/request-limits';
import type { Deps } from '../deps';
import { AppError, toAppError } from '../errors';
import { postTaskResults, readTaskInputs, taskPrincipalFromToken, type TaskPrincipal } from './task-access.service';
import { ZPostTaskResultsInput } from './tasks.schema';

/**
 * The task endpoint a Kubernetes pod's runner calls, as plain HTTP (no session, no API token):
 * `GET /api/tasks/{id}/inputs` and `POST /api/tasks/{id}/results`, authenticated only by the
 * task's token (`Authorization: Bearer mgt_…`). Errors are `{ error: { code, message } }` with the
 * status the tRPC layer gives the same code.
 */
export async function handleTaskRequest(
  getDeps: () => Promise<Pick<Deps, 'db' | 'boss'>>,
  req: Request,
  taskId: string,
  what: 'inputs' | 'results',
): Promise<Response> {
  try {
    const deps = await getDeps();
    const principal = await authenticate(deps, req);
    if (!z.uuid().safeParse(taskId).success) throw new AppError('NOT_FOUND', `no task ${taskId.slice(0, 80)} for this token`);
    if (what === 'inputs') return Response.json(await readTaskInputs(deps, principal, { taskId }));
    const body = await readJson(req);
    const parsed = ZPostTaskResultsInput.safeParse(body);
    if (!parsed.success) {
      throw new AppError('INVALID_INPUT', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    }
    return Response.json(await postTaskResults(deps, principal, { taskId, ...parsed.data }));
  } catch (e) {
    const err = toAppError(e);
    const message = err.code === 'INTERNAL' ? 'something went wrong on the gateway; try again' : err.message;
    if (err.code === 'INTERNAL') console.error('[tasks]', e);
    return Response.json({ error: { code: err.code, message } }, { status: getHTTPStatusCodeFromError(toTRPCError(err)) });
  }
}

async function authenticate(deps: Pick<Deps, 'db'>, req: Request): Promise<TaskPrincipal> {
  const header = req.headers.get('authorization') ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const principal = token ? await taskPrincipalFromToken(deps, token) : null;
  if (!principal) throw new AppError('UNAUTHORIZED', 'send the task token as "Authorization: Bearer mgt_…"; it is missing, expired or revoked');
  return principal;
}

async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `the body is ${declared} bytes; post results in batches under ${MAX_BODY_BYTES} bytes`);
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `post results in batches under ${MAX_BODY_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('INVALID_INPUT', `the body is not JSON: ${(e as Error).message}`);
  }
}
