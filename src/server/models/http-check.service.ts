import type { Deps } from '../deps';
import type { Viewer } from '../users/viewer';
import { checkHttpModel, type HttpModelCheck } from './http-health';
import type { THttpRuntime } from './models.schema';
import { editableVersion, storedSpec } from './versions.service';

/**
 * Onboarding's check of a served model, as its owner typed it. A masked header keeps the value of
 * `versionId` (the draft being edited, or the version it is copied from). A URL the gateway may
 * not call is refused as INVALID_INPUT, as saving it would be; a server that does not answer is
 * the check's result (one kind of failure), never an error.
 */
export async function checkHttp(
  { db }: Pick<Deps, 'db'>,
  viewer: Viewer,
  { runtime, timeoutMs, versionId }: { runtime: THttpRuntime; timeoutMs: number; versionId?: string },
): Promise<HttpModelCheck> {
  const previous = versionId ? await editableVersion(db, viewer, versionId) : null;
  return checkHttpModel(storedSpec({ runtime }, previous).runtime, timeoutMs);
}
