import type { Db } from '../../server/db/client';
import type { Executor } from '../../server/jobs/executor';
import { HttpExecutor } from './http-executor';
import { kubernetesConfigFromEnv, type KubernetesConfig } from './kubernetes/config';
import { KubernetesExecutor } from './kubernetes-executor';
import { ProcessExecutor } from './process-executor';

/** Executors by runtime kind; a backend is a file of its own implementing `Executor`. */
export function createExecutors(opts: {
  root: string;
  poolSize: number;
  maxLineBytes?: number;
  db?: Db;
  /** The Kubernetes executor's settings; unset: from GATEWAY_K8S_* (off unless enabled), false: off. */
  kubernetes?: KubernetesConfig | false;
  log?: (line: string) => void;
}): Map<string, Executor> {
  const executors: Executor[] = [new ProcessExecutor({ root: opts.root, poolSize: opts.poolSize, maxLineBytes: opts.maxLineBytes }), new HttpExecutor()];
  const kubernetes = opts.kubernetes === undefined ? kubernetesConfigFromEnv() : opts.kubernetes;
  if (kubernetes && opts.db) executors.push(new KubernetesExecutor({ db: opts.db, config: kubernetes, log: opts.log && ((l) => opts.log!(`kubernetes: ${l}`)) }));
  return new Map(executors.map((e) => [e.kind, e]));
}
