import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors';
import { chemPoolSettings, type ChemPoolSettings } from '../limits';
import { projectRoot } from '../models/manifest';

export type ChemOp = 'smiles' | 'molblock' | 'molblock-smiles' | 'depict';
export interface DepictItem {
  smiles: string;
  width: number;
  height: number;
}
type OpItem<O extends ChemOp> = O extends 'depict' ? DepictItem : string;

/** What the pool says about one item: RDKit's answer, `invalid` (RDKit cannot read it), or `failed` (RDKit broke on it). */
export type ChemResult = { canonical: string } | { svg: string } | { invalid: true } | { failed: string };

/** Chemistry time one request may spend, shared by every call made for it. */
export interface ChemBudget {
  limitMs: number;
  spentMs: number;
}

export function newBudget(limitMs = chemPoolSettings().budgetMs): ChemBudget {
  return { limitMs, spentMs: 0 };
}

// Small enough that another requester waits at most one chunk per thread (~100 ms for SMILES).
const CHUNK_SIZE: Record<ChemOp, number> = { smiles: 256, molblock: 32, 'molblock-smiles': 32, depict: 1 };
const MAX_START_FAILURES = 3;

interface PoolRequest {
  op: ChemOp;
  results: (ChemResult | undefined)[];
  remaining: number;
  budget: ChemBudget;
  done: boolean;
  resolve: (results: ChemResult[]) => void;
  reject: (e: unknown) => void;
}

interface Chunk {
  request: PoolRequest;
  requester: string;
  /** Positions of `items` in the request's results. */
  slots: number[];
  items: unknown[];
}

interface Thread {
  worker: Worker;
  progress: Int32Array;
  ready: boolean;
  retired: boolean;
  error?: Error;
  busy?: { chunk: Chunk; taskId: number; index: number; since: number };
}

/** The thread entry: a plain ES module found on disk, since bundlers (Next.js) do not emit it. */
export function chemThreadFile(): string {
  const relative = path.join('src', 'server', 'chem', 'chem-thread.mjs');
  const candidates = [path.join(projectRoot, relative), path.join(process.cwd(), relative)];
  return candidates.find((f) => existsSync(f)) ?? candidates[0];
}

/**
 * The web process's RDKit: a few worker threads, each with its own RDKit instance, so parsing
 * never runs on the event loop and a molecule that breaks RDKit breaks only its thread. The
 * thread is replaced, the item is refused, and every later request gets a healthy instance.
 *
 * Work arrives in chunks tagged by requester and is served round-robin across requesters, so a
 * 100,000-molecule job never makes another user's single prediction wait for all of it.
 */
export class ChemPool {
  private readonly threads = new Set<Thread>();
  private readonly queues = new Map<string, Chunk[]>();
  /** Requesters with queued chunks, in the order they are served. */
  private readonly ring: string[] = [];
  private nextTaskId = 1;
  private startFailures = 0;
  /** Set after MAX_START_FAILURES threads in a row failed to start; the next request tries again. */
  private startBlocked = false;
  private lastStartError: string | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Threads replaced after RDKit threw, hung or the thread died. */
  restarts = 0;

  constructor(
    private readonly settings: () => ChemPoolSettings = chemPoolSettings,
    private readonly file: string = chemThreadFile(),
  ) {}

  /** Runs `op` on every item, on behalf of `requester`; resolves with one result per item, in order. */
  run<O extends ChemOp>(op: O, items: OpItem<O>[], o: { requester: string; budget?: ChemBudget }): Promise<ChemResult[]> {
    if (this.stopped) return Promise.reject(new AppError('UNAVAILABLE', 'the chemistry pool is shutting down; try again'));
    if (items.length === 0) return Promise.resolve([]);
    if (this.startBlocked) {
      this.startBlocked = false;
      this.startFailures = 0;
    }
    return new Promise<ChemResult[]>((resolve, reject) => {
      const request: PoolRequest = {
        op,
        results: new Array(items.length),
        remaining: items.length,
        budget: o.budget ?? newBudget(this.settings().budgetMs),
        done: false,
        resolve,
        reject,
      };
      const size = CHUNK_SIZE[op];
      for (let start = 0; start < items.length; start += size) {
        const slots = Array.from({ length: Math.min(size, items.length - start) }, (_, k) => start + k);
        this.enqueue({ request, requester: o.requester, slots, items: items.slice(start, start + size) });
      }
      this.pump();
    });
  }

