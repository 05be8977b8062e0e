import type { TaskItem } from '../../server/db/types';
import type { Executor, FitPredictTraining, RunOptions } from '../../server/jobs/executor';
import type { RunOutcome } from '../../server/jobs/jobs.types';
import type { ModelVersion } from '../../server/models/models.types';
import { effectiveTimeoutMs } from '../limits';
import type { Launcher } from '../sandbox/launcher';
import { runFitPredict } from './fit-predict';
import type { ModelProcess, Failure } from './model-process';

interface Pool {
  idle: ModelProcess[];
  size: number;
  waiters: { resolve: (p: ModelProcess) => void; reject: (e: Error) => void }[];
  live: number;
}

export interface ProcessExecutorOptions {
  /** Folder that relative `cwd`s in runtime specs are resolved against. */
  root: string;
  /** Warm processes per model version. */
  poolSize?: number;
  /** After a crash or hang, how many rounds of re-running the remaining items in fresh processes. */
  maxRerunRounds?: number;
  /** Longest stdout line a model may print (MODEL_MAX_LINE_BYTES). */
  maxLineBytes?: number;
  /** Starts processes in the sandbox (or, for trusted models where it is off, directly). */
  launcher: Launcher;
}

/** What a run on one process left: the answers, and the items the process failed under. */
interface Attempted {
  outcomes: RunOutcome[];
  broken: { item: TaskItem; failure: Failure }[];
}

class Cancelled extends Error {}

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

  /** In the sandbox, with only the manifest's environment (see src/workers/sandbox/launcher.ts). */
  private spawn(version: ModelVersion): ModelProcess {
    return this.opts.launcher.spawn(version, { maxLineBytes: this.opts.maxLineBytes });
  }

  /** `urgent` (a single prediction) may start one process beyond the pool rather than wait for a busy one. */
  private async acquire(version: ModelVersion, signal?: AbortSignal, urgent = false): Promise<ModelProcess> {
    // Unpacks the bundle and decides how it may run here; refuses with the reason otherwise.
    await this.opts.launcher.prepare(version);
    const pool = this.pool(version);
    while (pool.idle.length) {
      const p = pool.idle.pop()!;
      if (this.opts.launcher.usable(version, p)) return p;
      void p.stop(); // dead, near its CPU limit, or started under a withdrawn network leave
      pool.live--;
    }
    if (pool.live < pool.size + (urgent ? 1 : 0)) {
      pool.live++;
      try {
        return this.spawn(version);
      } catch (e) {
        pool.live--; // a process that could not start holds no slot
        throw e;
      }
    }
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      pool.waiters.push(waiter);
      signal?.addEventListener('abort', () => {
        const at = pool.waiters.indexOf(waiter);
        if (at >= 0) pool.waiters.splice(at, 1);
        reject(new Cancelled());
      }, { once: true });
    });
  }

  private release(version: ModelVersion, p: ModelProcess): void {
    const pool = this.pool(version);
    const waiter = pool.waiters.shift();
    if (!this.opts.launcher.usable(version, p)) {
      void p.stop();
      // Replace the dead process lazily: a waiter gets a fresh one.
      if (!waiter) {
        pool.live--;
        return;
      }
      try {
        waiter.resolve(this.spawn(version));
      } catch (e) {
        pool.live--;
        waiter.reject(e as Error);
      }
      return;
    }
    if (waiter) waiter.resolve(p);
    else pool.idle.push(p);
  }

  /** Sends items to one warm process, all at once (the program may answer in any order). */
  private async runOn(version: ModelVersion, items: TaskItem[], signal?: AbortSignal, urgent = false): Promise<Attempted> {
    const proc = await this.acquire(version, signal, urgent);
    const outcomes: RunOutcome[] = [];
    const broken: Attempted['broken'] = [];
    const onAbort = () => proc.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = effectiveTimeoutMs(version.timeoutMs);
    try {
      if (signal?.aborted) proc.cancel();
      await Promise.all(
        items.map(async (item) => {
          const started = performance.now();
          const answer = await proc.request(item.input, timeoutMs);
          const durationMs = performance.now() - started;
          if ('failure' in answer) {
            broken.push({ item, failure: answer.failure });
          } else if (answer.line.error !== undefined || !answer.line.output || typeof answer.line.output !== 'object') {
            const error = answer.line.error !== undefined ? String(answer.line.error) : 'the model answered without an "output" object';
            outcomes.push({ index: item.index, error, code: answer.line.error !== undefined ? 'MODEL_ERROR' : 'MODEL_PROTOCOL', durationMs });
          } else {
            outcomes.push({ index: item.index, output: answer.line.output, durationMs });
          }
        }),
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.release(version, proc);
    }
    broken.sort((a, b) => a.item.index - b.item.index);
    return { outcomes, broken };
  }

  /**
   * Runs a task's items on one process. When a crash or a hang takes several items down, the
   * first of them (usually the one that broke the model) is re-run alone and the rest together,
   * each in a fresh process, for a bounded number of rounds; what is left then fails with the
   * reason. A cancelled job's process is killed at once, and nothing more is started for it.
   */
  async run(version: ModelVersion, items: TaskItem[], o: RunOptions = {}): Promise<RunOutcome[]> {
    const fail = ({ item, failure }: Attempted['broken'][number], note = ''): RunOutcome => ({
      index: item.index,
      code: failure.code,
      error: failure.message + note,
      durationMs: 0,
    });
    const outcomes: RunOutcome[] = [];
    const rounds = this.opts.maxRerunRounds ?? 3;
    let attempt: Attempted;
    try {
      attempt = await this.runOn(version, items, o.signal, o.urgent);
    } catch (e) {
      if (e instanceof Cancelled) return [];
      throw e;
    }
    outcomes.push(...attempt.outcomes);
    let broken = attempt.broken;
    for (let round = 0; broken.length > 0; round++) {
      const cancelledNow = o.signal?.aborted || broken.every((b) => b.failure.code === 'CANCELLED');
      if (cancelledNow) return outcomes; // the job is over; nothing is written for the rest
      if (broken.length === 1 || items.length === 1) {
        outcomes.push(...broken.map((b) => fail(b)));
        break;
      }
      if (round >= rounds) {
        const note = `; ${broken.length} items were still pending when the model failed, and they were not re-run again after ${rounds} rounds`;
        outcomes.push(...broken.map((b) => fail(b, note)));
        break;
      }
      const [head, ...rest] = broken;
      try {
        const alone = await this.runOn(version, [head.item], o.signal);
        outcomes.push(...alone.outcomes, ...alone.broken.filter((b) => b.failure.code !== 'CANCELLED').map((b) => fail(b)));
        if (o.signal?.aborted) return outcomes;
        const together = await this.runOn(version, rest.map((b) => b.item), o.signal);
        outcomes.push(...together.outcomes);
        broken = together.broken;
      } catch (e) {
        if (e instanceof Cancelled) return outcomes;
        throw e;
      }
    }
    return outcomes;
  }

  /** A version's training mode, in a fresh sandboxed process of its own (see fit-predict.ts). */
  fitPredict(version: ModelVersion, training: FitPredictTraining, items: TaskItem[], o: RunOptions = {}): Promise<RunOutcome[]> {
    return runFitPredict(this.opts.launcher, version, training, items, { ...o, maxLineBytes: this.opts.maxLineBytes });
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()].flatMap((p) => p.idle);
    this.pools.clear();
    await Promise.all(all.map((p) => p.stop()));
  }
}
