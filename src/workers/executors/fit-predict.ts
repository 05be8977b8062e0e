import type { TaskItem } from '../../server/db/types';
import { AppError } from '../../server/errors';
import type { FitPredictTraining, RunOptions } from '../../server/jobs/executor';
import type { RunOutcome } from '../../server/jobs/jobs.types';
import type { ModelVersion } from '../../server/models/models.types';
import { effectiveTimeoutMs } from '../limits';
import type { Launcher } from '../sandbox/launcher';
import type { ModelProcessOptions } from './model-process';

export const DEFAULT_TRAINING_TIMEOUT_MS = 10 * 60_000;

/**
 * A version's training mode run the way its predictions run (sandboxed from its bundle, with its
 * limits): one fresh process, never pooled, since what it learnt belongs to one fold. The first
 * item is the training set; then the items to predict, all at once; then the process is stopped.
 */
export async function runFitPredict(
  launcher: Launcher,
  version: ModelVersion,
  training: FitPredictTraining,
  items: TaskItem[],
  o: RunOptions & ModelProcessOptions = {},
): Promise<RunOutcome[]> {
  const runtime = version.runtime;
  if (runtime.kind !== 'process' || !runtime.training) {
    throw new AppError('INVALID_INPUT', `${version.slug}@${version.version} has no training mode (runtime.training), so it cannot be retrained per fold`);
  }
  // Its own plan in the launcher: the same bundle, limits and trust, another command.
  const trainer: ModelVersion = { ...version, digest: `${version.digest}#fit-predict`, runtime: { ...runtime, command: runtime.training.command } };
  await launcher.prepare(trainer);
  const proc = launcher.spawn(trainer, { maxLineBytes: o.maxLineBytes });
  const onAbort = () => proc.cancel();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const learnt = await proc.request({ train: training.rows, field: training.field }, effectiveTimeoutMs(runtime.training.timeoutMs ?? DEFAULT_TRAINING_TIMEOUT_MS));
    if ('failure' in learnt) throw new AppError('MODEL_ERROR', `training ${version.slug}@${version.version} failed: ${learnt.failure.message}`);
    if (learnt.line.error !== undefined) throw new AppError('MODEL_ERROR', `training ${version.slug}@${version.version} failed: ${learnt.line.error}`);
    const timeoutMs = effectiveTimeoutMs(version.timeoutMs);
    return await Promise.all(
      items.map(async (item): Promise<RunOutcome> => {
        const started = performance.now();
        const answer = await proc.request(item.input, timeoutMs);
        const durationMs = performance.now() - started;
        if ('failure' in answer) return { index: item.index, code: answer.failure.code, error: answer.failure.message, durationMs };
        if (answer.line.error !== undefined || !answer.line.output) {
          return { index: item.index, code: 'MODEL_ERROR', error: String(answer.line.error ?? 'the model answered without an "output" object'), durationMs };
        }
        return { index: item.index, output: answer.line.output, durationMs };
      }),
    );
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await proc.stop();
  }
}
