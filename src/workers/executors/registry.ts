import type { Executor } from './executor';
import { HttpExecutor } from './http-executor';
import { ProcessExecutor } from './process-executor';

/** Executors by runtime kind. `http` and `kubernetes` join here as files of their own. */
export function createExecutors(opts: { root: string; poolSize: number }): Map<string, Executor> {
  const executors: Executor[] = [new ProcessExecutor({ root: opts.root, poolSize: opts.poolSize }), new HttpExecutor()];
  return new Map(executors.map((e) => [e.kind, e]));
}
