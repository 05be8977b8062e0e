import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { ErrorCode } from '../../../server/errors';

/** How a task's Job ended, as the items it left without a result will say. */
export type JobEnd = { ok: true } | { ok: false; code: ErrorCode; message: string; transient: boolean };

/** Waiting reasons that mean the image will not run; Invalid* ones never recover. */
const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']);
const HOPELESS = new Set(['InvalidImageName', 'ErrImageNeverPull']);

/** The pod runner's exit codes (k8s/runner/mgw_runner.py). */
const RUNNER_EXIT: Record<number, { code: ErrorCode; message: string; transient?: boolean }> = {
  2: { code: 'UNAVAILABLE', message: 'the pod could not reach the gateway, or its token was refused', transient: true },
  3: { code: 'MODEL_CRASHED', message: 'the model exited before answering this item' },
  4: { code: 'MODEL_PROTOCOL', message: 'the model did not answer in JSON Lines ({"id","output"} or {"id","error"}, one line per item)' },
  5: { code: 'MODEL_TIMEOUT', message: 'the model gave no answer within the item timeout, so the runner stopped it' },
  6: { code: 'CANCELLED', message: 'the pod stopped because the job was cancelled or the task had closed' },
  64: { code: 'MODEL_ERROR', message: 'the pod runner was started without its settings (is the image built on the runner base image?)' },
  126: { code: 'MODEL_CRASHED', message: 'the model command cannot be executed' },
  127: { code: 'MODEL_CRASHED', message: 'the model command was not found in the image' },
};

const condition = (job: V1Job, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

export const jobFinished = (job: V1Job) => !!(condition(job, 'Complete') || condition(job, 'Failed'));

/** An image that cannot be pulled (or a container that cannot be created), with the kubelet's words. */
export function pullFailure(pod: V1Pod): { reason: string; message: string; hopeless: boolean } | undefined {
  const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
  if (!waiting?.reason || !PULL_FAILURES.has(waiting.reason)) return undefined;
  return { reason: waiting.reason, message: waiting.message ?? '', hopeless: HOPELESS.has(waiting.reason) };
}

const disrupted = (pod: V1Pod) => pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');

/**
 * Whether a failed Job's pod has not shown its end yet: the Job's and the pod's watches are two
 * streams, so the Job's Failed condition can arrive before the pod's terminated state (OOMKilled,
 * its exit code) that says why. Not for a deadline (the Job's own reason) or a disruption.
 */
export function podEndPending(job: V1Job, pod: V1Pod | undefined): boolean {
  const failed = condition(job, 'Failed');
  if (!failed || failed.reason === 'DeadlineExceeded' || !pod) return false;
  if (disrupted(pod) || pod.status?.reason === 'Evicted') return false;
  return !pod.status?.containerStatuses?.[0]?.state?.terminated;
}

/**
 * Why a finished Job ended as it did, from its conditions and its pod's last state: eviction
 * and node loss are our trouble (retried elsewhere), the deadline is the model's timeout, an
 * OOM kill or a non-zero exit the model's crash.
 */
export function classifyEnd(job: V1Job, pod: V1Pod | undefined, o: { memoryMb: number; deadlineSeconds: number }): JobEnd | undefined {
  if (condition(job, 'Complete')) return { ok: true };
  const failed = condition(job, 'Failed');
  if (!failed) return undefined;
  const disruption = pod && disrupted(pod);
  if (disruption || pod?.status?.reason === 'Evicted') {
    const why = pod?.status?.message ?? disruption?.message ?? disruption?.reason ?? 'the node went away';
    const what = disruption?.reason === 'DeletionByTaintManager' ? 'its node was lost' : 'it was evicted';
    return { ok: false, code: 'UNAVAILABLE', transient: true, message: `the model's pod stopped because ${what} (${why}); the task is retried on another pod` };
  }
  if (failed.reason === 'DeadlineExceeded') {
    const started = pod?.status?.containerStatuses?.[0]?.state;
    const pending = !started?.running && !started?.terminated;
    const extra = pending ? `; the pod never started${pod && pullFailure(pod) ? ` (${pullFailure(pod)!.reason})` : ''}` : '';
    return { ok: false, code: 'MODEL_TIMEOUT', transient: false, message: `the model's Job ran past its deadline of ${o.deadlineSeconds} s (activeDeadlineSeconds) and was stopped${extra}` };
  }
  const terminated = pod?.status?.containerStatuses?.[0]?.state?.terminated;
  if (terminated?.reason === 'OOMKilled') {
    return { ok: false, code: 'MODEL_CRASHED', transient: false, message: `the model's pod ran out of memory (OOMKilled) at its limit of ${o.memoryMb} MiB; raise resources.memoryMb` };
  }
  if (terminated) {
    const known = RUNNER_EXIT[terminated.exitCode];
    if (known) return { ok: false, code: known.code, transient: !!known.transient, message: `${known.message} (the pod exited with code ${terminated.exitCode})` };
    return { ok: false, code: 'MODEL_CRASHED', transient: false, message: `the model's pod exited with code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}` };
  }
  return { ok: false, code: 'MODEL_CRASHED', transient: false, message: `the model's Job failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() };
}
