import { readFileSync } from 'node:fs';
import { loadYaml, type V1Toleration } from '@kubernetes/client-node';
import { z } from 'zod';

/** Where a GPU type's pods go: the node pool's labels and taints. */
const ZGpuPool = z.object({
  nodeSelector: z.record(z.string(), z.string()).default({}),
  tolerations: z
    .array(
      z.object({
        key: z.string().optional(),
        operator: z.enum(['Exists', 'Equal']).optional(),
        value: z.string().optional(),
        effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
        tolerationSeconds: z.number().int().optional(),
      }),
    )
    .default([]),
});

/** The cluster settings of the Kubernetes executor (GATEWAY_K8S_* or a config file; see "Running on Kubernetes" in the README). */
export const ZKubernetesConfig = z.object({
  /** A kubeconfig file; unset: KUBECONFIG, ~/.kube/config, then the pod's service account. */
  kubeconfig: z.string().optional(),
  /** Namespace of model Jobs; unset: the kubeconfig context's (in a cluster, the worker's own). */
  namespace: z.string().optional(),
  /** The gateway's base URL as pods reach it; the runner calls {taskUrl}/api/tasks/{id}/…. */
  taskUrl: z.url(),
  /** Service account of model pods (no API token is mounted either way). */
  serviceAccount: z.string().default('model-runner'),
  imagePullSecrets: z.array(z.string()).default([]),
  /** Kubernetes deletes finished Jobs after this long even if no worker does (a worker deletes them as it reads them). */
  ttlSecondsAfterFinished: z.number().int().min(0).default(3600),
  /** Added to a Job's activeDeadlineSeconds for image pull, scheduling and model load. */
  startupSeconds: z.number().int().min(0).default(600),
  /** How long an image pull may keep failing (ErrImagePull, ImagePullBackOff) before the task fails. */
  imagePullGraceSeconds: z.number().min(0).default(120),
  /** Labels every Job, so that two gateways can share a namespace and reconcile only their own. */
  instance: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/).default('model-gateway'),
  /** GPU type → node pool; `*` is used for a GPU request without a type, or of a type not listed. */
  gpuPools: z.record(z.string(), ZGpuPool).default({}),
  /** Requests when a version gives none. */
  defaultCpu: z.number().positive().default(1),
  defaultMemoryMb: z.number().int().positive().default(1024),
  /** Container command for images whose entrypoint is not the runner, e.g. ["python3", "/opt/model-gateway/runner.py"]. */
  runnerCommand: z.array(z.string()).optional(),
  /** Lines of the pod's log kept in a failed item's message. */
  logTailLines: z.number().int().min(1).max(500).default(40),
});
export type KubernetesConfig = z.infer<typeof ZKubernetesConfig>;
export type GpuPool = { nodeSelector: Record<string, string>; tolerations: V1Toleration[] };

const json = (name: string, v: string) => {
  try {
    return JSON.parse(v);
  } catch (e) {
    throw new Error(`${name} is not JSON: ${(e as Error).message}`);
  }
};

/**
 * The executor's settings from the environment, or null when it is off. It is on with
 * GATEWAY_K8S_ENABLED=1 or a config file in GATEWAY_K8S_CONFIG (JSON or YAML, the keys of
 * ZKubernetesConfig); GATEWAY_K8S_* variables override the file.
 */
export function kubernetesConfigFromEnv(env: Record<string, string | undefined> = process.env): KubernetesConfig | null {
  const file = env.GATEWAY_K8S_CONFIG;
  if (env.GATEWAY_K8S_ENABLED !== '1' && !file) return null;
  const fromFile = file ? (loadYaml<Record<string, unknown>>(readFileSync(file, 'utf8')) ?? {}) : {};
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));
  const fromEnv = {
    kubeconfig: env.GATEWAY_K8S_KUBECONFIG,
    namespace: env.GATEWAY_K8S_NAMESPACE,
    taskUrl: env.GATEWAY_K8S_TASK_URL,
    serviceAccount: env.GATEWAY_K8S_SERVICE_ACCOUNT,
    imagePullSecrets: list(env.GATEWAY_K8S_IMAGE_PULL_SECRETS),
    ttlSecondsAfterFinished: num(env.GATEWAY_K8S_TTL_SECONDS),
    startupSeconds: num(env.GATEWAY_K8S_STARTUP_SECONDS),
    imagePullGraceSeconds: num(env.GATEWAY_K8S_PULL_GRACE_SECONDS),
    instance: env.GATEWAY_K8S_INSTANCE,
    gpuPools: env.GATEWAY_K8S_GPU_POOLS ? json('GATEWAY_K8S_GPU_POOLS', env.GATEWAY_K8S_GPU_POOLS) : undefined,
    defaultCpu: num(env.GATEWAY_K8S_DEFAULT_CPU),
    defaultMemoryMb: num(env.GATEWAY_K8S_DEFAULT_MEMORY_MB),
    runnerCommand: env.GATEWAY_K8S_RUNNER_COMMAND ? json('GATEWAY_K8S_RUNNER_COMMAND', env.GATEWAY_K8S_RUNNER_COMMAND) : undefined,
  };
  const merged = { ...fromFile, ...Object.fromEntries(Object.entries(fromEnv).filter(([, v]) => v !== undefined)) };
  const parsed = ZKubernetesConfig.safeParse(merged);
  if (!parsed.success) {
    throw new Error(`the Kubernetes executor's settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