  /** Numbers for tests and health: threads, queued chunks per requester, replacements. */
  stats() {
    const threads = [...this.threads];
    return {
      threads: threads.length,
      ready: threads.filter((t) => t.ready).length,
      busy: threads.filter((t) => t.busy).length,
      queued: Object.fromEntries([...this.queues].map(([k, q]) => [k, q.length])),
      restarts: this.restarts,
      lastStartError: this.lastStartError,
    };
  }

  /** Ends every thread; queued and running work is refused as UNAVAILABLE. */
  async stop(): Promise<void> {
    this.stopped = true;
    const error = new AppError('UNAVAILABLE', 'the chemistry pool stopped; try again');
    for (const q of this.queues.values()) for (const c of q) this.fail(c.request, error);
    this.queues.clear();
    this.ring.length = 0;
    await Promise.all([...this.threads].map((t) => this.retire(t, false)));
    if (this.watchdog) clearInterval(this.watchdog);
  }

  private enqueue(chunk: Chunk, front = false): void {
    let q = this.queues.get(chunk.requester);
    if (!q) {
      q = [];
      this.queues.set(chunk.requester, q);
      this.ring.push(chunk.requester);
    }
    if (front) q.unshift(chunk);
    else q.push(chunk);
  }

  /** The next chunk, taking requesters in turn. */
  private take(): Chunk | undefined {
    while (this.ring.length) {
      const requester = this.ring.shift()!;
      const q = this.queues.get(requester)!;
      const chunk = q.shift();
      if (q.length) this.ring.push(requester);
      else this.queues.delete(requester);
      if (chunk && !chunk.request.done) return chunk;
    }
    return undefined;
  }

  private pump(): void {
    if (this.stopped) return;
    const { threads } = this.settings();
    if (this.startFailures >= MAX_START_FAILURES) this.startBlocked = true;
    while (this.threads.size < threads && !this.startBlocked) this.spawn();
    if (this.startBlocked && ![...this.threads].some((t) => t.ready)) {
      this.refuseAll(new AppError('UNAVAILABLE', `the chemistry threads cannot start (${this.lastStartError}); the gateway's operators need to look at it`));
      return;
    }
    for (const t of this.threads) {
      if (!t.ready || t.busy || t.retired) continue;
      const chunk = this.take();
      if (!chunk) break;
      this.dispatch(t, chunk);
    }
    for (const t of this.threads) {
      if (t.busy || !t.ready) t.worker.ref();
      else t.worker.unref();
    }
  }

  private spawn(): void {
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(this.file, { workerData: { progress: progress.buffer }, stdout: false, stderr: false });
    const thread: Thread = { worker, progress, ready: false, retired: false };
    this.threads.add(thread);
    worker.on('message', (m: ThreadMessage) => this.onMessage(thread, m));
    worker.on('error', (e) => (thread.error = e));
    worker.on('exit', (code) => this.onExit(thread, code));
  }

  private dispatch(t: Thread, chunk: Chunk): void {
    const taskId = this.nextTaskId++;
    Atomics.store(t.progress, 0, -1);
    t.busy = { chunk, taskId, index: -1, since: Date.now() };
    t.worker.postMessage({ id: taskId, op: chunk.request.op, items: chunk.items });
    this.startWatchdog();
  }

  private onMessage(t: Thread, m: ThreadMessage): void {
    if ('ready' in m) {
      t.ready = true;
      this.startFailures = 0;
      this.lastStartError = null;
      return this.pump();
    }
    const busy = t.busy;
    if (!busy || busy.taskId !== m.id) return;
    t.busy = undefined;
    const { chunk } = busy;
    const request = chunk.request;
    request.budget.spentMs += m.ms;
    m.results.forEach((r, k) => this.settle(request, chunk.slots[k], r));
    if (m.threw) {
      // RDKit's instance is broken after a throw: only a new thread is safe for the rest.
      this.settle(request, chunk.slots[m.threw.index], { failed: m.threw.message });
      this.requeueAfter(chunk, m.threw.index);
      void this.retire(t, true);
    }
    this.checkBudget(request);
    this.pump();
  }

  private onExit(t: Thread, code: number): void {
    this.threads.delete(t);
    if (t.retired) return;
    const reason = t.error?.message ?? `exit code ${code}`;
    if (!t.ready) {
      this.startFailures++;
      this.lastStartError = reason;
    }
    const busy = t.busy;
    if (busy) {
      this.restarts++;
      const culprit = Math.max(0, Math.min(Atomics.load(t.progress, 0), busy.chunk.items.length - 1));
      this.settle(busy.chunk.request, busy.chunk.slots[culprit], { failed: `the chemistry thread stopped: ${reason}` });
      this.requeueAround(busy.chunk, culprit);
    }
    this.pump();
  }

