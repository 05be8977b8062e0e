import { audit } from '../audit/audit.service';
import { prepareInputs } from '../chem/inputs';
import type { SmokeTestRecord } from '../db/types';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { runOne, singleItemMessage } from '../jobs/predict.service';
import type { Viewer } from '../users/viewer';
import { isEditable } from '../../shared/version-status';
import { checkHttpModel } from './http-health';
import type { ModelVersion } from './models.types';
import { editableVersion, recordSmokeTest } from './versions.service';

/**
 * Runs a draft's example through the real queue, worker and executor, exactly as a caller's
 * job would run, and checks the output against the output schema (the worker does that for
 * every result). A pass validates the draft; the outcome, with the model's error and stderr
 * when it fails, is stored on the version.
 */
export async function runSmokeTest(
  deps: Deps,
  viewer: Viewer,
  { versionId, input }: { versionId: string; input?: Record<string, unknown> },
): Promise<{ version: ModelVersion; result: SmokeTestRecord }> {
  const version = await editableVersion(deps.db, viewer, versionId);
  if (!isEditable(version.status)) {
    throw new AppError('CONFLICT', `${version.slug}@${version.version} is ${version.status}; smoke tests are for drafts`);
  }
  const example = input ?? version.example;
  if (!example) throw new AppError('INVALID_INPUT', 'add an example input to the version, or pass one, to smoke-test it');

  const at = new Date().toISOString();
  const fail = (code: string, message: string, extra: Partial<SmokeTestRecord> = {}): SmokeTestRecord => ({
    ok: false,
    at,
    jobId: null,
    input: example,
    output: null,
    code,
    message,
    durationMs: null,
    ...extra,
  });

  const [prepared] = await prepareInputs(version.inputSchema, [example], { requester: viewer.id });
  const health = version.runtime.kind === 'http' ? await checkHttpModel(version.runtime, Math.min(version.timeoutMs, 10_000)) : null;
  let result: SmokeTestRecord;
  if (health && !health.ok) {
    result = fail(health.code, `the model server is not ready: ${health.message}`);
  } else if (prepared.error) {
    result = fail('INVALID_INPUT', `the example does not fit the input schema: ${singleItemMessage(prepared)}`);
  } else {
    // Generous: a cold sandbox on a busy worker may take its start grace (10 s) and more; only a
    // missing worker should end here.
    const waitMs = version.timeoutMs * 2 + 90_000;
    // The call is recorded once, with the version's new state, when the outcome is stored below.
    const { job, result: row } = await runOne(deps, viewer, version, prepared, { waitMs, label: 'smoke test', audit: false, cache: false });
    if (!row) {
      result = fail('TIMEOUT', `no result within ${Math.round(waitMs / 1000)} s; is a worker running?`, { jobId: job.id });
    } else if (row.status === 'succeeded') {
      result = { ok: true, at, jobId: job.id, input: row.input, output: row.output, code: null, message: null, durationMs: row.durationMs };
    } else {
      result = fail(row.errorCode ?? 'MODEL_ERROR', row.error ?? 'the model failed', { jobId: job.id, input: row.input, durationMs: row.durationMs });
    }
  }
  const recorded = await deps.db.transaction().execute(async (tx) => {
    const updated = await recordSmokeTest(tx, version, result);
    await audit(tx, viewer, {
      action: 'version.smokeTest',
      entity: { type: 'version', id: version.id },
      before: { status: version.status, smokeTest: version.smokeTest },
      after: { status: updated.status, smokeTest: result },
    });
    return updated;
  });
  return { version: recorded, result };
}
