import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../server/db/client';
import { beat, HEARTBEAT_EVERY_MS, markStopped } from '../server/operations/heartbeat.repository';

/**
 * The worker's liveness for the admin console: a row it refreshes every few seconds with the
 * queue jobs it is handling. pg-boss keeps its own per-job heartbeats (a dead worker's tasks are
 * retried); this one says which worker processes exist at all.
 */
export function startHeartbeat(db: Db, executors: string[], log: (line: string) => void) {
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let running = 0;
  let finished = 0;
  let warned = false;
  const write = () =>
    beat(db, { id, host: hostname(), pid: process.pid, executors, tasksRunning: running, tasksFinished: finished }).then(
      () => (warned = false),
      (e) => {
        // The database is briefly away: the next beat tries again; say so once.
        if (!warned) log(`heartbeat not written: ${(e as Error).message}`);
        warned = true;
      },
    );
  void write();
  const timer = setInterval(() => void write(), HEARTBEAT_EVERY_MS);
  timer.unref();
  return {
    id,
    counting<A, R>(handle: (a: A) => Promise<R>): (a: A) => Promise<R> {
      return async (a) => {
        running += 1;
        try {
          return await handle(a);
        } finally {
          running -= 1;
          finished += 1;
        }
      };
    },
    async stop() {
      clearInterval(timer);
      await markStopped(db, id).catch(() => {});
    },
  };
}