  /** Stops a thread; `replace` counts it and lets pump() start a fresh one. */
  private async retire(t: Thread, replace: boolean): Promise<void> {
    if (t.retired) return;
    t.retired = true;
    if (replace) this.restarts++;
    this.threads.delete(t);
    await t.worker.terminate().catch(() => {});
    if (replace) this.pump();
  }

  /** After a throw at `index`: the items after it run again elsewhere. */
  private requeueAfter(chunk: Chunk, index: number): void {
    if (index + 1 < chunk.items.length) {
      this.enqueue({ ...chunk, slots: chunk.slots.slice(index + 1), items: chunk.items.slice(index + 1) }, true);
    }
  }

  /** After a thread died on `index`: every other item of the chunk runs again (their answers were lost with it). */
  private requeueAround(chunk: Chunk, index: number): void {
    const keep = chunk.items.map((_, k) => k).filter((k) => k !== index && chunk.request.results[chunk.slots[k]] === undefined);
    if (keep.length) this.enqueue({ ...chunk, slots: keep.map((k) => chunk.slots[k]), items: keep.map((k) => chunk.items[k]) }, true);
  }

  private settle(request: PoolRequest, slot: number, result: ChemResult): void {
    if (request.done || request.results[slot] !== undefined) return;
    request.results[slot] = result;
    if (--request.remaining === 0) {
      request.done = true;
      request.resolve(request.results as ChemResult[]);
    }
  }

  private fail(request: PoolRequest, e: unknown): void {
    if (request.done) return;
    request.done = true;
    request.reject(e);
  }

  private checkBudget(request: PoolRequest): void {
    const { budget } = request;
    if (request.done || budget.spentMs <= budget.limitMs) return;
    const done = request.results.length - request.remaining;
    this.fail(
      request,
      new AppError(
        'PAYLOAD_TOO_LARGE',
        `these molecules need more than ${budget.limitMs >= 1000 ? `${Math.round(budget.limitMs / 1000)} s` : `${budget.limitMs} ms`} of chemistry time (CHEM_BUDGET_MS); ` +
          `${done} of ${request.results.length} were done. Split the job into smaller ones and submit them one after another`,
        { budgetMs: budget.limitMs },
      ),
    );
  }

  private refuseAll(e: AppError): void {
    for (const q of this.queues.values()) for (const c of q) this.fail(c.request, e);
    this.queues.clear();
    this.ring.length = 0;
  }

  /** Replaces a thread that has been on one item for longer than CHEM_ITEM_TIMEOUT_MS. */
  private startWatchdog(): void {
    if (this.watchdog) return;
    const { itemTimeoutMs } = this.settings();
    this.watchdog = setInterval(() => {
      const now = Date.now();
      let busy = 0;
      for (const t of this.threads) {
        if (!t.busy || t.retired) continue;
        busy++;
        const index = Atomics.load(t.progress, 0);
        if (index !== t.busy.index) {
          t.busy.index = index;
          t.busy.since = now;
        } else if (now - t.busy.since > itemTimeoutMs) {
          const { chunk } = t.busy;
          const culprit = Math.max(0, index);
          t.busy = undefined;
          this.settle(chunk.request, chunk.slots[culprit], { failed: `RDKit worked on it for more than ${itemTimeoutMs} ms (CHEM_ITEM_TIMEOUT_MS)` });
          this.requeueAround(chunk, culprit);
          void this.retire(t, true);
        }
      }
      if (busy === 0 && this.watchdog) {
        clearInterval(this.watchdog);
        this.watchdog = null;
      }
    }, Math.max(5, Math.floor(itemTimeoutMs / 4)));
    this.watchdog.unref();
  }
}

type ThreadMessage =
  | { ready: true }
  | { id: number; results: ChemResult[]; ms: number; threw?: { index: number; message: string } };

const g = globalThis as unknown as { __gatewayChemPool?: ChemPool };

/** The process's pool, started on first use (shared across Next.js module reloads). */
export function getChemPool(): ChemPool {
  g.__gatewayChemPool ??= new ChemPool();
  return g.__gatewayChemPool;
}

/** Stops the process's pool (tests, shutdown); the next getChemPool() starts a new one. */
export async function stopChemPool(): Promise<void> {
  const pool = g.__gatewayChemPool;
  g.__gatewayChemPool = undefined;
  await pool?.stop();
}
