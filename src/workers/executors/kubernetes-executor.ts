import { ApiException, BatchV1Api, CoreV1Api, KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import type { Db } from '../../server/db/client';
import type { TaskItem } from '../../server/db/types';
import { AppError } from '../../server/errors';
import type { Executor, RunOptions } from '../../server/jobs/executor';
import type { RunOutcome } from '../../server/jobs/jobs.types';
import type { ModelVersion } from '../../server/models/models.types';
import { issueTaskToken, postedItemIndexes, revokeTaskTokens, taskStates } from '../../server/tasks/task-access.service';
import type { KubernetesConfig } from './kubernetes/config';
import { activeDeadlineSeconds, buildJob, CONTAINER, instanceSelector, jobName, LABEL, resourcesOf, type TaskRef } from './kubernetes/job-spec';
import { classifyEnd, jobFinished, podEndPending, pullFailure, type JobEnd } from './kubernetes/pod-outcome';
import { ResourceWatch } from './kubernetes/resource-watch';

export interface KubernetesExecutorOptions {
  db: Db;
  config: KubernetesConfig;
  log?: (line: string) => void;
}

/** How long the first list of Jobs and Pods may take before a task is given back to the queue. */
const API_READY_MS = 30_000;
/** A token outlives its Job's deadline by this much, for the last posts. */
const TOKEN_SLACK_MS = 10 * 60_000;

class Cancelled extends Error {}

/**
 * Runs a task as a batch/v1 Job: one pod, in the version's image, whose runner (k8s/runner)
 * fetches the task's items from the gateway with a token scoped to that task and posts the
 * answers back. The worker watches its Jobs and Pods (resuming after dropped watches, listing
 * again after 410 Gone), turns pull failures, OOM kills, deadlines, evictions and node loss into
 * typed errors with the tail of the pod's log, deletes the Job on cancel, and at start-up
 * reconciles the Jobs a previous worker left behind.
 *
 * Items the pod posted are recorded (and counted) by the task endpoint as they arrive; `run`
 * returns outcomes only for the items the pod left without a result.
 */
/** How long a failed Job waits for its pod's terminated state before it is classified without it. */
const POD_END_GRACE_MS = 5000;

export class KubernetesExecutor implements Executor {
  readonly kind = 'kubernetes';
  private readonly kc = new KubeConfig();
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  readonly namespace: string;
  private watches: { jobs: ResourceWatch<V1Job>; pods: ResourceWatch<V1Pod> } | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly o: KubernetesExecutorOptions) {
    if (o.config.kubeconfig) this.kc.loadFromFile(o.config.kubeconfig);
    else this.kc.loadFromDefault();
    this.batch = this.kc.makeApiClient(BatchV1Api);
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.namespace = o.config.namespace ?? this.kc.getContextObject(this.kc.getCurrentContext())?.namespace ?? 'default';
    this.log = o.log ?? ((l) => console.log(`[kubernetes] ${l}`));
  }

  private watched() {
    if (!this.watches) {
      const labelSelector = instanceSelector(this.o.config);
      const namespace = this.namespace;
      const log = this.log;
      this.watches = {
        jobs: new ResourceWatch<V1Job>({ kc: this.kc, path: `/apis/batch/v1/namespaces/${namespace}/jobs`, labelSelector, log, list: () => this.batch.listNamespacedJob({ namespace, labelSelector }) }),
        pods: new ResourceWatch<V1Pod>({ kc: this.kc, path: `/api/v1/namespaces/${namespace}/pods`, labelSelector, log, list: () => this.core.listNamespacedPod({ namespace, labelSelector }) }),
      };
    }
    return this.watches;
  }

  private async ready(signal?: AbortSignal): Promise<{ jobs: ResourceWatch<V1Job>; pods: ResourceWatch<V1Pod> }> {
    const w = this.watched();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AppError('UNAVAILABLE', `the Kubernetes API at ${this.kc.getCurrentCluster()?.server ?? '?'} cannot be reached; the task is retried`)),
        API_READY_MS,
      );
    });
    const aborted = new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new Cancelled()), { once: true }));
    try {
      await Promise.race([Promise.all([w.jobs.ready(), w.pods.ready()]), timeout, aborted]);
    } finally {
      clearTimeout(timer);
    }
    return w;
  }

  /** Reconciles the Jobs of this installation: deletes those whose task is over, leaves running ones for their task's retry to adopt. */
  async start(): Promise<void> {
    try {
      const w = await this.ready();
      const jobs = [...w.jobs.objects.values()];
      const states = await taskStates({ db: this.o.db }, [...new Set(jobs.map((j) => j.metadata?.labels?.[LABEL.task]).filter((t): t is string => !!t && /^[0-9a-f-]{36}$/.test(t)))]);
      let cleaned = 0;
      let adopted = 0;
      for (const job of jobs) {
        const state = states.get(job.metadata?.labels?.[LABEL.task] ?? '');
        if (!state?.open) {
          await this.deleteJob(job.metadata!.name!);
          cleaned++;
        } else if (!jobFinished(job)) {
          adopted++;
        }
      }
      this.log(`reconciled ${jobs.length} Jobs in ${this.namespace}: ${cleaned} of ended tasks deleted, ${adopted} running ones left for their tasks to adopt`);
    } catch (e) {
      this.log(`could not reconcile Jobs at start-up: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  async run(version: ModelVersion, items: TaskItem[], o: RunOptions = {}): Promise<RunOutcome[]> {
    if (items.length === 0) return [];
    if (version.runtime.kind !== 'kubernetes') throw new AppError('INTERNAL', `the kubernetes executor cannot run a ${version.runtime.kind} runtime`);
    if (!o.task) throw new AppError('INTERNAL', 'the kubernetes executor needs the task it runs');
    const task = o.task;
    const started = performance.now();
    const deadlineSeconds = activeDeadlineSeconds(this.o.config, version, items.length);
    let name = jobName(task);
    try {
      const w = await this.ready(o.signal);
      name = await this.jobFor(w, version, task, items.length, deadlineSeconds);
      const end = await this.waitForEnd(w, name, { signal: o.signal, memoryMb: resourcesOf(this.o.config, version).memoryMb, deadlineSeconds });
      const tail = end.ok ? '' : await this.logTail(w, name);
      await this.deleteJob(name);
      await revokeTaskTokens({ db: this.o.db }, task.id);
      const posted = await postedItemIndexes({ db: this.o.db }, task.id);
      const left = items.filter((i) => !posted.has(i.index));
      const durationMs = performance.now() - started;
      if (end.ok) {
        return left.map((i) => ({ index: i.index, code: 'MODEL_PROTOCOL', error: "the model's pod finished without posting a result for this item", durationMs }));
      }
      const message = tail ? `${end.message}; the pod's log ends with: ${tail}` : end.message;
      if (end.transient && left.length) throw new AppError(end.code, message);
      return left.map((i) => ({ index: i.index, code: end.code, error: message, durationMs }));
    } catch (e) {
      if (!(e instanceof Cancelled)) throw e;
      // The job was cancelled: its pod goes at once and nothing more is written for it.
      await this.deleteJob(name).catch(() => {});
      await revokeTaskTokens({ db: this.o.db }, task.id).catch(() => {});
      return [];
    }
  }

  /**
   * The Job to wait for: one already running for this task (left by a worker that stopped: it is
   * adopted, with its pod's token), or a new one. A finished Job of an earlier attempt whose end
   * was our trouble (eviction, node loss) is deleted and replaced.
   */
  private async jobFor(w: { jobs: ResourceWatch<V1Job>; pods: ResourceWatch<V1Pod> }, version: ModelVersion, task: TaskRef, items: number, deadlineSeconds: number): Promise<string> {
    const existing = [...w.jobs.objects.values()]
      .filter((j) => j.metadata?.labels?.[LABEL.task] === task.id)
      .sort((a, b) => Number(b.metadata?.labels?.[LABEL.attempt] ?? 0) - Number(a.metadata?.labels?.[LABEL.attempt] ?? 0));
    for (const job of existing) {
      const name = job.metadata!.name!;
      const end = jobFinished(job) ? classifyEnd(job, this.podOf(w, name), { memoryMb: 0, deadlineSeconds }) : undefined;
      if (!end) {
        this.log(`task ${task.id}: adopting its running Job ${name}`);
        return name;
      }
      if (end.ok || !end.transient) return name; // its outcome is read as if this worker had watched it
      await this.deleteJob(name);
    }
    const token = await issueTaskToken({ db: this.o.db }, { taskId: task.id, ttlMs: deadlineSeconds * 1000 + TOKEN_SLACK_MS });
    const body = buildJob(this.o.config, { version, task, items, token, namespace: this.namespace });
    try {
      await this.batch.createNamespacedJob({ namespace: this.namespace, body });
    } catch (e) {
      if (!(e instanceof ApiException && e.code === 409)) throw apiError(e, `create the Job for task ${task.id}`);
    }
    return body.metadata!.name!;
  }

  private podOf(w: { pods: ResourceWatch<V1Pod> }, job: string, seen?: Map<string, V1Pod>): V1Pod | undefined {
    const live = [...w.pods.objects.values()].filter((p) => p.metadata?.labels?.['job-name'] === job || p.metadata?.labels?.['batch.kubernetes.io/job-name'] === job);
    const all = [...live, ...[...(seen?.values() ?? [])].filter((p) => !live.some((l) => l.metadata?.name === p.metadata?.name))];
    return all.sort((a, b) => String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')))[0];
  }

  /** Waits on the watched Job and Pod until the Job ends, its image cannot be pulled, or the task is cancelled. */
  private waitForEnd(
    w: { jobs: ResourceWatch<V1Job>; pods: ResourceWatch<V1Pod> },
    name: string,
    o: { signal?: AbortSignal; memoryMb: number; deadlineSeconds: number },
  ): Promise<JobEnd> {
    const seenPods = new Map<string, V1Pod>();
    let pullingSince: number | undefined;
    let seenJob = false;
    return new Promise<JobEnd>((resolve, reject) => {
      const graceMs = this.o.config.imagePullGraceSeconds * 1000;
      let timer: NodeJS.Timeout | undefined;
      let podTimer: NodeJS.Timeout | undefined;
      let failedSeenAt: number | undefined;
      const finish = (f: () => void) => {
        offJobs();
        offPods();
        clearTimeout(timer);
        clearTimeout(podTimer);
        o.signal?.removeEventListener('abort', onAbort);
        f();
      };
      const check = () => {
        const job = w.jobs.objects.get(name);
        if (job) seenJob = true;
        else if (seenJob) return finish(() => resolve({ ok: false, code: 'UNAVAILABLE', transient: true, message: `the Job ${name} was deleted outside the gateway` }));
        const pod = this.podOf(w, name, seenPods);
        const end = job && classifyEnd(job, pod, o);
        if (end) {
          // The pod's last state says why the Job failed: give its watch a moment to catch up.
          failedSeenAt ??= Date.now();
          if (podEndPending(job, pod) && Date.now() - failedSeenAt < POD_END_GRACE_MS) {
            clearTimeout(podTimer);
            podTimer = setTimeout(check, 200);
            return;
          }
          return finish(() => resolve(end));
        }
        const pull = pod && pullFailure(pod);
        if (!pull) {
          pullingSince = undefined;
          return;
        }
        pullingSince ??= Date.now();
        if (pull.hopeless || Date.now() - pullingSince >= graceMs) {
          const image = pod.spec?.containers?.[0]?.image ?? '?';
          return finish(() =>
            resolve({
              ok: false,
              code: 'MODEL_ERROR',
              transient: false,
              message: `the image ${image} cannot be run (${pull.reason}${pull.message ? `: ${pull.message}` : ''}); check the image name and tag, and that the gateway's image pull secrets can read it`,
            }),
          );
        }
        clearTimeout(timer);
        timer = setTimeout(check, graceMs - (Date.now() - pullingSince) + 10);
      };
      const offJobs = w.jobs.on((_, job) => job.metadata?.name === name && check());
      const offPods = w.pods.on((_, pod) => {
        const labels = pod.metadata?.labels ?? {};
        if (labels['job-name'] !== name && labels['batch.kubernetes.io/job-name'] !== name) return;
        seenPods.set(pod.metadata!.name!, pod);
        check();
      });
      const onAbort = () => finish(() => reject(new Cancelled()));
      if (o.signal?.aborted) return onAbort();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  /** The last lines of the Job's pod's log, or '' when there is none to read. */
  private async logTail(w: { pods: ResourceWatch<V1Pod> }, job: string): Promise<string> {
    const pod = this.podOf(w, job);
    if (!pod?.metadata?.name) return '';
    try {
      const text = await this.core.readNamespacedPodLog({ name: pod.metadata.name, namespace: this.namespace, container: CONTAINER, tailLines: this.o.config.logTailLines });
      return String(text ?? '').trim().slice(-2000);
    } catch {
      return '';
    }
  }

  private async deleteJob(name: string): Promise<void> {
    try {
      await this.batch.deleteNamespacedJob({ name, namespace: this.namespace, propagationPolicy: 'Background' });
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return;
      throw apiError(e, `delete the Job ${name}`);
    }
  }

  async close(): Promise<void> {
    // Running Jobs are left alone: the task's retry (on this worker restarted, or another) adopts them.
    this.watches?.jobs.stop();
    this.watches?.pods.stop();
    this.watches = undefined;
  }
}

/** An API failure as our own trouble (retried by the queue), with what the API server said. */
function apiError(e: unknown, what: string): AppError {
  if (e instanceof ApiException) {
    let detail = '';
    try {
      detail = (typeof e.body === 'string' ? JSON.parse(e.body) : e.body)?.message ?? '';
    } catch {
      detail = String(e.body ?? '');
    }
    if (e.code === 422 || e.code === 400) return new AppError('MODEL_ERROR', `Kubernetes refused to ${what} (${e.code}): ${detail}`);
    return new AppError('UNAVAILABLE', `Kubernetes could not ${what} (${e.code}): ${detail}`);
  }
  return new AppError('UNAVAILABLE', `Kubernetes could not ${what}: ${(e as Error).message}`);
}
