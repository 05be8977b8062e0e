import type { Db } from '../../server/db/client';
import { bundleStore } from '../../server/bundles/bundles.service';
import type { Executor } from '../../server/jobs/executor';
import { BundleCache } from '../bundles/bundle-cache';
import { Launcher } from '../sandbox/launcher';
import { sandboxConfig } from '../sandbox/sandbox-config';
import { secretKeys } from '../../server/secrets/secret-key';
import { HttpExecutor } from './http-executor';
import { kubernetesConfigFromEnv, type KubernetesConfig } from './kubernetes/config';
import { KubernetesExecutor } from './kubernetes-executor';
import { ProcessExecutor } from './process-executor';

/** Where workers unpack bundles: `GATEWAY_BUNDLE_CACHE`, by default `.cache/bundles` in the gateway's folder. */
export function bundleCacheDir(root: string): string {
  return process.env.GATEWAY_BUNDLE_CACHE ?? `${root}/.cache/bundles`;
}

/** Executors by runtime kind; a backend is a file of its own implementing `Executor`. */
export function createExecutors(opts: {
  root: string;
  poolSize: number;
  maxLineBytes?: number;
  db: Db;
  /** The Kubernetes executor's settings; unset: from GATEWAY_K8S_* (off unless enabled), false: off. */
  kubernetes?: KubernetesConfig | false;
  log?: (line: string) => void;
}): Map<string, Executor> {
  // Executors open models' sealed secrets: a worker without the key stops here, saying how to set it.
  secretKeys();
  const store = bundleStore(opts.db);
  const bundles = new BundleCache({ dir: bundleCacheDir(opts.root), fetch: (digest) => store.get(digest) });
  const launcher = new Launcher({ root: opts.root, db: opts.db, bundles, config: sandboxConfig(opts.root), log: opts.log });
  const executors: Executor[] = [new ProcessExecutor({ root: opts.root, poolSize: opts.poolSize, maxLineBytes: opts.maxLineBytes, launcher }), new HttpExecutor()];
  const kubernetes = opts.kubernetes === undefined ? kubernetesConfigFromEnv() : opts.kubernetes;
  if (kubernetes) executors.push(new KubernetesExecutor({ db: opts.db, config: kubernetes, log: opts.log && ((l) => opts.log!(`kubernetes: ${l}`)) }));
  return new Map(executors.map((e) => [e.kind, e]));
}
