import type { Executor } from '../../server/jobs/executor';
import { secretKeys } from '../../server/secrets/secret-key';
import { HttpExecutor } from './http-executor';
import { ProcessExecutor } from './process-executor';

/** Executors by runtime kind; a backend is a file of its own implementing `Executor`. */
export function createExecutors(opts: { root: string; poolSize: number; maxLineBytes?: number }): Map<string, Executor> {
  // Executors open models' sealed secrets: a worker without the key stops here, saying how to set it.
  secretKeys();
  const executors: Executor[] = [new ProcessExecutor({ root: opts.root, poolSize: opts.poolSize, maxLineBytes: opts.maxLineBytes }), new HttpExecutor()];
  return new Map(executors.map((e) => [e.kind, e]));
}
