import { readdirSync, readFileSync } from 'node:fs';

const PAGE = 4096;
// Linux reports CPU time in clock ticks, USER_HZ, which is 100 on every mainstream build.
const TICKS = 100;

/** Every live process below `pid` (threads' children included), and `pid` itself. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length && out.length < 10_000) {
    const p = stack.pop()!;
    out.push(p);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue; // gone already
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(' ')) if (c.trim()) stack.push(Number(c));
      } catch {
        /* the thread ended */
      }
    }
  }
  return out;
}

export interface TreeUsage {
  rssMb: number;
  cpuSeconds: number;
}

/** Resident memory and CPU time of a process tree, from /proc. */
export function treeUsage(pid: number): TreeUsage {
  let rssPages = 0;
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      rssPages += Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]) || 0;
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      /* the process ended between listing and reading */
    }
  }
  return { rssMb: (rssPages * PAGE) / 1024 / 1024, cpuSeconds: ticks / TICKS };
}

export interface Watch {
  memoryMb: number;
  /** CPU seconds after which the process should leave the pool. */
  retireAtCpuSeconds: number;
  alive: () => boolean;
  onMemory: (usage: TreeUsage) => void;
  onRetire: (usage: TreeUsage) => void;
  onExit: () => void;
  intervalMs?: number;
}

/**
 * Samples a sandbox's process tree: kills it (through `onMemory`) when its resident memory
 * passes the budget, asks for its retirement when its CPU time nears the limit, and reports
 * its end. RLIMIT_DATA and RLIMIT_CPU stay as the kernel's backstops.
 */
export function watch(pid: number, w: Watch): () => void {
  let retired = false;
  const timer = setInterval(() => {
    if (!w.alive()) {
      clearInterval(timer);
      w.onExit();
      return;
    }
    const usage = treeUsage(pid);
    if (usage.rssMb > w.memoryMb) {
      clearInterval(timer);
      w.onMemory(usage);
      // onExit follows once the process is seen dead.
      const wait = setInterval(() => {
        if (w.alive()) return;
        clearInterval(wait);
        w.onExit();
      }, 100);
      wait.unref();
      return;
    }
    if (!retired && usage.cpuSeconds >= w.retireAtCpuSeconds) {
      retired = true;
      w.onRetire(usage);
    }
  }, w.intervalMs ?? 200);
  timer.unref();
  return () => clearInterval(timer);
}
