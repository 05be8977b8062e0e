import pg from 'pg';

type Waiter = () => void;

/** Jobs notified while no one waited on them, remembered for a caller who starts waiting just after. */
const RECENT_MAX = 10_000;

/**
 * Wakes callers waiting on a job the moment the worker settles it (LISTEN job_finished),
 * with a slow poll as a floor in case a notification is lost on reconnect.
 */
export class JobWatcher {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly recent = new Set<string>();
  /** Counts connections: what was notified while none listened is lost, so a new one starts a new generation. */
  private generation = 0;

  constructor(private readonly connectionString: string) {}

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'gateway-job-watcher' });
    client.on('error', () => {
      this.client = undefined;
      this.connecting = undefined;
    });
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      const set = this.waiters.get(msg.payload);
      if (set?.size) return set.forEach((wake) => wake());
      this.recent.add(msg.payload);
      if (this.recent.size > RECENT_MAX) this.recent.delete(this.recent.values().next().value!);
    });
    await client.connect();
    await client.query('listen job_finished');
    this.recent.clear();
    this.generation++;
    this.client = client;
  }

  /**
   * Listens (connecting once) and returns the connection's generation: a job created after this
   * resolves cannot end unheard while `waitFor` is given the same generation.
   */
  async listening(): Promise<number> {
    if (!this.client) {
      this.connecting ??= this.connect().catch((e) => {
        this.connecting = undefined;
        throw e;
      });
      await this.connecting;
    }
    return this.generation;
  }

  /**
   * Resolves when `isDone()` is true, checking on every notification for the job and every `pollMs`.
   * With `createdWhileListening` (a generation from `listening()`, taken before the job was
   * created) and that connection still up, the first check waits for the job's notification: one query less.
   */
  async waitFor(jobId: string, isDone: () => Promise<boolean>, timeoutMs: number, o: { pollMs?: number; createdWhileListening?: number } = {}): Promise<boolean> {
    const pollMs = o.pollMs ?? 1000;
    const generation = await this.listening();
    let skipCheck = o.createdWhileListening === generation && !this.recent.delete(jobId);
    const deadline = Date.now() + timeoutMs;
    let wake: Waiter = () => {};
    const set = this.waiters.get(jobId) ?? new Set();
    this.waiters.set(jobId, set);
    try {
      while (Date.now() < deadline) {
        const woken = new Promise<void>((resolve) => {
          wake = resolve;
          set.add(wake);
        });
        if (!skipCheck && (await isDone())) return true;
        skipCheck = false;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([woken, new Promise<void>((r) => (timer = setTimeout(r, Math.min(pollMs, deadline - Date.now()))))]);
        clearTimeout(timer);
        set.delete(wake);
      }
      return isDone();
    } finally {
      set.delete(wake);
      if (set.size === 0) this.waiters.delete(jobId);
    }
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }
}
