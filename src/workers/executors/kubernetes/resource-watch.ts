import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

export type WatchEvent = 'ADDED' | 'MODIFIED' | 'DELETED';
type Listener<T> = (type: WatchEvent, obj: T) => void;

export interface ResourceWatchOptions<T> {
  kc: KubeConfig;
  /** e.g. /apis/batch/v1/namespaces/models/jobs */
  path: string;
  labelSelector: string;
  list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  log: (line: string) => void;
}

const isGone = (e: unknown) => {
  const err = e as { statusCode?: number; code?: number; message?: string } | null;
  return !!err && (err.statusCode === 410 || err.code === 410 || err.message === 'Gone');
};

/**
 * A cache of one kind of object, kept by list-then-watch. A watch that ends (the server closed
 * it, a proxy dropped it) resumes from the last resourceVersion seen, so nothing in between is
 * missed; a resourceVersion the server has compacted away (410 Gone, as an ERROR event or as
 * the HTTP status) makes it list again and diff. Errors back off and retry; it never gives up.
 */
export class ResourceWatch<T extends KubernetesObject> {
  readonly objects = new Map<string, T>();
  private readonly listeners = new Set<Listener<T>>();
  private readonly watch: Watch;
  private resourceVersion = '';
  private stopped = false;
  private request: AbortController | undefined;
  private readyPromise: Promise<void>;
  private markReady!: () => void;
  /** How many times it listed, and resumed a watch from a resourceVersion. */
  readonly stats = { lists: 0, resumes: 0, gone: 0, errors: 0 };

  constructor(private readonly o: ResourceWatchOptions<T>) {
    this.watch = new Watch(o.kc);
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
    void this.loop();
  }

  /** Resolves once the first list is in the cache. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    this.request?.abort();
  }

  private emit(type: WatchEvent, obj: T): void {
    for (const l of [...this.listeners]) l(type, obj);
  }

  private async relist(): Promise<void> {
    const list = await this.o.list();
    this.stats.lists++;
    const seen = new Set<string>();
    for (const item of list.items) {
      const name = item.metadata!.name!;
      seen.add(name);
      const old = this.objects.get(name);
      this.objects.set(name, item);
      if (!old || old.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.emit(old ? 'MODIFIED' : 'ADDED', item);
    }
    for (const [name, obj] of this.objects) {
      if (!seen.has(name)) {
        this.objects.delete(name);
        this.emit('DELETED', obj);
      }
    }
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
  }

  private async loop(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) {
          await this.relist();
          this.markReady();
        } else {
          this.stats.resumes++;
        }
        const ended = await this.watchOnce();
        if (ended === 'gone') {
          this.stats.gone++;
          this.o.log(`watch of ${this.o.path}: resourceVersion ${this.resourceVersion} is gone (410); listing again`);
          this.resourceVersion = '';
        }
        delay = 250;
        // A server that closes watches at once must not make this spin.
        if (ended === 'closed-at-once') await sleep(100);
      } catch (e) {
        if (this.stopped) return;
        this.stats.errors++;
        this.o.log(`watch of ${this.o.path} failed (${(e as Error).message.split('\n')[0]}); retrying in ${delay} ms`);
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  /** One watch request, from the current resourceVersion, until the server ends it. */
  private watchOnce(): Promise<'closed' | 'closed-at-once' | 'gone'> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      let gone = false;
      const onEvent = (type: string, obj: any) => {
        if (type === 'ERROR') {
          if (obj?.code === 410) gone = true;
          else this.o.log(`watch of ${this.o.path} sent an error: ${obj?.message ?? JSON.stringify(obj)}`);
          return;
        }
        if (obj?.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
        if (type === 'BOOKMARK') return;
        const name = obj.metadata.name as string;
        if (type === 'DELETED') this.objects.delete(name);
        else this.objects.set(name, obj);
        this.emit(type as WatchEvent, obj);
      };
      const onDone = (err: unknown) => {
        this.request = undefined;
        if (this.stopped) return resolve('closed');
        if (gone || isGone(err)) return resolve('gone');
        if (err) return reject(err);
        resolve(Date.now() - started < 50 ? 'closed-at-once' : 'closed');
      };
      this.watch
        .watch(this.o.path, { labelSelector: this.o.labelSelector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 }, onEvent, onDone)
        .then((req) => {
          this.request = req;
          if (this.stopped) req.abort();
        }, reject);
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref?.());
