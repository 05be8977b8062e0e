/**
 * A screen uploaded as a file: `rows` molecules no earlier part has seen, streamed to
 * POST /api/uploads (generated as they are sent, never a string in memory here), run on a model,
 * then the same file again (answered from the result cache). Beside it, the same model fed the
 * same molecules directly by this script with as many processes as the worker keeps warm.
 * The peak memory of the web process and of the worker is sampled throughout.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { distinctMolecule } from './molecules';

export interface FileScreenContext {
  url: string;
  token: string;
  model: string;
  rows: number;
  /** The pid of `npm start`'s supervisor: the web process and the worker are below it. */
  appPid: number;
  /** The model called directly on the same molecules with `processes` processes; its wall time in ms. */
  direct: (smiles: string[], processes: number) => Promise<number>;
  processes: number;
  jobStatus: (jobId: string) => Promise<{ status: string; itemsDone: number; itemsFailed: number }>;
  log: (line: string) => void;
}

function* fileLines(rows: number): Generator<Buffer> {
  let batch = '';
  for (let i = 0; i < rows; i++) {
    batch += `${distinctMolecule(i, 2)} file-${i}\n`;
    if (batch.length > 64 * 1024) {
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch) yield Buffer.from(batch);
}

/** Every process below `root`, with its parent and command line, read from /proc. */
function processTree(root: number): { pid: number; ppid: number; cmd: string; rssKiB: number }[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const status = readFileSync(`/proc/${d}/status`, 'utf8');
        const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
        const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return [{ pid: Number(d), ppid, cmd, rssKiB }];
      } catch {
        return [];
      }
    });
  const below = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) if (!below.has(p.pid) && below.has(p.ppid)) (below.add(p.pid), (grew = true));
  }
  return all.filter((p) => p.pid !== root && below.has(p.pid));
}

/** Samples the resident memory of the web server (Next and its children) and of the worker's own process (not its models). */
function memorySampler(appPid: number) {
  const peak = { webMiB: 0, workerMiB: 0 };
  const sample = () => {
    const tree = processTree(appPid);
    // `next start` and the server it runs (titled next-server): every Next process of the tree.
    const webKiB = tree.filter((p) => /next/.test(p.cmd) && !p.cmd.includes('src/workers')).reduce((s, p) => s + p.rssKiB, 0);
    const worker = tree.find((p) => p.cmd.includes('src/workers/main.ts'));
    peak.webMiB = Math.max(peak.webMiB, Math.round(webKiB / 1024));
    peak.workerMiB = Math.max(peak.workerMiB, Math.round((worker?.rssKiB ?? 0) / 1024));
  };
  sample();
  const timer = setInterval(sample, 250);
  return { peak, stop: () => (clearInterval(timer), sample(), { ...peak }) };
}

async function upload(ctx: FileScreenContext): Promise<{ uploadId: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${ctx.url}/api/uploads?filename=bench-${ctx.rows}.smi`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/octet-stream' },
    body: Readable.toWeb(Readable.from(fileLines(ctx.rows))) as ReadableStream,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  const answer = (await res.json()) as { uploadId?: string; rowsTotal?: number };
  if (res.status !== 201 || answer.rowsTotal !== ctx.rows) throw new Error(`POST /api/uploads answered ${res.status}: ${JSON.stringify(answer)}`);
  return { uploadId: answer.uploadId!, ms: performance.now() - started };
}

async function submit(ctx: FileScreenContext, uploadId: string, label: string): Promise<string> {
  const res = await fetch(`${ctx.url}/api/v1/uploads/${uploadId}/submit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: ctx.model, label }),
  });
  const job = (await res.json()) as { id?: string };
  if (!res.ok || !job.id) throw new Error(`submitting upload ${uploadId} answered ${res.status}: ${JSON.stringify(job)}`);
  return job.id;
}

/** Upload, submit and run the file once; times from the first byte sent. */
async function screenOnce(ctx: FileScreenContext, label: string) {
  const t0 = performance.now();
  const { uploadId, ms: acceptMs } = await upload(ctx);
  const t1 = performance.now();
  const jobId = await submit(ctx, uploadId, label);
  const submitMs = performance.now() - t1;
  let last = 0;
  for (;;) {
    const j = await ctx.jobStatus(jobId);
    if (['succeeded', 'failed', 'cancelled'].includes(j.status)) {
      if (j.itemsDone + j.itemsFailed !== ctx.rows) throw new Error(`job ${jobId} ended with ${j.itemsDone + j.itemsFailed} of ${ctx.rows} items`);
      return { jobId, acceptMs, submitMs, wallMs: performance.now() - t0, done: j.itemsDone, failed: j.itemsFailed };
    }
    const now = performance.now();
    if (now - last > 15_000) (ctx.log(`  ${label}: ${j.itemsDone + j.itemsFailed} of ${ctx.rows}`), (last = now));
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function benchFileScreen(ctx: FileScreenContext) {
  const memory = memorySampler(ctx.appPid);
  const before = { ...memory.peak };
  ctx.log(`  a ${ctx.rows}-molecule SMILES file, uploaded and run`);
  const first = await screenOnce(ctx, `file of ${ctx.rows}`);
  ctx.log(`  the same file again (the result cache)`);
  const again = await screenOnce(ctx, `file of ${ctx.rows}, again`);
  const peak = memory.stop();
  ctx.log(`  the same molecules fed directly to ${ctx.processes} model processes`);
  const smiles = Array.from({ length: ctx.rows }, (_, i) => distinctMolecule(i, 2));
  const directMs = await ctx.direct(smiles, ctx.processes);
  return {
    rows: ctx.rows,
    first,
    again,
    directMs,
    directProcesses: ctx.processes,
    gatewayOverDirect: first.wallMs / directMs,
    againOverFirst: again.wallMs / first.wallMs,
    memoryMiB: { before, peak },
  };
}
