import type { PgBoss, WipData } from 'pg-boss';
import { BOSS_SCHEMA } from '../server/queue/boss';

/**
 * Wakes a worker's fetch loops when a job lands on their queue (pg-boss's NOTIFY, payload the
 * queue's name), fewer of them than pg-boss's own listener, which wakes every loop of the queue.
 * Polling stays on underneath, so a lost notification only costs latency.
 */
export interface Waker {
  /** A loop of `queue` fetched a full batch: more jobs may be waiting, so one more idle loop fetches now. */
  batchFilled: (queue: string) => void;
  stop: () => Promise<void>;
}

export interface WakerOptions {
  /**
   * Queues with many loops, where a job wakes every busy loop (it only refetches after its batch),
   * the idle loops that take only urgent jobs (`minPriority`), and one other idle loop. Other
   * queues' jobs wake all their loops.
   */
  sparing: string[];
  log: (line: string) => void;
}

const isUrgent = (loop: WipData) => loop.options.minPriority != null;
const idle = (loop: WipData) => loop.count === 0;
const loopsOf = (queue: string, wip: WipData[]) => wip.filter((l) => l.name === queue && l.state === 'active');
/** An idle loop that takes any job, not only urgent ones. */
const oneIdle = (loops: WipData[]) => loops.find((l) => idle(l) && !isUrgent(l));

/** The loops of `queue` that a new job on it wakes. */
function loopsToWake(queue: string, wip: WipData[], sparing: boolean): WipData[] {
  const loops = loopsOf(queue, wip);
  if (!sparing) return loops;
  const one = oneIdle(loops);
  return loops.filter((l) => !idle(l) || isUrgent(l) || l === one);
}

/** Listens on pg-boss's channel through its own connection (pg-boss's listener: reconnects with backoff). */
export async function startWaker(boss: PgBoss, o: WakerOptions): Promise<Waker> {
  const sparing = new Set(o.sparing);
  const wake = (loops: (WipData | undefined)[]) => {
    for (const l of loops) if (l) boss.notifyWorker(l.id);
  };
  const db = boss.getDb();
  // pg-boss's own expression for the channel (plans.notifyChannelSql), which its senders inline.
  const { rows } = await db.executeSql(`SELECT ('pgboss_' || left(encode(sha224('${BOSS_SCHEMA}'::bytea), 'hex'), 24)) AS channel`);
  const handle = await db
    .listen?.(
      rows[0].channel,
      (queue) => wake(loopsToWake(queue, boss.getWipData(), sparing.has(queue))),
      // Jobs queued while the connection was down sent notifications no one heard.
      () => wake(boss.getWipData().filter((l) => l.state === 'active')),
    )
    // Like pg-boss's own listener: a first connection that fails leaves polling alone.
    .catch((e: Error) => void o.log(`cannot LISTEN (${e.message}); loops find new jobs by polling only`));
  if (!db.listen) o.log('the database connection cannot LISTEN; loops find new jobs by polling only');
  return {
    batchFilled: (queue) => wake([oneIdle(loopsOf(queue, boss.getWipData()))]),
    async stop() {
      await handle?.close();
    },
  };
}
