import type { TaskItem } from '../../server/db/types';
import type { RunOutcome } from '../../server/jobs/jobs.types';
import type { ModelVersion } from '../../server/models/models.types';
import type { Executor } from '../../server/jobs/executor';
import type { Launcher } from '../sandbox/launcher';
import type { ModelProcess, Failure } from './model-process';

interface Pool {
  idle: ModelProcess[];
  size: number;
  waiters: ((p: ModelProcess) => void)[];
  live: number;
}

export interface ProcessExecutorOptions {
  /** Folder that relative `cwd`s in runtime specs are resolved against. */
  root: string;
  /** Warm processes per model version. */
  poolSize?: number;
  /** Starts processes in the sandbox (or, for trusted models where it is off, directly). */
  launcher: Launcher;
}

/**
 * Runs models as local child processes speaking JSON Lines, keeping a warm pool per version
 * so start-up (library import, model load) is paid once.
 */
export class ProcessExecutor implements Executor {
  readonly kind = 'process';
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly opts: ProcessExecutorOptions) {}

  /** Keyed by content digest too: an edited draft must not reuse processes of its old command. */
  private pool(version: ModelVersion): Pool {
    const key = `${version.id}:${version.digest}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { idle: [], size: this.opts.poolSize ?? 2, waiters: [], live: 0 };
      this.pools.set(key, pool);
    }
    return pool;
  }

  private spawn(version: ModelVersion): ModelProcess {
    return this.opts.launcher.spawn(version);
  }

  private async acquire(version: ModelVersion): Promise<ModelProcess> {
    // Unpacks the bundle and decides how it may run here; refuses with the reason otherwise.
    await this.opts.launcher.prepare(version);
    const pool = this.pool(version);
    while (pool.idle.length) {
      const p = pool.idle.pop()!;
      if (this.opts.launcher.usable(version, p)) return p;
      void p.stop(); // dead, near its CPU limit, or started under a withdrawn network leave
      pool.live--;
    }
    if (pool.live < pool.size) {
      pool.live++;
      return this.spawn(version);
    }
    return new Promise((resolve) => pool.waiters.push(resolve));
  }

  private release(version: ModelVersion, p: ModelProcess): void {
    const pool = this.pool(version);
    if (!this.opts.launcher.usable(version, p)) {
      void p.stop();
      // Replace the dead process lazily: a waiter gets a fresh one.
      const waiter = pool.waiters.shift();
      if (waiter) waiter(this.spawn(version));
      else pool.live--;
      return;
    }
    const waiter = pool.waiters.shift();
    if (waiter) waiter(p);
    else pool.idle.push(p);
  }

  /** Sends items to one warm process, all at once (the program may answer in any order). */
  private async runOn(version: ModelVersion, items: TaskItem[]): Promise<{ outcomes: RunOutcome[]; broken: TaskItem[]; failures: Map<number, Failure> }> {
    const proc = await this.acquire(version);
    const outcomes: RunOutcome[] = [];
    const broken: TaskItem[] = [];
    const failures = new Map<number, Failure>();
    try {
      await Promise.all(
        items.map(async (item) => {
          const started = performance.now();
          const answer = await proc.request(item.input, version.timeoutMs);
          const durationMs = performance.now() - started;
          if ('failure' in answer) {
            broken.push(item);
            failures.set(item.index, answer.failure);
          } else if (answer.line.error !== undefined || !answer.line.output || typeof answer.line.output !== 'object') {
            const error = answer.line.error !== undefined ? String(answer.line.error) : 'the model answered without an "output" object';
            outcomes.push({ index: item.index, error, code: answer.line.error !== undefined ? 'MODEL_ERROR' : 'MODEL_PROTOCOL', durationMs });
          } else {
            outcomes.push({ index: item.index, output: answer.line.output, durationMs });
          }
        }),
      );
    } finally {
      this.release(version, proc);
    }
    return { outcomes, broken, failures };
  }

  async run(version: ModelVersion, items: TaskItem[]): Promise<RunOutcome[]> {
    const first = await this.runOn(version, items);
    const outcomes = first.outcomes;
    if (first.broken.length === 1 || (first.broken.length > 0 && items.length === 1)) {
      const [item] = first.broken;
      const f = first.failures.get(item.index)!;
      outcomes.push({ index: item.index, error: f.message, code: f.code, durationMs: 0 });
    } else if (first.broken.length > 1) {
      // A crash or hang took several items down with it: run each alone in a fresh process,
      // so only the item that really breaks the model fails.
      for (const item of first.broken) {
        const alone = await this.runOn(version, [item]);
        outcomes.push(...alone.outcomes);
        for (const b of alone.broken) {
          const f = alone.failures.get(b.index)!;
          outcomes.push({ index: b.index, error: f.message, code: f.code, durationMs: 0 });
        }
      }
    }
    return outcomes;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()].flatMap((p) => p.idle);
    this.pools.clear();
    await Promise.all(all.map((p) => p.stop()));
  }
}
