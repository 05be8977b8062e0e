import pg from 'pg';

type Waiter = () => void;

/**
 * Wakes callers waiting on a job the moment the worker settles it (LISTEN job_finished),
 * with a slow poll as a floor in case a notification is lost on reconnect.
 */
export class JobWatcher {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(private readonly connectionString: string) {}

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'gateway-job-watcher' });
    client.on('error', () => {
      this.client = undefined;
      this.connecting = undefined;
    });
    client.on('notification', (msg) => {
      const set = msg.payload ? this.waiters.get(msg.payload) : undefined;
      set?.forEach((wake) => wake());
    });
    await client.connect();
    await client.query('listen job_finished');
    this.client = client;
  }

  /** Resolves when `isDone()` is true, checking on every notification for the job and every `pollMs`. */
  async waitFor(jobId: string, isDone: () => Promise<boolean>, timeoutMs: number, pollMs = 1000): Promise<boolean> {
    if (!this.client) {
      this.connecting ??= this.connect().catch((e) => {
        this.connecting = undefined;
        throw e;
      });
      await this.connecting;
    }
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
        if (await isDone()) return true;
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
