import type { V1EnvVar, V1Job, V1ResourceRequirements } from '@kubernetes/client-node';
import type { ModelVersion } from '../../../server/models/models.types';
import { effectiveTimeoutMs } from '../../limits';
import type { GpuPool, KubernetesConfig } from './config';
import { openSecrets } from '../../../server/secrets/runtime-secrets';

/** Labels on every Job and Pod the executor creates (pods inherit them from the template). */
export const LABEL = {
  managedBy: 'app.kubernetes.io/managed-by',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  task: 'model-gateway.io/task',
  job: 'model-gateway.io/job',
  version: 'model-gateway.io/version',
  attempt: 'model-gateway.io/attempt',
} as const;
export const MANAGED_BY = 'model-gateway';
export const CONTAINER = 'model';

/** The selector for every Job and Pod of one gateway installation. */
export const instanceSelector = (config: KubernetesConfig) => `${LABEL.managedBy}=${MANAGED_BY},${LABEL.instance}=${config.instance}`;

export interface TaskRef {
  id: string;
  jobId: string;
  attempt: number;
}

/** One Job per task attempt; the name is derived from both, so a repeated create finds the same Job. */
export const jobName = (task: TaskRef) => `mgw-${task.id}-${task.attempt}`;

/**
 * The model's own environment from its runtime spec. The one place the executor reads
 * `runtime.env`, so that secret resolution can slot in here.
 */
export function modelEnv(version: ModelVersion): Record<string, string> {
  // Sealed at rest; opened only here, for the pod that runs the model.
  return version.runtime.kind === 'kubernetes' ? openSecrets(version.runtime.env) : {};
}

/** How long the Job may be active: start-up, then the per-item timeout for every item. */
export function activeDeadlineSeconds(config: KubernetesConfig, version: ModelVersion, items: number): number {
  return config.startupSeconds + Math.ceil((effectiveTimeoutMs(version.timeoutMs) * items) / 1000);
}

interface Resources {
  cpu?: number;
  memoryMb?: number;
  gpu?: { count: number; type?: string };
}

export function resourcesOf(config: KubernetesConfig, version: ModelVersion): { requirements: V1ResourceRequirements; memoryMb: number; gpu: Resources['gpu'] } {
  const r = version.resources as Resources;
  const cpu = String(r.cpu ?? config.defaultCpu);
  const memoryMb = r.memoryMb ?? config.defaultMemoryMb;
  const memory = `${memoryMb}Mi`;
  const gpus = r.gpu?.count ?? 0;
  // No CPU limit (throttling only slows a model down); memory limited at its request, GPUs whole.
  return {
    requirements: { requests: { cpu, memory }, limits: { memory, ...(gpus > 0 ? { 'nvidia.com/gpu': String(gpus) } : {}) } },
    memoryMb,
    gpu: gpus > 0 ? { count: gpus, type: r.gpu?.type } : undefined,
  };
}

/** The node pool a GPU request goes to: its type's, or `*`'s. */
export function gpuPoolOf(config: KubernetesConfig, gpu: Resources['gpu']): GpuPool | undefined {
  if (!gpu) return undefined;
  const pool = (gpu.type && config.gpuPools[gpu.type]) || config.gpuPools['*'];
  return pool && { nodeSelector: pool.nodeSelector, tolerations: pool.tolerations };
}

/** The batch/v1 Job that runs one task's items in the version's image, under the pod runner. */
export function buildJob(config: KubernetesConfig, o: { version: ModelVersion; task: TaskRef; items: number; token: string; namespace: string }): V1Job {
  const { version, task } = o;
  if (version.runtime.kind !== 'kubernetes') throw new Error(`not a kubernetes runtime: ${version.runtime.kind}`);
  const labels = {
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.instance]: config.instance,
    [LABEL.component]: 'model-task',
    [LABEL.task]: task.id,
    [LABEL.job]: task.jobId,
    [LABEL.version]: version.id,
    [LABEL.attempt]: String(task.attempt),
  };
  const { requirements, gpu } = resourcesOf(config, version);
  const pool = gpuPoolOf(config, gpu);
  const gpuTolerations = gpu ? [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] : [];
  const runnerEnv: V1EnvVar[] = [
    { name: 'MGW_TASK_URL', value: config.taskUrl },
    { name: 'MGW_TASK_ID', value: task.id },
    { name: 'MGW_TASK_TOKEN', value: o.token },
    { name: 'MGW_ITEM_TIMEOUT_MS', value: String(effectiveTimeoutMs(version.timeoutMs)) },
  ];
  const own = Object.entries(modelEnv(version))
    .filter(([k]) => !k.startsWith('MGW_'))
    .map(([name, value]) => ({ name, value }));
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(task),
      namespace: o.namespace,
      labels,
      annotations: { 'model-gateway.io/model': `${version.slug}@${version.version}`, 'model-gateway.io/digest': version.digest },
    },
    spec: {
      // Retries belong to the queue: one pod per attempt, and the task's deadline bounds it.
      backoffLimit: 0,
      activeDeadlineSeconds: activeDeadlineSeconds(config, version, o.items),
      ttlSecondsAfterFinished: config.ttlSecondsAfterFinished,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: config.serviceAccount,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          ...(config.imagePullSecrets.length ? { imagePullSecrets: config.imagePullSecrets.map((name) => ({ name })) } : {}),
          ...(pool && Object.keys(pool.nodeSelector).length ? { nodeSelector: pool.nodeSelector } : {}),
          ...(gpuTolerations.length || pool?.tolerations.length ? { tolerations: [...gpuTolerations, ...(pool?.tolerations ?? [])] } : {}),
          containers: [
            {
              name: CONTAINER,
              image: version.runtime.image,
              ...(config.runnerCommand ? { command: config.runnerCommand } : {}),
              ...(version.runtime.command ? { args: version.runtime.command } : {}),
              env: [...own, ...runnerEnv],
              resources: requirements,
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
            },
          ],
        },
      },
    },
  };
}
